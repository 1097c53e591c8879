import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileWasmModule, decodeBase64, wasmApi } from './wasm.js';

// The smallest valid module: magic "\0asm" and version 1.
const EMPTY_MODULE = 'AGFzbQEAAAA=';
// A module whose single function returns an f64x2 splat's lane 0 (needs WebAssembly SIMD):
// (module (func (export "f") (result f64) f64.const 2.5 f64x2.splat f64x2.extract_lane 0))
const SIMD_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7c, 0x03,
  0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x12, 0x01, 0x10, 0x00, 0x44,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x40, 0xfd, 0x14, 0xfd, 0x21, 0x00, 0x0b,
]);
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

describe('WebAssembly kernel loading', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('decodes base64 with Buffer and with atob alone', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    expect(Array.from(decodeBase64(b64(bytes)))).toEqual(Array.from(bytes));
    vi.stubGlobal('Buffer', undefined);
    expect(Array.from(decodeBase64(b64Fallback(bytes)))).toEqual(Array.from(bytes));
  });

  it('compiles a valid module, and a SIMD module that runs', () => {
    expect(compileWasmModule(EMPTY_MODULE)).not.toBeNull();
    const mod = compileWasmModule(b64(SIMD_MODULE));
    expect(mod).not.toBeNull();
    const WA = wasmApi();
    const inst = new WA!.Instance(mod!, {}) as unknown as { exports: { f(): number } };
    expect(inst.exports.f()).toBe(2.5);
  });

  it('returns null for bytes the engine rejects, and without WebAssembly', () => {
    expect(compileWasmModule(b64(new Uint8Array([1, 2, 3, 4])))).toBeNull();
    vi.stubGlobal('WebAssembly', { validate: () => false });
    expect(compileWasmModule(b64(SIMD_MODULE))).toBeNull();
    vi.stubGlobal('WebAssembly', {
      validate: () => true,
      Module: class {
        constructor() {
          throw new Error('compile failed');
        }
      },
    });
    expect(compileWasmModule(b64(SIMD_MODULE))).toBeNull();
    vi.stubGlobal('WebAssembly', undefined);
    expect(wasmApi()).toBeUndefined();
    expect(compileWasmModule(EMPTY_MODULE)).toBeNull();
  });
});

/** base64 computed before Buffer is stubbed away. */
function b64Fallback(u: Uint8Array): string {
  return btoa(String.fromCharCode(...u));
}
