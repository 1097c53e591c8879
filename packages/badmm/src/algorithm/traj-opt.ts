import {
  type Cost,
  cloneController,
  type DynamicsPrior,
  InvalidArgumentError,
  type LinearGaussianController,
  type LinearGaussianDynamics,
  type QuadraticCost,
  type Sample,
} from '@visuomotor/contracts';
import type { DynamicsFitQuirks } from '@visuomotor/gmm-prior';
import { KlConstrainedLqr, type TrajOptOptions } from '@visuomotor/lqr';
import {
  checkAlgorithmInputs,
  checkEtaLimit,
  checkpointable,
  type DynamicsFitSettings,
  type DynamicsPriorSpec,
  type EtaLimit,
  fitCondition,
  laplaceImprovement,
  makeDynamicsPrior,
  updateWithEtaLimit,
} from './condition-data.js';
import { newStepMultiplier, type StepSizeOptions } from './step-size.js';
import type {
  AlgorithmState,
  ConditionRecord,
  GpsAlgorithm,
  IterationRecord,
  PhaseTimings,
} from './types.js';

export type { DynamicsPriorSpec } from './condition-data.js';

/** Options of {@link TrajOptAlgorithm} (defaults: the reference's ALG and DYN_PRIOR_GMM). */
export interface TrajOptAlgorithmOptions extends StepSizeOptions {
  /** Horizon. */
  T: number;
  dX: number;
  dU: number;
  /** Cost of each condition (one cost is shared by all). */
  costs: Cost | readonly Cost[];
  /** Initial controller of each condition (e.g. from `initLqr`). */
  initialControllers: readonly LinearGaussianController[];
  /** Dynamics prior per condition. Default `{type: 'gmm'}` with the reference's settings. */
  dynamicsPrior?: DynamicsPriorSpec;
  /** Base KL step ε per time step (reference `kl_step`). Default 0.2. */
  klStep?: number;
  /** Regularisation of the dynamics fit. Default 1e-6. */
  regularization?: number;
  /**
   * Reference switches of the dynamics fit (see `DynamicsFitQuirks` in @visuomotor/gmm-prior);
   * unspecified fields keep the reference defaults. Without a prior and with identical initial
   * states, `{regularizationMode: 'diagonal'}` (the paper's ridge) keeps the t = 0 regression
   * well posed where the reference's all-entries term leaves it singular.
   */
  dynamicsFitQuirks?: Partial<DynamicsFitQuirks>;
  /** Floor of the initial-state variances (reference `initial_state_var`). Default 1e-6. */
  initialStateVar?: number;
  /** Trajectory updates per iteration (reference `inner_iterations`). Default 1. */
  innerIterations?: number;
  /** Initial eta of the dual search. Default 1. */
  initialEta?: number;
  /** Options of the KL-constrained LQR update. */
  trajOpt?: TrajOptOptions;
  /**
   * When the backward pass finds no positive-definite Q_uu even at the η bound: `'throw'`
   * (default, the reference) or `'previous'` (keep the previous controller, the η → ∞ limit;
   * see {@link EtaLimit}).
   */
  etaLimit?: EtaLimit;
}

/** What the algorithm remembers of a condition between iterations. */
interface ConditionState {
  /** Controller to sample with at the next iteration. */
  controller: LinearGaussianController;
  eta: number;
  stepMult: number;
  prior: DynamicsPrior | null;
  /** Last iteration's data: the controller that drew its samples, its dynamics and cost. */
  prev: {
    controller: LinearGaussianController;
    dynamics: LinearGaussianDynamics;
    cost: QuadraticCost;
  } | null;
  dynamics: LinearGaussianDynamics | null;
}

/**
 * Trajectory-only guided policy search (the reference's AlgorithmTrajOpt; paper Section 4.2,
 * Appendix A.3-A.4): at each iteration and for each condition,
 *
 * 1. update the dynamics prior with the new samples and fit linear-Gaussian dynamics
 *    p(x_{t+1} | x_t, u_t) per step (with x0mu, x0sigma);
 * 2. evaluate the cost on the samples and average its quadratic expansion;
 * 3. adapt the step size from the improvement the last update predicted versus the one it
 *    achieved (see {@link newStepMultiplier});
 * 4. update the controller by LQR under the bound KL(p_new ‖ p_old) ≤ ε·stepMult·T, with
 *    the dual variable eta found by bracketing and carried to the next iteration.
 */
export class TrajOptAlgorithm implements GpsAlgorithm {
  readonly conditions: number;
  readonly T: number;
  readonly dX: number;
  readonly dU: number;
  private _iteration = 0;
  private readonly cond: ConditionState[];
  private readonly costs: readonly Cost[];
  private readonly solver: KlConstrainedLqr;
  private readonly fit: DynamicsFitSettings;
  private readonly etaLimit: EtaLimit;
  private readonly o: Required<
    Pick<
      TrajOptAlgorithmOptions,
      | 'klStep'
      | 'regularization'
      | 'initialStateVar'
      | 'innerIterations'
      | 'initialEta'
      | 'minStepMult'
      | 'maxStepMult'
    >
  >;

  constructor(options: TrajOptAlgorithmOptions) {
    const { T, dX, dU } = options;
    const { M, costs } = checkAlgorithmInputs(options);
    this.o = {
      klStep: options.klStep ?? 0.2,
      regularization: options.regularization ?? 1e-6,
      initialStateVar: options.initialStateVar ?? 1e-6,
      innerIterations: options.innerIterations ?? 1,
      initialEta: options.initialEta ?? 1,
      minStepMult: options.minStepMult ?? 0.01,
      maxStepMult: options.maxStepMult ?? 10,
    };
    if (!(this.o.klStep > 0))
      throw new InvalidArgumentError('klStep', 'a positive number', this.o.klStep);
    if (!(this.o.minStepMult > 0 && this.o.maxStepMult >= this.o.minStepMult)) {
      throw new InvalidArgumentError('minStepMult/maxStepMult', '0 < minStepMult <= maxStepMult', [
        this.o.minStepMult,
        this.o.maxStepMult,
      ]);
    }
    this.T = T;
    this.dX = dX;
    this.dU = dU;
    this.conditions = M;
    this.costs = costs;
    this.solver = new KlConstrainedLqr(T, dX, dU, options.trajOpt ?? {});
    this.etaLimit = checkEtaLimit(options.etaLimit);
    this.fit = {
      regularization: this.o.regularization,
      initialStateVar: this.o.initialStateVar,
      quirks: { ...(options.dynamicsFitQuirks ?? {}) },
    };
    const spec = options.dynamicsPrior ?? { type: 'gmm' };
    this.cond = options.initialControllers.map((c, m) => ({
      controller: cloneController(c),
      eta: this.o.initialEta,
      stepMult: 1,
      prior: makeDynamicsPrior(spec, m),
      prev: null,
      dynamics: null,
    }));
  }

  get iteration(): number {
    return this._iteration;
  }

  controller(m: number): LinearGaussianController {
    return this.at(m).controller;
  }

  dynamics(m: number): LinearGaussianDynamics | null {
    return this.at(m).dynamics;
  }

  iterate(samples: readonly (readonly Sample[])[]): IterationRecord {
    if (samples.length !== this.conditions) {
      throw new InvalidArgumentError(
        'samples',
        `one list of samples per condition (${this.conditions})`,
        samples.length,
      );
    }
    const timings: PhaseTimings = { dynamics: 0, cost: 0, stepAdjust: 0, trajOpt: 0, total: 0 };
    const t0 = performance.now();
    const records: ConditionRecord[] = [];
    const pending: (() => void)[] = [];
    const { T } = this;
    for (let m = 0; m < this.conditions; m++) {
      const c = this.cond[m];
      // 1-2. dynamics prior update and fit, cost expansion
      const {
        dynamics,
        cost: expansion,
        mcCost: cost,
        costStd,
      } = fitCondition(samples[m], m, this, c.prior, this.costs[m], this.fit, timings);
      // 3. step size
      let t = performance.now();
      let predicted: number | null = null;
      let actual: number | null = null;
      let stepMult = c.stepMult;
      if (this._iteration >= 1 && c.prev) {
        ({ predicted, actual } = laplaceImprovement(c.prev, c.controller, dynamics, expansion));
        stepMult = newStepMultiplier(predicted, actual, c.stepMult, this.o);
      }
      timings.stepAdjust += performance.now() - t;
      // 4. trajectory update
      t = performance.now();
      let controller = c.controller;
      let eta = c.eta;
      let recordEta = c.eta;
      let kl = 0;
      let backwardCalls = 0;
      const klBound = this.o.klStep * stepMult * T;
      for (let i = 0; i < this.o.innerIterations; i++) {
        const r = updateWithEtaLimit(
          this.solver,
          {
            dynamics,
            cost: expansion,
            prevController: c.controller,
            eta0: eta,
            klStep: klBound,
            options: { condition: m },
          },
          this.etaLimit,
        );
        controller = r.controller;
        eta = r.nextEta;
        recordEta = r.eta;
        kl = r.kl;
        backwardCalls += r.backwardCalls;
      }
      timings.trajOpt += performance.now() - t;
      records.push({
        condition: m,
        cost,
        costStd,
        kl,
        klStep: klBound,
        eta: recordEta,
        stepMult,
        predictedImprovement: predicted,
        actualImprovement: actual,
        backwardCalls,
      });
      // Advance once every condition has succeeded: this iteration's data becomes "prev" and
      // the new controller samples next. (A failed iteration leaves controllers, eta and step
      // multipliers as they were; the dynamics priors have seen the data, so resume from the
      // last checkpoint to retry exactly.)
      pending.push(() => {
        c.prev = { controller: c.controller, dynamics, cost: expansion };
        c.dynamics = dynamics;
        c.controller = controller;
        c.eta = eta;
        c.stepMult = stepMult;
      });
    }
    for (const commit of pending) commit();
    timings.total = performance.now() - t0;
    const record: IterationRecord = { iteration: this._iteration, conditions: records, timings };
    this._iteration++;
    return record;
  }

  getState(): AlgorithmState {
    return {
      kind: 'traj-opt',
      iteration: this._iteration,
      data: {
        conditions: this.cond.map((c) => ({
          controller: c.controller,
          eta: c.eta,
          stepMult: c.stepMult,
          prev: c.prev
            ? {
                controller: c.prev.controller,
                dynamics: c.prev.dynamics,
                cost: { cc: c.prev.cost.cc, cv: c.prev.cost.cv, Cm: c.prev.cost.Cm },
              }
            : null,
          dynamics: c.dynamics,
          prior: checkpointable(c.prior) ? c.prior.getState() : null,
        })),
      },
    };
  }

  /**
   * Restore a state from {@link getState} into an algorithm built with the same options:
   * the following iterations reproduce an unbroken run bit for bit.
   */
  setState(state: AlgorithmState): void {
    if (state.kind !== 'traj-opt') {
      throw new InvalidArgumentError('state.kind', '"traj-opt"', state.kind);
    }
    const conds = (state.data as { conditions?: unknown[] }).conditions;
    if (!Array.isArray(conds) || conds.length !== this.conditions) {
      throw new InvalidArgumentError(
        'state.data.conditions',
        `${this.conditions} condition states`,
        Array.isArray(conds) ? conds.length : conds,
      );
    }
    const { T, dX, dU } = this;
    conds.forEach((raw, m) => {
      const s = raw as {
        controller: LinearGaussianController;
        eta: number;
        stepMult: number;
        prev: {
          controller: LinearGaussianController;
          dynamics: LinearGaussianDynamics;
          cost: { cc: Float64Array; cv: Float64Array; Cm: Float64Array };
        } | null;
        dynamics: LinearGaussianDynamics | null;
        prior: unknown;
      };
      const c = this.cond[m];
      c.controller = { ...s.controller, T, dX, dU };
      c.eta = s.eta;
      c.stepMult = s.stepMult;
      c.prev = s.prev
        ? {
            controller: { ...s.prev.controller, T, dX, dU },
            dynamics: { ...s.prev.dynamics, T, dX, dU },
            cost: { ...s.prev.cost, T, dX, dU },
          }
        : null;
      c.dynamics = s.dynamics ? { ...s.dynamics, T, dX, dU } : null;
      if (s.prior !== null && s.prior !== undefined) {
        if (!checkpointable(c.prior)) {
          throw new InvalidArgumentError(
            `state.data.conditions[${m}].prior`,
            'no prior state (this algorithm has no checkpointable prior)',
            'a prior state',
          );
        }
        c.prior.setState(s.prior as never);
      }
    });
    this._iteration = state.iteration;
  }

  private at(m: number): ConditionState {
    if (!Number.isInteger(m) || m < 0 || m >= this.conditions) {
      throw new InvalidArgumentError('condition', `an integer in [0, ${this.conditions})`, m);
    }
    return this.cond[m];
  }
}
