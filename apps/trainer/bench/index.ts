/**
 * Benchmarks of the trainer: one full iteration of trajectory optimisation, and one of BADMM
 * with its neural-network policy, on real peg3d samples.
 *
 * `iteration.peg3d`: the trainer's built-in `peg3d` experiment as `pnpm start`/`visuomotor train
 * peg3d` runs it (same cost, initial controllers, GMM prior settings, built by the trainer's
 * default runtime), 4 conditions × 5 samples from the MuJoCo agent. Setup runs two iterations so
 * the prior holds data and the step adjustment is active, and keeps the algorithm's state and
 * the third iteration's samples; every timed run restores that state and runs
 * `TrajOptAlgorithm.iterate` once. Extra fields: median per phase (`dynamics_ms` — prior update
 * and fit, `cost_ms`, `step_adjust_ms`, `traj_opt_ms`).
 *
 * `badmm.iteration.peg3d`: one policy-phase iteration of the built-in `peg3d-badmm` experiment
 * (BADMM, 4 inner iterations, each a regression of the 40-40 MLP policy with 1000 Adam steps
 * and a KL-bounded LQR update per condition; 4 conditions × 5 samples). Setup runs 2
 * trajectory-only pretraining iterations (the experiment runs 8: the work of a policy iteration
 * does not depend on how many came before) and the first policy iteration, which regresses only
 * 3 times; it keeps the state and the next samples, and every timed run restores the algorithm
 * state and runs the second policy iteration. The network's weights carry over from run to run
 * (the state restores Adam and the minibatch order, not the weights); every run takes the same
 * steps. Extra fields, from the timed run with the median total (so that they add up to its
 * `total_ms`): per phase (`dynamics_ms`, `cost_ms`, `step_adjust_ms`, `traj_opt_ms`,
 * `policy_ms`: regressions, policy linearisation and dual steps), of which `regression_ms` is
 * the Adam steps alone; `regressions` and `adam_steps` per iteration.
 *
 * It lives with the trainer, which depends on every package, so that no package's bench
 * reaches up the dependency graph.
 *
 * Run: `pnpm --filter @visuomotor/trainer bench [--json] [--filter NAME] [--quick]`.
 */

import type {
  AlgorithmState,
  GpsAlgorithm,
  PhaseTimings,
  PolicyGpsIterationRecord,
  TrajOptAlgorithm,
} from '@visuomotor/badmm';
import { type BenchCase, median, runBenchmarks } from '@visuomotor/bench';
import type { Sample } from '@visuomotor/contracts';
import { LinearGaussianPolicy } from '@visuomotor/mujoco-agent';
import { defaultRuntime, disposeAlgorithm, prepareIteration } from '../src/algorithms.js';
import { type ExperimentDefinition, resolveExperiment } from '../src/experiment.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
import type { TrainerAgent } from '../src/runtime.js';

/**
 * `N` samples per condition drawn with the algorithm's current controllers, on seeds 1, 2, 3, …
 * across calls (the same samples for the same algorithm state).
 */
function controllerSampler(
  agent: TrainerAgent,
  algorithm: GpsAlgorithm,
  N: number,
): () => Promise<Sample[][]> {
  let seed = 1;
  return async () => {
    const out: Sample[][] = [];
    for (let m = 0; m < agent.agent.conditions; m++) {
      const policy = new LinearGaussianPolicy(algorithm.controller(m));
      const list: Sample[] = [];
      for (let n = 0; n < N; n++) list.push(await agent.agent.sample(policy, m, { seed: seed++ }));
      out.push(list);
    }
    return out;
  };
}

/**
 * What a full-iteration case keeps: the algorithm, its state to restore before every timed
 * run, the samples it iterates on, and what each timed run recorded.
 */
interface IterationBenchState<A, R> {
  algorithm: A;
  state: AlgorithmState;
  samples: Sample[][];
  records: R[];
  dispose: () => Promise<void>;
}

type IterationState = IterationBenchState<TrajOptAlgorithm, PhaseTimings>;

async function peg3dSetup(): Promise<IterationState> {
  const experiment = resolveExperiment(EXPERIMENTS.peg3d);
  const ctx = { experiment, workers: 1 };
  const agent = await defaultRuntime.createAgent(ctx);
  const algorithm = (await defaultRuntime.createAlgorithm(ctx, agent)) as TrajOptAlgorithm;
  const draw = controllerSampler(agent, algorithm, experiment.samples);
  for (let i = 0; i < 2; i++) algorithm.iterate(await draw());
  const samples = await draw();
  return {
    algorithm,
    state: structuredClone(algorithm.getState()),
    samples,
    records: [],
    dispose: async () => {
      await agent.agent.dispose();
    },
  };
}

/** The JSON fields of a full-iteration case: its size and the time of each phase (ms). */
function phaseFields(
  s: IterationBenchState<unknown, unknown>,
  phase: (k: keyof PhaseTimings) => number,
): Record<string, number> {
  return {
    conditions: s.samples.length,
    samples_per_condition: s.samples[0].length,
    dynamics_ms: phase('dynamics'),
    cost_ms: phase('cost'),
    step_adjust_ms: phase('stepAdjust'),
    traj_opt_ms: phase('trajOpt'),
    total_ms: phase('total'),
  };
}

/** Median of a phase over the timed runs (the first entry is the warm-up run's). */
const med = (s: IterationState, k: keyof PhaseTimings) =>
  Number(median(s.records.slice(1).map((t) => t[k])).toFixed(1));

/** The full-iteration case. */
export const iterationBenchCases: BenchCase[] = [
  {
    name: 'iteration.peg3d',
    setup: peg3dSetup,
    run: (st) => {
      const s = st as IterationState;
      s.algorithm.setState(structuredClone(s.state));
      s.records.push(s.algorithm.iterate(s.samples).timings);
    },
    teardown: (st) => (st as IterationState).dispose(),
    minRuns: 5,
    warmup: 1,
    budgetMs: 1,
    extra: (_r, st) => {
      const s = st as IterationState;
      return phaseFields(s, (k) => med(s, k));
    },
  },
];

/** An algorithm whose state can be restored (the trainer's policy algorithms). */
type RestorableAlgorithm = GpsAlgorithm & { setState(state: AlgorithmState): void };

type BadmmIterationState = IterationBenchState<RestorableAlgorithm, PolicyGpsIterationRecord>;

/** `peg3d-badmm` with 2 pretraining iterations instead of 8 (see the module comment). */
function peg3dBadmmBench(): ExperimentDefinition {
  const e = EXPERIMENTS['peg3d-badmm'];
  return { ...e, algorithm: { ...e.algorithm, pretrainIterations: 2 } as typeof e.algorithm };
}

async function peg3dBadmmSetup(): Promise<BadmmIterationState> {
  const experiment = resolveExperiment(peg3dBadmmBench());
  const ctx = { experiment, workers: 1 };
  const agent = await defaultRuntime.createAgent(ctx);
  let algorithm: GpsAlgorithm | undefined;
  try {
    algorithm = await defaultRuntime.createAlgorithm(ctx, agent);
    const alg = algorithm as RestorableAlgorithm;
    const draw = controllerSampler(agent, alg, experiment.samples);
    // 2 pretraining iterations, then the first policy iteration.
    for (let i = 0; i < 3; i++) {
      const samples = await draw();
      await prepareIteration(alg, samples);
      alg.iterate(samples);
    }
    const samples = await draw();
    return {
      algorithm: alg,
      state: structuredClone(alg.getState()),
      samples,
      records: [],
      dispose: async () => {
        await disposeAlgorithm(alg);
        await agent.agent.dispose();
      },
    };
  } catch (err) {
    await disposeAlgorithm(algorithm);
    await agent.agent.dispose();
    throw err;
  }
}

/** The timed run whose total is the median (lower median): its phases add up to its total. */
function medianRecord(s: BadmmIterationState): PolicyGpsIterationRecord {
  const sorted = [...s.records].sort((a, b) => a.timings.total - b.timings.total);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The BADMM policy-phase iteration case. */
export const badmmBenchCases: BenchCase[] = [
  {
    name: 'badmm.iteration.peg3d',
    setup: peg3dBadmmSetup,
    run: async (st) => {
      const s = st as BadmmIterationState;
      s.algorithm.setState(structuredClone(s.state));
      await prepareIteration(s.algorithm, s.samples);
      const r = s.algorithm.iterate(s.samples) as PolicyGpsIterationRecord;
      if (r.phase !== 'policy') {
        throw new Error(`badmm.iteration.peg3d: timed a '${r.phase}' iteration, not a policy one`);
      }
      s.records.push(r);
    },
    teardown: (st) => (st as BadmmIterationState).dispose(),
    minRuns: 3,
    warmup: 0,
    budgetMs: 1,
    extra: (_r, st) => {
      const s = st as BadmmIterationState;
      const r = medianRecord(s);
      const ms = (x: number) => Number(x.toFixed(1));
      return {
        ...phaseFields(s, (k) => ms(r.timings[k])),
        policy_ms: ms(r.timings.policy),
        regression_ms: ms(r.policyUpdates.reduce((a, u) => a + u.ms, 0)),
        regressions: r.policyUpdates.length,
        adam_steps: r.policyUpdates.reduce((a, u) => a + u.steps, 0),
      };
    },
  },
];

await runBenchmarks([...iterationBenchCases, ...badmmBenchCases]);
