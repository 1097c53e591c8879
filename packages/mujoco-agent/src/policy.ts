/**
 * Policies the agent can roll out: the time-varying linear-Gaussian controller, a callback,
 * and zero torques.
 *
 * @packageDocumentation
 */
import {
  assertShape,
  InvalidArgumentError,
  type LinearGaussianController,
  type Policy,
} from '@visuomotor/contracts';

/**
 * The linear-Gaussian controller as a policy:
 * u_t = K_t x_t + k_t + R_tᵀ ε_t, with R_t the UPPER Cholesky factor of the action covariance
 * (`cholPolCovar`, polCovar = RᵀR) and ε_t the standard normal noise the agent supplies.
 */
export class LinearGaussianPolicy implements Policy {
  readonly dU: number;
  readonly dX: number;
  readonly T: number;

  constructor(
    /** Only K `[T, dU, dX]`, k `[T, dU]` and cholPolCovar `[T, dU, dU]` are read. */
    readonly controller: Pick<
      LinearGaussianController,
      'T' | 'dX' | 'dU' | 'K' | 'k' | 'cholPolCovar'
    >,
  ) {
    const { T, dX, dU } = controller;
    assertShape('controller.K', controller.K, [T, dU, dX]);
    assertShape('controller.k', controller.k, [T, dU]);
    assertShape('controller.cholPolCovar', controller.cholPolCovar, [T, dU, dU]);
    this.T = T;
    this.dX = dX;
    this.dU = dU;
  }

  act(
    x: Float64Array,
    _obs: Float64Array,
    t: number,
    noise: Float64Array,
    out: Float64Array,
  ): void {
    const { dX, dU } = this;
    if (t < 0 || t >= this.T) throw new InvalidArgumentError('t', `0 <= t < ${this.T}`, t);
    const K = this.controller.K;
    const k = this.controller.k;
    const R = this.controller.cholPolCovar;
    const kOff = t * dU * dX;
    const rOff = t * dU * dU;
    for (let i = 0; i < dU; i++) {
      let acc = k[t * dU + i];
      const row = kOff + i * dX;
      for (let j = 0; j < dX; j++) acc += K[row + j] * x[j];
      // (Rᵀ ε)_i = Σ_j R[j, i] ε_j, R upper triangular so j <= i.
      for (let j = 0; j <= i; j++) acc += R[rOff + j * dU + i] * noise[j];
      out[i] = acc;
    }
  }
}

/** Signature of a policy callback (same arguments as {@link Policy.act}). */
export type ActFn = (
  x: Float64Array,
  obs: Float64Array,
  t: number,
  noise: Float64Array,
  out: Float64Array,
) => void;

/** Wrap a function as a policy. */
export function callbackPolicy(dU: number, act: ActFn): Policy {
  return { dU, act };
}

/** A policy that always outputs zero torques. */
export function zeroPolicy(dU: number): Policy {
  return {
    dU,
    act(_x, _o, _t, _n, out) {
      out.fill(0);
    },
  };
}
