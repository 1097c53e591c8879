import { type LinearGaussianController, zeroController } from '@visuomotor/contracts';
import type { ForwardScratch } from './forward.js';
import { transposeInto } from './kernels.js';
import { type LqrSimd, simdKernels } from './wasm.js';

/** State-action marginals of a trajectory distribution (paper Appendix A.2). */
export interface TrajectoryMarginals {
  readonly T: number;
  readonly dX: number;
  readonly dU: number;
  /** Means of y_t = [x_t; u_t], `[T, dX+dU]`. */
  mu: Float64Array;
  /** Covariances of y_t, `[T, dX+dU, dX+dU]`. */
  sigma: Float64Array;
}

/** Allocate zero marginals. */
export function zeroMarginals(T: number, dX: number, dU: number): TrajectoryMarginals {
  const n = dX + dU;
  return { T, dX, dU, mu: new Float64Array(T * n), sigma: new Float64Array(T * n * n) };
}

/**
 * Every buffer the backward pass, forward pass, KL and dual search need for one problem size
 * (T, dX, dU). Allocate once and pass it to repeated calls: no allocation then happens inside
 * the per-time-step loops, nor between dual-search iterations.
 */
export class LqrWorkspace {
  readonly dXU: number;
  /** Augmented cost of the current eta: fCm `[T, dXU, dXU]`, fcv `[T, dXU]`. */
  readonly fCm: Float64Array;
  readonly fcv: Float64Array;
  /** KL penalty terms of the constraining controller (eta-independent). */
  readonly PKLm: Float64Array;
  readonly PKLv: Float64Array;
  /** Value function of the next step: Vxx `[dX, dX]`, Vx `[dX]`. */
  readonly Vxx: Float64Array;
  readonly Vx: Float64Array;
  /** Q function of the current step: Qtt `[dXU, dXU]`, Qt `[dXU]`. */
  readonly Qtt: Float64Array;
  readonly Qt: Float64Array;
  /** Scratch. */
  readonly W: Float64Array;
  readonly acc: Float64Array;
  readonly tv: Float64Array;
  readonly R: Float64Array;
  /** Cholesky factor of the next step's Vxx `[dX, dX]`. */
  readonly RV: Float64Array;
  readonly R2: Float64Array;
  readonly P: Float64Array;
  readonly invTerm: Float64Array;
  readonly kTerm: Float64Array;
  readonly KTerm: Float64Array;
  readonly KQ: Float64Array;
  readonly UX: Float64Array;
  readonly UU: Float64Array;
  readonly G: Float64Array;
  readonly r: Float64Array;
  /** Fm_tᵀ of every step `[T, dX+dU, dX]` (see {@link LqrWorkspace.prepareDynamics}). */
  readonly FmT: Float64Array;
  /** Forward-pass scratch. */
  readonly fwd: ForwardScratch;
  /**
   * WebAssembly SIMD kernels of the backward pass (null: the JavaScript kernels; set it to null
   * to force them). `fwd.simd` is the forward pass's.
   */
  simd: LqrSimd | null;
  /** Candidate controller written by the backward pass. */
  readonly ctrl: LinearGaussianController;
  /** Controller whose value function is propagated when `updateInBwdPass` is false. */
  readonly evalCtrl: LinearGaussianController;
  /**
   * Forward marginals of the candidate and of the constraining controller. `trajOptUpdate`
   * hands the returned one over to its result and puts fresh buffers here.
   */
  marg: TrajectoryMarginals;
  margPrev: TrajectoryMarginals;
  /** Per-step KL `[T]`, per-step eta scratch `[T]`. */
  readonly kl: Float64Array;
  readonly eta0: Float64Array;
  readonly del: Float64Array;

  constructor(
    readonly T: number,
    readonly dX: number,
    readonly dU: number,
  ) {
    const n = dX + dU;
    this.dXU = n;
    const m = Math.max(dX, dU);
    this.fCm = new Float64Array(T * n * n);
    this.fcv = new Float64Array(T * n);
    this.PKLm = new Float64Array(T * n * n);
    this.PKLv = new Float64Array(T * n);
    this.Vxx = new Float64Array(dX * dX);
    this.Vx = new Float64Array(dX);
    this.Qtt = new Float64Array(n * n);
    this.Qt = new Float64Array(n);
    this.W = new Float64Array(m * n);
    this.acc = new Float64Array(n);
    this.tv = new Float64Array(n);
    this.R = new Float64Array(dU * dU);
    this.RV = new Float64Array(dX * dX);
    this.R2 = new Float64Array(dU * dU);
    this.P = new Float64Array(dU * dU);
    this.invTerm = new Float64Array(dU * dU);
    this.kTerm = new Float64Array(dU);
    this.KTerm = new Float64Array(dU * dX);
    this.KQ = new Float64Array(dX * dU);
    this.UX = new Float64Array(dU * dX);
    this.UU = new Float64Array(dU * dU);
    this.G = new Float64Array(m * n);
    this.r = new Float64Array(m);
    this.simd = simdKernels(dX, dU, T);
    this.fwd = { G: new Float64Array(dX * n), simd: this.simd };
    this.FmT = new Float64Array(T * n * dX);
    this.ctrl = zeroController(T, dX, dU);
    this.evalCtrl = zeroController(T, dX, dU);
    this.marg = zeroMarginals(T, dX, dU);
    this.margPrev = zeroMarginals(T, dX, dU);
    this.kl = new Float64Array(T);
    this.eta0 = new Float64Array(T);
    this.del = new Float64Array(T);
  }

  /**
   * Store Fm_tᵀ for every step (the backward pass reads the transposes). Called by the
   * entry points before their passes: once per `trajOptUpdate`, once per `backward` call.
   *
   * @param Fm - `[T, dX, dX+dU]`
   */
  prepareDynamics(Fm: Float64Array): void {
    const { T, dX } = this;
    const n = this.dXU;
    for (let t = 0; t < T; t++) transposeInto(Fm, t * dX * n, dX, n, this.FmT, t * n * dX);
    this.simd?.loadDynamics(Fm, this.FmT);
    const fs = this.fwd.simd;
    if (fs && fs !== this.simd) fs.loadDynamics(Fm, this.FmT);
  }

  /** True when this workspace serves problems of size (T, dX, dU). */
  fits(T: number, dX: number, dU: number): boolean {
    return this.T === T && this.dX === dX && this.dU === dU;
  }
}

/** Copy every field of controller `src` into `dst` (same dimensions). */
export function copyControllerInto(
  src: LinearGaussianController,
  dst: LinearGaussianController,
): void {
  dst.K.set(src.K);
  dst.k.set(src.k);
  dst.polCovar.set(src.polCovar);
  dst.cholPolCovar.set(src.cholPolCovar);
  dst.invPolCovar.set(src.invPolCovar);
}
