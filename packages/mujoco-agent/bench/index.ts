import { type BenchResult, parseBenchArgs, runBenchmarks } from '@visuomotor/bench';
import { zeroController } from '@visuomotor/contracts';
import {
  type EngineData,
  LinearGaussianPolicy,
  loadEngine,
  MujocoAgent,
  RayRenderer,
  RolloutPool,
  type RolloutRequest,
} from '../src/index.js';

const opts = parseBenchArgs();
const engine = await loadEngine();

function peg3dController(T: number, dX: number, dU: number) {
  const c = zeroController(T, dX, dU);
  for (let i = 0; i < c.K.length; i++) c.K[i] = 0.01 * Math.sin(i);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < dU; i++) {
      c.k[t * dU + i] = 2 * Math.cos(0.1 * t + i);
      c.cholPolCovar[t * dU * dU + i * dU + i] = 1;
    }
  return c;
}

/**
 * V8 runs new wasm code in its baseline tier first and tiers hot functions up in the
 * background: run rollouts for a while (untimed) so that even `--quick` times optimised code.
 */
function warmUp(a: MujocoAgent, ms = 600): void {
  const p = new LinearGaussianPolicy(peg3dController(a.T, a.dX, a.dU));
  const until = performance.now() + ms;
  for (let i = 0; performance.now() < until; i++) a.sampleSync(p, i % a.conditions, { seed: i });
}

const STEPS = 1000;
const N_POOL = 40;
const poolRequests = (dX: number, dU: number): RolloutRequest[] => {
  const spec = { kind: 'linear-gaussian', controller: peg3dController(100, dX, dU) } as const;
  return Array.from({ length: N_POOL }, (_, i) => ({ policy: spec, condition: i % 4, seed: i }));
};

let oneWorkerMs = Number.NaN;

interface PoolState {
  pool: RolloutPool;
  reqs: RolloutRequest[];
  cpuMs: number;
  wallMs: number;
  runs: number;
}

/** One timed pool run, also summing the process CPU time (all threads) it used. */
async function runPool(s: unknown): Promise<void> {
  const st = s as PoolState;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await st.pool.sampleMany(st.reqs);
  st.wallMs += performance.now() - t0;
  const c = process.cpuUsage(c0);
  st.cpuMs += (c.user + c.system) / 1000;
  st.runs++;
}

/**
 * CPU time per rollout and CPU / wall time: the cores the pool actually got (about the number
 * of workers on an idle machine; less when other processes hold the cores).
 */
function cpuStats(st: PoolState): Record<string, number> {
  return {
    cores_used: st.wallMs > 0 ? st.cpuMs / st.wallMs : 0,
    cpu_ms_per_rollout: st.cpuMs / Math.max(1, st.reqs.length * st.runs),
  };
}

const results: BenchResult[] = await runBenchmarks(
  [
    {
      name: 'mujoco.step.peg3d',
      setup: () => {
        const a = new MujocoAgent(engine, { task: 'peg3d' });
        a.sim.reset(0);
        warmUp(a);
        a.sim.reset(0);
        return a;
      },
      run: (s) => {
        const a = s as MujocoAgent;
        const d: EngineData = a.sim.data;
        const ctrl = d.ctrl;
        for (let i = 0; i < STEPS; i++) {
          ctrl[0] = 0.1 * Math.sin(i);
          d.step();
        }
      },
      teardown: (s) => (s as MujocoAgent).dispose(),
      warmup: 30,
      extra: (r) => ({ steps_per_run: STEPS, us_per_step: (r.median_ms * 1000) / STEPS }),
    },
    {
      name: 'mujoco.rollout.peg3d',
      setup: () => {
        const a = new MujocoAgent(engine, { task: 'peg3d', T: 100 });
        warmUp(a);
        return { a, p: new LinearGaussianPolicy(peg3dController(100, a.dX, a.dU)), seed: 0 };
      },
      run: (s) => {
        const st = s as { a: MujocoAgent; p: LinearGaussianPolicy; seed: number };
        st.a.sampleSync(st.p, st.seed % 4, { seed: st.seed++ });
      },
      teardown: (s) => (s as { a: MujocoAgent }).a.dispose(),
      warmup: 30,
      extra: (r) => ({
        T: 100,
        substeps: 5,
        us_per_physics_step: (r.median_ms * 1000) / 500,
      }),
    },
    {
      name: 'mujoco.rollouts.peg3d.pool1',
      setup: async () => {
        const pool = await RolloutPool.create({ task: 'peg3d', T: 100, workers: 1 });
        return { pool, reqs: poolRequests(26, 7), cpuMs: 0, wallMs: 0, runs: 0 };
      },
      run: runPool,
      teardown: async (s) => (s as { pool: RolloutPool }).pool.close(),
      minRuns: 5,
      budgetMs: 2000,
      extra: (r, s) => {
        oneWorkerMs = r.median_ms;
        return {
          workers: 1,
          rollouts: N_POOL,
          rollouts_per_s: (N_POOL * 1000) / r.median_ms,
          ...cpuStats(s as PoolState),
        };
      },
    },
    {
      name: 'mujoco.rollouts.peg3d.pool',
      setup: async () => {
        const pool = await RolloutPool.create({ task: 'peg3d', T: 100 });
        return { pool, reqs: poolRequests(26, 7), cpuMs: 0, wallMs: 0, runs: 0 };
      },
      run: runPool,
      teardown: async (s) => (s as { pool: RolloutPool }).pool.close(),
      minRuns: 5,
      budgetMs: 2000,
      extra: (r, s) => ({
        workers: (s as { pool: RolloutPool }).pool.size,
        rollouts: N_POOL,
        rollouts_per_s: (N_POOL * 1000) / r.median_ms,
        speedup_vs_1_worker: oneWorkerMs / r.median_ms,
        ...cpuStats(s as PoolState),
      }),
    },
    ...[64, 240].map((px) => ({
      name: `render.${px}`,
      setup: () => {
        const a = new MujocoAgent(engine, { task: 'peg3d' });
        a.sim.reset(0);
        const r = new RayRenderer(a.sim.model, a.sim.data, a.sim.model.cameraId('front'), px, px);
        return { a, r };
      },
      run: (s: unknown) => {
        (s as { r: RayRenderer }).r.render();
      },
      teardown: (s: unknown) => (s as { a: MujocoAgent }).a.dispose(),
      extra: () => ({ task: 'peg3d', pixels: px * px }),
    })),
  ],
  opts,
);

void results;
engine.dispose();
