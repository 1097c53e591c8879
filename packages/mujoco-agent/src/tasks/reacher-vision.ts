import { InvalidArgumentError } from '@visuomotor/contracts';
import type { TaskCondition, TaskSpec } from '../task.js';
import type { VisionTask } from './vision.js';

/*
 * The reacher arm (0.10 m + 0.11 m links) with a larger red target disc (2.2 cm radius) seen
 * by a fixed overhead camera framing the whole workspace (±0.25 m at 64x64: 0.8 cm per pixel).
 * The target moves per condition; the observation holds joint angles and velocities and the
 * image, never the target.
 */
const xml = `<mujoco model="reacher-vision">
  <compiler angle="radian"/>
  <size memory="256K"/>
  <option timestep="0.01" gravity="0 0 0" integrator="Euler"/>
  <default>
    <geom contype="0" conaffinity="0"/>
    <joint armature="0.002" damping="0.02"/>
  </default>
  <worldbody>
    <camera name="top" pos="0 0 0.6" xyaxes="1 0 0 0 1 0" fovy="45"/>
    <geom name="floor" type="plane" size="0.3 0.3 0.01" rgba="0.85 0.85 0.8 1"/>
    <geom name="base" type="cylinder" pos="0 0 0.01" size="0.022 0.01" rgba="0.3 0.3 0.3 1"/>
    <body name="target" mocap="true" pos="0.1 0.1 0.002">
      <geom name="target" type="cylinder" size="0.022 0.002" rgba="0.9 0.15 0.1 1"/>
    </body>
    <body name="link1" pos="0 0 0.02">
      <joint name="shoulder" type="hinge" axis="0 0 1"/>
      <geom name="link1" type="capsule" fromto="0 0 0 0.1 0 0" size="0.01" mass="0.05" rgba="0.2 0.45 0.9 1"/>
      <body name="link2" pos="0.1 0 0">
        <joint name="elbow" type="hinge" axis="0 0 1" limited="true" range="-3.0 3.0"/>
        <geom name="link2" type="capsule" fromto="0 0 0 0.11 0 0" size="0.01" mass="0.05" rgba="0.25 0.7 0.35 1"/>
        <geom name="fingertip" type="sphere" pos="0.11 0 0" size="0.012" mass="0.005" rgba="0.95 0.75 0.2 1"/>
        <site name="fingertip" pos="0.11 0 0"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="shoulder" joint="shoulder"/>
    <motor name="elbow" joint="elbow"/>
  </actuator>
</mujoco>`;

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
 * the target-relative fingertip for trajectory optimisation. Train targets at 4 places on the
 * annulus 0.07 < r < 0.19 m, test targets at 2 others.
 */
export const reacherVision: TaskSpec = {
  name: 'reacher-vision',
  description: '2-link planar arm reaching a red target disc seen only by an overhead camera',
  xml,
  T: 50,
  substeps: 5,
  torqueLimits: [0.05, 0.05],
  eeSites: ['fingertip'],
  train: [cond([0.12, 0.1]), cond([-0.1, 0.12]), cond([-0.11, -0.11]), cond([0.14, -0.06])],
  test: [cond([0.02, 0.16]), cond([-0.03, -0.15])],
  camera: { name: 'top', width: 64, height: 64 },
  maxJointSpeed: 200,
  obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES', 'RGB_IMAGE'],
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
