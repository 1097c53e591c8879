import { InvalidArgumentError } from '@visuomotor/contracts';
import type { TaskCondition, TaskSpec } from '../task.js';
import { peg2dXml } from './peg2d.js';
import type { VisionTask } from './vision.js';

/*
 * peg2d's planar 3-link arm (0.4 m, 0.4 m, 0.2 m peg) with a red slot whose position varies
 * in x and y, seen by an overhead camera that frames arm and slot region (0.36 m above... see
 * camera: 1.45 m above the plane, centred on (0.3, -0.2), ±0.6 m at 64x64: 1.9 cm per pixel).
 */
const xml = peg2dXml({
  model: 'peg2d-vision',
  camera: '0.3 -0.2 1.45',
  floor: '0.3 -0.2 -0.05',
  slotRgba: '0.85 0.15 0.1 1',
  pegRgba: '0.95 0.75 0.2 1',
});

const Q0 = [0.3, -1.2, -1.0];

/** Slot positions are drawn from this box (m). */
const X_RANGE: readonly [number, number] = [0.3, 0.65];
const Y_RANGE: readonly [number, number] = [-0.52, -0.42];

function cond(target: readonly number[], qpos0: readonly number[] = Q0): TaskCondition {
  if (target.length !== 2 || !target.every(Number.isFinite)) {
    throw new InvalidArgumentError('target', 'two finite numbers [x, y]', target);
  }
  const [sx, sy] = target;
  // Solved: peg vertical in the slot (pointing -y), tip 1 cm above the slot bottom.
  return {
    qpos0: [...qpos0],
    mocap: { slot: [sx, sy, 0] },
    eeTarget: [sx, sy + 0.09, 0, sx, sy - 0.11, 0],
  };
}

/**
 * `peg2d-vision`: peg insertion into a slot that moves over 35 cm in x and 10 cm in y, seen
 * only in the 64x64 overhead image. Observation `[JOINT_ANGLES 3, JOINT_VELOCITIES 3,
 * RGB_IMAGE 3x64x64]`; the state keeps the slot-relative peg points. 4 train / 3 test slots.
 */
export const peg2dVision: TaskSpec = {
  name: 'peg2d-vision',
  description: 'planar 3-link arm inserting a peg into a red slot seen only by an overhead camera',
  xml,
  T: 100,
  substeps: 5,
  torqueLimits: [8, 6, 3],
  eeSites: ['peg_base', 'peg_tip'],
  train: [cond([0.35, -0.45]), cond([0.45, -0.5]), cond([0.55, -0.43]), cond([0.62, -0.48])],
  test: [cond([0.4, -0.49]), cond([0.5, -0.44]), cond([0.6, -0.51])],
  camera: { name: 'top', width: 64, height: 64 },
  maxJointSpeed: 100,
  obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES', 'RGB_IMAGE'],
};

/** Condition builder and slot distribution of {@link peg2dVision}. */
export const peg2dVisionTask: VisionTask = {
  spec: peg2dVision,
  targetBody: 'slot',
  dTarget: 2,
  dPose: 6,
  // Configurations that keep the peg away from the slot region (y > -0.4 for the whole arm
  // would be too strict; these ranges move the arm around the start pose).
  qposRange: [
    [-0.2, 0.8],
    [-1.8, -0.6],
    [-1.6, -0.4],
  ],
  condition: cond,
  sampleTarget(uniform) {
    return [
      X_RANGE[0] + (X_RANGE[1] - X_RANGE[0]) * uniform(),
      Y_RANGE[0] + (Y_RANGE[1] - Y_RANGE[0]) * uniform(),
    ];
  },
};
