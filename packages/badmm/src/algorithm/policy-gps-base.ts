/**
 * The machinery BADMM and MDGPS share: per-condition dynamics fits and cost expansions, the
 * policy prior and linearisation, the regression targets, trajectory pretraining, metrics and
 * checkpoints. The two algorithms differ only in how an iteration orders these steps.
 */
import {
  type Cost,
  cloneController,
  type DynamicsPrior,
  InvalidArgumentError,
  type LinearGaussianController,
  type LinearGaussianDynamics,
  type Policy,
  type PolicyOptimizer,
  type PolicyProb,
  type PolicyTargets,
  type PolicyUpdateReport,
  type QuadraticCost,
  type Sample,
} from '@visuomotor/contracts';
import {
  type DynamicsFitQuirks,
  type PolicyPrior,
  PolicyPriorConstant,
  PolicyPriorGmm,
  type PolicyPriorGmmOptions,
} from '@visuomotor/gmm-prior';
import { KlConstrainedLqr, npSum, type TrajOptOptions } from '@visuomotor/lqr';
import { type PolicyKlPrecision, policyKl } from './badmm-helpers.js';
import {
  checkAlgorithmInputs,
  checkEtaLimit,
  checkpointable,
  type DynamicsFitSettings,
  type DynamicsPriorSpec,
  type EtaLimit,
  fitCondition,
  type LimitedUpdate,
  laplaceImprovement,
  makeDynamicsPrior,
  updateWithEtaLimit,
} from './condition-data.js';
import {
  clonePolicyInfo,
  concatTargets,
  conditionTargets,
  createPolicyInfo,
  fitPolicyInfo,
  type PolicyInfo,
  probSync,
  updateSync,
} from './policy-gps.js';
import { newStepMultiplier, type StepSizeOptions } from './step-size.js';

import type { AlgorithmState, ConditionRecord, IterationRecord, PhaseTimings } from './types.js';

/** Which policy prior linearises the global policy around each condition's samples. */
export type PolicyPriorSpec =
  | ({ type: 'gmm' } & PolicyPriorGmmOptions)
  | { type: 'constant'; strength?: number }
  | { type: 'custom'; create: (condition: number) => PolicyPrior };

/** Options common to {@link BadmmAlgorithm} and {@link MdgpsAlgorithm}. */
export interface PolicyGpsOptions extends StepSizeOptions {
  /** Horizon. */
  T: number;
  dX: number;
  dU: number;
  /** Cost of each condition (one cost is shared by all). */
  costs: Cost | readonly Cost[];
  /** Initial trajectory controllers, one per condition (e.g. from `initLqr`). */
  initialControllers: readonly LinearGaussianController[];
  /** The global policy's optimiser (only this interface is used; its `dO` must match the samples' observations). */
  policyOptimizer: PolicyOptimizer;
  /** Policy prior. Default `{type: 'gmm'}` (reference POLICY_PRIOR_GMM defaults). */
  policyPrior?: PolicyPriorSpec;
  /** Dynamics prior. Default `{type: 'gmm'}`. */
  dynamicsPrior?: DynamicsPriorSpec;
  /** Total number of iterations planned (reference `iterations`; used by interpolated schedules). Default 10. */
  iterations?: number;
  /** Base KL step ε per time step (reference `kl_step`). Default 0.2. */
  klStep?: number;
  /** Regularisation of the dynamics fit. Default 1e-6. */
  regularization?: number;
  /** Reference switches of the dynamics fit (`DynamicsFitQuirks` of @visuomotor/gmm-prior). Default: the reference's. */
  dynamicsFitQuirks?: Partial<DynamicsFitQuirks>;
  /** Floor of the initial-state variances (reference `initial_state_var`). Default 1e-6. */
  initialStateVar?: number;
  /** Initial eta of the dual search. Default 1. */
  initialEta?: number;
  /** Initial policy weight ν (reference `init_pol_wt`). Default 0.01. */
  initNu?: number;
  /**
   * How a condition's new samples enter the policy prior's window (reference
   * `policy_sample_mode`): `'add'` keeps the last `maxSamples` of the prior, `'replace'` uses only
   * the current samples. Default `'add'`.
   */
  policySampleMode?: 'add' | 'replace';
  /**
   * Sample with the global policy instead of the trajectory controllers from the second
   * iteration on (reference `sample_on_policy`; MDGPS "on-policy"). Only reported through
   * {@link PolicyGpsBase.sampleWithPolicy}: the trainer picks the sampler. Default false.
   */
  sampleOnPolicy?: boolean;
  /** Precision in the Monte-Carlo policy KL (see `policyKl`). Default `'reference'`. */
  klPrecision?: PolicyKlPrecision;
  /** Options of the KL-constrained LQR update. */
  trajOpt?: TrajOptOptions;
  /**
   * When a trajectory update's backward pass finds no positive-definite Q_uu even at the η
   * bound: `'throw'` (default, the reference) or `'previous'` (the η → ∞ limit: the controller
   * the KL is taken against; see {@link EtaLimit}).
   */
  etaLimit?: EtaLimit;
  /**
   * Trajectory pretraining (as in the paper, the trajectories are first optimised against a small
   * state-based network): the first `pretrainIterations` iterations use `pretrainOptimizer`
   * with the state x_t as its observation instead of `policyOptimizer` with the samples'
   * observations; without `pretrainOptimizer` those iterations are trajectory-only (no policy is
   * trained; the update is the KL-bounded LQR step against the previous controller). At the
   * switch, every condition's policy information (λ = 0, ν = initNu), policy prior and
   * step-size history is reset, and the switch iteration runs as an iteration 0 (MDGPS: the
   * S-step onto the current controllers before the C-step; BADMM: no policy step before the
   * first trajectory update). Default 0.
   */
  pretrainIterations?: number;
  /** The small state-based network of the pretraining phase (its `dO` must be dX). */
  pretrainOptimizer?: PolicyOptimizer;
}

/** Per-condition record of a BADMM / MDGPS iteration. */
export interface PolicyGpsConditionRecord extends ConditionRecord {
  /**
   * Σ_t of the Monte-Carlo KL(π ‖ p) between the policy (as last trained) and the new controller
   * at this iteration's samples; null in trajectory-only pretraining.
   */
  policyKl: number | null;
  /** Σ_t of the policy KL against the controller that drew the samples, before the update (reference `init_kl`). */
  policyKlInitial: number | null;
  /** Mean, min and max of ν_t. */
  nuMean: number;
  nuMin: number;
  nuMax: number;
  /** Largest |λk| entry (BADMM; 0 for MDGPS). */
  lambdaMax: number;
}

/** The record of one BADMM / MDGPS iteration. */
export interface PolicyGpsIterationRecord extends IterationRecord {
  conditions: PolicyGpsConditionRecord[];
  /** `'pretrain'` (state network or trajectory-only) or `'policy'`. */
  phase: 'pretrain' | 'policy';
  /** Reports of every policy update of the iteration. */
  policyUpdates: PolicyUpdateReport[];
  timings: PhaseTimings & { policy: number };
}

/** What a condition remembers between iterations. */
export interface PolicyGpsCondition {
  /** Controller to sample with at the next iteration (reference `cur.traj_distr`). */
  controller: LinearGaussianController;
  eta: number;
  stepMult: number;
  dynPrior: DynamicsPrior | null;
  policyPrior: PolicyPrior;
  /** Whether the policy prior has seen samples (BADMM's reference window). */
  priorSeeded: boolean;
  info: PolicyInfo;
  dynamics: LinearGaussianDynamics | null;
  /** Last iteration's data, for the step-size rule. */
  prev: {
    /** Controller that drew last iteration's samples. */
    controller: LinearGaussianController;
    /** Controller the last update produced (reference `prev.new_traj_distr`). */
    newController: LinearGaussianController;
    dynamics: LinearGaussianDynamics;
    cost: QuadraticCost;
    info: PolicyInfo;
    /** Mean over samples of Σ_t cost. */
    mcCost: number;
  } | null;
}

/** One condition's data of the current iteration. */
export interface ConditionData {
  N: number;
  X: Float64Array;
  U: Float64Array;
  /** Policy observations: the samples' `obs` (policy phase) or their states (pretraining). */
  obs: Float64Array;
  dO: number;
  dynamics: LinearGaussianDynamics;
  cost: QuadraticCost & { cs: Float64Array };
  mcCost: number;
  costStd: number;
  /** Policy at the samples (last evaluation). */
  prob: PolicyProb | null;
}

function makePolicyPrior(spec: PolicyPriorSpec, m: number): PolicyPrior {
  switch (spec.type) {
    case 'gmm': {
      const { type: _t, ...opts } = spec;
      return new PolicyPriorGmm(opts);
    }
    case 'constant':
      return new PolicyPriorConstant(spec.strength ?? 1e-4);
    case 'custom':
      return spec.create(m);
    default:
      throw new InvalidArgumentError(
        'policyPrior.type',
        '"gmm", "constant" or "custom"',
        (spec as { type: unknown }).type,
      );
  }
}

/** Resolved common options. */
export interface ResolvedPolicyGpsOptions {
  iterations: number;
  klStep: number;
  regularization: number;
  initialStateVar: number;
  initialEta: number;
  initNu: number;
  minStepMult: number;
  maxStepMult: number;
  policySampleMode: 'add' | 'replace';
  sampleOnPolicy: boolean;
  klPrecision: PolicyKlPrecision;
  pretrainIterations: number;
  etaLimit: EtaLimit;
}

/**
 * Base of {@link BadmmAlgorithm} and {@link MdgpsAlgorithm}: holds the conditions, the solver and
 * the optimisers; the subclasses implement `iterate`.
 */
export abstract class PolicyGpsBase {
  readonly conditions: number;
  readonly T: number;
  readonly dX: number;
  readonly dU: number;
  protected _iteration = 0;
  protected readonly cond: PolicyGpsCondition[];
  protected readonly costs: readonly Cost[];
  protected readonly solver: KlConstrainedLqr;
  protected readonly main: PolicyOptimizer;
  protected readonly pretrain: PolicyOptimizer | null;
  protected readonly base: ResolvedPolicyGpsOptions;
  private readonly fit: DynamicsFitSettings;
  private readonly policyPriorSpec: PolicyPriorSpec;

  protected constructor(options: PolicyGpsOptions) {
    const { T, dX, dU } = options;
    const { M, costs } = checkAlgorithmInputs(options);
    if (!options.policyOptimizer) {
      throw new InvalidArgumentError(
        'policyOptimizer',
        'a PolicyOptimizer',
        options.policyOptimizer,
      );
    }
    if (options.policyOptimizer.dU !== dU) {
      throw new InvalidArgumentError('policyOptimizer.dU', String(dU), options.policyOptimizer.dU);
    }
    if (options.pretrainOptimizer) {
      if (options.pretrainOptimizer.dU !== dU || options.pretrainOptimizer.dO !== dX) {
        throw new InvalidArgumentError(
          'pretrainOptimizer',
          `a state-based optimiser with dO = dX = ${dX}, dU = ${dU}`,
          { dO: options.pretrainOptimizer.dO, dU: options.pretrainOptimizer.dU },
        );
      }
    }
    this.base = {
      iterations: options.iterations ?? 10,
      klStep: options.klStep ?? 0.2,
      regularization: options.regularization ?? 1e-6,
      initialStateVar: options.initialStateVar ?? 1e-6,
      initialEta: options.initialEta ?? 1,
      initNu: options.initNu ?? 0.01,
      minStepMult: options.minStepMult ?? 0.01,
      maxStepMult: options.maxStepMult ?? 10,
      policySampleMode: options.policySampleMode ?? 'add',
      sampleOnPolicy: options.sampleOnPolicy ?? false,
      klPrecision: options.klPrecision ?? 'reference',
      pretrainIterations: options.pretrainIterations ?? 0,
      etaLimit: checkEtaLimit(options.etaLimit),
    };
    const b = this.base;
    if (!(b.klStep > 0)) throw new InvalidArgumentError('klStep', 'a positive number', b.klStep);
    if (!(b.minStepMult > 0 && b.maxStepMult >= b.minStepMult)) {
      throw new InvalidArgumentError('minStepMult/maxStepMult', '0 < minStepMult <= maxStepMult', [
        b.minStepMult,
        b.maxStepMult,
      ]);
    }
    if (!(b.initNu >= 0)) throw new InvalidArgumentError('initNu', 'a number >= 0', b.initNu);
    if (!Number.isInteger(b.pretrainIterations) || b.pretrainIterations < 0) {
      throw new InvalidArgumentError('pretrainIterations', 'an integer >= 0', b.pretrainIterations);
    }
    if (b.policySampleMode !== 'add' && b.policySampleMode !== 'replace') {
      throw new InvalidArgumentError('policySampleMode', '"add" or "replace"', b.policySampleMode);
    }
    this.T = T;
    this.dX = dX;
    this.dU = dU;
    this.conditions = M;
    this.costs = costs;
    this.main = options.policyOptimizer;
    this.pretrain = options.pretrainOptimizer ?? null;
    this.solver = new KlConstrainedLqr(T, dX, dU, options.trajOpt ?? {});
    this.policyPriorSpec = options.policyPrior ?? { type: 'gmm' };
    this.fit = {
      regularization: this.base.regularization,
      initialStateVar: this.base.initialStateVar,
      quirks: { ...(options.dynamicsFitQuirks ?? {}) },
    };
    const dynSpec = options.dynamicsPrior ?? { type: 'gmm' };
    this.cond = options.initialControllers.map((c, m) => ({
      controller: cloneController(c),
      eta: b.initialEta,
      stepMult: 1,
      dynPrior: makeDynamicsPrior(dynSpec, m),
      policyPrior: makePolicyPrior(this.policyPriorSpec, m),
      priorSeeded: false,
      info: createPolicyInfo(T, dX, dU, b.initNu),
      dynamics: null,
      prev: null,
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

  /** The global policy for rollouts (the pretraining network during pretraining). */
  policy(): Policy {
    return this.optimizer()?.asPolicy() ?? this.main.asPolicy();
  }

  /** The policy information (λ, ν, linearisation) of condition m. */
  policyInfo(m: number): PolicyInfo {
    return this.at(m).info;
  }

  /**
   * Whether the next iteration's samples should be drawn with {@link policy} rather than the
   * controllers (`sampleOnPolicy` and not the first iteration of a phase).
   */
  sampleWithPolicy(): boolean {
    return this.base.sampleOnPolicy && this.optimizer() !== null && !this.phaseStart();
  }

  /** `'pretrain'` while `iteration < pretrainIterations`, else `'policy'`. */
  phase(): 'pretrain' | 'policy' {
    return this._iteration < this.base.pretrainIterations ? 'pretrain' : 'policy';
  }

  /** The optimiser of the current phase (null: trajectory-only pretraining). */
  protected optimizer(): PolicyOptimizer | null {
    return this.phase() === 'pretrain' ? this.pretrain : this.main;
  }

  /** True at iteration 0 and at the first iteration after pretraining. */
  protected phaseStart(): boolean {
    return this._iteration === 0 || this._iteration === this.base.pretrainIterations;
  }

  /**
   * Start of an iteration, shared by BADMM and MDGPS: the clock, zeroed phase timings, the
   * iteration's phase and optimiser (null: trajectory-only pretraining), whether it starts a
   * phase, and the reset of the policy side at the switch from pretraining to the policy.
   */
  protected beginIteration(): {
    t0: number;
    timings: PhaseTimings & { policy: number };
    itr: number;
    phase: 'pretrain' | 'policy';
    opt: PolicyOptimizer | null;
    first: boolean;
  } {
    const t0 = performance.now();
    const timings = { dynamics: 0, cost: 0, stepAdjust: 0, trajOpt: 0, policy: 0, total: 0 };
    const itr = this._iteration;
    if (itr > 0 && itr === this.base.pretrainIterations) this.resetPolicySide();
    return {
      t0,
      timings,
      itr,
      phase: this.phase(),
      opt: this.optimizer(),
      first: this.phaseStart(),
    };
  }

  /** Reset the policy side of every condition (at the pretraining switch). */
  protected resetPolicySide(): void {
    this.cond.forEach((c, m) => {
      c.info = createPolicyInfo(this.T, this.dX, this.dU, this.base.initNu);
      c.policyPrior = makePolicyPrior(this.policyPriorSpec, m);
      c.priorSeeded = false;
      c.prev = null;
    });
  }

  /**
   * Dynamics fit and cost expansion of every condition (reference `_update_dynamics`,
   * `_eval_cost`). Not named `prepare`: the trainer duck-types an optional asynchronous
   * `prepare(samples)` hook on algorithms (prefetching work before `iterate`), which this
   * synchronous step is not.
   */
  protected fitConditions(
    samples: readonly (readonly Sample[])[],
    timings: PhaseTimings,
  ): ConditionData[] {
    if (samples.length !== this.conditions) {
      throw new InvalidArgumentError(
        'samples',
        `one list of samples per condition (${this.conditions})`,
        samples.length,
      );
    }
    const { dX } = this;
    const pretraining = this.phase() === 'pretrain';
    return samples.map((list, m) => {
      const c = this.cond[m];
      const opt = this.optimizer();
      if (!pretraining && list.length > 0 && list[0].dO !== this.main.dO) {
        throw new InvalidArgumentError(
          `samples[${m}].dO`,
          `the policy optimiser's dO (${this.main.dO})`,
          list[0].dO,
        );
      }
      const { batch, dynamics, cost, mcCost, costStd } = fitCondition(
        list,
        m,
        this,
        c.dynPrior,
        this.costs[m],
        this.fit,
        timings,
      );
      const stateObs = pretraining || opt === null;
      return {
        N: batch.N,
        X: batch.X,
        U: batch.U,
        obs: stateObs ? batch.X : batch.obs,
        dO: stateObs ? dX : batch.dO,
        dynamics,
        cost,
        mcCost,
        costStd,
        prob: null,
      };
    });
  }

  /**
   * Evaluate the policy at condition m's samples, update its policy prior and refit the
   * linearisation (reference `_update_policy_fit`).
   *
   * @param newSamples - whether this iteration's samples enter the prior's window
   *   (`'replace'` / `'add'` per `policySampleMode`), or the prior is refitted on its window
   *   with the current policy only
   */
  protected fitPolicy(
    m: number,
    d: ConditionData,
    opt: PolicyOptimizer,
    newSamples: boolean,
  ): void {
    const c = this.cond[m];
    const { T, dX, dU } = this;
    const prob = probSync(opt, d.obs.slice(), d.N, T);
    d.prob = prob;
    const prior = c.policyPrior as PolicyPrior & {
      update?: (...args: unknown[]) => void;
    };
    if (prior instanceof PolicyPriorGmm || typeof prior.update === 'function') {
      const meanFn = (o: Float64Array, n: number, tt: number) => probSync(opt, o, n, tt).mu;
      if (newSamples || !c.priorSeeded) {
        const mode = c.priorSeeded ? this.base.policySampleMode : 'replace';
        prior.update?.(d.X, d.obs, d.N, T, dX, d.dO, dU, meanFn, mode);
        c.priorSeeded = true;
      } else {
        const none = new Float64Array(0);
        prior.update?.(none, none, 0, T, dX, d.dO, dU, meanFn, 'add');
      }
    }
    fitPolicyInfo(c.info, prior, d.X, prob.mu.slice(), prob.sigma.slice(), d.N, 'allEntries');
  }

  /** Train the policy on the targets of every condition (reference `_update_policy`). */
  protected trainPolicy(opt: PolicyOptimizer, targets: PolicyTargets[]): PolicyUpdateReport {
    return updateSync(opt, concatTargets(targets));
  }

  /** Targets of condition m onto `traj` (with the BADMM multipliers when `lambda`). */
  protected targetsFor(
    m: number,
    d: ConditionData,
    traj: LinearGaussianController,
    lambda: 'reference' | 'exact' | null,
  ): PolicyTargets {
    const info = this.cond[m].info;
    return conditionTargets(
      traj,
      d.X,
      d.obs,
      d.N,
      d.dO,
      info.nu,
      lambda ? { K: info.lambdaK, k: info.lambdak, shift: lambda } : null,
    );
  }

  /** Σ_t of the sample-mean policy KL against `traj` (null without a policy evaluation). */
  protected policyKlSum(d: ConditionData, traj: LinearGaussianController): number | null {
    if (!d.prob || (this.base.klPrecision === 'reference' && d.N < 2)) return null;
    return npSum(policyKl(d.X, d.N, traj, d.prob, null, this.base.klPrecision).klMean);
  }

  /**
   * Trajectory-only step-size rule (as {@link TrajOptAlgorithm}), used in pretraining without a
   * network: predicted/actual improvement of the Laplace cost of the last update.
   */
  protected trajOnlyStepAdjust(
    m: number,
    d: ConditionData,
  ): [number | null, number | null, number] {
    const c = this.cond[m];
    if (!c.prev) return [null, null, c.stepMult];
    const { predicted, actual } = laplaceImprovement(c.prev, c.controller, d.dynamics, d.cost);
    return [predicted, actual, newStepMultiplier(predicted, actual, c.stepMult, this.base)];
  }

  /** The KL-constrained trajectory update against the previous controller (no policy terms). */
  protected trajOnlyUpdate(m: number, d: ConditionData, stepMult: number): LimitedUpdate {
    const c = this.cond[m];
    return this.trajUpdate({
      dynamics: d.dynamics,
      cost: d.cost,
      prevController: c.controller,
      eta0: c.eta,
      klStep: this.base.klStep * stepMult * this.T,
      options: { condition: m },
    });
  }

  /** One KL-constrained LQR update under the `etaLimit` rule. */
  protected trajUpdate(input: Parameters<KlConstrainedLqr['update']>[0]): LimitedUpdate {
    return updateWithEtaLimit(this.solver, input, this.base.etaLimit);
  }

  /** Record fields of a condition. */
  protected record(
    m: number,
    d: ConditionData,
    r: {
      kl: number;
      eta: number;
      stepMult: number;
      predicted: number | null;
      actual: number | null;
      backwardCalls: number;
      policyKl: number | null;
      policyKlInitial: number | null;
    },
  ): PolicyGpsConditionRecord {
    const info = this.cond[m].info;
    let nuMin = Number.POSITIVE_INFINITY;
    let nuMax = Number.NEGATIVE_INFINITY;
    for (const v of info.nu) {
      nuMin = Math.min(nuMin, v);
      nuMax = Math.max(nuMax, v);
    }
    let lambdaMax = 0;
    for (const v of info.lambdak) lambdaMax = Math.max(lambdaMax, Math.abs(v));
    return {
      condition: m,
      cost: d.mcCost,
      costStd: d.costStd,
      kl: r.kl,
      klStep: this.base.klStep * r.stepMult * this.T,
      eta: r.eta,
      stepMult: r.stepMult,
      predictedImprovement: r.predicted,
      actualImprovement: r.actual,
      backwardCalls: r.backwardCalls,
      policyKl: r.policyKl,
      policyKlInitial: r.policyKlInitial,
      nuMean: npSum(info.nu) / info.nu.length,
      nuMin,
      nuMax,
      lambdaMax,
    };
  }

  /**
   * Move this iteration's data to "prev" and the new controllers to "cur" (reference
   * `_advance_iteration_variables`).
   */
  protected advance(data: ConditionData[], newControllers: LinearGaussianController[]): void {
    this.cond.forEach((c, m) => {
      const d = data[m];
      c.prev = {
        controller: c.controller,
        newController: newControllers[m],
        dynamics: d.dynamics,
        cost: { T: this.T, dX: this.dX, dU: this.dU, cc: d.cost.cc, cv: d.cost.cv, Cm: d.cost.Cm },
        info: clonePolicyInfo(c.info),
        mcCost: d.mcCost,
      };
      c.dynamics = d.dynamics;
      c.controller = newControllers[m];
    });
    this._iteration++;
  }

  /**
   * Serialisable state, including the policy optimisers' training state when they provide
   * `getTrainingState` (otherwise checkpoint the networks separately).
   */
  protected baseState(kind: string, extra: Record<string, unknown> = {}): AlgorithmState {
    return {
      kind,
      iteration: this._iteration,
      data: {
        ...extra,
        policyOptimizer: this.main.getTrainingState?.() ?? null,
        pretrainOptimizer: this.pretrain?.getTrainingState?.() ?? null,
        conditions: this.cond.map((c) => ({
          controller: c.controller,
          eta: c.eta,
          stepMult: c.stepMult,
          dynPrior: checkpointable(c.dynPrior) ? c.dynPrior.getState() : null,
          policyPrior: checkpointable(c.policyPrior) ? c.policyPrior.getState() : null,
          priorSeeded: c.priorSeeded,
          info: clonePolicyInfo(c.info),
          dynamics: c.dynamics,
          prev: c.prev
            ? {
                ...c.prev,
                cost: { cc: c.prev.cost.cc, cv: c.prev.cost.cv, Cm: c.prev.cost.Cm },
              }
            : null,
        })),
      },
    };
  }

  /** Restore from {@link baseState}. */
  protected restoreBase(state: AlgorithmState, kind: string): Record<string, unknown> {
    if (state.kind !== kind) throw new InvalidArgumentError('state.kind', `"${kind}"`, state.kind);
    const conds = (state.data as { conditions?: unknown[] }).conditions;
    if (!Array.isArray(conds) || conds.length !== this.conditions) {
      throw new InvalidArgumentError(
        'state.data.conditions',
        `${this.conditions} condition states`,
        Array.isArray(conds) ? conds.length : conds,
      );
    }
    const { T, dX, dU } = this;
    const ctrl = (x: LinearGaussianController) => ({ ...x, T, dX, dU });
    const dyn = (x: LinearGaussianDynamics) => ({ ...x, T, dX, dU });
    const info = (x: PolicyInfo) => clonePolicyInfo({ ...x, T, dX, dU });
    conds.forEach((raw, m) => {
      const s = raw as {
        controller: LinearGaussianController;
        eta: number;
        stepMult: number;
        dynPrior: unknown;
        policyPrior: unknown;
        priorSeeded: boolean;
        info: PolicyInfo;
        dynamics: LinearGaussianDynamics | null;
        prev:
          | (Omit<NonNullable<PolicyGpsCondition['prev']>, 'cost'> & {
              cost: { cc: Float64Array; cv: Float64Array; Cm: Float64Array };
            })
          | null;
      };
      const c = this.cond[m];
      c.controller = ctrl(s.controller);
      c.eta = s.eta;
      c.stepMult = s.stepMult;
      c.priorSeeded = s.priorSeeded;
      c.info = info(s.info);
      c.dynamics = s.dynamics ? dyn(s.dynamics) : null;
      c.prev = s.prev
        ? {
            controller: ctrl(s.prev.controller),
            newController: ctrl(s.prev.newController),
            dynamics: dyn(s.prev.dynamics),
            cost: { ...s.prev.cost, T, dX, dU },
            info: info(s.prev.info),
            mcCost: s.prev.mcCost,
          }
        : null;
      for (const [name, obj, st] of [
        ['dynPrior', c.dynPrior, s.dynPrior],
        ['policyPrior', c.policyPrior, s.policyPrior],
      ] as const) {
        if (st === null || st === undefined) continue;
        if (!checkpointable(obj)) {
          throw new InvalidArgumentError(
            `state.data.conditions[${m}].${name}`,
            'no state (this prior is not checkpointable)',
            'a prior state',
          );
        }
        obj.setState(st as never);
      }
    });
    for (const [name, opt] of [
      ['policyOptimizer', this.main],
      ['pretrainOptimizer', this.pretrain],
    ] as const) {
      const st = (state.data as Record<string, unknown>)[name];
      if (st === null || st === undefined || !opt) continue;
      if (!opt.setTrainingState) {
        throw new InvalidArgumentError(
          `state.data.${name}`,
          'no training state (this optimiser cannot restore one)',
          'a training state',
        );
      }
      opt.setTrainingState(st as never);
    }
    this._iteration = state.iteration;
    return state.data;
  }

  protected at(m: number): PolicyGpsCondition {
    if (!Number.isInteger(m) || m < 0 || m >= this.conditions) {
      throw new InvalidArgumentError('condition', `an integer in [0, ${this.conditions})`, m);
    }
    return this.cond[m];
  }
}
