import type { TaskCondition, TaskSpec } from '../task.js';

/** Scene options of the 2-link reacher's MJCF (shared by `reacher` and `reacher-vision`). */
export interface ReacherScene {
  model: string;
  /** Camera position "x y z" (looking straight down). */
  camera: string;
  /** Height of the target disc's centre. */
  targetZ: string;
  /** Target cylinder size "radius half-height". */
  targetSize: string;
  targetRgba: string;
}

/** The 2-link planar reacher and a mocap target disc, as MJCF. */
export function reacherXml(o: ReacherScene): string {
  return `<mujoco model="${o.model}">
  <compiler angle="radian"/>
  <size memory="256K"/>
  <option timestep="0.01" gravity="0 0 0" integrator="Euler"/>
  <default>
    <geom contype="0" conaffinity="0"/>
    <joint armature="0.002" damping="0.02"/>
  </default>
  <worldbody>
    <camera name="top" pos="${o.camera}" xyaxes="1 0 0 0 1 0" fovy="45"/>
    <geom name="floor" type="plane" size="0.3 0.3 0.01" rgba="0.85 0.85 0.8 1"/>
    <geom name="base" type="cylinder" pos="0 0 0.01" size="0.022 0.01" rgba="0.3 0.3 0.3 1"/>
    <body name="target" mocap="true" pos="0.1 0.1 ${o.targetZ}">
      <geom name="target" type="cylinder" size="${o.targetSize}" rgba="${o.targetRgba}"/>
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
}

const xml = reacherXml({
  model: 'reacher',
  camera: '0 0 0.75',
  targetZ: '0.001',
  targetSize: '0.015 0.001',
  targetRgba: '0.9 0.25 0.2 1',
});

function cond(tx: number, ty: number): TaskCondition {
  return { qpos0: [0, 0], mocap: { target: [tx, ty, 0.001] }, eeTarget: [tx, ty, 0.02] };
}

/** A 2-link planar arm (10 cm + 11 cm links) reaching a target that varies per condition. */
export const reacher: TaskSpec = {
  name: 'reacher',
  description: '2-link planar arm (0.10 m + 0.11 m) reaching a target disc',
  xml,
  T: 50,
  substeps: 5,
  torqueLimits: [0.05, 0.05],
  eeSites: ['fingertip'],
  train: [cond(0.1, 0.12), cond(-0.12, 0.1), cond(-0.08, -0.14), cond(0.15, -0.05)],
  test: [cond(0, 0.16), cond(0.05, -0.17)],
  camera: { name: 'top', width: 64, height: 64 },
  maxJointSpeed: 200,
  obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES', 'END_EFFECTOR_POINTS'],
};
