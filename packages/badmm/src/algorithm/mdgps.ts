import type { LinearGaussianController, PolicyUpdateReport, Sample } from '@visuomotor/contracts';
import { InvalidArgumentError } from '@visuomotor/contracts';
import { estimateCost, npSum } from '@visuomotor/lqr';
import { mdgpsAugmentedCost } from './mdgps-helpers.js';
import { policyLinearizationController, probSync } from './policy-gps.js';
import {
  type ConditionData,
  PolicyGpsBase,
  type PolicyGpsConditionRecord,
  type PolicyGpsIterationRecord,
  type PolicyGpsOptions,
} from './policy-gps-base.js';
import { newStepMultiplier } from './step-size.js';
import type { AlgorithmState, GpsAlgorithm } from './types.js';

/** Options of {@link MdgpsAlgorithm} (defaults: the reference's ALG and ALG_MDGPS). */
export interface MdgpsOptions extends PolicyGpsOptions {
  /**
   * Which estimate of last iteration's cost the step-size rule starts from (reference
   * `step_rule`): `'laplace'` (default) — the Laplace estimate of the previous policy
   * linearisation under the previous dynamics; `'mc'` — the sample mean of the previous costs.
   */
  stepRule?: 'laplace' | 'mc';
  /**
   * The step-size rule of the pretraining phase against `pretrainOptimizer` (the small
   * state-based network). Default: `stepRule`. With `'laplace'`, the estimate of the realised
   * improvement comes from the state network's linearisation; while that network still lags
   * behind the controllers (early in pretraining, before it fits them), the estimate shows
   * almost no improvement, the one step multiplier falls to its floor and the controllers stall
   * next to the network. `'mc'` measures the improvement by the samples' costs instead.
   * Only with `pretrainOptimizer` (trajectory-only pretraining has its own rule; setting it
   * without one throws).
   */
  pretrainStepRule?: 'laplace' | 'mc';
  /** ω of the maximum-entropy C-step (reference `max_ent_traj`). Default 0. */
  maxEntTraj?: number;
  /**
   * Evaluate the policy once more after the S-step to report `policyKl` (one extra `prob` call
   * per condition). Default true.
   */
  measurePolicyKl?: boolean;
}

/** `value` if it is a step rule, else an {@link InvalidArgumentError} naming `field`. */
function checkStepRule(field: string, value: unknown): 'laplace' | 'mc' {
  if (value !== 'laplace' && value !== 'mc') {
    throw new InvalidArgumentError(field, '"laplace" or "mc"', value);
  }
  return value;
}

/**
 * Mirror-descent guided policy search (Montgomery & Levine 2016, the authors' later
 * simplification of BADMM; reference `AlgorithmMDGPS`). Per iteration:
 *
 * 1. fit the dynamics and the cost expansion of every condition;
 * 2. at the first iteration (of a phase), S-step onto the initial controllers, so that the
 *    policy linearisation starts near them;
 * 3. linearise the policy at the samples (policy prior) into π̄_t = N(polK x + polk, polS);
 * 4. C-step: adapt the step size (one multiplier from the improvement averaged over
 *    conditions), then per condition min E_p[c] s.t. KL(p ‖ π̄) ≤ ε·stepMult·T by the
 *    KL-constrained LQR with the MDGPS cost form;
 * 5. S-step: regress the policy onto the new controllers' means at the sampled states,
 *    weighted by their precisions and ν (constant).
 *
 * Samples may be drawn off-policy (from the controllers, default) or on-policy (from the
 * global policy, `sampleOnPolicy`; see {@link PolicyGpsBase.sampleWithPolicy}).
 */
export class MdgpsAlgorithm extends PolicyGpsBase implements GpsAlgorithm {
  private readonly stepRule: 'laplace' | 'mc';
  private readonly pretrainStepRule: 'laplace' | 'mc';
  private readonly maxEntTraj: number;
  private readonly measure: boolean;

  constructor(options: MdgpsOptions) {
    super(options);
    this.stepRule = checkStepRule('stepRule', options.stepRule ?? 'laplace');
    this.pretrainStepRule = checkStepRule(
      'pretrainStepRule',
      options.pretrainStepRule ?? this.stepRule,
    );
    if (options.pretrainStepRule !== undefined && !options.pretrainOptimizer) {
      throw new InvalidArgumentError(
        'pretrainStepRule',
        'no pretrainStepRule without pretrainOptimizer (trajectory-only pretraining has its own step rule)',
        options.pretrainStepRule,
      );
    }
    this.maxEntTraj = options.maxEntTraj ?? 0;
    this.measure = options.measurePolicyKl ?? true;
  }

  iterate(samples: readonly (readonly Sample[])[]): PolicyGpsIterationRecord {
    const { t0, timings, itr, phase, opt, first } = this.beginIteration();
    const data = this.fitConditions(samples, timings);
    const M = this.conditions;
    const reports: PolicyUpdateReport[] = [];
    let t = performance.now();
    if (opt && first) {
      // Catch the policy up with the current controllers (reference: iteration 0).
      reports.push(
        this.trainPolicy(
          opt,
          data.map((d, m) => this.targetsFor(m, d, this.cond[m].controller, null)),
        ),
      );
    }
    if (opt) for (let m = 0; m < M; m++) this.fitPolicy(m, data[m], opt, true);
    timings.policy += performance.now() - t;
    const initKl = data.map((d, m) => this.policyKlSum(d, this.cond[m].controller));

    // C-step.
    t = performance.now();
    let predicted: number | null = null;
    let actual: number | null = null;
    const stepMults = this.cond.map((c) => c.stepMult);
    const tonly: [number | null, number | null][] = [];
    if (!opt) {
      for (let m = 0; m < M; m++) {
        const [p, a, s] = this.trajOnlyStepAdjust(m, data[m]);
        tonly.push([p, a]);
        stepMults[m] = s;
      }
    } else if (!first && this.cond.every((c) => c.prev)) {
      [predicted, actual] = this.improvement(data);
      for (let m = 0; m < M; m++) {
        stepMults[m] = newStepMultiplier(predicted, actual, this.cond[m].stepMult, this.base);
      }
    }
    timings.stepAdjust += performance.now() - t;
    t = performance.now();
    const results = data.map((d, m) => {
      const c = this.cond[m];
      if (!opt) return this.trajOnlyUpdate(m, d, stepMults[m]);
      const aug = mdgpsAugmentedCost(d.cost, c.info, this.maxEntTraj);
      return this.trajUpdate({
        dynamics: d.dynamics,
        cost: d.cost,
        prevController: aug.policy,
        eta0: c.eta,
        klStep: this.base.klStep * stepMults[m] * this.T,
        hooks: { augmentedCost: aug.augmentedCost },
        options: { condition: m, maxEntTraj: this.maxEntTraj },
      });
    });
    timings.trajOpt += performance.now() - t;
    const newCtrl: LinearGaussianController[] = results.map((r) => r.controller);

    // S-step.
    t = performance.now();
    if (opt) {
      reports.push(
        this.trainPolicy(
          opt,
          data.map((d, m) => this.targetsFor(m, d, newCtrl[m], null)),
        ),
      );
      if (this.measure) {
        for (const d of data) d.prob = probSync(opt, d.obs.slice(), d.N, this.T);
      }
    }
    timings.policy += performance.now() - t;
    const records: PolicyGpsConditionRecord[] = data.map((d, m) => {
      const c = this.cond[m];
      const r = results[m];
      c.eta = r.nextEta;
      c.stepMult = stepMults[m];
      return this.record(m, d, {
        kl: r.kl,
        eta: r.eta,
        stepMult: stepMults[m],
        predicted: opt ? predicted : (tonly[m]?.[0] ?? null),
        actual: opt ? actual : (tonly[m]?.[1] ?? null),
        backwardCalls: r.backwardCalls,
        policyKl: opt && this.measure ? this.policyKlSum(d, newCtrl[m]) : null,
        policyKlInitial: opt ? initKl[m] : null,
      });
    });
    this.advance(data, newCtrl);
    timings.total = performance.now() - t0;
    return { iteration: itr, conditions: records, timings, phase, policyUpdates: reports };
  }

  /**
   * Predicted and actual improvement averaged over conditions (reference
   * `AlgorithmMDGPS._stepadjust`): with L(c, traj_info) = Σ_t Laplace cost,
   * prevLaplace = L(π̄_prev, prev), prevPredicted = L(p_new,prev, prev),
   * curLaplace = L(π̄_cur, cur); `'laplace'`: predicted = prevLaplace − prevPredicted,
   * actual = prevLaplace − curLaplace; `'mc'`: the same from the previous sample mean cost.
   * The rule is `pretrainStepRule` in the pretraining phase, else `stepRule`.
   */
  private improvement(data: ConditionData[]): [number, number] {
    const M = this.conditions;
    const prevLaplace = new Float64Array(M);
    const prevMc = new Float64Array(M);
    const prevPredicted = new Float64Array(M);
    const curLaplace = new Float64Array(M);
    const curMc = new Float64Array(M);
    for (let m = 0; m < M; m++) {
      const c = this.cond[m];
      const prev = c.prev as NonNullable<typeof c.prev>;
      prevLaplace[m] = npSum(
        estimateCost(policyLinearizationController(prev.info), prev.dynamics, prev.cost),
      );
      prevMc[m] = prev.mcCost;
      prevPredicted[m] = npSum(estimateCost(prev.newController, prev.dynamics, prev.cost));
      curLaplace[m] = npSum(
        estimateCost(policyLinearizationController(c.info), data[m].dynamics, data[m].cost),
      );
      curMc[m] = data[m].mcCost;
    }
    const mean = (a: Float64Array) => npSum(a) / a.length;
    const rule = this.phase() === 'pretrain' ? this.pretrainStepRule : this.stepRule;
    const from = rule === 'laplace' ? mean(prevLaplace) : mean(prevMc);
    const cur = rule === 'laplace' ? mean(curLaplace) : mean(curMc);
    return [from - mean(prevPredicted), from - cur];
  }

  /** Checkpoint (the policy networks are not included: save the optimisers' own state). */
  getState(): AlgorithmState {
    return this.baseState('mdgps');
  }

  /** Restore a {@link getState} into an algorithm built with the same options. */
  setState(state: AlgorithmState): void {
    this.restoreBase(state, 'mdgps');
  }
}
