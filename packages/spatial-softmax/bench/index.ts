/**
 * Benchmarks of the policy networks: one Adam step of the state-based MLP, one control-loop
 * inference of the visuomotor CNN (one image, as a 20 Hz loop does), and one training step on
 * a batch of 25 images, at 64x64 (simulated images) and 240x240 (the paper's camera images).
 * The extra fields name the backend, whether wasm runs SIMD, and the parameter count.
 */
import { runBenchmarks } from '@visuomotor/bench';
import {
  type BackendInfo,
  createPolicyOptimizer,
  initBackend,
  mlp,
  type PolicyOptimizerTf,
  type TfPolicy,
  visuomotorCnn,
} from '../src/index.js';

const info: BackendInfo = await initBackend();
const dX = 32; // PR2-like robot state: 7 angles, 7 velocities, 3 end-effector points and velocities
const dU = 7;

function extra(o: PolicyOptimizerTf) {
  return () => ({
    backend: info.name,
    ...(info.name === 'wasm' ? { simd: info.simd, threads: info.threads } : {}),
    params: o.net.paramCount(),
  });
}

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = (s >>> 0) / 4294967296;
  }
  return a;
}

/** A prepared minibatch: identity precisions, random observations and targets. */
function batch(B: number, dO: number) {
  const prc = new Float32Array(B * dU * dU);
  for (let b = 0; b < B; b++) for (let i = 0; i < dU; i++) prc[b * dU * dU + i * dU + i] = 1;
  return { obs: rand(B * dO, 1), mu: rand(B * dU, 2), prc };
}

async function trainCase(
  name: string,
  dO: number,
  network: Parameters<typeof createPolicyOptimizer>[2]['network'],
  B: number,
  runs: { minRuns: number; budgetMs: number; warmup: number },
) {
  let opt: PolicyOptimizerTf | undefined;
  return {
    name,
    ...runs,
    setup: async () => {
      opt = await createPolicyOptimizer(dO, dU, { network, batchSize: B });
      return { opt, ...batch(B, dO) };
    },
    run: (s: unknown) => {
      const st = s as {
        opt: PolicyOptimizerTf;
        obs: Float32Array;
        mu: Float32Array;
        prc: Float32Array;
      };
      st.opt.trainStep(st.obs, st.mu, st.prc, B);
    },
    teardown: () => opt?.dispose(),
    extra: (_r: unknown, s: unknown) => ({
      ...extra((s as { opt: PolicyOptimizerTf }).opt)(),
      batch: B,
    }),
  };
}

async function inferCase(
  name: string,
  size: number,
  runs: { minRuns: number; budgetMs: number; warmup: number },
) {
  const dO = dX + 3 * size * size;
  let opt: PolicyOptimizerTf | undefined;
  return {
    name,
    ...runs,
    setup: async () => {
      opt = await createPolicyOptimizer(dO, dU, {
        network: visuomotorCnn({ image: { width: size, height: size } }),
      });
      return {
        opt,
        pol: opt.asPolicy(),
        obs: Float64Array.from(rand(dO, 3)),
        noise: new Float64Array(dU),
        u: new Float64Array(dU),
      };
    },
    run: (s: unknown) => {
      const st = s as { pol: TfPolicy; obs: Float64Array; noise: Float64Array; u: Float64Array };
      st.pol.act(new Float64Array(0), st.obs, 0, st.noise, st.u);
    },
    teardown: () => opt?.dispose(),
    extra: (_r: unknown, s: unknown) => extra((s as { opt: PolicyOptimizerTf }).opt)(),
  };
}

const cnn = (size: number) => visuomotorCnn({ image: { width: size, height: size } });

await runBenchmarks([
  await trainCase('policy.train_step.mlp', dX, mlp({ hidden: [40, 40] }), 25, {
    minRuns: 50,
    budgetMs: 1000,
    warmup: 10,
  }),
  await inferCase('policy.infer.64', 64, { minRuns: 20, budgetMs: 1000, warmup: 3 }),
  await trainCase('policy.train_step.64.b25', dX + 3 * 64 * 64, cnn(64), 25, {
    minRuns: 5,
    budgetMs: 3000,
    warmup: 1,
  }),
  await inferCase('policy.infer.240', 240, { minRuns: 5, budgetMs: 1500, warmup: 1 }),
  await trainCase('policy.train_step.240.b25', dX + 3 * 240 * 240, cnn(240), 25, {
    minRuns: 2,
    budgetMs: 1,
    warmup: 1,
  }),
]);
