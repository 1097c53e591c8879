import type { Policy } from './policy.js';

/** Training data of one supervised policy update (paper Section 4.1, Appendix A.2). */
export interface PolicyTargets {
  /** Number of samples. */
  N: number;
  /** Horizon. */
  T: number;
  /** Observation dimension. */
  dO: number;
  /** Action dimension. */
  dU: number;
  /** Observations, `[N, T, dO]`. */
  obs: Float64Array;
  /** Target action means, `[N, T, dU]` (the controllers' means, shifted by the Lagrange terms in BADMM). */
  tgtMu: Float64Array;
  /** Target precisions, `[N, T, dU, dU]` (the controllers' inverse covariances). */
  tgtPrc: Float64Array;
  /** Per-sample, per-step weights, `[N, T]` (nu_t in BADMM). */
  tgtWt: Float64Array;
}

/** The policy's Gaussian action distribution at given observations. */
export interface PolicyProb {
  /** Means, `[N, T, dU]`. */
  mu: Float64Array;
  /** Covariances, `[N, T, dU, dU]`. */
  sigma: Float64Array;
  /** Precisions, `[N, T, dU, dU]`. */
  prec: Float64Array;
  /** Determinants of the covariances, `[N, T]`. */
  detSigma: Float64Array;
}

/**
 * A trainable global policy pi_theta(u | o) = N(mu_theta(o), Sigma): the supervised-learning
 * phase of guided policy search sees only this interface, so the network (an MLP, the
 * spatial-softmax CNN, anything else) can be swapped without touching the algorithms.
 */
export interface PolicyOptimizer {
  /** Observation dimension. */
  readonly dO: number;
  /** Action dimension. */
  readonly dU: number;
  /**
   * Regress the policy onto the targets by minimising
   * Σ w (u* − mu_theta(o))ᵀ P (u* − mu_theta(o)), then set the covariance in closed form.
   */
  update(targets: PolicyTargets): Promise<PolicyUpdateReport> | PolicyUpdateReport;
  /** Action distribution at observations `[N, T, dO]`. */
  prob(obs: Float64Array, N: number, T: number): Promise<PolicyProb> | PolicyProb;
  /** The policy as an agent-side {@link Policy} for rollouts. */
  asPolicy(): Policy;
  /** Release tensors and workers. */
  dispose(): void;
  /**
   * Entropy regularisation of the closed-form covariance (BADMM's interpolated `ent_reg`
   * schedule sets it before each update). Optional.
   */
  setEntReg?(value: number): void;
  /**
   * Everything needed to continue training bit-identically (weights, optimiser moments,
   * normalisation, covariance, generator state), as structured-clonable data. Optional: an
   * optimiser without it cannot be resumed from a checkpoint.
   */
  getTrainingState?(): unknown;
  /** Restore {@link PolicyOptimizer.getTrainingState} on an optimiser of the same architecture. */
  setTrainingState?(state: never): void;
}

/** What one policy update did. */
export interface PolicyUpdateReport {
  /** Optimiser steps taken. */
  steps: number;
  /** Loss at the start and at the end. */
  initialLoss: number;
  finalLoss: number;
  /** Wall-clock milliseconds. */
  ms: number;
  /**
   * A phase that trained only the last layers before the `steps` above (e.g. the fully
   * connected layers of a CNN on cached features): its steps and its loss at the start and
   * (mean over the last 10 steps) at the end. Absent when the optimiser has no such phase.
   */
  headOnly?: { steps: number; initialLoss: number; finalLoss: number };
}
