/**
 * Benchmarks of @visuomotor/gmm-prior on PR2-sized problems (T = 100, dX = 26, dU = 7):
 * - `gmm.update.pr2_N5`: GmmDynamicsPrior.update on 5 rollouts from scratch (initial
 *   assignment + EM on 5·99 points of dimension 59, K = 12), reference ~0.08 s;
 * - `dynamics.fit_prior.pr2_N5` / `_N20`: the per-step fit with the updated GMM prior
 *   (99 prior evaluations + NIW MAP fits + conditioning, and x0mu / x0sigma), reference
 *   ~0.3 s at N = 5.
 * Hyperparameters as the reference examples: min_samples_per_cluster 40, max_clusters 20,
 * max_samples 20, strength 1, regularisation 1e-6.
 */
import { type BenchResult, runBenchmarks } from '@visuomotor/bench';
import { fitDynamics, GmmDynamicsPrior, type GmmOptions } from '../src/index.js';
import { PR2, pr2Rollouts } from './pr2-data.js';

const hyper = { minSamplesPerCluster: 40, maxClusters: 20, maxSamples: 20, strength: 1, seed: 1 };
const { T, dX, dU } = PR2;

const REFERENCE_MS = { gmmUpdateN5: 80, fitN5: 300 };

function updated(N: number) {
  const data = pr2Rollouts(N, 100 + N);
  const prior = new GmmDynamicsPrior(hyper);
  prior.update(data.X, data.U, N, T, dX, dU);
  return { data, prior };
}

type UpdState = { data: ReturnType<typeof pr2Rollouts>; iters: number };
type FitState = ReturnType<typeof updated>;

/** Speed-up over the reference from the harness's CPU time (wall time includes waiting). */
const cpuSpeedup = (r: BenchResult, referenceMs: number) =>
  r.cpu_median_ms ? { speedup_vs_reference_cpu: referenceMs / r.cpu_median_ms } : {};

/**
 * The GMM prior update on 5 rollouts from scratch; `gmm` changes mixture options (same data,
 * same hyperparameters), `note` is added to the JSON line.
 */
function updateCase(name: string, gmm?: GmmOptions, note: Record<string, string | number> = {}) {
  return {
    name,
    setup: (): UpdState => ({ data: pr2Rollouts(5, 105), iters: 0 }),
    run: (s: unknown) => {
      const st = s as UpdState;
      const prior = new GmmDynamicsPrior(gmm ? { ...hyper, gmm } : hyper);
      prior.update(st.data.X, st.data.U, 5, T, dX, dU);
      st.iters = prior.lastEm?.logLikelihoods.length ?? 0;
    },
    minRuns: 5,
    budgetMs: 3000,
    extra: (r: BenchResult, s: unknown) => ({
      ...note,
      em_iterations: (s as UpdState).iters,
      K: 12,
      speedup_vs_reference: REFERENCE_MS.gmmUpdateN5 / r.median_ms,
      ...cpuSpeedup(r, REFERENCE_MS.gmmUpdateN5),
    }),
  };
}

/** The per-step fit with the updated GMM prior, N rollouts. */
function fitCase(name: string, N: number, referenceMs?: number) {
  return {
    name,
    setup: () => updated(N),
    run: (s: unknown) => {
      const { data, prior } = s as FitState;
      fitDynamics(data.X, data.U, { N, T, dX, dU, prior, regularization: 1e-6 });
    },
    budgetMs: 2000,
    extra: (r: BenchResult) =>
      referenceMs
        ? { speedup_vs_reference: referenceMs / r.median_ms, ...cpuSpeedup(r, referenceMs) }
        : {},
  };
}

await runBenchmarks([
  updateCase('gmm.update.pr2_N5'),
  // Not the reference's computation: the documented non-default stop rule (fewer iterations).
  updateCase(
    'gmm.update.pr2_N5.stop_relative',
    { quirks: { stopRule: 'relative' } },
    { note: "non-default stopRule 'relative'" },
  ),
  // The pure-JavaScript kernels (the fallback without WebAssembly SIMD), same results.
  updateCase('gmm.update.pr2_N5.js_kernels', { kernels: 'js' }, { note: 'JavaScript kernels' }),
  fitCase('dynamics.fit_prior.pr2_N5', 5, REFERENCE_MS.fitN5),
  fitCase('dynamics.fit_prior.pr2_N20', 20),
]);
