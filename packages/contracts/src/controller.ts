import type { Dims } from './dims.js';

/**
 * Time-varying linear-Gaussian controller
 * p(u_t | x_t) = N(K_t x_t + k_t, polCovar_t) (paper Section 4.2).
 */
export interface LinearGaussianController extends Dims {
  /** Feedback gains, `[T, dU, dX]` row-major. */
  K: Float64Array;
  /** Feed-forward terms, `[T, dU]`. */
  k: Float64Array;
  /** Action covariance, `[T, dU, dU]`. */
  polCovar: Float64Array;
  /** Upper Cholesky factor R of polCovar (polCovar = Rᵀ R), `[T, dU, dU]`. */
  cholPolCovar: Float64Array;
  /** Inverse of polCovar, `[T, dU, dU]`. */
  invPolCovar: Float64Array;
}

/** Allocate a zero controller of the given dimensions. */
export function zeroController(T: number, dX: number, dU: number): LinearGaussianController {
  return {
    T,
    dX,
    dU,
    K: new Float64Array(T * dU * dX),
    k: new Float64Array(T * dU),
    polCovar: new Float64Array(T * dU * dU),
    cholPolCovar: new Float64Array(T * dU * dU),
    invPolCovar: new Float64Array(T * dU * dU),
  };
}

/** Deep copy of a controller. */
export function cloneController(c: LinearGaussianController): LinearGaussianController {
  return {
    T: c.T,
    dX: c.dX,
    dU: c.dU,
    K: c.K.slice(),
    k: c.k.slice(),
    polCovar: c.polCovar.slice(),
    cholPolCovar: c.cholPolCovar.slice(),
    invPolCovar: c.invPolCovar.slice(),
  };
}
