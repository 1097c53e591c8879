import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { visuomotorCnn } from './networks.js';
import { createPolicyOptimizer } from './policy-opt.js';

describe('policies in worker threads', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm', 'cpu'] });
  });

  it('a snapshot posted to a worker rebuilds the same policy there (wasm in the worker)', async () => {
    const S = 8;
    const dO = 3 + 3 * S * S;
    const opt = await createPolicyOptimizer(dO, 2, {
      network: visuomotorCnn({
        image: { width: S, height: S },
        conv: [{ filters: 4, kernel: 3, stride: 1 }],
        hidden: [6],
      }),
    });
    const obs = Float64Array.from({ length: 4 * dO }, (_, i) => ((i * 37) % 101) / 101);
    const mine = opt.prob(obs, 1, 4).mu;
    const snap = opt.snapshot();
    opt.dispose();
    // The worker runs this package's TypeScript sources through tsx's loader.
    const entry = new URL('./test-worker.ts', import.meta.url).href;
    const worker = new Worker(
      `(async () => { (await import('tsx/esm/api')).register(); await import(${JSON.stringify(entry)}); })()`,
      { eval: true, execArgv: ['--conditions=@visuomotor/source'] },
    );
    try {
      const reply = await new Promise<{ backend: string; mu: Float64Array }>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (m) => {
          if (m === 'ready') worker.postMessage({ snap, obs, B: 4 }, [snap.weightData]);
          else resolve(m);
        });
      });
      expect(reply.backend).toBe('wasm');
      expect(Array.from(reply.mu)).toEqual(Array.from(mine));
    } finally {
      await worker.terminate();
    }
  });
});
