/**
 * Linear-Gaussian dynamics fitting with a Gaussian-mixture, normal-inverse-Wishart prior, and
 * the GMM policy prior (paper Appendix A.3; reference gps/utility/gmm.py,
 * gps/algorithm/dynamics/*, gps/algorithm/policy/policy_prior*.py).
 *
 * - {@link Gmm}: EM with warm starts, seeded or injected initial assignment, inference of
 *   NIW prior parameters for query points.
 * - {@link GaussFitJointPrior} / {@link gaussFitJointPrior}: NIW MAP joint fit + conditioning.
 * - {@link fitDynamics}: per-step dynamics fit with or without a {@link DynamicsPrior}.
 * - {@link GmmDynamicsPrior}, {@link NoDynamicsPrior}: implementations of `DynamicsPrior`.
 * - {@link PolicyPriorGmm}, {@link PolicyPriorConstant}: policy linearisation priors.
 *
 * Every reference quirk is a switch whose default reproduces the reference (see README).
 *
 * @packageDocumentation
 */

export type { DynamicsPrior, LinearGaussianDynamics, NiwPrior } from '@visuomotor/contracts';
export {
  DEFAULT_DYNAMICS_FIT_QUIRKS,
  type DynamicsFitQuirks,
  DynamicsFitWorkspace,
  type FitDynamicsOptions,
  fitDynamics,
  fitDynamicsNoPrior,
  initialStateInto,
  regularizationMatrix,
} from './dynamics.js';
export {
  chooseK,
  GmmDynamicsPrior,
  type GmmDynamicsPriorOptions,
  type GmmDynamicsPriorState,
  NoDynamicsPrior,
} from './dynamics-prior-gmm.js';
export {
  ClusterCovarianceError,
  GmmStateError,
  SingularFitError,
  UnderdeterminedFitError,
} from './errors.js';
export {
  type ConditionalFit,
  DEFAULT_GAUSS_FIT_QUIRKS,
  GaussFitJointPrior,
  type GaussFitQuirks,
  gaussFitJointPrior,
} from './gauss-fit.js';
export {
  DEFAULT_GMM_QUIRKS,
  type EmResult,
  formatF,
  Gmm,
  type GmmOptions,
  type GmmQuirks,
  type GmmState,
} from './gmm.js';
export {
  DEFAULT_POLICY_FIT_QUIRKS,
  fitPolicyLinearization,
  type PolicyFitQuirks,
  type PolicyLinearization,
  type PolicyMeanFn,
  type PolicyPrior,
  PolicyPriorConstant,
  PolicyPriorGmm,
  type PolicyPriorGmmOptions,
  type PolicyPriorGmmState,
} from './policy-prior.js';
export { type Rng, Xoshiro128 } from './rng.js';
export { type GmmKernels, wasmSimdAvailable } from './wasm-kernels.js';
