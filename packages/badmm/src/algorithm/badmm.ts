import type {
  LinearGaussianController,
  PolicyOptimizer,
  PolicyUpdateReport,
  Sample,
} from '@visuomotor/contracts';
import { InvalidArgumentError } from '@visuomotor/contracts';
import { npSum } from '@visuomotor/lqr';
import {
  badmmAugmentedCost,
  badmmEstimateCost,
  type DualStepPrecision,
  type NuSchedule,
  type NuThresholds,
  policyDualStep,
} from './badmm-helpers.js';
import { interpSchedule } from './policy-gps.js';
import {
  type ConditionData,
  PolicyGpsBase,
  type PolicyGpsConditionRecord,
  type PolicyGpsIterationRecord,
  type PolicyGpsOptions,
} from './policy-gps-base.js';
import { newStepMultiplier } from './step-size.js';
import type { AlgorithmState, GpsAlgorithm } from './types.js';

/** Options of {@link BadmmAlgorithm} (defaults: the reference's ALG and ALG_BADMM). */
export interface BadmmOptions extends PolicyGpsOptions {
  /** Alternations of policy regression and trajectory update per iteration (reference `inner_iterations`). Default 4. */
  innerIterations?: number;
  /** α of the mean multiplier λk (reference `policy_dual_rate`). Default 0.1. */
  policyDualRate?: number;
  /** α of the gain multiplier λK (reference `policy_dual_rate_covar`). Default 0. */
  policyDualRateCovar?: number;
  /** ν schedule (reference `fixed_lg_step` 0/1/2/3). Default `'dgd'` (0). */
  nuSchedule?: NuSchedule;
  /** Thresholds of the `'mean-std'` schedule: `'reference'` (default) or `'paper'`. */
  nuThresholds?: NuThresholds;
  /** Reference `exp_step_increase`. Default 2. */
  expStepIncrease?: number;
  /** Reference `exp_step_decrease`. Default 0.5. */
  expStepDecrease?: number;
  /** Reference `exp_step_upper` (overrides the thresholds preset). */
  expStepUpper?: number;
  /** Reference `exp_step_lower` (overrides the thresholds preset). */
  expStepLower?: number;
  /** Step of the `'dgd'`/`'fixed'` ν schedules, a number or log-interpolated knots (reference `lg_step_schedule`). Default 10. */
  lgStepSchedule?: number | readonly number[];
  /**
   * Entropy regularisation of the policy covariance, a number or knots (reference
   * `ent_reg_schedule`). Handed to the optimiser through a `setEntReg(value)` method when it has
   * one (the {@link PolicyOptimizer} interface has no such method). Default 0.
   */
  entRegSchedule?: number | readonly number[];
  /** Dual step on λ: `'reference'` (default, × trajectory precision) or `'paper'`. */
  dualPrecision?: DualStepPrecision;
  /**
   * Shift of the regression targets by the multipliers: `'reference'` (default; μ − ν P⁻¹ λ(x))
   * or `'exact'` (μ − P⁻¹ λ(x) / ν, the minimiser of ν KL + λᵀE_π[u]).
   */
  targetShift?: 'reference' | 'exact';
  /**
   * The policy prior's sample window. `'reference'` (default): the reference passes the sample
   * list where the prior's `mode` belongs, so the window keeps the first iteration's samples for
   * the whole run (the prior is refitted with the current policy every time). `'samples'`: each
   * iteration's samples enter the window per `policySampleMode`.
   */
  policyPriorWindow?: 'reference' | 'samples';
}

/**
 * BADMM guided policy search (paper Section 4, the BADMM derivation; reference `AlgorithmBADMM`).
 * Per iteration:
 *
 * 1. interpolate the schedules (lgStep, entReg); fit the dynamics and the cost expansion;
 * 2. linearise the policy at the samples (policy prior, `fitPolicyInfo`) and adapt the step size
 *    from the predicted and actual improvement of the Lagrangian (cost + Σ ν_t KL_t, Laplace
 *    estimates);
 * 3. `innerIterations` times: regress the policy onto the controllers shifted by the multipliers
 *    (not before the very first trajectory update), relinearise it, take the dual step on λ and —
 *    on the last inner iteration — ν, then update every controller by the KL-bounded LQR on the
 *    augmented cost with value multipliers (ν_{t+1}+η)/(ν_t+η).
 */
export class BadmmAlgorithm extends PolicyGpsBase implements GpsAlgorithm {
  private readonly o: Required<
    Omit<
      BadmmOptions,
      keyof PolicyGpsOptions | 'expStepUpper' | 'expStepLower' | 'lgStepSchedule' | 'entRegSchedule'
    >
  > & {
    expStepUpper?: number;
    expStepLower?: number;
    lgStepSchedule: number | readonly number[];
    entRegSchedule: number | readonly number[];
  };

  constructor(options: BadmmOptions) {
    super(options);
    this.o = {
      innerIterations: options.innerIterations ?? 4,
      policyDualRate: options.policyDualRate ?? 0.1,
      policyDualRateCovar: options.policyDualRateCovar ?? 0,
      nuSchedule: options.nuSchedule ?? 'dgd',
      nuThresholds: options.nuThresholds ?? 'reference',
      expStepIncrease: options.expStepIncrease ?? 2,
      expStepDecrease: options.expStepDecrease ?? 0.5,
      expStepUpper: options.expStepUpper,
      expStepLower: options.expStepLower,
      lgStepSchedule: options.lgStepSchedule ?? 10,
      entRegSchedule: options.entRegSchedule ?? 0,
      dualPrecision: options.dualPrecision ?? 'reference',
      targetShift: options.targetShift ?? 'reference',
      policyPriorWindow: options.policyPriorWindow ?? 'reference',
    };
    if (!Number.isInteger(this.o.innerIterations) || this.o.innerIterations < 1) {
      throw new InvalidArgumentError('innerIterations', 'an integer >= 1', this.o.innerIterations);
    }
  }

  iterate(samples: readonly (readonly Sample[])[]): PolicyGpsIterationRecord {
    const { t0, timings, itr, phase, opt, first } = this.beginIteration();
    // Schedules (reference _set_interp_values).
    const lgStep = interpSchedule(this.o.lgStepSchedule, itr, this.base.iterations);
    const entReg = interpSchedule(this.o.entRegSchedule, itr, this.base.iterations);
    if (opt) opt.setEntReg?.(entReg);
    const data = this.fitConditions(samples, timings);
    const M = this.conditions;
    if (!opt) return this.trajectoryOnly(data, timings, t0);

    // Policy fit with the new samples and step adjustment (reference _update_step_size).
    const stepMults: number[] = [];
    const impr: [number | null, number | null][] = [];
    let t = performance.now();
    for (let m = 0; m < M; m++) {
      const newSamples = this.o.policyPriorWindow === 'samples';
      this.fitPolicy(m, data[m], opt, newSamples);
    }
    timings.policy += performance.now() - t;
    t = performance.now();
    for (let m = 0; m < M; m++) {
      const c = this.cond[m];
      if (!first && c.prev) {
        const [p, a] = this.improvement(m, data[m]);
        impr.push([p, a]);
        stepMults.push(newStepMultiplier(p, a, c.stepMult, this.base));
      } else {
        impr.push([null, null]);
        stepMults.push(c.stepMult);
      }
    }
    timings.stepAdjust += performance.now() - t;
    const initKl = data.map((d, m) => this.policyKlSum(d, this.cond[m].controller));

    // Inner loop.
    const newCtrl: (LinearGaussianController | null)[] = new Array(M).fill(null);
    const etas = this.cond.map((c) => c.eta);
    const recEtas = etas.slice();
    const kls = new Array<number>(M).fill(0);
    const calls = new Array<number>(M).fill(0);
    const reports: PolicyUpdateReport[] = [];
    const I = this.o.innerIterations;
    for (let inner = 0; inner < I; inner++) {
      const policyStep = !first || inner > 0;
      t = performance.now();
      if (policyStep) {
        const targets = data.map((d, m) =>
          this.targetsFor(
            m,
            d,
            inner > 0 ? (newCtrl[m] as LinearGaussianController) : this.cond[m].controller,
            this.o.targetShift,
          ),
        );
        reports.push(this.trainPolicy(opt, targets));
      }
      for (let m = 0; m < M; m++) this.fitPolicy(m, data[m], opt, false);
      if (policyStep) {
        for (let m = 0; m < M; m++) {
          const c = this.cond[m];
          const d = data[m];
          if (!d.prob)
            throw new InvalidArgumentError(`policy at condition ${m}`, 'evaluated', null);
          policyDualStep(c.info, d.X, d.N, newCtrl[m] ?? c.controller, c.controller, d.prob, {
            step: inner === I - 1,
            dualRate: this.o.policyDualRate,
            dualRateCovar: this.o.policyDualRateCovar,
            lgStep,
            nuSchedule: this.o.nuSchedule,
            nuThresholds: this.o.nuThresholds,
            expStepIncrease: this.o.expStepIncrease,
            expStepDecrease: this.o.expStepDecrease,
            expStepUpper: this.o.expStepUpper,
            expStepLower: this.o.expStepLower,
            dualPrecision: this.o.dualPrecision,
            klPrecision: this.base.klPrecision,
          });
        }
      }
      timings.policy += performance.now() - t;
      t = performance.now();
      for (let m = 0; m < M; m++) {
        const c = this.cond[m];
        const d = data[m];
        const aug = badmmAugmentedCost(d.cost, c.controller, c.info);
        const r = this.trajUpdate({
          dynamics: d.dynamics,
          cost: aug.cost,
          prevController: c.controller,
          eta0: etas[m],
          klStep: this.base.klStep * stepMults[m] * this.T,
          hooks: { augmentedCost: aug.augmentedCost, nu: aug.nu },
          options: { condition: m },
        });
        newCtrl[m] = r.controller;
        etas[m] = r.nextEta;
        recEtas[m] = r.eta;
        kls[m] = r.kl;
        calls[m] += r.backwardCalls;
      }
      timings.trajOpt += performance.now() - t;
    }
    const records: PolicyGpsConditionRecord[] = data.map((d, m) => {
      const c = this.cond[m];
      c.eta = etas[m];
      c.stepMult = stepMults[m];
      return this.record(m, d, {
        kl: kls[m],
        eta: recEtas[m],
        stepMult: stepMults[m],
        predicted: impr[m][0],
        actual: impr[m][1],
        backwardCalls: calls[m],
        policyKl: this.policyKlSum(d, newCtrl[m] as LinearGaussianController),
        policyKlInitial: initKl[m],
      });
    });
    this.advance(data, newCtrl as LinearGaussianController[]);
    timings.total = performance.now() - t0;
    return { iteration: itr, conditions: records, timings, phase, policyUpdates: reports };
  }

  /**
   * Predicted and actual improvement of the BADMM objective (reference `_stepadjust`): Laplace
   * cost plus Σ_t ν_t KL_t(p ‖ policy linearisation), of the previous controller and the current
   * one under last iteration's dynamics / policy (predicted) and this iteration's (actual); ν is
   * the current one. (The reference also clamps the multiplier to the last realised KL step,
   * `last_kl_step`, which its Python trajectory optimiser leaves at +inf: inert, not reproduced.)
   */
  private improvement(m: number, d: ConditionData): [number, number] {
    const c = this.cond[m];
    const prev = c.prev as NonNullable<typeof c.prev>;
    const nu = c.info.nu;
    const wsum = (kl: Float64Array) => {
      const p = new Float64Array(kl.length);
      for (let i = 0; i < kl.length; i++) p[i] = kl[i] * nu[i];
      return npSum(p);
    };
    const prevE = badmmEstimateCost(prev.controller, prev.dynamics, prev.cost, prev.info);
    const predE = badmmEstimateCost(c.controller, prev.dynamics, prev.cost, prev.info);
    const actE = badmmEstimateCost(c.controller, d.dynamics, d.cost, c.info);
    const base = npSum(prevE.predictedCost) + wsum(prevE.predictedKl);
    const predicted = base - npSum(predE.predictedCost) - wsum(predE.predictedKl);
    const actual = base - npSum(actE.predictedCost) - wsum(actE.predictedKl);
    return [predicted, actual];
  }

  private trajectoryOnly(
    data: ConditionData[],
    timings: PolicyGpsIterationRecord['timings'],
    t0: number,
  ): PolicyGpsIterationRecord {
    const itr = this._iteration;
    const newCtrl: LinearGaussianController[] = [];
    const records = data.map((d, m) => {
      const c = this.cond[m];
      let t = performance.now();
      const [p, a, stepMult] = this.trajOnlyStepAdjust(m, d);
      timings.stepAdjust += performance.now() - t;
      t = performance.now();
      const r = this.trajOnlyUpdate(m, d, stepMult);
      timings.trajOpt += performance.now() - t;
      newCtrl.push(r.controller);
      c.eta = r.nextEta;
      c.stepMult = stepMult;
      return this.record(m, d, {
        kl: r.kl,
        eta: r.eta,
        stepMult,
        predicted: p,
        actual: a,
        backwardCalls: r.backwardCalls,
        policyKl: null,
        policyKlInitial: null,
      });
    });
    this.advance(data, newCtrl);
    timings.total = performance.now() - t0;
    return { iteration: itr, conditions: records, timings, phase: 'pretrain', policyUpdates: [] };
  }

  /** Checkpoint (the policy networks are not included: save the optimisers' own state). */
  getState(): AlgorithmState {
    return this.baseState('badmm');
  }

  /** Restore a {@link getState} into an algorithm built with the same options. */
  setState(state: AlgorithmState): void {
    this.restoreBase(state, 'badmm');
  }
}
