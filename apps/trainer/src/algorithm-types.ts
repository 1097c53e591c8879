/**
 * The GPS algorithm contract the trainer drives. Structurally identical to the one in
 * `packages/badmm/src/algorithm/types.ts`; `@visuomotor/badmm` does not export those types
 * from its entry point yet, so the trainer states them here (any class implementing badmm's
 * `GpsAlgorithm` satisfies this one).
 *
 * @packageDocumentation
 */
import type {
  LinearGaussianController,
  LinearGaussianDynamics,
  Sample,
} from '@visuomotor/contracts';

/** Per-condition outcome of one GPS iteration. */
export interface ConditionRecord {
  condition: number;
  /** Mean total cost Σ_t l_t of this iteration's samples. */
  cost: number;
  costStd: number;
  /** KL divergence between the new and the previous controller. */
  kl: number;
  /** KL bound used. */
  klStep: number;
  /** Final Lagrange multiplier of the KL constraint. */
  eta: number;
  /** Step-size multiplier after this iteration's adjustment. */
  stepMult: number;
  predictedImprovement: number | null;
  actualImprovement: number | null;
  /** Backward passes in the dual (eta) search. */
  backwardCalls: number;
}

/** Wall-clock time of each phase of an iteration (ms). */
export interface PhaseTimings {
  dynamics: number;
  cost: number;
  stepAdjust: number;
  trajOpt: number;
  total: number;
}

/** The record of one iteration. */
export interface IterationRecord {
  iteration: number;
  conditions: ConditionRecord[];
  timings: PhaseTimings;
}

/** Everything needed to resume an algorithm. */
export interface AlgorithmState {
  kind: string;
  iteration: number;
  /** JSON-serialisable, typed arrays allowed at any depth. */
  data: Record<string, unknown>;
}

/** A guided-policy-search algorithm as the trainer sees it. */
export interface GpsAlgorithm {
  readonly conditions: number;
  readonly iteration: number;
  /** The controller to sample condition `m` with at the next iteration. */
  controller(m: number): LinearGaussianController;
  /** The latest fitted dynamics of condition `m` (null before the first iteration). */
  dynamics(m: number): LinearGaussianDynamics | null;
  /** Run one iteration; samples[m] were drawn for condition m with controller(m). */
  iterate(samples: readonly (readonly Sample[])[]): IterationRecord;
  /** Serialisable state. */
  getState(): AlgorithmState;
}
