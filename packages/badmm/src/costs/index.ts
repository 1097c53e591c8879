/**
 * Costs of guided policy search: action, state, forward-kinematics and weighted-sum costs with
 * time ramps and l2, l1-l2 and log penalties, each returning l, lx, lu, lxx, luu, lux per step,
 * and the sample-averaged quadratic expansion consumed by the trajectory optimiser.
 *
 * @module
 */
export { ActionCost } from './action.js';
export type {
  ActionCostConfig,
  CostConfig,
  FkCostConfig,
  LogHessian,
  PenaltyKind,
  PenaltyOptions,
  RampOption,
  RampPrecision,
  ResolvedPenalty,
  RobustWeight,
  StateCostConfig,
  StateCostTerm,
  SumCostConfig,
} from './config.js';
export { RAMP_OPTIONS } from './config.js';
export { CostConfigError } from './errors.js';
export { type CostExpansion, evalCostExpansion } from './expansion.js';
export { createCost } from './factory.js';
export { FkCost } from './fk.js';
export { PenaltyEvaluator } from './penalty.js';
export { rampMultiplier } from './ramp.js';
export { fromReferenceConfig, type ReferenceCostConfig, rampOf } from './reference.js';
export { StateCost } from './state.js';
export { SumCost } from './sum.js';
