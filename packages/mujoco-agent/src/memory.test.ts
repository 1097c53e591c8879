import { zeroController } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import { MujocoAgent } from './agent.js';
import { loadEngine } from './engine.js';
import { LinearGaussianPolicy } from './policy.js';

describe('memory', () => {
  it('stays flat over thousands of rollouts and hundreds of agent lifetimes', async () => {
    const engine = await loadEngine();
    try {
      const a = new MujocoAgent(engine, { task: 'reacher', T: 10 });
      const c = zeroController(10, a.dX, a.dU);
      for (let t = 0; t < 10; t++) c.cholPolCovar.set([0.02, 0, 0, 0.02], 4 * t);
      const p = new LinearGaussianPolicy(c);
      const run = (n: number) => {
        for (let i = 0; i < n; i++)
          a.sampleSync(p, i % a.conditions, { seed: i, recordImages: i % 50 === 0 });
      };
      run(500); // warm up: JIT, heap sizing
      const heap0 = engine.heapBytes();
      (globalThis as { gc?: () => void }).gc?.();
      const rss0 = process.memoryUsage().rss;
      run(3000);
      // Agents (model + data + buffers) created and released.
      for (let i = 0; i < 200; i++) {
        const b = new MujocoAgent(engine, { task: i % 2 ? 'peg3d' : 'pointmass', T: 3 });
        b.sampleSync(
          p.dU === b.dU ? p : new LinearGaussianPolicy(zeroController(3, b.dX, b.dU)),
          0,
          { seed: i, recordImages: true },
        );
        b.dispose();
      }
      run(1000);
      const heap1 = engine.heapBytes();
      const rss1 = process.memoryUsage().rss;
      a.dispose();
      // Wasm memory never shrinks: any leak of MjData / buffers would grow it.
      expect(heap1 - heap0).toBeLessThanOrEqual(4 * 1024 * 1024);
      expect(rss1 - rss0).toBeLessThan(150 * 1024 * 1024);
    } finally {
      engine.dispose();
    }
  });
});
