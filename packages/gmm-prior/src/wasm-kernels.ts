/**
 * Host side of the WebAssembly SIMD (f64x2) kernels of the mixture's E- and M-steps (the
 * module is assembled from `wasm/kernels.wat` into `wasm-kernels-bytes.ts`). Each lane does the
 * operations of the scalar JavaScript kernels in `gmm.ts` in the same order, so both paths
 * give bit-identical results; the JavaScript kernels are used wherever WebAssembly SIMD is
 * unavailable.
 */
import { compileWasmModule, type WasmMemory, type WasmModule, wasmApi } from '@visuomotor/linalg';
import { WASM_KERNELS_BASE64 } from './wasm-kernels-bytes.js';

/** Which kernels a {@link Gmm} uses: `'auto'` (WebAssembly SIMD when available), `'js'`, `'wasm'`. */
export type GmmKernels = 'auto' | 'js' | 'wasm';

interface Exports {
  memory: WasmMemory;
  trsv8(
    L: number,
    mu: number,
    X: number,
    ldx: number,
    nblk: number,
    D: number,
    Z: number,
    SS: number,
  ): void;
  trsv6: Exports['trsv8'];
  trsv4: Exports['trsv8'];
  trsvTasks(T: number, ntask: number, ldx: number, D: number, Z: number): void;
  syrk(V: number, m: number, Dp: number, S: number): void;
  moments(Sig: number, Vk: number, W: number, nk: number, D: number, Dp: number, Phi: number): void;
  prep(X: number, W: number, N: number, Dp: number, V: number, mu: number): number;
  peak(n: number, out: number): void;
}

let compiled: WasmModule | null | undefined;

/**
 * The compiled kernel module, or null when WebAssembly SIMD is not available (decided once;
 * `redetect` decides again, for tests).
 *
 * @internal
 */
export function kernelModule(redetect = false): WasmModule | null {
  if (compiled === undefined || redetect) compiled = compileWasmModule(WASM_KERNELS_BASE64);
  return compiled;
}

/** True when the WebAssembly SIMD kernels can run here. */
export function wasmSimdAvailable(): boolean {
  return kernelModule() !== null;
}

const align16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * Kernel instance with its own memory; {@link WasmKernels.shared} is the one all mixtures of a
 * thread use (uploads tagged with their owner and version).
 *
 * @internal
 */
export class WasmKernels {
  private readonly ex: Exports;
  /** f64 view of the whole memory (refreshed after growth). */
  f64: Float64Array;
  private i32: Int32Array;
  // Layout (byte offsets), recomputed by layout().
  private K = -1;
  private D = -1;
  private cap = -1;
  private offL = 0;
  private offMu = 0;
  private offZ = 0;
  private offX = 0;
  private offSS = 0;
  private offT = 0;
  private offV = 0;
  private offS = 0;
  private offSig = 0;
  private offVk = 0;
  private offW = 0;
  private offSigT = 0;
  private offXr = 0;
  private offWp = 0;
  private offMuk = 0;
  // Owner and version of the factors and covariances in memory (see uploadFactors/uploadSigma).
  private factorsOwner: object | null = null;
  private factorsVersion = -1;
  private sigmaOwner: object | null = null;
  private sigmaVersion = -1;

  private constructor(private readonly mod: WasmModule) {
    const WA = wasmApi()!;
    this.ex = new WA.Instance(mod, {}).exports as unknown as Exports;
    this.f64 = new Float64Array(this.ex.memory.buffer);
    this.i32 = new Int32Array(this.ex.memory.buffer);
  }

  /** A new instance, or null when WebAssembly SIMD is unavailable. */
  static create(): WasmKernels | null {
    const mod = kernelModule();
    return mod ? new WasmKernels(mod) : null;
  }

  private static sharedInstance: WasmKernels | null = null;
  /**
   * The instance shared by all mixtures of this thread (JavaScript runs one kernel call at a
   * time; uploads are tagged with their owner), or null when WebAssembly SIMD is unavailable.
   */
  static shared(): WasmKernels | null {
    const mod = kernelModule();
    if (!mod) return null;
    if (!WasmKernels.sharedInstance || WasmKernels.sharedInstance.mod !== mod) {
      WasmKernels.sharedInstance = new WasmKernels(mod);
    }
    return WasmKernels.sharedInstance;
  }

  /** Make room for K clusters of dimension D and up to `n` points. */
  layout(K: number, D: number, n: number): void {
    if (K === this.K && D === this.D && n <= this.cap) return;
    const cap = Math.max(n, this.cap, 8);
    const ldx = cap + 8;
    const Dp = D + (D & 1);
    let o = 0;
    const take = (bytes: number) => {
      const at = o;
      o = align16(o + bytes);
      return at;
    };
    this.offL = take(8 * K * D * D);
    this.offMu = take(8 * K * D);
    this.offZ = take(8 * 8 * D);
    this.offX = take(8 * D * ldx);
    this.offSS = take(8 * K * ldx);
    this.offT = take(16 * (4 * K + 4));
    this.offV = take(8 * cap * Dp);
    this.offS = take(8 * Dp * Dp);
    this.offSig = take(8 * K * D * Dp);
    this.offVk = take(8 * K * Dp);
    this.offW = take(8 * K);
    this.offSigT = take(4 * K);
    this.offXr = take(8 * cap * Dp);
    this.offWp = take(8 * cap);
    this.offMuk = take(8 * Dp);
    const mem = this.ex.memory;
    if (o > mem.buffer.byteLength) {
      mem.grow(Math.ceil((o - mem.buffer.byteLength) / 65536));
      this.f64 = new Float64Array(mem.buffer);
      this.i32 = new Int32Array(mem.buffer);
    }
    // The regions move: nothing uploaded survives.
    this.factorsOwner = null;
    this.sigmaOwner = null;
    this.K = K;
    this.D = D;
    this.cap = cap;
  }

  /** True when the factors and means of `owner` at `version` are in memory. */
  hasFactors(owner: object, version: number): boolean {
    return this.factorsOwner === owner && this.factorsVersion === version;
  }

  /** Copy the factors `[K, D, D]` and means `[K, D]` of `owner` at `version` in. */
  uploadFactors(owner: object, chol: Float64Array, mu: Float64Array, version: number): void {
    const { K, D } = this;
    this.f64.set(chol.subarray(0, K * D * D), this.offL / 8);
    this.f64.set(mu.subarray(0, K * D), this.offMu / 8);
    this.factorsOwner = owner;
    this.factorsVersion = version;
  }

  /** True when the covariances of `owner` at `version` are in memory. */
  hasSigma(owner: object, version: number): boolean {
    return this.sigmaOwner === owner && this.sigmaVersion === version;
  }

  /**
   * ss[k, p] = ||L_k⁻¹ (x_p − mu_k)||² for `n` points `[n, D]` against every cluster; the
   * result is `[K, ldx]` in {@link f64} from the returned element offset (ldx = returned
   * stride). Call {@link uploadFactors} first.
   */
  substitution(pts: Float64Array | null, n: number): { off: number; ldx: number } {
    const { K, D } = this;
    const ldx = n + (n & 1);
    if (pts) this.uploadTransposed(pts, n);
    const nblk = ldx >> 3; // blocks of eight (the zero column of an odd count included)
    const D8 = 8 * D;
    for (let k = 0; k < K; k++) {
      if (nblk > 0) {
        this.ex.trsv8(
          this.offL + k * D8 * D,
          this.offMu + k * D8,
          this.offX,
          ldx,
          nblk,
          D,
          this.offZ,
          this.offSS + 8 * k * ldx,
        );
      }
    }
    // The remaining 6 or 4 points: one block per cluster; 2 points: (cluster, pair of points)
    // tasks, four side by side.
    const p0 = nblk * 8;
    const rem = ldx - p0;
    if (rem === 6 || rem === 4) {
      const kern = rem === 6 ? this.ex.trsv6 : this.ex.trsv4;
      for (let k = 0; k < K; k++) {
        kern(
          this.offL + k * D8 * D,
          this.offMu + k * D8,
          this.offX + 8 * p0,
          ldx,
          1,
          D,
          this.offZ,
          this.offSS + 8 * (k * ldx + p0),
        );
      }
    } else if (rem === 2) {
      const t = this.i32;
      const to = this.offT / 4;
      let nt = 0;
      for (let k = 0; k < K; k++) {
        for (let p = p0; p < ldx; p += 2) {
          const o = to + 4 * nt++;
          t[o] = this.offL + k * D8 * D;
          t[o + 1] = this.offMu + k * D8;
          t[o + 2] = this.offX + 8 * p;
          t[o + 3] = this.offSS + 8 * (k * ldx + p);
        }
      }
      // Pad to a multiple of four with repeats of the last task (same values written twice).
      while (nt % 4 !== 0) {
        const o = to + 4 * nt++;
        for (let q = 0; q < 4; q++) t[o + q] = t[o - 4 + q];
      }
      this.ex.trsvTasks(this.offT, nt, ldx, D, this.offZ);
    }
    return { off: this.offSS / 8, ldx };
  }

  /** Points `[n, D]` in, transposed (X[i, p]; an odd count gets a zero column). */
  private uploadTransposed(pts: Float64Array, n: number): void {
    const D = this.D;
    const f = this.f64;
    const ldx = n + (n & 1);
    const xo = this.offX / 8;
    for (let p = 0; p < n; p++) {
      const po = p * D;
      for (let i = 0; i < D; i++) f[xo + i * ldx + p] = pts[po + i];
    }
    if (ldx > n) for (let i = 0; i < D; i++) f[xo + i * ldx + n] = 0;
  }

  /**
   * Points `[n, D]` in for a whole EM run: transposed for {@link substitution} (then called
   * with null) and as padded rows for {@link weightedPoints}.
   */
  uploadPoints(pts: Float64Array, n: number): void {
    this.uploadTransposed(pts, n);
    const D = this.D;
    const Dp = D + (D & 1);
    const f = this.f64;
    const xo = this.offXr / 8;
    for (let p = 0; p < n; p++) {
      f.set(pts.subarray(p * D, p * D + D), xo + p * Dp);
      if (Dp > D) f[xo + p * Dp + D] = 0;
    }
  }

  /**
   * For weights w[wo .. wo+n) of the uploaded points: the weighted mean Σ w_p x_p (in point
   * order, from 0) at the element offset {@link muOffset}, and the rows x_p·sqrt(w_p) of the
   * points with w_p ≠ 0 as V for {@link scatter}. Returns their count m.
   */
  weightedPoints(w: Float64Array, wo: number, n: number): number {
    const Dp = this.D + (this.D & 1);
    const f = this.f64;
    f.set(w.subarray(wo, wo + n), this.offWp / 8);
    f.fill(0, this.offMuk / 8, this.offMuk / 8 + Dp);
    return this.ex.prep(this.offXr, this.offWp, n, Dp, this.offV, this.offMuk);
  }

  /** Element offset of the mean written by {@link weightedPoints}. */
  get muOffset(): number {
    return this.offMuk / 8;
  }

  /** Element offset of the scaled points V `[m, Dp]` (Dp = D rounded up to even) to fill. */
  get vOffset(): number {
    return this.offV / 8;
  }

  /** Entries (a, b ≥ a) of Vᵀ V for the first m rows of V, at the returned offset (stride Dp). */
  scatter(m: number): number {
    const Dp = this.D + (this.D & 1);
    this.f64.fill(0, this.offS / 8, this.offS / 8 + Dp * Dp);
    this.ex.syrk(this.offV, m, Dp, this.offS);
    return this.offS / 8;
  }

  /** Copy the covariances `[K, D, D]` in (rows padded to even length), remembering `version`. */
  uploadSigma(owner: object, sigma: Float64Array, version: number): void {
    const { K, D } = this;
    const Dp = D + (D & 1);
    const f = this.f64;
    const o = this.offSig / 8;
    for (let r = 0; r < K * D; r++) {
      f.set(sigma.subarray(r * D, r * D + D), o + r * Dp);
      if (Dp > D) f[o + r * Dp + D] = 0;
    }
    this.sigmaOwner = owner;
    this.sigmaVersion = version;
  }

  /**
   * Phi entries (a, b ≥ a) of Σ_c (sigma_{k_c} + v_c v_cᵀ)·w_c over the `nk` clusters `ks`
   * (in order), v `[nk, D]`, w `[nk]`; call {@link uploadSigma} first. Returns the element
   * offset of the result (stride Dp).
   */
  moments(ks: Int32Array, v: Float64Array, w: Float64Array, nk: number): number {
    const D = this.D;
    const Dp = D + (D & 1);
    const f = this.f64;
    const vo = this.offVk / 8;
    const wo = this.offW / 8;
    const t = this.offSigT / 4;
    for (let c = 0; c < nk; c++) {
      f.set(v.subarray(c * D, c * D + D), vo + c * Dp);
      if (Dp > D) f[vo + c * Dp + D] = 0;
      f[wo + c] = w[c];
      this.i32[t + c] = this.offSig + 8 * ks[c] * D * Dp;
    }
    this.ex.moments(this.offSigT, this.offVk, this.offW, nk, D, Dp, this.offS);
    return this.offS / 8;
  }

  /** Run the register-only peak kernel: n iterations of 16 multiply-adds. */
  peak(n: number): void {
    const f = this.f64;
    f[0] = 1.0000001;
    f[1] = 1.0000001;
    f[2] = 0.9999999;
    f[3] = 0.9999999;
    for (let i = 4; i < 20; i++) f[i] = 1e-9;
    this.ex.peak(n, 0);
  }
}
