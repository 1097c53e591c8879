/**
 * The GPS algorithm contract the trainer drives, from `@visuomotor/badmm`.
 *
 * @packageDocumentation
 */
export type {
  AlgorithmState,
  ConditionRecord,
  GpsAlgorithm,
  IterationRecord,
  PhaseTimings,
} from '@visuomotor/badmm';
