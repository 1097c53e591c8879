import { type BenchResult, runBenchmarks } from '@visuomotor/bench';
import {
  backward,
  controllerKlCost,
  controllerKlTerms,
  type ForwardScratch,
  forward,
  forwardScratch,
  KlConstrainedLqr,
  LqrWorkspace,
  type TrajOptResult,
  zeroMarginals,
} from '../src/index.js';
import { pr2Problem } from '../src/pr2-problem.js';

/**
 * Benchmarks at the PR2 arm's size (T = 100, dX = 26, dU = 7). The reference's numpy
 * implementation takes about 0.5 s per full update on these machines (~37 ms per backward pass).
 */
const REFERENCE_UPDATE_MS = 500;
const REFERENCE_BACKWARD_MS = 37;

/** Speed-up over the reference from the harness's CPU time (wall time includes waiting). */
const cpuSpeedup = (r: BenchResult, referenceMs: number) =>
  r.cpu_median_ms ? { speedup_vs_reference_cpu: referenceMs / r.cpu_median_ms } : {};

const p = pr2Problem(1);
const { T, dX, dU } = p.dynamics;
const n = dX + dU;

let lastUpdate: TrajOptResult | undefined;

type BwdState = { ws: LqrWorkspace; augmentedCost: never };
type FwdState = { out: ReturnType<typeof zeroMarginals>; G: ForwardScratch };
type UpdState = { lqr: KlConstrainedLqr };

await runBenchmarks([
  {
    name: 'lqr.backward.pr2',
    setup: () => {
      const ws = new LqrWorkspace(T, dX, dU);
      const PKLm = new Float64Array(T * n * n);
      const PKLv = new Float64Array(T * n);
      controllerKlTerms(p.controller, PKLm, PKLv);
      const augmentedCost = controllerKlCost(p.cost, PKLm, PKLv);
      return { ws, augmentedCost };
    },
    run: (s) => {
      const { ws, augmentedCost } = s as BwdState;
      backward(p.dynamics, p.cost, p.controller, 1, {}, { augmentedCost }, ws);
    },
    minRuns: 20,
    extra: (r) => ({
      speedup_vs_reference: REFERENCE_BACKWARD_MS / r.median_ms,
      ...cpuSpeedup(r, REFERENCE_BACKWARD_MS),
    }),
  },
  {
    name: 'lqr.forward.pr2',
    setup: (): FwdState => ({ out: zeroMarginals(T, dX, dU), G: forwardScratch(dX, dU) }),
    run: (s) => {
      const { out, G } = s as FwdState;
      forward(p.controller, p.dynamics, out, G);
    },
    minRuns: 20,
  },
  {
    name: 'lqr.update.pr2',
    setup: (): UpdState => ({ lqr: new KlConstrainedLqr(T, dX, dU) }),
    run: (s) => {
      const { lqr } = s as UpdState;
      lastUpdate = lqr.update({
        dynamics: p.dynamics,
        cost: p.cost,
        prevController: p.controller,
        eta0: 1,
        klStep: p.klStep,
      });
    },
    minRuns: 30,
    budgetMs: 6000,
    extra: (r) => ({
      backward_calls: lastUpdate?.backwardCalls ?? 0,
      final_eta: lastUpdate ? (lastUpdate.eta as number) : 0,
      speedup_vs_reference: REFERENCE_UPDATE_MS / r.median_ms,
      speedup_vs_reference_min: REFERENCE_UPDATE_MS / r.min_ms,
      ...cpuSpeedup(r, REFERENCE_UPDATE_MS),
    }),
  },
]);
