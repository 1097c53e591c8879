/**
 * Benchmarks of the trainer: one full trajectory optimisation iteration on real peg3d samples.
 *
 * `iteration.peg3d`: the trainer's built-in `peg3d` experiment as `pnpm start`/`visuomotor train
 * peg3d` runs it (same cost, initial controllers, GMM prior settings, built by the trainer's
 * default runtime), 4 conditions × 5 samples from the MuJoCo agent. Setup runs two iterations so
 * the prior holds data and the step adjustment is active, and keeps the algorithm's state and
 * the third iteration's samples; every timed run restores that state and runs
 * `TrajOptAlgorithm.iterate` once. Extra fields: median per phase (`dynamics_ms` — prior update
 * and fit, `cost_ms`, `step_adjust_ms`, `traj_opt_ms`).
 *
 * It lives with the trainer, which depends on every package, so that no package's bench
 * reaches up the dependency graph.
 *
 * Run: `pnpm --filter @visuomotor/trainer bench [--json] [--filter NAME] [--quick]`.
 */

import type { AlgorithmState, PhaseTimings, TrajOptAlgorithm } from '@visuomotor/badmm';
import { type BenchCase, median, runBenchmarks } from '@visuomotor/bench';
import type { Sample } from '@visuomotor/contracts';
import { LinearGaussianPolicy } from '@visuomotor/mujoco-agent';
import { defaultRuntime } from '../src/algorithms.js';
import { resolveExperiment } from '../src/experiment.js';
import { EXPERIMENTS } from '../src/experiments/index.js';

interface IterationState {
  algorithm: TrajOptAlgorithm;
  state: AlgorithmState;
  samples: Sample[][];
  timings: PhaseTimings[];
  dispose: () => Promise<void>;
}

async function peg3dSetup(): Promise<IterationState> {
  const experiment = resolveExperiment(EXPERIMENTS.peg3d);
  const ctx = { experiment, workers: 1 };
  const agent = await defaultRuntime.createAgent(ctx);
  const algorithm = (await defaultRuntime.createAlgorithm(ctx, agent)) as TrajOptAlgorithm;
  const M = agent.agent.conditions;
  const N = experiment.samples;
  let seed = 1;
  const draw = async () => {
    const out: Sample[][] = [];
    for (let m = 0; m < M; m++) {
      const policy = new LinearGaussianPolicy(algorithm.controller(m));
      const list: Sample[] = [];
      for (let n = 0; n < N; n++) list.push(await agent.agent.sample(policy, m, { seed: seed++ }));
      out.push(list);
    }
    return out;
  };
  for (let i = 0; i < 2; i++) algorithm.iterate(await draw());
  const samples = await draw();
  return {
    algorithm,
    state: structuredClone(algorithm.getState()),
    samples,
    timings: [],
    dispose: async () => {
      await agent.agent.dispose();
    },
  };
}

/** Median of a phase over the timed runs (the first entry is the warm-up run's). */
const med = (s: IterationState, k: keyof PhaseTimings) =>
  Number(median(s.timings.slice(1).map((t) => t[k])).toFixed(1));

/** The full-iteration case. */
export const iterationBenchCases: BenchCase[] = [
  {
    name: 'iteration.peg3d',
    setup: peg3dSetup,
    run: (st) => {
      const s = st as IterationState;
      s.algorithm.setState(structuredClone(s.state));
      s.timings.push(s.algorithm.iterate(s.samples).timings);
    },
    teardown: (st) => (st as IterationState).dispose(),
    minRuns: 5,
    warmup: 1,
    budgetMs: 1,
    extra: (_r, st) => {
      const s = st as IterationState;
      return {
        conditions: s.samples.length,
        samples_per_condition: s.samples[0].length,
        dynamics_ms: med(s, 'dynamics'),
        cost_ms: med(s, 'cost'),
        step_adjust_ms: med(s, 'stepAdjust'),
        traj_opt_ms: med(s, 'trajOpt'),
        total_ms: med(s, 'total'),
      };
    },
  },
];

await runBenchmarks(iterationBenchCases);
