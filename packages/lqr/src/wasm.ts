/**
 * Host side of the WebAssembly SIMD (f64x2) kernel (`wasm/kernels.wat`, assembled into
 * `wasm-kernels-bytes.ts`): the two O(n³) products of the passes, Fmᵀ Vxx Fm = G Gᵀ with
 * G = (R Fm)ᵀ in the backward pass and Fm Σ Fmᵀ in the forward pass, each as two products
 * C = A Bᵀ on zero-padded copies of the operands in the module's memory. The pure-JavaScript
 * kernels of `kernels.ts` ({@link addSymFromChol}, {@link symABAt}) compute the same products
 * and are used wherever WebAssembly SIMD is unavailable; the two differ only in the order of
 * the floating-point sums.
 *
 * Each workspace owns one instance (with room for its padded dynamics); forward scratch made
 * on its own shares one instance per problem size. Memory is allocated once and never grows,
 * so the views taken at construction stay valid.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@visuomotor/contracts';
import { compileWasmModule, type WasmModule, wasmApi } from '@visuomotor/linalg';
import { LQR_WASM_BASE64 } from './wasm-kernels-bytes.js';

interface Exports {
  cholUpper(a: number, ld: number, m: number): number;
  gemmNT(
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    upper: number,
    triB: number,
  ): void;
}

/** Which kernels the passes use: `'auto'` (WebAssembly SIMD when available), `'js'`, `'wasm'`. */
export type LqrKernels = 'auto' | 'js' | 'wasm';

let compiled: WasmModule | null | undefined;
let mode: LqrKernels = 'auto';
const instances = new Map<string, LqrSimd>();

/** The compiled module, or null when WebAssembly SIMD is unavailable (decided once). */
function kernelModule(): WasmModule | null {
  if (compiled === undefined) compiled = compileWasmModule(LQR_WASM_BASE64);
  return compiled;
}

/** True when the WebAssembly SIMD kernel can run here. */
export function wasmSimdAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * Choose the kernels of workspaces and forward scratch created from now on (default `'auto'`).
 * `'wasm'` throws when WebAssembly SIMD is unavailable. Existing workspaces keep theirs (their
 * `simd` field may be set to null to force the JavaScript kernels).
 */
export function setLqrKernels(k: LqrKernels): void {
  if (k !== 'auto' && k !== 'js' && k !== 'wasm') {
    throw new InvalidArgumentError('kernels', "'auto', 'js' or 'wasm'", k);
  }
  if (k === 'wasm' && !wasmSimdAvailable()) {
    throw new InvalidArgumentError(
      'kernels',
      "'auto' or 'js' (WebAssembly SIMD is not available in this environment)",
      k,
    );
  }
  mode = k;
}

/**
 * @internal The SIMD kernels for (dX, dU) under the current choice, or null for the JavaScript
 * ones.
 * With `T` > 0 a new instance that can also hold the padded dynamics of T steps
 * ({@link LqrSimd.loadDynamics}; one per workspace); without, an instance shared by every
 * caller of that size that copies the dynamics of each step as it goes.
 */
export function simdKernels(dX: number, dU: number, T = 0): LqrSimd | null {
  if (mode === 'js') return null;
  const mod = kernelModule();
  if (!mod) return null;
  if (T > 0) {
    try {
      return new LqrSimd(mod, dX, dU, T);
    } catch {
      // e.g. no room for a memory this large: the JavaScript kernels need no extra copy
      return null;
    }
  }
  const key = `${dX},${dU}`;
  let s = instances.get(key);
  if (!s) {
    s = new LqrSimd(mod, dX, dU, 0);
    instances.set(key, s);
  }
  return s;
}

const r2 = (x: number) => x + (x & 1);
const r4 = (x: number) => (x + 3) & ~3;

/**
 * Copy a `rows` x `cols` block from `src` (first entry `so`, row stride `ss`) into wasm memory
 * `dst` (first entry `d0`, row stride `ds`): how every operand is staged for the kernels.
 */
function stageBlock(
  src: Float64Array,
  so: number,
  ss: number,
  dst: Float64Array,
  d0: number,
  ds: number,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++) {
    const s = so + r * ss;
    const d = d0 + r * ds;
    for (let c = 0; c < cols; c++) dst[d + c] = src[s + c];
  }
}

/** @internal The SIMD products for one problem size (see the module comment). */
export class LqrSimd {
  private readonly ex: Exports;
  private readonly f64: Float64Array;
  readonly n: number;
  // Padded sizes and element offsets of the operand buffers (zero outside what is copied in).
  private readonly mK: number;
  private readonly nK: number;
  private readonly bwdA: number;
  private readonly bwdB: number;
  private readonly bwdG: number;
  private readonly bwdC: number;
  private readonly fwdA: number;
  private readonly fwdB: number;
  private readonly fwdG: number;
  private readonly fwdC: number;
  private readonly fwdK: number;
  private readonly fwdUX: number;
  private readonly fwdUU: number;
  private readonly fwdKd: number;
  private readonly fwdZ: number;
  /** Stored dynamics: Fm_tᵀ padded to `[r2(n), r2(dX)]`, Fm_t to `[r4(dX), r2(n)]` per step. */
  private readonly stFmT: number;
  private readonly stFm: number;
  private readonly stepFmT: number;
  private readonly stepFm: number;
  /** Number of steps held by the last {@link loadDynamics}. */
  private stored = 0;
  /** The last {@link symABAt} kept its result as the next B's leading block. */
  private kept = false;

  constructor(
    mod: WasmModule,
    readonly dX: number,
    readonly dU: number,
    /** Number of steps of dynamics this instance can hold (0: none). */
    readonly T: number,
  ) {
    const WA = wasmApi()!;
    const n = dX + dU;
    this.n = n;
    this.mK = r2(dX);
    this.nK = r2(n);
    let o = 0;
    const take = (doubles: number) => {
      const at = o;
      o += r2(doubles);
      return at;
    };
    this.bwdA = take(r2(n) * this.mK);
    this.bwdB = take(r4(dX) * this.mK);
    this.bwdG = take(r4(n) * r4(dX));
    this.bwdC = take(r2(n) * r4(n));
    this.fwdA = take(r4(dX) * this.nK);
    this.fwdB = take(r4(n) * this.nK);
    this.fwdG = take(r2(dX) * r4(n));
    this.fwdC = take(r2(dX) * r4(dX));
    this.fwdK = take(r4(dU) * this.mK);
    this.fwdUX = take(r2(dU) * r4(dX));
    this.fwdUU = take(r2(dU) * r4(dU));
    this.fwdKd = take(r4(dU) * this.mK);
    this.fwdZ = take(r2(dU) * r4(dX));
    this.stepFmT = r2(n) * this.mK;
    this.stepFm = r4(dX) * this.nK;
    this.stFmT = take(T * this.stepFmT);
    this.stFm = take(T * this.stepFm);
    const memory = new WA.Memory({ initial: Math.max(1, Math.ceil((o * 8) / 65536)) });
    this.ex = new WA.Instance(mod, { env: { memory } }).exports as unknown as Exports;
    this.f64 = new Float64Array(memory.buffer);
  }

  /**
   * Store the padded Fm_tᵀ and Fm_t of every step (T of this instance), read by the products
   * called with a step index. The passes call it once per update (with the workspace's
   * transposes).
   *
   * @param Fm - `[T, dX, n]`
   * @param FmT - `[T, n, dX]`
   */
  loadDynamics(Fm: Float64Array, FmT: Float64Array): void {
    const { dX: m, n, mK, nK, f64 } = this;
    const T = Math.min(this.T, Math.floor(Fm.length / (m * n)), Math.floor(FmT.length / (m * n)));
    this.stored = T;
    for (let t = 0; t < T; t++) {
      stageBlock(FmT, t * n * m, m, f64, this.stFmT + t * this.stepFmT, mK, n, m);
      stageBlock(Fm, t * m * n, n, f64, this.stFm + t * this.stepFm, nK, m, n);
    }
  }

  /**
   * out += alpha · Aᵀ B A for B = Rᵀ R (R upper `[dX, dX]`, lower part zero) and AT = Aᵀ
   * `[n, dX]` at `atOff` (n = dX + dU): G = (R A)ᵀ, then the upper triangle of G Gᵀ, mirrored
   * (the added term is exactly symmetric). As {@link addSymFromChol}. With `t` ≥ 0 the
   * stored Fm_tᵀ of step t ({@link loadDynamics}) is used and `AT` is not read.
   */
  addSymFromChol(
    AT: Float64Array,
    atOff: number,
    R: Float64Array,
    out: Float64Array,
    oOff: number,
    alpha: number,
    t = -1,
  ): void {
    const { dX: m, mK, f64, bwdB } = this;
    for (let i = 0; i < m; i++) {
      const s = i * m;
      const d = bwdB + i * mK;
      for (let k = i; k < m; k++) f64[d + k] = R[s + k];
    }
    this.addSymFromFactor(AT, atOff, out, oOff, alpha, t);
  }

  /**
   * Upper Cholesky factor of the symmetric `[dX, dX]` matrix V (upper triangle read), kept in
   * the module's memory for {@link addSymFromFactor}: the operations of {@link cholUpperRows}
   * in the same order (identical factor). When `R` is given the factor is also copied there
   * (`[dX, dX]`, upper; the lower part is left as it is).
   *
   * @returns 0, or the 1-based order of the first leading minor that is not positive definite
   */
  factorUpper(V: Float64Array, R?: Float64Array): number {
    const { dX: m, mK, f64, bwdB } = this;
    for (let i = 0; i < m; i++) {
      const s = i * m;
      const d = bwdB + i * mK;
      for (let k = i; k < m; k++) f64[d + k] = V[s + k];
    }
    const info = this.ex.cholUpper(bwdB * 8, mK, m);
    if (R && info === 0) {
      for (let i = 0; i < m; i++) {
        const s = i * m;
        const d = bwdB + i * mK;
        for (let k = i; k < m; k++) R[s + k] = f64[d + k];
      }
    }
    return info;
  }

  /**
   * {@link addSymFromChol} with the factor R of the last successful {@link factorUpper}.
   */
  addSymFromFactor(
    AT: Float64Array,
    atOff: number,
    out: Float64Array,
    oOff: number,
    alpha: number,
    t = -1,
  ): void {
    const { dX: m, n, mK, f64 } = this;
    const { bwdB, bwdG, bwdC } = this;
    let bwdA = this.bwdA;
    if (t >= 0 && t < this.stored) bwdA = this.stFmT + t * this.stepFmT;
    else stageBlock(AT, atOff, m, f64, bwdA, mK, n, m);
    const ldg = r4(m);
    const ldc = r4(n);
    // G[j, i] = Σ_{k ≥ i} AT[j, k] R[i, k]
    this.ex.gemmNT(bwdA * 8, mK, bwdB * 8, mK, bwdG * 8, ldg, r2(n), r4(m), mK, 0, 1);
    // C = G Gᵀ (upper blocks)
    this.ex.gemmNT(bwdG * 8, ldg, bwdG * 8, ldg, bwdC * 8, ldc, r2(n), r4(n), mK, 1, 0);
    for (let a = 0; a < n; a++) {
      const ca = bwdC + a * ldc;
      const oa = oOff + a * n;
      out[oa + a] += alpha * f64[ca + a];
      for (let b = a + 1; b < n; b++) {
        const v = alpha * f64[ca + b];
        out[oa + b] += v;
        out[oOff + b * n + a] += v;
      }
    }
  }

  /**
   * The control blocks of the forward pass's sigma_t (n = dX + dU, sigma_t `[n, n]` at `so`
   * whose state block S is set): sigma_ux = K S, sigma_xu = its transpose, sigma_uu =
   * (K S) Kᵀ + polCovar, for K `[dU, dX]` at `ko` and polCovar `[dU, dU]` at `po`. S is kept
   * in the module as the leading block of the next {@link symABAt}'s B; it is read from sigma
   * unless `chained` and the previous {@link symABAt} kept it there.
   */
  controlBlocks(
    K: Float64Array,
    ko: number,
    polCovar: Float64Array,
    po: number,
    sigma: Float64Array,
    so: number,
    chained: boolean,
  ): void {
    const { dX: m, dU, n, nK, mK, f64 } = this;
    const { fwdB, fwdK, fwdUX, fwdUU } = this;
    if (!(chained && this.kept)) {
      stageBlock(sigma, so, n, f64, fwdB, nK, m, m);
      this.kept = true;
    }
    // Zero what the products read beyond S (column dX when dX is odd, and the rows below S up
    // to a multiple of 4); symABAt copies those entries of B in again.
    for (let i = 0; i < r4(m); i++) {
      const d = fwdB + i * nK;
      if (i >= m) for (let j = 0; j < mK; j++) f64[d + j] = 0;
      else if (mK > m) f64[d + m] = 0;
    }
    stageBlock(K, ko, m, f64, fwdK, mK, dU, m);
    const ldux = r4(m);
    const lduu = r4(dU);
    // UX[a, i] = Σ_j K[a, j] S[i, j]
    this.ex.gemmNT(fwdK * 8, mK, fwdB * 8, nK, fwdUX * 8, ldux, r2(dU), r4(m), mK, 0, 0);
    // UU[a, b] = Σ_j UX[a, j] K[b, j]
    this.ex.gemmNT(fwdUX * 8, ldux, fwdK * 8, mK, fwdUU * 8, lduu, r2(dU), r4(dU), mK, 0, 0);
    for (let i = 0; i < m; i++) {
      const oi = so + i * n + m;
      for (let a = 0; a < dU; a++) sigma[oi + a] = f64[fwdUX + a * ldux + i];
    }
    for (let a = 0; a < dU; a++) {
      const oa = so + (m + a) * n;
      const ua = fwdUX + a * ldux;
      for (let i = 0; i < m; i++) sigma[oa + i] = f64[ua + i];
      const uu = fwdUU + a * lduu;
      const pa = po + a * dU;
      for (let b = 0; b < dU; b++) sigma[oa + m + b] = f64[uu + b] + polCovar[pa + b];
    }
  }

  /**
   * Z = Kd Σ_x (Z[a, j] = Kd_a · Σ_x[j, :]) for Kd `[dU, dX]` and the state block Σ_x of the
   * sigma_t of the last {@link controlBlocks} (valid until the next {@link symABAt}: the
   * forward pass's per-step callback). Z `[dU, dX]`.
   */
  deltaKSigma(Kd: Float64Array, Z: Float64Array): void {
    const { dX: m, dU, nK, mK, f64, fwdB, fwdKd, fwdZ } = this;
    stageBlock(Kd, 0, m, f64, fwdKd, mK, dU, m);
    const ldz = r4(m);
    this.ex.gemmNT(fwdKd * 8, mK, fwdB * 8, nK, fwdZ * 8, ldz, r2(dU), r4(m), mK, 0, 0);
    for (let a = 0; a < dU; a++) {
      const s = fwdZ + a * ldz;
      const d = a * m;
      for (let j = 0; j < m; j++) Z[d + j] = f64[s + j];
    }
  }

  /**
   * out = A B Aᵀ (+ D) for A `[dX, n]` at `aOff` and symmetric B `[n, n]` at `bOff`
   * (n = dX + dU), out `[dX, dX]` at `oOff` with row stride `oStride`: upper triangle computed,
   * lower mirrored, then D `[dX, dX]` at `dOff` added when given. As {@link symABAt} (which
   * reads B by columns where this reads it by rows: the same for a symmetric B). With `t` ≥ 0
   * the stored Fm_t of step t ({@link loadDynamics}) is used and `A` is not read. For the
   * forward pass's chain of steps: `keep` keeps the result (with D) in the module as the
   * leading `[dX, dX]` block of the next call's B; `chained` says that this call's B has the
   * previous call's result as that block (as sigma_t's state block is), which is then not
   * read when the previous call kept it.
   */
  symABAt(
    A: Float64Array,
    aOff: number,
    B: Float64Array,
    bOff: number,
    out: Float64Array,
    oOff: number,
    oStride: number,
    D: Float64Array | null = null,
    dOff = 0,
    t = -1,
    keep = false,
    chained = false,
  ): void {
    const { dX: m, n, nK, f64 } = this;
    const { fwdB, fwdG, fwdC } = this;
    // The previous call (with keep) left its result, which is B's leading [dX, dX] block, in
    // place: copy only the rest of B.
    const chainIn = chained && this.kept;
    let fwdA = this.fwdA;
    if (t >= 0 && t < this.stored) fwdA = this.stFm + t * this.stepFm;
    else stageBlock(A, aOff, n, f64, fwdA, nK, m, n);
    for (let j = 0; j < n; j++) {
      const s = bOff + j * n;
      const d = fwdB + j * nK;
      for (let k = chainIn && j < m ? m : 0; k < n; k++) f64[d + k] = B[s + k];
    }
    const ldg = r4(n);
    const ldc = r4(m);
    // G = A B
    this.ex.gemmNT(fwdA * 8, nK, fwdB * 8, nK, fwdG * 8, ldg, r2(m), r4(n), nK, 0, 0);
    // C = G Aᵀ (upper blocks)
    this.ex.gemmNT(fwdG * 8, ldg, fwdA * 8, nK, fwdC * 8, ldc, r2(m), r4(m), nK, 1, 0);
    // Row by row through out and D (large arrays); the mirrored entries are read from the
    // small C in the module's memory.
    for (let i = 0; i < m; i++) {
      const ci = fwdC + i * ldc;
      const oi = oOff + i * oStride;
      if (D) {
        const di = dOff + i * m;
        for (let j = 0; j < i; j++) out[oi + j] = f64[fwdC + j * ldc + i] + D[di + j];
        for (let j = i; j < m; j++) out[oi + j] = f64[ci + j] + D[di + j];
      } else {
        for (let j = 0; j < i; j++) out[oi + j] = f64[fwdC + j * ldc + i];
        for (let j = i; j < m; j++) out[oi + j] = f64[ci + j];
      }
      if (keep) {
        const bi = fwdB + i * nK;
        for (let j = 0; j < m; j++) f64[bi + j] = out[oi + j];
      }
    }
    this.kept = keep;
  }
}
