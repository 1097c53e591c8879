/**
 * The training loop: sample every condition with the current controllers, run one algorithm
 * iteration, append the metrics, checkpoint atomically; resume from the newest checkpoint;
 * evaluate the final controllers and write the plots.
 *
 * @packageDocumentation
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import {
  findBlock,
  type Policy,
  type PolicyUpdateReport,
  type Sample,
} from '@visuomotor/contracts';
import { LinearGaussianPolicy } from '@visuomotor/mujoco-agent';
import type { GpsAlgorithm, IterationRecord } from './algorithm-types.js';
import {
  defaultRuntime,
  disposeAlgorithm,
  isPolicyAlgorithm,
  prepareIteration,
} from './algorithms.js';
import { RunDirError, TrainingAbortedError } from './errors.js';
import { type ExperimentDefinition, resolveExperiment } from './experiment.js';
import { writePlots } from './plots/index.js';
import { type ProgressReporter, silentProgress } from './progress.js';
import { TrainerRng } from './rng.js';
import {
  appendDurable,
  bestPolicyIteration,
  isBetterPolicy,
  keepLines,
  type MetricsLine,
  packageVersions,
  RUN_FORMAT_VERSION,
  type RunConfig,
  readLatestCheckpoint,
  readMetrics,
  readRunConfig,
  replaceDirectory,
  runPaths,
  truncateTo,
  writeCheckpoint,
  writeFileAtomic,
  writeRunConfig,
} from './run-dir.js';
import type { Runtime, RuntimeContext, SampleRequest, TrainerAgent } from './runtime.js';
import { POSE_DIR, posePretrain } from './vision-pipeline.js';

/** Options shared by {@link train}, {@link resume} and {@link evaluate}. */
export interface CommonOptions {
  /** Builds the agent and the algorithm. Default: the MuJoCo agent and trajectory optimisation. */
  runtime?: Runtime;
  /** Progress output. Default: silent. */
  progress?: ProgressReporter;
  /** Stops the run between two rollouts; the run can be resumed from its last checkpoint. */
  signal?: AbortSignal;
  /** Write plots after training / evaluation. Default true. */
  plots?: boolean;
}

/** Options of {@link train}. */
export interface TrainOptions extends CommonOptions {
  /** Iterations (overrides the experiment's). */
  iterations?: number;
  /** Seed (overrides the experiment's). */
  seed?: number;
  /** Run directory. Default `runs/<name>-<yyyymmdd-hhmmss>-s<seed>` under the working directory. */
  out?: string;
  /** Rollout workers. Default 1. */
  workers?: number;
}

/** Options of {@link resume}. */
export interface ResumeOptions extends CommonOptions {
  /** New total number of iterations (to extend a finished run). Default: the run's. */
  iterations?: number;
  /** Rollout workers. Default: the run's. */
  workers?: number;
}

/** Per-condition result of an evaluation rollout of the final controllers. */
export interface EvalCondition {
  condition: number;
  /** Final end-effector distance to the target (m), null if the state has no ee points. */
  distance: number | null;
  success: boolean | null;
}

/** Contents of eval.json. */
export interface EvalResult {
  /** Iterations of the evaluated controllers. */
  iteration: number;
  conditions: EvalCondition[];
  /** All conditions successful (null without a success criterion or distances). */
  success: boolean | null;
  /** Plot and frame files written, relative to the run directory (`plots/cost.svg`, ...). */
  plots: string[];
}

/** What a finished (or stopped) training run returns. */
export interface TrainResult {
  runDir: string;
  /** Iterations completed. */
  iterations: number;
  metrics: MetricsLine[];
  /** Evaluation of the final controllers (null if stopped early). */
  evaluation: EvalResult | null;
}

/** Directory name of a new run. */
export function defaultRunDirName(name: string, seed: number, date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(
    date.getUTCHours(),
  )}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
  return `${name}-${stamp}-s${seed}`;
}

/**
 * Train an experiment from scratch into a new run directory.
 *
 * @param definition - the experiment (validated here)
 * @throws {@link ExperimentConfigError} for an invalid definition, {@link RunDirError} if `out`
 *   is already a run, {@link TrainingAbortedError} when `signal` aborts (the run directory
 *   stays resumable)
 */
export async function train(
  definition: ExperimentDefinition,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const experiment = resolveExperiment(definition, {
    iterations: options.iterations,
    seed: options.seed,
  });
  const workers = options.workers ?? 1;
  const runDir = resolve(
    options.out ?? join('runs', defaultRunDirName(experiment.name, experiment.seed)),
  );
  if (existsSync(runPaths(runDir).config)) {
    throw new RunDirError(
      `${runDir} already holds a run; continue it with \`visuomotor resume ${runDir}\` or choose another --out`,
      { runDir },
    );
  }
  // A directory holding only the cache of pose pretraining (`pose/`) may be reused.
  if (existsSync(runDir) && readdirSync(runDir).some((f) => f !== POSE_DIR)) {
    throw new RunDirError(`${runDir} exists and is not empty; choose another --out`, { runDir });
  }
  const progress = options.progress ?? silentProgress;
  const runtime = options.runtime ?? defaultRuntime;
  const ctx: RuntimeContext = { experiment, workers, runDir };
  // Build the agent and the algorithm before writing anything, so a failure leaves no run
  // (vision pretraining writes only its cache, RUN_DIR/pose).
  const agent = await runtime.createAgent(ctx);
  let algorithm: GpsAlgorithm | undefined;
  try {
    checkAgent(experiment, agent);
    if (experiment.policy?.posePretraining) {
      // Stages 1-2 of the visuomotor pipeline: pose data and pose pretraining of the
      // convolutions, which the policy network loads when the algorithm is created.
      progress.log('pose pretraining (collect pose data, train the convolutions)');
      await posePretrain(experiment, join(runDir, POSE_DIR), (m) => progress.log(m));
    }
    algorithm = await runtime.createAlgorithm(ctx, agent);
    const rng = new TrainerRng(experiment.seed);
    mkdirSync(runDir, { recursive: true });
    const config: RunConfig = {
      format: 'visuomotor-run',
      version: RUN_FORMAT_VERSION,
      experiment,
      seed: experiment.seed,
      options: { iterations: experiment.iterations, workers },
      versions: packageVersions(),
      created: new Date().toISOString(),
    };
    writeRunConfig(runDir, config);
    writeCheckpoint(runDir, {
      format: 'visuomotor-checkpoint',
      version: RUN_FORMAT_VERSION,
      iteration: 0,
      algorithm: algorithm.getState(),
      rng: rng.getState(),
      metricsBytes: 0,
    });
    progress.log(`run directory: ${runDir}`);
    return await runLoop(
      runDir,
      experiment,
      agent,
      algorithm,
      rng,
      0,
      experiment.iterations,
      options,
    );
  } finally {
    await disposeAlgorithm(algorithm);
    await agent.agent.dispose();
  }
}

/**
 * Continue a run from its newest checkpoint. Lines of metrics.jsonl written after that
 * checkpoint (an iteration cut short) are dropped and recomputed, so a resumed run ends with
 * the same metrics, byte for byte, as an unbroken run with the same seed.
 */
export async function resume(runDir: string, options: ResumeOptions = {}): Promise<TrainResult> {
  runDir = resolve(runDir);
  const config = readRunConfig(runDir);
  const iterations = options.iterations ?? config.options.iterations;
  const workers = options.workers ?? config.options.workers;
  if (iterations !== config.options.iterations || workers !== config.options.workers) {
    writeRunConfig(runDir, { ...config, options: { iterations, workers } });
  }
  const cp = readLatestCheckpoint(runDir);
  if (!cp) {
    throw new RunDirError(`${runDir}: no readable checkpoint to resume from`, { runDir });
  }
  const paths = runPaths(runDir);
  truncateTo(paths.metrics, cp.metricsBytes);
  keepLines(paths.timings, cp.iteration);
  const experiment = config.experiment;
  const runtime = options.runtime ?? defaultRuntime;
  const ctx: RuntimeContext = { experiment, workers, runDir };
  const agent = await runtime.createAgent(ctx);
  let algorithm: GpsAlgorithm | undefined;
  try {
    checkAgent(experiment, agent);
    algorithm = await runtime.restoreAlgorithm(ctx, agent, cp.algorithm);
    const rng = new TrainerRng(experiment.seed);
    rng.setState(cp.rng);
    return await runLoop(
      runDir,
      experiment,
      agent,
      algorithm,
      rng,
      cp.iteration,
      iterations,
      options,
    );
  } finally {
    await disposeAlgorithm(algorithm);
    await agent.agent.dispose();
  }
}

/**
 * Evaluate the controllers of a run's newest checkpoint: one noiseless rollout per condition
 * (with camera images when the agent records them), eval.json, and the plots.
 */
export async function evaluate(runDir: string, options: CommonOptions = {}): Promise<EvalResult> {
  runDir = resolve(runDir);
  const config = readRunConfig(runDir);
  const cp = readLatestCheckpoint(runDir);
  if (!cp) throw new RunDirError(`${runDir}: no readable checkpoint to evaluate`, { runDir });
  const runtime = options.runtime ?? defaultRuntime;
  const ctx: RuntimeContext = {
    experiment: config.experiment,
    workers: config.options.workers,
    runDir,
  };
  const agent = await runtime.createAgent(ctx);
  let algorithm: GpsAlgorithm | undefined;
  try {
    algorithm = await runtime.restoreAlgorithm(ctx, agent, cp.algorithm);
    return await evaluateAlgorithm(runDir, config.experiment, agent, algorithm, options);
  } finally {
    await disposeAlgorithm(algorithm);
    await agent.agent.dispose();
  }
}

function checkAgent(experiment: ExperimentDefinition, agent: TrainerAgent): void {
  const a = agent.agent;
  if (a.conditions !== experiment.conditions.train.length) {
    throw new RunDirError(
      `agent has ${a.conditions} conditions, experiment.conditions.train has ${experiment.conditions.train.length}`,
    );
  }
  if (a.T !== experiment.T) {
    throw new RunDirError(`agent horizon is ${a.T}, experiment.T is ${experiment.T}`);
  }
}

/**
 * Mean over end-effector points of the distance to the target at the last step: the state's
 * END_EFFECTOR_POINTS block holds ee − target. Null when the state has no such block.
 */
export function finalDistance(agent: TrainerAgent, sample: Sample): number | null {
  const block = findBlock(agent.agent.stateLayout, 'END_EFFECTOR_POINTS');
  if (!block || block.size < 3) return null;
  const base = (sample.T - 1) * sample.dX + block.offset;
  const nPts = Math.floor(block.size / 3);
  let sum = 0;
  for (let p = 0; p < nPts; p++) {
    const o = base + 3 * p;
    sum += Math.hypot(sample.X[o], sample.X[o + 1], sample.X[o + 2]);
  }
  return sum / nPts;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

async function runLoop(
  runDir: string,
  experiment: ExperimentDefinition,
  agent: TrainerAgent,
  algorithm: GpsAlgorithm,
  rng: TrainerRng,
  start: number,
  end: number,
  options: CommonOptions,
): Promise<TrainResult> {
  const progress = options.progress ?? silentProgress;
  const paths = runPaths(runDir);
  const M = experiment.conditions.train.length;
  const N = experiment.samples;
  const noiseScale = experiment.noiseScale ?? 1;
  const successDistance = experiment.success?.distance;
  if (start > 0) progress.log(`resuming ${runDir} at iteration ${start + 1}/${end}`);
  // The best policy iterate of the policy phase so far, recomputed from the metrics on resume.
  const policyFrom =
    experiment.algorithm.type === 'trajopt' ? 0 : (experiment.algorithm.pretrainIterations ?? 0);
  let best = isPolicyAlgorithm(algorithm)
    ? bestPolicyIteration(readMetrics(runDir), successDistance, policyFrom)
    : null;
  for (let it = start; it < end; it++) {
    // Draw every rollout seed of the iteration first, in a fixed order.
    const seeds: number[][] = [];
    for (let m = 0; m < M; m++) {
      seeds.push([]);
      for (let n = 0; n < N; n++) seeds[m].push(rng.nextUint32());
    }
    const samples: Sample[][] = [];
    let done = 0;
    const tSampling = performance.now();
    for (let m = 0; m < M; m++) {
      progress.update({
        phase: 'sampling',
        iteration: it,
        iterations: end,
        condition: m,
        conditions: M,
        fraction: (0.9 * done) / (M * N),
      });
      if (isPolicyAlgorithm(algorithm) && algorithm.sampleWithPolicy()) {
        // On-policy sampling: the global policy, in-process.
        const policy = rolloutPolicy(algorithm.policy(), agent);
        const batch: Sample[] = [];
        for (const seed of seeds[m]) {
          if (options.signal?.aborted) throw aborted(runDir);
          batch.push(await agent.agent.sample(policy, m, { seed, noiseScale }));
          done += 1;
        }
        samples.push(batch);
        continue;
      }
      const controller = algorithm.controller(m);
      const batch = await rollouts(
        agent,
        seeds[m].map((seed) => ({ controller, condition: m, seed, noiseScale })),
        runDir,
        options.signal,
        (k) => {
          done += k;
          progress.update({
            phase: 'sampling',
            iteration: it,
            iterations: end,
            condition: m,
            conditions: M,
            fraction: (0.9 * done) / (M * N),
          });
        },
      );
      samples.push(batch);
    }
    if (options.signal?.aborted) throw aborted(runDir);
    const samplingMs = performance.now() - tSampling;
    progress.update({ phase: 'update', iteration: it, iterations: end, fraction: 0.9 });
    const tPrepare = performance.now();
    await prepareIteration(algorithm, samples);
    const prepareMs = performance.now() - tPrepare;
    const record: IterationRecord = algorithm.iterate(samples);
    // Policy runs: one noiseless rollout of the global policy per condition (no trainer RNG).
    const policyDistances: (number | null)[] = [];
    const tPolicyRollouts = performance.now();
    if (isPolicyAlgorithm(algorithm)) {
      const policy = rolloutPolicy(algorithm.policy(), agent);
      for (let m = 0; m < M; m++) {
        const s = await agent.agent.sample(policy, m, { seed: experiment.seed, noiseScale: 0 });
        policyDistances.push(finalDistance(agent, s));
      }
    }
    const policyRolloutsMs = performance.now() - tPolicyRollouts;
    const lines: MetricsLine[] = record.conditions.map((c) => {
      const d = samples[c.condition].map((s) => finalDistance(agent, s));
      const distance = d.some((x) => x === null) ? null : mean(d as number[]);
      return {
        iteration: it,
        condition: c.condition,
        cost: c.cost,
        costStd: c.costStd,
        distance,
        success:
          distance === null || successDistance === undefined ? null : distance <= successDistance,
        kl: c.kl,
        klStep: c.klStep,
        eta: c.eta,
        stepMult: c.stepMult,
        predictedImprovement: c.predictedImprovement,
        actualImprovement: c.actualImprovement,
        backwardCalls: c.backwardCalls,
        samples: samples[c.condition].length,
        ...(policyDistances.length > 0
          ? { policyDistance: policyDistances[c.condition] ?? null }
          : {}),
      };
    });
    const metricsBytes = appendDurable(
      paths.metrics,
      lines.map((l) => `${JSON.stringify(l)}\n`).join(''),
    );
    // `priorWorkers`: the prior updates fitted on worker threads before `iterate` (0 without);
    // `sampling`: the iteration's rollouts; `policyRollouts`: the noiseless policy rollouts;
    // `policyUpdates` (policy algorithms): each supervised update's steps, first and final
    // loss and time, so an underfitting policy shows in the run directory.
    const policyUpdates = (record as { policyUpdates?: PolicyUpdateReport[] }).policyUpdates;
    appendDurable(
      paths.timings,
      `${JSON.stringify({
        iteration: it,
        ...record.timings,
        priorWorkers: prepareMs,
        sampling: samplingMs,
        policyRollouts: policyRolloutsMs,
        ...(policyUpdates ? { policyUpdates } : {}),
      })}\n`,
    );
    for (const u of policyUpdates ?? []) {
      progress.log(
        `policy update: ${u.steps} steps, loss ${fmt(u.initialLoss)} -> ${fmt(u.finalLoss)} (${(u.ms / 1000).toFixed(1)} s)`,
      );
    }
    // Keep the best policy iterate (selected on the training conditions' noiseless policy
    // rollouts only) in RUN_DIR/policy-best, replaced atomically.
    if (isPolicyAlgorithm(algorithm) && it >= policyFrom) {
      const c = bestPolicyIteration(lines, successDistance, policyFrom);
      if (c && isBetterPolicy(c, best)) {
        await replaceDirectory(paths.policyBest, async (tmp) => {
          await algorithm.exportPolicy(tmp);
          writeFileAtomic(join(tmp, 'best.json'), `${JSON.stringify(c, null, 2)}\n`);
        });
        best = c;
        progress.log(
          `best policy so far: iteration ${it + 1}, ${c.successes}/${M} within the success distance, mean ${fmt(c.meanDistance)}`,
        );
      }
    }
    progress.update({ phase: 'checkpoint', iteration: it, iterations: end, fraction: 0.99 });
    writeCheckpoint(runDir, {
      format: 'visuomotor-checkpoint',
      version: RUN_FORMAT_VERSION,
      iteration: it + 1,
      algorithm: algorithm.getState(),
      rng: rng.getState(),
      metricsBytes,
    });
    const summary = lines
      .map(
        (l) =>
          `c${l.condition} cost ${fmt(l.cost)}${l.distance === null ? '' : ` dist ${fmt(l.distance)}`}`,
      )
      .join(' | ');
    progress.log(`iter ${it + 1}/${end}: ${summary}`);
  }
  progress.done();
  if (isPolicyAlgorithm(algorithm)) {
    await algorithm.exportPolicy(paths.policy);
    progress.log(`policy exported to ${paths.policy}`);
  }
  let evaluation: EvalResult | null = null;
  if (options.plots !== false) {
    evaluation = await evaluateAlgorithm(runDir, experiment, agent, algorithm, options);
  }
  return { runDir, iterations: end, metrics: readMetrics(runDir), evaluation };
}

/**
 * The policy as the agent runs it: a policy on the state x_t (the small full-state network of
 * trajectory pretraining, `dO` = dX ≠ the agent's dO) gets x_t as its observation.
 */
export function rolloutPolicy(policy: Policy, agent: TrainerAgent): Policy {
  const a = agent.agent;
  const dO = (policy as Partial<{ dO: number }>).dO;
  if (dO === undefined || dO === a.dO || dO !== a.dX) return policy;
  return {
    dU: policy.dU,
    act: (x, _o, t, noise, out) => policy.act(x, x, t, noise, out),
  };
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4);
}

/**
 * Run controller rollouts in request order: as one batch on the agent's `sampleMany` (a worker
 * pool) when it has one, else one by one. Checks `signal` before each rollout or batch.
 */
async function rollouts(
  agent: TrainerAgent,
  requests: readonly SampleRequest[],
  runDir: string,
  signal: AbortSignal | undefined,
  onDone: (count: number) => void = () => {},
): Promise<Sample[]> {
  if (agent.sampleMany) {
    if (signal?.aborted) throw aborted(runDir);
    const out = await agent.sampleMany(requests);
    onDone(requests.length);
    return out;
  }
  const out: Sample[] = [];
  for (const r of requests) {
    if (signal?.aborted) throw aborted(runDir);
    out.push(
      await agent.agent.sample(new LinearGaussianPolicy(r.controller), r.condition, {
        seed: r.seed,
        noiseScale: r.noiseScale,
        recordImages: r.recordImages,
      }),
    );
    onDone(1);
  }
  return out;
}

function aborted(runDir: string): TrainingAbortedError {
  return new TrainingAbortedError(
    `training stopped; continue with \`visuomotor resume ${runDir}\``,
    { runDir },
  );
}

async function evaluateAlgorithm(
  runDir: string,
  experiment: ExperimentDefinition,
  agent: TrainerAgent,
  algorithm: GpsAlgorithm,
  options: CommonOptions,
): Promise<EvalResult> {
  const progress = options.progress ?? silentProgress;
  const M = experiment.conditions.train.length;
  const finalRollouts: Sample[] = [];
  for (let m = 0; m < M; m++) {
    const req = {
      controller: algorithm.controller(m),
      condition: m,
      seed: experiment.seed,
      noiseScale: 0,
    };
    let s: Sample;
    try {
      [s] = await rollouts(agent, [{ ...req, recordImages: true }], runDir, options.signal);
    } catch (err) {
      if (err instanceof TrainingAbortedError) throw err;
      [s] = await rollouts(agent, [req], runDir, options.signal);
    }
    finalRollouts.push(s);
  }
  const successDistance = experiment.success?.distance;
  const conditions: EvalCondition[] = finalRollouts.map((s, m) => {
    const distance = finalDistance(agent, s);
    return {
      condition: m,
      distance,
      success:
        distance === null || successDistance === undefined ? null : distance <= successDistance,
    };
  });
  const flags = conditions.map((c) => c.success);
  const success = flags.some((f) => f === null) ? null : flags.every(Boolean);
  let plots: string[] = [];
  if (options.plots !== false) {
    plots = await writePlots(runDir, {
      experiment,
      metrics: readMetrics(runDir),
      rollouts: finalRollouts,
      agent,
    });
  }
  const result: EvalResult = {
    iteration: algorithm.iteration,
    conditions,
    success,
    plots: plots.map((f) => relative(runDir, f).split(sep).join('/')),
  };
  writeFileAtomic(runPaths(runDir).evalJson, `${JSON.stringify(result, null, 2)}\n`);
  progress.done();
  return result;
}
