import { InvalidArgumentError } from '@visuomotor/contracts';
import type { TaskCondition, TaskSpec } from '../task.js';
import type { VisionTask } from './vision.js';

/*
 * peg2d's planar 3-link arm (0.4 m, 0.4 m, 0.2 m peg) with a red slot whose position varies
 * in x and y, seen by an overhead camera that frames arm and slot region (0.36 m above... see
 * camera: 1.45 m above the plane, centred on (0.3, -0.2), ±0.6 m at 64x64: 1.9 cm per pixel).
 */
const xml = `<mujoco model="peg2d-vision">
  <compiler angle="radian"/>
  <size memory="1M"/>
  <option timestep="0.01" gravity="0 0 0" integrator="Euler"/>
  <default>
    <geom contype="0" conaffinity="0" friction="0.5 0.005 0.0001"/>
    <joint armature="0.02" damping="0.5"/>
  </default>
  <worldbody>
    <camera name="top" pos="0.3 -0.2 1.45" xyaxes="1 0 0 0 1 0" fovy="45"/>
    <geom name="floor" type="plane" pos="0.3 -0.2 -0.05" size="0.9 0.9 0.01" rgba="0.85 0.85 0.8 1"/>
    <geom name="base" type="cylinder" pos="0 0 -0.03" size="0.05 0.02" rgba="0.3 0.3 0.3 1"/>
    <body name="slot" mocap="true" pos="0.5 -0.45 0">
      <geom name="slot_left" type="box" pos="-0.055 -0.05 0" size="0.02 0.06 0.04" rgba="0.85 0.15 0.1 1" contype="1" conaffinity="1"/>
      <geom name="slot_right" type="box" pos="0.055 -0.05 0" size="0.02 0.06 0.04" rgba="0.85 0.15 0.1 1" contype="1" conaffinity="1"/>
      <geom name="slot_bottom" type="box" pos="0 -0.13 0" size="0.075 0.02 0.04" rgba="0.85 0.15 0.1 1" contype="1" conaffinity="1"/>
    </body>
    <body name="link1" pos="0 0 0">
      <joint name="j1" type="hinge" axis="0 0 1"/>
      <geom name="link1" type="capsule" fromto="0 0 0 0.4 0 0" size="0.03" mass="1.0" rgba="0.2 0.45 0.9 1"/>
      <body name="link2" pos="0.4 0 0">
        <joint name="j2" type="hinge" axis="0 0 1" limited="true" range="-2.8 2.8"/>
        <geom name="link2" type="capsule" fromto="0 0 0 0.4 0 0" size="0.025" mass="0.8" rgba="0.25 0.7 0.35 1"/>
        <body name="peg" pos="0.4 0 0">
          <joint name="j3" type="hinge" axis="0 0 1" limited="true" range="-2.8 2.8"/>
          <geom name="peg" type="capsule" fromto="0 0 0 0.2 0 0" size="0.02" mass="0.3" rgba="0.95 0.75 0.2 1" contype="2" conaffinity="1"/>
          <site name="peg_base" pos="0 0 0"/>
          <site name="peg_tip" pos="0.2 0 0"/>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="j1" joint="j1"/>
    <motor name="j2" joint="j2"/>
    <motor name="j3" joint="j3"/>
  </actuator>
</mujoco>`;

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
