/**
 * Linear-quadratic regulators: KL-constrained LQR trajectory optimisation for guided policy
 * search (paper Section 4.2, Appendix A.4), time-varying LQR and iLQG.
 *
 * @packageDocumentation
 */

export {
  type AugmentedCostFn,
  applyLagrangeMultipliers,
  type BackwardHooks,
  type BackwardOptions,
  type BackwardResult,
  backward,
  badmmCost,
  controllerKlCost,
  controllerKlTerms,
} from './backward.js';
export {
  EtaOutOfBoundsError,
  LqrNonFiniteError,
  NonFiniteDynamicsError,
  NotPositiveDefiniteQuuError,
  ReferenceCrashError,
} from './errors.js';
export {
  estimateCost,
  estimateCostFromMarginals,
  type ForwardScratch,
  forward,
  forwardScratch,
} from './forward.js';
export {
  type DifferentiableCost,
  type DifferentiableDynamics,
  finiteDifferenceHessian,
  finiteDifferenceJacobian,
  type IlqgOptions,
  type IlqgResult,
  ilqg,
} from './ilqg.js';
export {
  guessDynamics,
  type InitLqrParams,
  type InitPdParams,
  initLqr,
  initPd,
} from './init.js';
export { npMean, npSum } from './kernels.js';
export {
  type KlScratch,
  klScratch,
  trajDistrKl,
  trajDistrKlAlt,
  trajDistrKlSelf,
} from './kl.js';
export { type LqrProblem, type LqrSolution, type SolveLqrOptions, solveLqr } from './lqr.js';
export {
  type AdamOptions,
  type DgdTraceEntry,
  KlConstrainedLqr,
  type TrajOptInput,
  type TrajOptOptions,
  type TrajOptResult,
  trajOptUpdate,
} from './trajopt.js';
export {
  type LqrKernels,
  type LqrSimd,
  setLqrKernels,
  wasmSimdAvailable,
} from './wasm.js';
export {
  copyControllerInto,
  LqrWorkspace,
  type TrajectoryMarginals,
  zeroMarginals,
} from './workspace.js';
