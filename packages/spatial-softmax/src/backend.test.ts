import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import { initBackend, wasmDir } from './backend.js';

describe('initBackend', () => {
  it('defaults to tfjs-node when it loads, else wasm (SIMD, one thread in Node), with gradients', async () => {
    const info = await initBackend({ prefer: ['tensorflow', 'wasm', 'cpu'] });
    expect(tf.getBackend()).toBe(info.name);
    if (info.name === 'wasm') {
      expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow']);
      expect(info.skipped[0].reason).toMatch(/tfjs-node/);
      expect(typeof info.simd).toBe('boolean');
      expect(info.threads).toBeGreaterThanOrEqual(1);
    }
    expect(tf.getGradient('BatchMatMul')).toBeDefined();
    expect(tf.getGradient('Conv2D')).toBeDefined();
    // Same preference: the same promise.
    expect(initBackend({ prefer: ['tensorflow', 'wasm', 'cpu'] })).toBe(
      initBackend({ prefer: ['tensorflow', 'wasm', 'cpu'] }),
    );
  });

  it('switches to the cpu backend on request', async () => {
    const info = await initBackend({ prefer: 'cpu' });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('finds the wasm binaries next to the package', () => {
    expect(existsSync(join(wasmDir(), 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
  });

  it('rejects unknown backend names', async () => {
    await expect(initBackend({ prefer: ['webgl' as never] })).rejects.toThrow(InvalidArgumentError);
  });
});
