import type { TaskCondition, TaskSpec } from '../task.js';

/*
 * The 3-link swimmer: three 1 m capsules (radius 0.1 m) joined by two hinges, moving in the
 * plane through a viscous, dense fluid (MuJoCo's inertia-based fluid model). The root has two
 * slide joints and a hinge, so q = [x, y, heading, joint1, joint2].
 *
 * Motor gear 30 (torque limit ±1, so at most 30 N·m). With the earlier gear 150, sinusoidal
 * torques of amplitude 0.1–0.3 (periods 1–3 s) already drove the joints to their ±100° limits,
 * so exploration noise of the full range mostly produced joint-limit impacts, which the fitted
 * linear dynamics cannot capture; gear 30 scales the range down 5×. Open loop, a ±1 travelling
 * wave (90° or 57° between the joints, period 3 s) moves the centre of mass 0.2–0.7 m in 10 s.
 */
const xml = `<mujoco model="swimmer">
  <compiler angle="radian"/>
  <size memory="1M"/>
  <option timestep="0.01" density="4000" viscosity="0.1" gravity="0 0 0" integrator="RK4"/>
  <default>
    <geom contype="0" conaffinity="0" rgba="0.8 0.6 0.4 1"/>
    <joint armature="0.1"/>
  </default>
  <worldbody>
    <camera name="top" pos="0 0 6" xyaxes="1 0 0 0 1 0" fovy="45"/>
    <geom name="floor" type="plane" pos="0 0 -0.1" size="10 10 0.1" rgba="0.6 0.75 0.85 1"/>
    <geom name="mark_x1" type="box" pos="1 0 -0.099" size="0.02 3 0.001" rgba="0.45 0.6 0.7 1"/>
    <geom name="mark_x2" type="box" pos="-1 0 -0.099" size="0.02 3 0.001" rgba="0.45 0.6 0.7 1"/>
    <geom name="mark_y" type="box" pos="0 0 -0.099" size="3 0.02 0.001" rgba="0.45 0.6 0.7 1"/>
    <body name="head" pos="0 0 0">
      <joint name="slide_x" type="slide" axis="1 0 0"/>
      <joint name="slide_y" type="slide" axis="0 1 0"/>
      <joint name="heading" type="hinge" axis="0 0 1"/>
      <geom name="head" type="capsule" fromto="1.5 0 0 0.5 0 0" size="0.1" rgba="0.9 0.55 0.3 1"/>
      <site name="nose" pos="1.5 0 0"/>
      <body name="mid" pos="0.5 0 0">
        <joint name="joint1" type="hinge" axis="0 0 1" limited="true" range="-1.745 1.745"/>
        <geom name="mid" type="capsule" fromto="0 0 0 -1 0 0" size="0.1"/>
        <body name="tail" pos="-1 0 0">
          <joint name="joint2" type="hinge" axis="0 0 1" limited="true" range="-1.745 1.745"/>
          <geom name="tail" type="capsule" fromto="0 0 0 -1 0 0" size="0.1" rgba="0.7 0.5 0.35 1"/>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="joint1" joint="joint1" gear="30"/>
    <motor name="joint2" joint="joint2" gear="30"/>
  </actuator>
</mujoco>`;

function cond(heading: number, j1: number, j2: number): TaskCondition {
  // ee point: the nose, relative to the origin (the swimmer's cost is on velocity).
  return { qpos0: [0, 0, heading, j1, j2], eeTarget: [0, 0, 0] };
}

/** The 3-link swimmer in a viscous fluid (paper: 20 s at 20 Hz, target speed 2 m/s). */
export const swimmer: TaskSpec = {
  name: 'swimmer',
  description: '3-link swimmer (three 1 m capsules) in a viscous fluid, 20 s at 20 Hz',
  xml,
  T: 400,
  substeps: 5,
  torqueLimits: [1, 1],
  eeSites: ['nose'],
  train: [cond(0, 0, 0), cond(0, 0.3, -0.3), cond(0, -0.3, 0.3), cond(0, 0.5, 0.5)],
  test: [cond(0, -0.5, -0.5), cond(0, 0.2, 0.6)],
  camera: { name: 'top', width: 64, height: 64 },
  maxJointSpeed: 100,
  obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES'],
};

/** Target forward speed of the swimmer (m/s, along +x), from the paper. */
export const SWIMMER_TARGET_SPEED = 2;
