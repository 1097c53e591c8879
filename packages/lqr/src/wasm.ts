/**
 * Host side of the WebAssembly SIMD (f64x2) kernel (`wasm/kernels.wat`, assembled into
 * `wasm-kernels-bytes.ts`): the two O(n³) products of the passes, Fmᵀ Vxx Fm = G Gᵀ with
 * G = (R Fm)ᵀ in the backward pass and Fm Σ Fmᵀ in the forward pass, each as two products
 * C = A Bᵀ on zero-padded copies of the operands in the module's memory. The pure-JavaScript
 * kernels of `kernels.ts` ({@link addSymFromChol}, {@link symABAt}) compute the same products
 * and are used wherever WebAssembly SIMD is unavailable; the two differ only in the order of
 * the floating-point sums.
 *
 * One instance per problem size (dX, dU), shared by every workspace of that size: its memory
 * is allocated once and never grows, so the views taken at construction stay valid.
 *
 * @internal
 * @packageDocumentation
 */
import { LQR_WASM_BASE64 } from './wasm-kernels-bytes.js';

/** The slice of the WebAssembly JS API used here (the Node typings lack it without DOM). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (mod: WasmModule, imports: object) => { exports: object };
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
}

interface Exports {
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

function decodeBase64(s: string): Uint8Array {
  const g = globalThis as {
    Buffer?: { from(s: string, enc: string): Uint8Array };
    atob?: (s: string) => string;
  };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(s, 'base64'));
  const bin = g.atob!(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function wasmApi(): WasmApi | undefined {
  const WA = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof WA === 'object' && WA !== null ? WA : undefined;
}

/** The compiled module, or null when WebAssembly SIMD is unavailable (decided once). */
function kernelModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  let mod: WasmModule | null = null;
  try {
    const WA = wasmApi();
    if (WA) {
      const bytes = decodeBase64(LQR_WASM_BASE64);
      if (WA.validate(bytes)) mod = new WA.Module(bytes);
    }
  } catch {
    mod = null;
  }
  compiled = mod;
  return mod;
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
  if (k === 'wasm' && !wasmSimdAvailable()) {
    throw new Error('WebAssembly SIMD is not available in this environment');
  }
  mode = k;
}

/** The SIMD kernels for (dX, dU) under the current choice, or null for the JavaScript ones. */
export function simdKernels(dX: number, dU: number): LqrSimd | null {
  if (mode === 'js') return null;
  const mod = kernelModule();
  if (!mod) return null;
  const key = `${dX},${dU}`;
  let s = instances.get(key);
  if (!s) {
    s = new LqrSimd(mod, dX, dU);
    instances.set(key, s);
  }
  return s;
}

const r2 = (x: number) => x + (x & 1);
const r4 = (x: number) => (x + 3) & ~3;

/** The SIMD products for one problem size (see the module comment). */
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

  constructor(
    mod: WasmModule,
    readonly dX: number,
    readonly dU: number,
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
    const memory = new WA.Memory({ initial: Math.max(1, Math.ceil((o * 8) / 65536)) });
    this.ex = new WA.Instance(mod, { env: { memory } }).exports as unknown as Exports;
    this.f64 = new Float64Array(memory.buffer);
  }

  /**
   * out += alpha · Aᵀ B A for B = Rᵀ R (R upper `[dX, dX]`, lower part zero) and AT = Aᵀ
   * `[n, dX]` at `atOff` (n = dX + dU): G = (R A)ᵀ, then the upper triangle of G Gᵀ, mirrored
   * (the added term is exactly symmetric). As {@link addSymFromChol}.
   */
  addSymFromChol(
    AT: Float64Array,
    atOff: number,
    R: Float64Array,
    out: Float64Array,
    oOff: number,
    alpha: number,
  ): void {
    const { dX: m, n, mK, f64 } = this;
    const { bwdA, bwdB, bwdG, bwdC } = this;
    for (let j = 0; j < n; j++) {
      const s = atOff + j * m;
      const d = bwdA + j * mK;
      for (let k = 0; k < m; k++) f64[d + k] = AT[s + k];
    }
    for (let i = 0; i < m; i++) {
      const s = i * m;
      const d = bwdB + i * mK;
      for (let k = i; k < m; k++) f64[d + k] = R[s + k];
    }
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
   * out = A B Aᵀ for A `[dX, n]` at `aOff` and B `[n, n]` at `bOff` (n = dX + dU), out
   * `[dX, dX]` at `oOff` with row stride `oStride`: upper triangle computed, lower mirrored.
   * As {@link symABAt}.
   */
  symABAt(
    A: Float64Array,
    aOff: number,
    B: Float64Array,
    bOff: number,
    out: Float64Array,
    oOff: number,
    oStride: number,
  ): void {
    const { dX: m, n, nK, f64 } = this;
    const { fwdA, fwdB, fwdG, fwdC } = this;
    for (let i = 0; i < m; i++) {
      const s = aOff + i * n;
      const d = fwdA + i * nK;
      for (let k = 0; k < n; k++) f64[d + k] = A[s + k];
    }
    // Bᵀ row by row, so that G = A B exactly (B need not be symmetric).
    for (let k = 0; k < n; k++) {
      const s = bOff + k * n;
      for (let j = 0; j < n; j++) f64[fwdB + j * nK + k] = B[s + j];
    }
    const ldg = r4(n);
    const ldc = r4(m);
    // G = A B
    this.ex.gemmNT(fwdA * 8, nK, fwdB * 8, nK, fwdG * 8, ldg, r2(m), r4(n), nK, 0, 0);
    // C = G Aᵀ (upper blocks)
    this.ex.gemmNT(fwdG * 8, ldg, fwdA * 8, nK, fwdC * 8, ldc, r2(m), r4(m), nK, 1, 0);
    for (let i = 0; i < m; i++) {
      const ci = fwdC + i * ldc;
      const oi = oOff + i * oStride;
      for (let j = i; j < m; j++) {
        const v = f64[ci + j];
        out[oi + j] = v;
        out[oOff + j * oStride + i] = v;
      }
    }
  }
}
