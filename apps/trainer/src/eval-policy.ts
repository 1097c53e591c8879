/**
 * `visuomotor eval RUN_DIR --policy`: run the exported global policy of a `badmm` / `mdgps` run
 * (`RUN_DIR/policy`, loaded with `loadPolicy` of `@visuomotor/spatial-softmax`, standalone)
 * noiselessly on the task's training AND held-out (test) conditions, and write
 * `eval-policy.json`.
 *
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findBlock, makeLayout, type Policy, type Sample } from '@visuomotor/contracts';
import {
  MujocoAgent,
  randomVisionConditions,
  TASKS,
  type TaskCondition,
  VISION_TASKS,
} from '@visuomotor/mujoco-agent';
import { loadPolicy, loadPoseEstimator, type PoseEstimator } from '@visuomotor/spatial-softmax';
import type { TaskAgentOptions } from './agents.js';
import { ExperimentConfigError, RunDirError } from './errors.js';
import { frameStrip, sampleStrip, stripRow, writeSvgPng } from './plots/index.js';
import type { StripRow } from './plots/svg.js';
import { PosePredictionPolicy } from './pose-prediction.js';
import { type BestPolicy, readRunConfig, runPaths, writeFileAtomic } from './run-dir.js';
import { POSE_DIR } from './vision-pipeline.js';

/** Result of the policy on one task condition. */
export interface PolicyEvalCondition {
  /**
   * `'train'`, `'test'` (held out: the policy never trained on it) or `'random'` (new random
   * targets of a vision task, {@link PolicyEvalOptions.randomTargets}).
   */
  split: 'train' | 'test' | 'random';
  /** Index into the task's conditions of that split (for `'random'`: the index of the target). */
  taskCondition: number;
  /** Target position of a `'random'` condition (world x, y). */
  target?: number[];
  /** Final mean end-effector distance to the target (m), null if the state has no ee points. */
  distance: number | null;
  /** distance ≤ the experiment's success distance (null without a criterion). */
  success: boolean | null;
  /**
   * Pose-prediction runs only: the estimator's error on the target (cm), mean over the
   * rollout's steps.
   */
  poseErrorCm?: number;
}

/** Success rate and mean distance over one split. */
export interface PolicyEvalSummary {
  conditions: number;
  /** Fraction of successful conditions (null without a criterion). */
  successRate: number | null;
  /** Mean final distance (null if unknown). */
  meanDistance: number | null;
}

/** Contents of eval-policy.json. */
export interface PolicyEvalResult {
  /** The exported policy directory evaluated: `'policy'` or `'policy-best'`. */
  policy: string;
  /** With {@link PolicyEvalOptions.best}: which iterate `policy-best` holds. */
  best?: BestPolicy;
  conditions: PolicyEvalCondition[];
  /** Task the policy was rolled out on (the run's, or {@link PolicyEvalOptions.task}). */
  task: string;
  /** The file this result was written to, in the run directory ({@link policyEvalFile}). */
  file: string;
  /**
   * The rollouts' frames, one row per condition (six frames from the first step to the last),
   * in the run directory: `plots/policy-frames.png` (and `.svg`), named like {@link file}; null
   * if the rollouts have no images.
   */
  frames: string | null;
  train: PolicyEvalSummary;
  test: PolicyEvalSummary;
  /** Present with {@link PolicyEvalOptions.randomTargets}. */
  random?: PolicyEvalSummary;
}

/** Options of {@link evaluatePolicy}. */
export interface PolicyEvalOptions {
  /**
   * Roll out on another task with the same robot, conditions and observation, e.g.
   * `'reacher-vision-distractors'` (the visual test: distractor objects in the scene) for a
   * `reacher-vision` policy. Default: the run's task.
   */
  task?: string;
  /**
   * Also roll out on this many new random targets of the run's vision task (the spatial test
   * on more positions than the task's test set; fixed seed {@link RANDOM_TARGET_SEED}, arm
   * at its start configuration). Default 0.
   */
  randomTargets?: number;
  /**
   * Evaluate `RUN_DIR/policy-best`, the best policy iterate of the run (selected on the
   * training conditions), instead of the final `RUN_DIR/policy`. Default false.
   */
  best?: boolean;
}

/** Seed of the random targets of {@link PolicyEvalOptions.randomTargets} (the same for every run). */
export const RANDOM_TARGET_SEED = 20161;

/**
 * File an evaluation is written to: `eval-policy.json`, `eval-policy-TASK.json` for another
 * task, with `-best` after `eval-policy` for the best iterate.
 */
export function policyEvalFile(runTask: string, opts: PolicyEvalOptions = {}): string {
  const base = opts.best ? 'eval-policy-best' : 'eval-policy';
  return opts.task && opts.task !== runTask ? `${base}-${opts.task}.json` : `${base}.json`;
}

/** Name of the frames plot of an evaluation, in `RUN_DIR/plots` (without extension). */
function policyFramesName(runTask: string, opts: PolicyEvalOptions): string {
  return policyEvalFile(runTask, opts)
    .replace(/^eval-policy/, 'policy-frames')
    .replace(/\.json$/, '');
}

function finalDist(stateLayout: MujocoAgent['stateLayout'], s: Sample): number | null {
  const block = findBlock(stateLayout, 'END_EFFECTOR_POINTS');
  if (!block || block.size < 3) return null;
  const base = (s.T - 1) * s.dX + block.offset;
  const n = Math.floor(block.size / 3);
  let sum = 0;
  for (let p = 0; p < n; p++) {
    const o = base + 3 * p;
    sum += Math.hypot(s.X[o], s.X[o + 1], s.X[o + 2]);
  }
  return sum / n;
}

function summary(cs: readonly PolicyEvalCondition[]): PolicyEvalSummary {
  const d = cs.map((c) => c.distance);
  const f = cs.map((c) => c.success);
  return {
    conditions: cs.length,
    successRate:
      cs.length === 0 || f.some((x) => x === null) ? null : f.filter(Boolean).length / cs.length,
    meanDistance:
      cs.length === 0 || d.some((x) => x === null)
        ? null
        : (d as number[]).reduce((a, b) => a + b, 0) / cs.length,
  };
}

/**
 * Load `RUN_DIR/policy` and roll it out once without noise on the experiment's training
 * conditions and its test conditions (the task's held-out hole positions), with the run's
 * horizon and observation options; write `eval-policy.json`.
 *
 * @throws {@link RunDirError} when the run has no exported policy
 */
export async function evaluatePolicy(
  runDir: string,
  opts: PolicyEvalOptions = {},
): Promise<PolicyEvalResult> {
  runDir = resolve(runDir);
  const config = readRunConfig(runDir);
  const paths = runPaths(runDir);
  const policyDir = opts.best ? paths.policyBest : paths.policy;
  if (!existsSync(policyDir)) {
    throw new RunDirError(
      opts.best
        ? `${runDir}: no best policy iterate (${policyDir}); badmm/mdgps runs write one from their first policy iteration`
        : `${runDir}: no exported policy (${policyDir}); only finished badmm/mdgps runs have one`,
      { runDir },
    );
  }
  const e = config.experiment;
  const runTask = e.task.name as keyof typeof TASKS;
  const name = (opts.task ?? runTask) as keyof typeof TASKS;
  if (!Object.hasOwn(TASKS, name)) {
    throw new ExperimentConfigError('task', `one of ${Object.keys(TASKS).join(' | ')}`, opts.task);
  }
  const spec = TASKS[runTask];
  // A run's conditions index its task's; a hand-edited config.json may not match.
  for (const split of ['train', 'test'] as const) {
    const n = spec[split].length;
    e.conditions[split].forEach((c, i) => {
      if (!(Number.isInteger(c) && c >= 0 && c < n)) {
        throw new ExperimentConfigError(
          `experiment.conditions.${split}[${i}]`,
          `an index < ${n} (the task '${runTask}' has ${n} ${split} conditions)`,
          c,
        );
      }
    });
  }
  const nRandom = opts.randomTargets ?? 0;
  if (!Number.isInteger(nRandom) || nRandom < 0) {
    throw new ExperimentConfigError('randomTargets', 'an integer >= 0', nRandom);
  }
  const vision = VISION_TASKS[runTask as keyof typeof VISION_TASKS];
  if (nRandom > 0 && !vision) {
    throw new ExperimentConfigError(
      'randomTargets',
      `0 for a task that is not a vision task (${Object.keys(VISION_TASKS).join(' | ')})`,
      nRandom,
    );
  }
  const random: TaskCondition[] =
    nRandom > 0
      ? randomVisionConditions(vision, nRandom, RANDOM_TARGET_SEED).map((c) => ({
          ...c,
          qpos0: [...spec.train[0].qpos0],
        }))
      : [];
  const best = opts.best
    ? (JSON.parse(readFileSync(join(policyDir, 'best.json'), 'utf8')) as BestPolicy)
    : undefined;
  const policy = await loadPolicy(policyDir);
  // The pose-prediction baseline: the state policy acts on the target predicted from the
  // camera image by the run's pose estimator (RUN_DIR/pose), so its agent also renders images.
  const network = e.policy?.network;
  const posePrediction = network?.type === 'pose-prediction' ? network : undefined;
  let estimator: PoseEstimator | undefined;
  if (posePrediction) {
    try {
      estimator = loadPoseEstimator(join(runDir, POSE_DIR));
    } catch (err) {
      policy.dispose();
      throw err;
    }
  }
  const taskOptions = (e.task.options ?? {}) as TaskAgentOptions;
  const agentOptions: TaskAgentOptions = posePrediction
    ? {
        ...taskOptions,
        obsSensors: [
          ...(taskOptions.obsSensors ?? TASKS[runTask].obsSensors).filter((x) => x !== 'RGB_IMAGE'),
          'RGB_IMAGE',
        ],
        image: { ...posePrediction.image },
      }
    : taskOptions;
  const results: PolicyEvalCondition[] = [];
  const rows: StripRow[] = [];
  const successDistance = e.success?.distance;
  try {
    for (const split of ['train', 'test', 'random'] as const) {
      const idx = split === 'random' ? random.map((_, i) => i) : e.conditions[split];
      if (idx.length === 0) continue;
      const conditions: TaskCondition[] =
        split === 'random' ? random : idx.map((c) => spec[split][c]);
      const agent = await MujocoAgent.create({
        ...agentOptions,
        task: name,
        conditions,
        T: e.T,
      });
      try {
        const policyObs = makeLayout(
          agent.obsLayout.blocks
            .filter((b) => b.sensor !== 'RGB_IMAGE')
            .map((b) => [b.sensor, b.size] as const),
        );
        for (let m = 0; m < conditions.length; m++) {
          const actor: Policy & { poseErrors?: number[] } = estimator
            ? new PosePredictionPolicy(
                policy,
                estimator,
                { agentObs: agent.obsLayout, policyObs },
                conditions[m].eeTarget,
              )
            : policy;
          const s = await agent.sample(actor, m, {
            seed: e.seed,
            noiseScale: 0,
            recordImages: true,
          });
          const distance = finalDist(agent.stateLayout, s);
          const strip = sampleStrip(s);
          if (strip) {
            const mark =
              distance === null || successDistance === undefined
                ? ''
                : distance <= successDistance
                  ? ' ✓'
                  : ' ✗';
            const verdict = distance === null ? '' : `${mark} ${distance.toFixed(3)} m`;
            rows.push(stripRow(strip, `${split} ${idx[m]}${verdict}`));
          }
          const poseErrors = actor.poseErrors;
          results.push({
            split,
            taskCondition: idx[m],
            ...(split === 'random'
              ? { target: (conditions[m].mocap?.[vision.targetBody] ?? []).slice(0, 2) }
              : {}),
            distance,
            success:
              distance === null || successDistance === undefined
                ? null
                : distance <= successDistance,
            ...(poseErrors
              ? { poseErrorCm: (100 * poseErrors.reduce((a, b) => a + b, 0)) / poseErrors.length }
              : {}),
          });
        }
      } finally {
        agent.dispose();
      }
    }
  } finally {
    estimator?.dispose();
    policy.dispose();
  }
  const framesName = policyFramesName(runTask, opts);
  const policyName = opts.best ? 'policy-best' : 'policy';
  if (rows.length > 0) {
    await writeSvgPng(
      join(runDir, 'plots'),
      framesName,
      frameStrip({
        title: `${e.name}, seed ${e.seed}: ${policyName} on ${name}${successDistance === undefined ? '' : ` (✓ within ${successDistance} m)`}`,
        rows,
      }),
    );
  }
  const out: PolicyEvalResult = {
    policy: policyName,
    ...(best ? { best } : {}),
    conditions: results,
    task: name,
    file: policyEvalFile(runTask, opts),
    frames: rows.length > 0 ? `plots/${framesName}.png` : null,
    train: summary(results.filter((c) => c.split === 'train')),
    test: summary(results.filter((c) => c.split === 'test')),
    ...(nRandom > 0 ? { random: summary(results.filter((c) => c.split === 'random')) } : {}),
  };
  writeFileAtomic(join(runDir, out.file), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}
