/**
 * The arithmetic lower bound of `gmm.update.pr2_N5`: multiply-adds (MACs) of one update
 * counted on the benchmark's own run, the peak MAC rate reachable from WebAssembly SIMD and
 * from scalar JavaScript on this machine (register-only kernels: no loads, eight independent
 * accumulators), and the rates the E- and M-step kernels reach. CPU time (process.cpuUsage),
 * best of several runs, so that other processes on a shared machine matter less.
 *
 * Run: `npx tsx --conditions=@visuomotor/source bench/arithmetic.ts`
 */
import { GmmDynamicsPrior } from '../src/index.js';
import { WasmKernels } from '../src/wasm-kernels.js';
import { PR2, pr2Rollouts } from './pr2-data.js';

const { T, dX, dU } = PR2;
const hyper = { minSamplesPerCluster: 40, maxClusters: 20, maxSamples: 20, strength: 1, seed: 1 };

function bestCpuMs(f: () => void, reps: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  return best;
}

// 1. Count the work of one update (the M-step scatter skips points of weight exactly 0).
const proto = WasmKernels.prototype as unknown as {
  weightedPoints(w: Float64Array, wo: number, n: number): number;
};
const orig = proto.weightedPoints;
let scatterRows = 0;
proto.weightedPoints = function (this: unknown, w: Float64Array, wo: number, n: number) {
  const m = orig.call(this, w, wo, n);
  scatterRows += m;
  return m;
};
const data = pr2Rollouts(5, 105);
const prior = new GmmDynamicsPrior(hyper);
prior.update(data.X, data.U, 5, T, dX, dU);
proto.weightedPoints = orig;
const em = prior.lastEm!;
const D = 2 * dX + dU;
const { K, N } = em;
const eSteps = em.logLikelihoods.length;
const macs = {
  estep: eSteps * K * N * ((D * (D - 1)) / 2),
  mstep: scatterRows * ((D * (D + 1)) / 2),
  cholesky: eSteps * K * ((D * (D - 1) * (D + 1)) / 6),
  init: N * ((D * (D + 1)) / 2),
};
const total = macs.estep + macs.mstep + macs.cholesky + macs.init;

// 2. Peak rates: register-only multiply-add loops.
const wk = WasmKernels.create();
if (!wk) throw new Error('WebAssembly SIMD is not available');
const iters = 20_000_000;
wk.peak(1000);
const wasmMs = bestCpuMs(() => wk.peak(iters), 5);
const wasmPeak = (16 * iters) / (wasmMs * 1e6);
function jsPeakLoop(n: number, a: Float64Array): void {
  let a0 = a[0];
  let a1 = a[1];
  let a2 = a[2];
  let a3 = a[3];
  let a4 = a[4];
  let a5 = a[5];
  let a6 = a[6];
  let a7 = a[7];
  const x = a[8];
  const y = a[9];
  for (let k = 0; k < n; k++) {
    a0 += x * y;
    a1 += x * y;
    a2 += x * y;
    a3 += x * y;
    a4 += x * y;
    a5 += x * y;
    a6 += x * y;
    a7 += x * y;
  }
  a[0] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}
const arr = new Float64Array(10).fill(1e-9);
arr[8] = 1.0000001;
arr[9] = 0.9999999;
jsPeakLoop(100_000, arr);
const jsMs = bestCpuMs(() => jsPeakLoop(iters, arr), 5);
const jsPeak = (8 * iters) / (jsMs * 1e6);

// 3. The kernels on the benchmark's problem.
const gmm = (
  prior as unknown as { gmm: { estep(p: Float64Array, n: number, o: Float64Array): void } }
).gmm;
const xux = (prior as unknown as { xux: Float64Array }).xux;
const out = new Float64Array(N * K);
for (let i = 0; i < 10; i++) gmm.estep(xux, N, out);
const eMs = bestCpuMs(() => gmm.estep(xux, N, out), 40);
const Dp = D + (D & 1);
wk.layout(K, D, N);
for (let r = 0; r < N; r++)
  for (let a = 0; a < Dp; a++)
    wk.f64[wk.vOffset + r * Dp + a] = a < D ? 1e-3 * ((r * 7 + a) % 13) : 0;
const sMs = bestCpuMs(() => {
  for (let k = 0; k < K; k++) wk.scatter(N);
}, 40);

const atPeakMs = total / (wasmPeak * 1e6);
const result = {
  name: 'gmm.update.pr2_N5.arithmetic',
  em_iterations: eSteps,
  K,
  N,
  D,
  macs_estep_substitution: macs.estep,
  macs_mstep_scatter: macs.mstep,
  macs_cholesky: macs.cholesky,
  macs_init_scatter: macs.init,
  macs_total: total,
  peak_wasm_f64x2_gmacs: wasmPeak,
  peak_js_scalar_gmacs: jsPeak,
  estep_kernel_gmacs: (K * N * ((D * (D - 1)) / 2)) / (eMs * 1e6),
  mstep_kernel_gmacs: (K * N * ((D * (D + 1)) / 2)) / (sMs * 1e6),
  lower_bound_one_core_ms: atPeakMs,
  lower_bound_two_cores_ms: atPeakMs / 2,
  target_10x_ms: 8,
  gmacs_needed_for_target: total / 8e6,
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else
  for (const [k, v] of Object.entries(result))
    console.log(
      `${k.padEnd(32)} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}`,
    );
