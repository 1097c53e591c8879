/**
 * Loading of the WebAssembly SIMD kernels that packages ship as base64 strings (generated from
 * their `wasm/kernels.wat` by `scripts/wat-to-ts.mjs`). One loader for every package, so the
 * feature detection and its fallback behave the same everywhere: a module that the engine
 * rejects (no WebAssembly, or WebAssembly without SIMD) yields `null`, and the caller uses its
 * JavaScript kernels.
 *
 * @packageDocumentation
 */

/** A linear memory of the WebAssembly JS API (the Node typings lack it without DOM). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** A compiled WebAssembly module (opaque). */
export type WasmModule = object;

/** The slice of the WebAssembly JS API the kernels use. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (mod: WasmModule, imports: object) => { exports: object };
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
}

/** The engine's WebAssembly API, or undefined where there is none. Read at each call. */
export function wasmApi(): WasmApi | undefined {
  const WA = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof WA === 'object' && WA !== null ? WA : undefined;
}

/** Bytes of a base64 string (Node's Buffer where present, else atob). */
export function decodeBase64(s: string): Uint8Array {
  const g = globalThis as {
    Buffer?: { from(s: string, enc: string): Uint8Array };
    atob?: (s: string) => string;
  };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(s, 'base64'));
  if (!g.atob) throw new Error('decodeBase64: neither Buffer nor atob is available');
  const bin = g.atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Compile a base64-encoded WebAssembly module, or return null when this engine cannot run it
 * (no WebAssembly, validation fails — e.g. no SIMD — or compilation throws). Compilation is
 * synchronous; callers cache the result.
 *
 * @example
 * ```ts
 * const mod = compileWasmModule(KERNELS_BASE64);
 * const kernels = mod ? new WebAssembly.Instance(mod, {}) : null; // null: use the JS kernels
 * ```
 */
export function compileWasmModule(base64: string): WasmModule | null {
  try {
    const WA = wasmApi();
    if (!WA) return null;
    const bytes = decodeBase64(base64);
    return WA.validate(bytes) ? new WA.Module(bytes) : null;
  } catch {
    return null;
  }
}
