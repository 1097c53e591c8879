export { BadmmAlgorithm, type BadmmOptions } from './badmm.js';
export {
  type BadmmAugmentedCost,
  type BadmmCostEstimate,
  badmmAugmentedCost,
  badmmEstimateCost,
  type DualStepPrecision,
  type NuSchedule,
  type NuThresholds,
  type PolicyDualStepOptions,
  type PolicyKlPrecision,
  type PolicyKlResult,
  type PolicyMoments,
  policyDualStep,
  policyKl,
  stepNu,
} from './badmm-helpers.js';
export { type EtaLimit, type LimitedUpdate, updateWithEtaLimit } from './condition-data.js';
export { MdgpsAlgorithm, type MdgpsOptions } from './mdgps.js';
export { type MdgpsAugmentedCost, mdgpsAugmentedCost } from './mdgps-helpers.js';
export {
  AsyncPolicyOptimizerError,
  clonePolicyInfo,
  concatTargets,
  conditionTargets,
  controllerActions,
  createPolicyInfo,
  fitPolicyInfo,
  interpSchedule,
  inverseFromUpperCholesky,
  type PolicyInfo,
  PolicyLinearizationError,
  policyLinearizationController,
  probSync,
  updateSync,
  upperCholeskyPerStep,
} from './policy-gps.js';
export {
  type ConditionData,
  PolicyGpsBase,
  type PolicyGpsCondition,
  type PolicyGpsConditionRecord,
  type PolicyGpsIterationRecord,
  type PolicyGpsOptions,
  type PolicyPriorSpec,
  type ResolvedPolicyGpsOptions,
} from './policy-gps-base.js';
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
