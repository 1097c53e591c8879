import {
  type Cost,
  cloneController,
  type DynamicsPrior,
  InvalidArgumentError,
  type LinearGaussianController,
  type LinearGaussianDynamics,
  type QuadraticCost,
  type Sample,
  type SampleBatch,
  stackSamples,
} from '@visuomotor/contracts';
import {
  type DynamicsFitQuirks,
  fitDynamics,
  GmmDynamicsPrior,
  type GmmDynamicsPriorOptions,
} from '@visuomotor/gmm-prior';
import { npSum } from '@visuomotor/linalg';
import {
  EtaOutOfBoundsError,
  estimateCost,
  type KlConstrainedLqr,
  type TrajOptInput,
  type TrajOptResult,
} from '@visuomotor/lqr';
import { type CostExpansion, evalCostExpansion } from '../costs/expansion.js';
import type { PhaseTimings } from './types.js';

/**
 * Check the inputs every GPS algorithm shares: positive integer T, dX, dU; at least one initial
 * controller, each of those dimensions; one cost shared by all conditions or one per condition.
 *
 * @returns the number of conditions M and the cost of each condition
 */
export function checkAlgorithmInputs(options: {
  T: number;
  dX: number;
  dU: number;
  costs: Cost | readonly Cost[];
  initialControllers: readonly LinearGaussianController[];
}): { M: number; costs: readonly Cost[] } {
  const { T, dX, dU } = options;
  for (const [k, v] of Object.entries({ T, dX, dU })) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(k, 'a positive integer', v);
  }
  const M = options.initialControllers.length;
  if (M < 1) throw new InvalidArgumentError('initialControllers', 'at least one controller', M);
  options.initialControllers.forEach((c, m) => {
    if (c.T !== T || c.dX !== dX || c.dU !== dU) {
      throw new InvalidArgumentError(
        `initialControllers[${m}]`,
        `a controller with T=${T}, dX=${dX}, dU=${dU}`,
        { T: c.T, dX: c.dX, dU: c.dU },
      );
    }
  });
  const costs = Array.isArray(options.costs)
    ? (options.costs as readonly Cost[])
    : Array.from({ length: M }, () => options.costs as Cost);
  if (costs.length !== M) {
    throw new InvalidArgumentError(
      'costs',
      `one cost or ${M} costs (one per condition)`,
      costs.length,
    );
  }
  return { M, costs };
}

/** Which dynamics prior each condition uses. */
export type DynamicsPriorSpec =
  | { type: 'none' }
  | ({ type: 'gmm' } & GmmDynamicsPriorOptions)
  | { type: 'custom'; create: (condition: number) => DynamicsPrior };

/** Build condition m's dynamics prior from its spec (null for none). */
export function makeDynamicsPrior(spec: DynamicsPriorSpec, m: number): DynamicsPrior | null {
  switch (spec.type) {
    case 'none':
      return null;
    case 'gmm': {
      const { type: _t, ...opts } = spec;
      return new GmmDynamicsPrior(opts);
    }
    case 'custom':
      return spec.create(m);
    default:
      throw new InvalidArgumentError(
        'dynamicsPrior.type',
        '"none", "gmm" or "custom"',
        (spec as { type: unknown }).type,
      );
  }
}

/** Something whose state a checkpoint can carry (priors, optimisers). */
export interface Checkpointable {
  getState(): unknown;
  setState(state: never): void;
}

/** True when `p` has getState/setState. */
export function checkpointable(p: unknown): p is Checkpointable {
  return (
    p !== null &&
    typeof p === 'object' &&
    typeof (p as Partial<Checkpointable>).getState === 'function' &&
    typeof (p as Partial<Checkpointable>).setState === 'function'
  );
}

/** Settings of the per-step dynamics fit shared by every GPS algorithm. */
export interface DynamicsFitSettings {
  regularization: number;
  initialStateVar: number;
  quirks: Partial<DynamicsFitQuirks>;
}

/** One condition's samples, fitted dynamics and cost expansion for one iteration. */
export interface FittedCondition {
  batch: SampleBatch;
  /** Linear-Gaussian dynamics fitted to the samples (with x0mu, x0sigma). */
  dynamics: LinearGaussianDynamics;
  /** Sample-averaged quadratic cost expansion, with per-sample costs `cs [N, T]`. */
  cost: CostExpansion;
  /** Mean over samples of the total cost Σ_t l_t (reference `np.mean(np.sum(cs, 1))`). */
  mcCost: number;
  /** Standard deviation of the total cost over samples. */
  costStd: number;
}

/**
 * The first two phases of every GPS iteration for condition `m` (reference
 * `Algorithm._update_dynamics` and `_eval_cost`): stack the samples, update the dynamics prior
 * with them, fit linear-Gaussian dynamics per step, and evaluate the cost's quadratic
 * expansion. Adds the time spent to `timings.dynamics` and `timings.cost`.
 *
 * @param list - the N ≥ 2 samples of condition m, each with T, dX, dU as given
 */
export function fitCondition(
  list: readonly Sample[],
  m: number,
  dims: { T: number; dX: number; dU: number },
  prior: DynamicsPrior | null,
  cost: Cost,
  fit: DynamicsFitSettings,
  timings: PhaseTimings,
): FittedCondition {
  const { T, dX, dU } = dims;
  if (list.length < 2) {
    throw new InvalidArgumentError(
      `samples[${m}]`,
      'at least 2 samples to fit dynamics',
      list.length,
    );
  }
  let t = performance.now();
  const batch = stackSamples(list);
  if (batch.T !== T || batch.dX !== dX || batch.dU !== dU) {
    throw new InvalidArgumentError(`samples[${m}]`, `samples with T=${T}, dX=${dX}, dU=${dU}`, {
      T: batch.T,
      dX: batch.dX,
      dU: batch.dU,
    });
  }
  if (prior) prior.update(batch.X, batch.U, batch.N, T, dX, dU);
  const dynamics = fitDynamics(batch.X, batch.U, {
    N: batch.N,
    T,
    dX,
    dU,
    prior,
    regularization: fit.regularization,
    initialStateVar: fit.initialStateVar,
    quirks: fit.quirks,
  });
  timings.dynamics += performance.now() - t;
  t = performance.now();
  const expansion = evalCostExpansion(cost, list);
  const totals = new Float64Array(batch.N);
  for (let n = 0; n < batch.N; n++) totals[n] = npSum(expansion.cs, n * T, T);
  const mcCost = npSum(totals) / batch.N;
  let v = 0;
  for (let n = 0; n < batch.N; n++) v += (totals[n] - mcCost) ** 2;
  timings.cost += performance.now() - t;
  return { batch, dynamics, cost: expansion, mcCost, costStd: Math.sqrt(v / batch.N) };
}

/** What the previous iteration left of a condition, for the step-size rule. */
export interface PreviousIteration {
  /** The controller that drew the previous samples. */
  controller: LinearGaussianController;
  /** Dynamics fitted to the previous samples. */
  dynamics: LinearGaussianDynamics;
  /** Cost expansion on the previous samples. */
  cost: QuadraticCost;
}

/**
 * Predicted and actual improvement of the last update under the Laplace approximation
 * (reference `AlgorithmTrajOpt._stepadjust`):
 *
 *   predicted = Σ ℓ(p_prev; prev dynamics) − Σ ℓ(p_cur; prev dynamics),
 *   actual    = Σ ℓ(p_prev; prev dynamics) − Σ ℓ(p_cur; new dynamics),
 *
 * where p_cur is the controller that drew this iteration's samples.
 */
export function laplaceImprovement(
  prev: PreviousIteration,
  current: LinearGaussianController,
  dynamics: LinearGaussianDynamics,
  cost: QuadraticCost,
): { predicted: number; actual: number } {
  const prevLaplace = npSum(estimateCost(prev.controller, prev.dynamics, prev.cost));
  const newPredicted = npSum(estimateCost(current, prev.dynamics, prev.cost));
  const newActual = npSum(estimateCost(current, dynamics, cost));
  return { predicted: prevLaplace - newPredicted, actual: prevLaplace - newActual };
}

/**
 * What a KL-constrained trajectory update does when the backward pass finds no positive-definite
 * Q_uu even as η reaches its bound (1e16):
 *
 * - `'throw'` (default, the reference): `EtaOutOfBoundsError` stops the run;
 * - `'previous'`: return the η → ∞ limit of the constrained problem, the controller the KL is
 *   taken against (`prevController`: the previous controller, or MDGPS's policy linearisation),
 *   with KL 0 — a feasible solution of every KL bound. The condition's η is left where the
 *   search started, so the next iteration's search starts afresh.
 *
 * Such failures are numerical: as η grows, Q = C/η + KL terms + Fᵀ V F with V → 0 in exact
 * arithmetic, but V is the difference of terms of size ‖KᵀPK‖, and with contact-rich fitted
 * dynamics the rounding residue grows backwards in time until Q_uu is indefinite (peg2d from
 * η ≈ 1e11; issue 7).
 */
export type EtaLimit = 'throw' | 'previous';

/** Validate an {@link EtaLimit} option (default `'throw'`). */
export function checkEtaLimit(v: EtaLimit | undefined): EtaLimit {
  const e = v ?? 'throw';
  if (e !== 'throw' && e !== 'previous') {
    throw new InvalidArgumentError('etaLimit', '"throw" or "previous"', e);
  }
  return e;
}

/** The result of {@link updateWithEtaLimit}. */
export interface LimitedUpdate {
  controller: LinearGaussianController;
  /** η of the returned controller (the reached bound when `atLimit`). */
  eta: number;
  /** η to carry into the next iteration's search. */
  nextEta: number;
  kl: number;
  backwardCalls: number;
  /** Whether the update fell back to the η → ∞ limit. */
  atLimit: boolean;
}

/** `solver.update(input)` under the {@link EtaLimit} rule (scalar η only). */
export function updateWithEtaLimit(
  solver: KlConstrainedLqr,
  input: TrajOptInput,
  etaLimit: EtaLimit,
): LimitedUpdate {
  let r: TrajOptResult;
  try {
    r = solver.update(input);
  } catch (err) {
    if (etaLimit !== 'previous' || !(err instanceof EtaOutOfBoundsError)) throw err;
    const retries = (err.context as { retries?: number } | undefined)?.retries ?? 0;
    return {
      controller: cloneController(input.prevController),
      eta: err.eta,
      nextEta: input.eta0 as number,
      kl: 0,
      backwardCalls: retries + 1,
      atLimit: true,
    };
  }
  return {
    controller: r.controller,
    eta: r.eta as number,
    nextEta: r.eta as number,
    kl: r.kl,
    backwardCalls: r.backwardCalls,
    atLimit: false,
  };
}
