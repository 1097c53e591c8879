import { InvalidArgumentError } from '@visuomotor/contracts';
import type { TaskCondition, TaskSpec } from '../task.js';
import { reacherXml } from './reacher.js';
import type { VisionClutter, VisionTask } from './vision.js';

/*
 * The reacher arm (0.10 m + 0.11 m links) with a larger red target disc (2.2 cm radius) seen
 * by a fixed overhead camera framing the whole workspace (±0.25 m at 64x64: 0.8 cm per pixel).
 * The target moves per condition; the observation holds joint angles and velocities and the
 * image, never the target.
 */
const xml = reacherXml({
  model: 'reacher-vision',
  camera: '0 0 0.6',
  targetZ: '0.002',
  targetSize: '0.022 0.002',
  targetRgba: '0.9 0.15 0.1 1',
});

const Q0 = [0, 0];

function cond(target: readonly number[], qpos0: readonly number[] = Q0): TaskCondition {
  if (target.length !== 2 || !target.every(Number.isFinite)) {
    throw new InvalidArgumentError('target', 'two finite numbers [x, y]', target);
  }
  const [tx, ty] = target;
  return { qpos0: [...qpos0], mocap: { target: [tx, ty, 0.002] }, eeTarget: [tx, ty, 0.02] };
}

/** Polar coordinates of the reachable annulus targets are drawn from (m, rad). */
const R_MIN = 0.07;
const R_MAX = 0.19;

/**
 * `reacher-vision`: the 2-link reacher with the target visible only in the 64x64 overhead
 * image. Observation `[JOINT_ANGLES 2, JOINT_VELOCITIES 2, RGB_IMAGE 3x64x64]`; the state keeps
 * the target-relative fingertip for trajectory optimisation. Train targets at 24 places on the
 * annulus 0.07 < r < 0.19 m (the first 4 at r ≈ 0.155 m, then an inner ring of 4 at 0.095 m and
 * an outer ring of 4 at 0.18 m, then 12 between those), test targets at 2 others between them.
 */
export const reacherVision: TaskSpec = {
  name: 'reacher-vision',
  description: '2-link planar arm reaching a red target disc seen only by an overhead camera',
  xml,
  T: 50,
  substeps: 5,
  torqueLimits: [0.05, 0.05],
  eeSites: ['fingertip'],
  train: [
    cond([0.12, 0.1]),
    cond([-0.1, 0.12]),
    cond([-0.11, -0.11]),
    cond([0.14, -0.06]),
    // Conditions 4-11: an inner ring (r = 0.095 m) and an outer ring (r = 0.18 m), so a policy
    // can be trained on targets spread over the whole annulus (`reacher-vision-mdgps-12`);
    // placed at least 5 cm from the distractors of `reacher-vision-distractors`.
    cond([0.095, 0]),
    cond([0, 0.095]),
    cond([-0.095, 0]),
    cond([0, -0.095]),
    cond([0.174, 0.047]),
    cond([-0.09, 0.156]),
    cond([-0.176, -0.037]),
    cond([0.11, -0.142]),
    // Conditions 12-23: 12 more between those (at least 4.8 cm from every other training
    // target, 4.5 cm from the held-out ones, 5 cm from the distractors, and away from the
    // saddle behind the shoulder where conditions 6 and 10 lie), for `reacher-vision-mdgps-22-ee`.
    cond([0.122, 0.044]),
    cond([-0.044, 0.122]),
    cond([0.092, -0.092]),
    cond([0.061, 0.043]),
    cond([-0.043, 0.061]),
    cond([0.038, -0.065]),
    cond([0.185, 0]),
    cond([0.106, 0.152]),
    cond([0.063, 0.174]),
    cond([-0.032, 0.182]),
    cond([-0.093, -0.16]),
    cond([0, -0.185]),
  ],
  test: [cond([0.02, 0.16]), cond([-0.03, -0.15])],
  camera: { name: 'top', width: 64, height: 64 },
  maxJointSpeed: 200,
  obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES', 'RGB_IMAGE'],
};

/**
 * Visual distractors of the paper's visual test: coloured objects on the table that the
 * policy never saw in training (a green box, a blue disc, a yellow disc, an orange box),
 * placed inside the workspace away from the train and test targets. Visual only (no
 * contacts), so the dynamics are identical.
 */
const DISTRACTORS = `
    <geom name="distractor-green" type="box" pos="0.05 0.1 0.003" size="0.018 0.012 0.003" euler="0 0 0.5" rgba="0.2 0.75 0.25 1"/>
    <geom name="distractor-blue" type="cylinder" pos="-0.15 0.02 0.002" size="0.02 0.002" rgba="0.15 0.3 0.9 1"/>
    <geom name="distractor-yellow" type="cylinder" pos="0.06 -0.14 0.002" size="0.016 0.002" rgba="0.95 0.85 0.1 1"/>
    <geom name="distractor-orange" type="box" pos="-0.07 -0.06 0.003" size="0.012 0.02 0.003" rgba="0.95 0.5 0.1 1"/>
`;

/**
 * `reacher-vision-distractors`: {@link reacherVision} with four coloured distractor objects on
 * the table (the visual test of the paper's Figure 9); same model otherwise, same conditions,
 * same observation. Evaluate a reacher-vision policy on it with
 * `visuomotor eval RUN_DIR --policy --task reacher-vision-distractors`.
 */
export const reacherVisionDistractors: TaskSpec = {
  ...reacherVision,
  name: 'reacher-vision-distractors',
  description: 'reacher-vision with four coloured distractor objects on the table (visual test)',
  xml: xml
    .replace('model="reacher-vision"', 'model="reacher-vision-distractors"')
    .replace('    <body name="link1"', `${DISTRACTORS}    <body name="link1"`),
};

/** Condition builder and target distribution of {@link reacherVision}. */
export const reacherVisionTask: VisionTask = {
  spec: reacherVision,
  targetBody: 'target',
  dTarget: 2,
  dPose: 3,
  qposRange: [
    [-Math.PI, Math.PI],
    [-2.8, 2.8],
  ],
  condition: cond,
  sampleTarget(uniform) {
    // Uniform over the annulus' area.
    const r = Math.sqrt(R_MIN ** 2 + (R_MAX ** 2 - R_MIN ** 2) * uniform());
    const a = 2 * Math.PI * uniform();
    return [r * Math.cos(a), r * Math.sin(a)];
  },
};

/**
 * Clutter for pose data (not in the paper): six flat objects whose colours and shapes differ
 * from the visual test's distractors (no green, blue, yellow or orange; purple, cyan, white,
 * pink, brown and black, discs and boxes, one the target's size), each on its own mocap body.
 * In the model they are parked under the floor, out of the camera's view, so the task renders
 * exactly as `reacher-vision` until `randomVisionConditions(..., { clutter })` places some of
 * them on the table.
 */
const CLUTTER: readonly { name: string; geom: string; z: number }[] = [
  {
    name: 'clutter-purple',
    geom: 'type="cylinder" size="0.018 0.002" rgba="0.55 0.25 0.8 1"',
    z: 0.002,
  },
  {
    name: 'clutter-cyan',
    geom: 'type="box" size="0.016 0.01 0.003" rgba="0.1 0.75 0.8 1"',
    z: 0.003,
  },
  {
    name: 'clutter-white',
    geom: 'type="cylinder" size="0.015 0.002" rgba="0.95 0.95 0.95 1"',
    z: 0.002,
  },
  {
    name: 'clutter-pink',
    geom: 'type="box" size="0.012 0.02 0.003" rgba="0.95 0.45 0.65 1"',
    z: 0.003,
  },
  {
    name: 'clutter-brown',
    geom: 'type="cylinder" size="0.022 0.002" rgba="0.55 0.35 0.2 1"',
    z: 0.002,
  },
  {
    name: 'clutter-black',
    geom: 'type="box" size="0.02 0.014 0.003" rgba="0.1 0.1 0.1 1"',
    z: 0.003,
  },
];

const CLUTTER_XML = CLUTTER.map(
  (c) =>
    `    <body name="${c.name}" mocap="true" pos="0 0 -1">\n      <geom name="${c.name}" ${c.geom}/>\n    </body>\n`,
).join('');

/**
 * `reacher-vision-clutter`: {@link reacherVision} with six clutter objects parked out of view
 * (see {@link reacherVisionClutterTask}); same dynamics, conditions and observation, and the
 * same images while no clutter is placed. For pose data with visual clutter
 * (`posePretraining.clutter` of the trainer), so the pose estimator learns to ignore objects
 * that are not the target; the visual test's distractors stay unseen.
 */
export const reacherVisionClutter: TaskSpec = {
  ...reacherVision,
  name: 'reacher-vision-clutter',
  description: 'reacher-vision with six clutter objects for pose data (parked out of view)',
  xml: xml
    .replace('model="reacher-vision"', 'model="reacher-vision-clutter"')
    .replace('    <body name="link1"', `${CLUTTER_XML}    <body name="link1"`),
};

const clutter: VisionClutter = {
  bodies: CLUTTER.map((c) => c.name),
  z: CLUTTER.map((c) => c.z),
  // The camera sees |x|, |y| < 0.249 m on the table; objects stay inside it.
  halfWidth: 0.22,
  // The target's radius (2.2 cm) plus the largest clutter half-extent (2.4 cm): never overlapping.
  minTargetDistance: 0.05,
};

/** Condition builder, target distribution and clutter of {@link reacherVisionClutter}. */
export const reacherVisionClutterTask: VisionTask = {
  ...reacherVisionTask,
  spec: reacherVisionClutter,
  clutter,
};
