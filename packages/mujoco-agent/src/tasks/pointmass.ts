import type { TaskCondition, TaskSpec } from '../task.js';

const xml = `<mujoco model="pointmass">
  <compiler angle="radian"/>
  <size memory="256K"/>
  <option timestep="0.01" gravity="0 0 0" integrator="Euler"/>
  <default><geom contype="0" conaffinity="0"/></default>
  <worldbody>
    <camera name="top" pos="0 0 1.3" xyaxes="1 0 0 0 1 0" fovy="45"/>
    <geom name="floor" type="plane" size="0.6 0.6 0.01" rgba="0.85 0.85 0.8 1"/>
    <geom name="wall_n" type="box" pos="0 0.5 0.02" size="0.52 0.02 0.02" rgba="0.4 0.4 0.45 1"/>
    <geom name="wall_s" type="box" pos="0 -0.5 0.02" size="0.52 0.02 0.02" rgba="0.4 0.4 0.45 1"/>
    <geom name="wall_e" type="box" pos="0.5 0 0.02" size="0.02 0.48 0.02" rgba="0.4 0.4 0.45 1"/>
    <geom name="wall_w" type="box" pos="-0.5 0 0.02" size="0.02 0.48 0.02" rgba="0.4 0.4 0.45 1"/>
    <body name="target" mocap="true" pos="0.2 0.2 0.001">
      <geom name="target" type="cylinder" size="0.04 0.001" rgba="0.9 0.25 0.2 1"/>
    </body>
    <body name="mass" pos="0 0 0.03">
      <joint name="x" type="slide" axis="1 0 0" damping="0.5" limited="true" range="-0.45 0.45"/>
      <joint name="y" type="slide" axis="0 1 0" damping="0.5" limited="true" range="-0.45 0.45"/>
      <geom name="mass" type="sphere" size="0.03" mass="0.5" rgba="0.2 0.45 0.9 1"/>
      <site name="center" pos="0 0 0"/>
    </body>
  </worldbody>
  <actuator>
    <motor name="fx" joint="x"/>
    <motor name="fy" joint="y"/>
  </actuator>
</mujoco>`;

function cond(qx: number, qy: number, tx: number, ty: number): TaskCondition {
  return { qpos0: [qx, qy], mocap: { target: [tx, ty, 0.001] }, eeTarget: [tx, ty, 0.03] };
}

/** A 2D point mass pushed by two forces towards a target disc: the smallest smoke test. */
export const pointmass: TaskSpec = {
  name: 'pointmass',
  description: '2D point mass (0.5 kg, damped) pushed by x/y forces to a target disc',
  xml,
  T: 50,
  substeps: 5,
  torqueLimits: [2, 2],
  eeSites: ['center'],
  train: [
    cond(0, 0, 0.25, 0.25),
    cond(0, 0, -0.25, 0.25),
    cond(0, 0, -0.25, -0.25),
    cond(0, 0, 0.25, -0.25),
  ],
  test: [cond(0, 0, 0.3, 0), cond(0, 0, 0, -0.3)],
  camera: { name: 'top', width: 64, height: 64 },
  maxJointSpeed: 50,
  obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES'],
};
