import { zeroController } from '@visuomotor/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MujocoAgent } from './agent.js';
import { SimulationError, TaskConfigError } from './errors.js';
import { LinearGaussianPolicy } from './policy.js';
import { RolloutPool } from './pool.js';
import { type PolicySpec, policyFromSpec, type RolloutRequest } from './protocol.js';

const T = 30;

function feedback(args: { gain: number }) {
  const url = new URL('./test-fixtures/feedback-policy.ts', import.meta.url).href;
  return policyFromSpec({ kind: 'module', url, args }, { T, dX: 26, dU: 7, dO: 20 });
}
let pool: RolloutPool;
let agent: MujocoAgent;

function controller(seed: number) {
  const c = zeroController(T, 26, 7);
  for (let i = 0; i < c.K.length; i++) c.K[i] = 0.02 * Math.sin(seed + i);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < 7; i++) {
      c.k[t * 7 + i] = Math.cos(seed * t + i);
      c.cholPolCovar[t * 49 + i * 8] = 0.5;
    }
  return c;
}

beforeAll(async () => {
  pool = await RolloutPool.create({ task: 'peg3d', T, workers: 2, warmupMs: 0 });
  agent = await MujocoAgent.create({ task: 'peg3d', T });
});
afterAll(async () => {
  await pool.close();
  agent.dispose();
});

describe('RolloutPool', () => {
  it('returns, in request order, samples bit-identical to a single-thread run', async () => {
    const specs: PolicySpec[] = [
      { kind: 'linear-gaussian', controller: controller(1) },
      { kind: 'linear-gaussian', controller: controller(2) },
    ];
    const reqs: RolloutRequest[] = Array.from({ length: 12 }, (_, i) => ({
      policy: specs[i % 2],
      condition: i % 4,
      seed: 1000 + i,
      noiseScale: 1,
    }));
    const samples = await pool.sampleMany(reqs);
    expect(samples).toHaveLength(12);
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      const ref = agent.sampleSync(
        new LinearGaussianPolicy(
          (r.policy as Extract<PolicySpec, { kind: 'linear-gaussian' }>).controller,
        ),
        r.condition,
        r,
      );
      const s = samples[i];
      expect(s.condition).toBe(r.condition);
      expect(Buffer.from(s.X.buffer).equals(Buffer.from(ref.X.buffer))).toBe(true);
      expect(Buffer.from(s.U.buffer).equals(Buffer.from(ref.U.buffer))).toBe(true);
      expect(
        Buffer.from(s.sensors.END_EFFECTOR_POINT_JACOBIANS.data.buffer).equals(
          Buffer.from(ref.sensors.END_EFFECTOR_POINT_JACOBIANS.data.buffer),
        ),
      ).toBe(true);
    }
    // The same requests again (other workers may take them): identical again.
    const again = await pool.sampleMany([...reqs].reverse());
    for (let i = 0; i < reqs.length; i++) {
      expect(
        Buffer.from(again[reqs.length - 1 - i].X.buffer).equals(Buffer.from(samples[i].X.buffer)),
      ).toBe(true);
    }
  });

  it('builds any policy in the worker from a module factory', async () => {
    const url = new URL('./test-fixtures/feedback-policy.ts', import.meta.url).href;
    const [s] = await pool.sampleMany([
      { policy: { kind: 'module', url, args: { gain: 5 } }, condition: 1, seed: 9 },
    ]);
    const ref = agent.sampleSync(await feedback({ gain: 5 }), 1, { seed: 9 });
    expect(Buffer.from(s.X.buffer).equals(Buffer.from(ref.X.buffer))).toBe(true);
    const err = await pool
      .sampleMany([
        { policy: { kind: 'module', url, exportName: 'notAFactory' }, condition: 0, seed: 0 },
      ])
      .catch((e) => e);
    expect(err).toBeInstanceOf(TaskConfigError);
    expect(String(err.message)).toMatch(/no function export "notAFactory"/);
  });

  it('keeps worker heaps flat over hundreds of pooled rollouts', async () => {
    const reqs: RolloutRequest[] = Array.from({ length: 100 }, (_, i) => ({
      policy: { kind: 'linear-gaussian', controller: controller(i % 3) },
      condition: i % 4,
      seed: i,
    }));
    await pool.sampleMany(reqs);
    const before = await pool.memoryStats();
    for (let r = 0; r < 3; r++) await pool.sampleMany(reqs);
    const after = await pool.memoryStats();
    expect(after.map((s) => s.heapBytes)).toEqual(before.map((s) => s.heapBytes));
  });

  it('rebuilds a worker-side SimulationError with task, condition and step', async () => {
    const c = controller(3);
    c.k[5 * 7 + 2] = Number.NaN;
    const err = await pool
      .sampleMany([
        { policy: { kind: 'zero' }, condition: 0, seed: 1 },
        { policy: { kind: 'linear-gaussian', controller: c }, condition: 2, seed: 1 },
      ])
      .catch((e) => e);
    expect(err).toBeInstanceOf(SimulationError);
    expect((err as SimulationError).condition).toBe(2);
    expect((err as SimulationError).step).toBe(5);
    expect((err as SimulationError).task).toBe('peg3d');
    // The pool still works.
    const [s] = await pool.sampleMany([{ policy: { kind: 'zero' }, condition: 1, seed: 3 }]);
    expect(s.X.length).toBe(T * 26);
  });

  it('fails fast, not forever, once a worker is gone', async () => {
    const small = await RolloutPool.create({ task: 'pointmass', T: 5, workers: 1, warmupMs: 0 });
    try {
      const w = (small as unknown as { workers: { worker: { terminate(): Promise<number> } }[] })
        .workers[0].worker;
      await w.terminate();
      await expect(
        small.sampleMany([{ policy: { kind: 'zero' }, condition: 0, seed: 0 }]),
      ).rejects.toThrow(/worker 0 exited/);
    } finally {
      await small.close();
    }
  });
});
