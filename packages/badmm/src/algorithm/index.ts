export { newStepMultiplier, type StepSizeOptions } from './step-size.js';
export {
  type DynamicsPriorSpec,
  TrajOptAlgorithm,
  type TrajOptAlgorithmOptions,
} from './traj-opt.js';
export type {
  AlgorithmState,
  ConditionRecord,
  GpsAlgorithm,
  IterationRecord,
  PhaseTimings,
} from './types.js';
