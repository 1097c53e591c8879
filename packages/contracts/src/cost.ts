import type { Dims } from './dims.js';
import type { Sample } from './sample.js';

/**
 * Second-order expansion of a cost along one sample, per time step:
 * l_t, its gradients lx, lu and Hessians lxx, luu, lux.
 */
export interface CostDerivatives extends Dims {
  /** Cost per step, `[T]`. */
  l: Float64Array;
  /** dl/dx, `[T, dX]`. */
  lx: Float64Array;
  /** dl/du, `[T, dU]`. */
  lu: Float64Array;
  /** d²l/dx², `[T, dX, dX]`. */
  lxx: Float64Array;
  /** d²l/du², `[T, dU, dU]`. */
  luu: Float64Array;
  /** d²l/du dx, `[T, dU, dX]`. */
  lux: Float64Array;
}

/** Allocate zero cost derivatives. */
export function zeroCostDerivatives(T: number, dX: number, dU: number): CostDerivatives {
  return {
    T,
    dX,
    dU,
    l: new Float64Array(T),
    lx: new Float64Array(T * dX),
    lu: new Float64Array(T * dU),
    lxx: new Float64Array(T * dX * dX),
    luu: new Float64Array(T * dU * dU),
    lux: new Float64Array(T * dU * dX),
  };
}

/**
 * Quadratic cost in y = [x; u]: c_t(y) = cc_t + cv_tᵀ y + ½ yᵀ Cm_t y.
 */
export interface QuadraticCost extends Dims {
  /** Constant terms, `[T]`. */
  cc: Float64Array;
  /** Linear terms, `[T, dX+dU]`. */
  cv: Float64Array;
  /** Quadratic terms (symmetric), `[T, dX+dU, dX+dU]`. */
  Cm: Float64Array;
}

/** A differentiable cost evaluated on a sample (paper Section 6, Appendix B). */
export interface Cost {
  /** Evaluate the cost and its derivatives along `sample`. */
  eval(sample: Sample): CostDerivatives;
}
