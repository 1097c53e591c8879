/**
 * How well do pose estimators find the target in scenes they were not trained on?
 *
 *   tsx --conditions=@visuomotor/source scripts/pose-error-scenes.ts POSE_DIR... [--rollouts N]
 *
 * For each `POSE_DIR` (a run's `pose/`: `conv.*`, `pose-head.*`), measures the pose error on
 * the same kind of held-out data as pose pretraining (random arm motions, random targets,
 * every 5th frame of `N` rollouts, default 30, seed 700, which no pretraining uses) in three
 * scenes of `reacher-vision`:
 *
 * - `plain`: the task's own scene;
 * - `distractors`: the visual test's scene (`reacher-vision-distractors`), with targets at
 *   least 5 cm from every distractor so none covers the target;
 * - `clutter`: `reacher-vision-clutter` with 0-6 clutter objects per rollout.
 *
 * Prints one JSON object per estimator and scene: `{pose, scene, images, meanCm, stdCm,
 * over2cm}` (`over2cm`: fraction of images with an error above 2 cm). Used for
 * docs/results-visuomotor.md (pose data with clutter).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  MujocoAgent,
  randomVisionConditions,
  type TaskCondition,
  type TaskName,
  VISION_TASKS,
} from '@visuomotor/mujoco-agent';
import {
  collectPoseData,
  initBackend,
  loadPoseEstimator,
  meanStd,
  type PoseDataset,
  poseErrors,
} from '@visuomotor/spatial-softmax';

const args = process.argv.slice(2);
const at = args.indexOf('--rollouts');
const rollouts = at >= 0 ? Number(args[at + 1]) : 30;
const dirs = at >= 0 ? args.filter((_, i) => i !== at && i !== at + 1) : args;
if (dirs.length === 0 || !Number.isInteger(rollouts) || rollouts < 1) {
  console.error('usage: pose-error-scenes.ts POSE_DIR... [--rollouts N]');
  process.exit(2);
}
for (const d of dirs) {
  if (!existsSync(join(d, 'pose-head.json'))) {
    console.error(`${d}: no pose estimator (pose-head.json)`);
    process.exit(2);
  }
}

const SEED = 700;
const EVERY = 5;
const DISTRACTOR_CLEARANCE = 0.05;

async function collect(task: TaskName, conditions: TaskCondition[]): Promise<PoseDataset> {
  const agent = await MujocoAgent.create({ task, conditions });
  try {
    return collectPoseData(agent, { seed: 1000 * SEED, every: EVERY });
  } finally {
    agent.dispose();
  }
}

/** Targets clear of the visual test's distractors (their centres read from the model). */
async function distractorConditions(): Promise<TaskCondition[]> {
  const probe = await MujocoAgent.create({ task: 'reacher-vision-distractors' });
  const { model, data } = probe.sim;
  const centres: [number, number][] = [];
  for (const name of ['green', 'blue', 'yellow', 'orange']) {
    const g = model.geomId(`distractor-${name}`);
    centres.push([data.geomXpos[3 * g], data.geomXpos[3 * g + 1]]);
  }
  probe.dispose();
  const all = randomVisionConditions(VISION_TASKS['reacher-vision'], 4 * rollouts, SEED, {
    randomArm: true,
  });
  const clear = all.filter((c) => {
    const t = c.mocap?.target ?? [0, 0, 0];
    return centres.every(([x, y]) => Math.hypot(t[0] - x, t[1] - y) >= DISTRACTOR_CLEARANCE);
  });
  return clear.slice(0, rollouts);
}

await initBackend();
const plain = randomVisionConditions(VISION_TASKS['reacher-vision'], rollouts, SEED, {
  randomArm: true,
});
const scenes: [string, PoseDataset][] = [
  ['plain', await collect('reacher-vision', plain)],
  ['distractors', await collect('reacher-vision-distractors', await distractorConditions())],
  [
    'clutter',
    await collect(
      'reacher-vision-clutter',
      randomVisionConditions(VISION_TASKS['reacher-vision-clutter'], rollouts, SEED, {
        randomArm: true,
        clutter: { min: 0, max: 6 },
      }),
    ),
  ],
];
for (const dir of dirs) {
  const est = loadPoseEstimator(dir);
  try {
    for (const [scene, data] of scenes) {
      const pred = est.predict(data.images, data.N);
      const cm = poseErrors(pred, data.poses, data.dPose).map((e) => 100 * e);
      const { mean, std } = meanStd(cm);
      const over2cm = cm.filter((e) => e > 2).length / cm.length;
      console.log(
        JSON.stringify({ pose: dir, scene, images: data.N, meanCm: mean, stdCm: std, over2cm }),
      );
    }
  } finally {
    est.dispose();
  }
}
