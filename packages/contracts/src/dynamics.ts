import type { Dims } from './dims.js';

/**
 * Time-varying linear-Gaussian dynamics
 * p(x_{t+1} | x_t, u_t) = N(Fm_t [x_t; u_t] + fv_t, dynCovar_t), with the initial state
 * distribution p(x_0) = N(x0mu, x0sigma) (paper Appendix A.3).
 */
export interface LinearGaussianDynamics extends Dims {
  /** Transition matrices, `[T, dX, dX+dU]`. */
  Fm: Float64Array;
  /** Transition offsets, `[T, dX]`. */
  fv: Float64Array;
  /** Transition noise covariances, `[T, dX, dX]`. */
  dynCovar: Float64Array;
  /** Initial state mean, `[dX]`. */
  x0mu: Float64Array;
  /** Initial state covariance, `[dX, dX]`. */
  x0sigma: Float64Array;
}

/** Allocate zero dynamics of the given dimensions. */
export function zeroDynamics(T: number, dX: number, dU: number): LinearGaussianDynamics {
  const dXU = dX + dU;
  return {
    T,
    dX,
    dU,
    Fm: new Float64Array(T * dX * dXU),
    fv: new Float64Array(T * dX),
    dynCovar: new Float64Array(T * dX * dX),
    x0mu: new Float64Array(dX),
    x0sigma: new Float64Array(dX * dX),
  };
}
