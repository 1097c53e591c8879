import { runBenchmarks } from '@visuomotor/bench';
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

/**
 * CPU time of the process during a run (ms), as in the gmm-prior benchmarks: wall-clock figures
 * on the shared two-core machine are inflated by other processes; the CPU time is reported next
 * to them (`cpu_median_ms`, `cpu_min_ms`).
 */
function timedCpu(cpu: number[], f: () => void): void {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}

function cpuStats(cpu: number[], referenceMs?: number): Record<string, number> {
  const s = [...cpu].sort((a, b) => a - b);
  const med = s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  const out: Record<string, number> = { cpu_median_ms: med, cpu_min_ms: s[0] };
  if (referenceMs) out.speedup_vs_reference_cpu = referenceMs / med;
  return out;
}

const p = pr2Problem(1);
const { T, dX, dU } = p.dynamics;
const n = dX + dU;

let lastUpdate: TrajOptResult | undefined;

type BwdState = { ws: LqrWorkspace; augmentedCost: never; cpu: number[] };
type FwdState = { out: ReturnType<typeof zeroMarginals>; G: ForwardScratch; cpu: number[] };
type UpdState = { lqr: KlConstrainedLqr; cpu: number[] };

await runBenchmarks([
  {
    name: 'lqr.backward.pr2',
    setup: () => {
      const ws = new LqrWorkspace(T, dX, dU);
      const PKLm = new Float64Array(T * n * n);
      const PKLv = new Float64Array(T * n);
      controllerKlTerms(p.controller, PKLm, PKLv);
      const augmentedCost = controllerKlCost(p.cost, PKLm, PKLv);
      return { ws, augmentedCost, cpu: [] as number[] };
    },
    run: (s) => {
      const { ws, augmentedCost, cpu } = s as BwdState;
      timedCpu(cpu, () => backward(p.dynamics, p.cost, p.controller, 1, {}, { augmentedCost }, ws));
    },
    minRuns: 20,
    extra: (r, s) => ({
      speedup_vs_reference: REFERENCE_BACKWARD_MS / r.median_ms,
      ...cpuStats((s as BwdState).cpu, REFERENCE_BACKWARD_MS),
    }),
  },
  {
    name: 'lqr.forward.pr2',
    setup: () => ({ out: zeroMarginals(T, dX, dU), G: forwardScratch(dX, dU), cpu: [] }),
    run: (s) => {
      const { out, G, cpu } = s as FwdState;
      timedCpu(cpu, () => forward(p.controller, p.dynamics, out, G));
    },
    minRuns: 20,
    extra: (_r, s) => cpuStats((s as FwdState).cpu),
  },
  {
    name: 'lqr.update.pr2',
    setup: (): UpdState => ({ lqr: new KlConstrainedLqr(T, dX, dU), cpu: [] }),
    run: (s) => {
      const { lqr, cpu } = s as UpdState;
      timedCpu(cpu, () => {
        lastUpdate = lqr.update({
          dynamics: p.dynamics,
          cost: p.cost,
          prevController: p.controller,
          eta0: 1,
          klStep: p.klStep,
        });
      });
    },
    minRuns: 30,
    budgetMs: 6000,
    extra: (r, s) => ({
      backward_calls: lastUpdate?.backwardCalls ?? 0,
      final_eta: lastUpdate ? (lastUpdate.eta as number) : 0,
      speedup_vs_reference: REFERENCE_UPDATE_MS / r.median_ms,
      speedup_vs_reference_min: REFERENCE_UPDATE_MS / r.min_ms,
      ...cpuStats((s as UpdState).cpu, REFERENCE_UPDATE_MS),
    }),
  },
]);
