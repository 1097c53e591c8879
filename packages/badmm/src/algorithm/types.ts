import type {
  LinearGaussianController,
  LinearGaussianDynamics,
  Sample,
} from '@visuomotor/contracts';

/**
 * Per-condition outcome of one GPS iteration (one line of the trainer's metrics.jsonl).
 */
export interface ConditionRecord {
  /** Condition index. */
  condition: number;
  /** Mean over this iteration's samples of the total cost Σ_t l_t. */
  cost: number;
  /** Standard deviation of the total cost over the samples. */
  costStd: number;
  /** KL divergence between the new and the previous controller under the new trajectory distribution (sum over t). */
  kl: number;
  /** KL bound used: base step · stepMult · T. */
  klStep: number;
  /** Final Lagrange multiplier of the KL constraint (a vector for per-step constraints: its mean). */
  eta: number;
  /** Step-size multiplier after this iteration's adjustment. */
  stepMult: number;
  /** Predicted improvement of the previous update (from the Laplace cost estimate), if known. */
  predictedImprovement: number | null;
  /** Actual improvement of the previous update, if known. */
  actualImprovement: number | null;
  /** Number of backward passes in the dual (eta) search. */
  backwardCalls: number;
}

/** Wall-clock time of each phase of an iteration, in milliseconds. */
export interface PhaseTimings {
  dynamics: number;
  cost: number;
  stepAdjust: number;
  trajOpt: number;
  total: number;
}

/** The record of one iteration. */
export interface IterationRecord {
  /** 0-based iteration index. */
  iteration: number;
  conditions: ConditionRecord[];
  timings: PhaseTimings;
}

/**
 * A guided-policy-search algorithm as the trainer sees it: it holds one controller per
 * condition, takes the samples drawn with them, and updates them. Its state must round-trip
 * through {@link GpsAlgorithm.getState} / restore so that `visuomotor resume` continues a
 * killed run to identical numbers.
 */
export interface GpsAlgorithm {
  /** Number of conditions. */
  readonly conditions: number;
  /** Iterations done so far. */
  readonly iteration: number;
  /** The controller to sample condition `m` with at the next iteration. */
  controller(m: number): LinearGaussianController;
  /** The latest fitted dynamics of condition `m` (null before the first iteration). */
  dynamics(m: number): LinearGaussianDynamics | null;
  /**
   * Run one iteration on this iteration's samples.
   *
   * @param samples - samples[m] are the N samples drawn for condition m with `controller(m)`
   */
  iterate(samples: readonly (readonly Sample[])[]): IterationRecord;
  /** Serialisable state (plain JSON with typed arrays encoded by the caller's codec). */
  getState(): AlgorithmState;
}

/** Everything needed to resume an algorithm: controllers, multipliers, prior, previous costs. */
export interface AlgorithmState {
  kind: string;
  iteration: number;
  /** Anything JSON-serialisable, with `Float64Array`s allowed at any depth. */
  data: Record<string, unknown>;
}
