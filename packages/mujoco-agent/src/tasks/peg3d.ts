import { lookAt } from '../camera.js';
import type { TaskCondition, TaskSpec } from '../task.js';

/*
 * A 7-DoF arm with the PR2 right arm's kinematic chain (public PR2 URDF dimensions):
 * shoulder pan (z) -> 0.1 m -> shoulder lift (y) -> upper-arm roll (x) -> 0.4 m upper arm ->
 * elbow flex (y) -> forearm roll (x) -> 0.321 m forearm -> wrist flex (y) -> wrist roll (x) ->
 * 0.18 m to the tool frame, which holds a 0.3 m peg (radius 2.5 cm) along its z axis. Link
 * masses follow the URDF; gravity is off (the PR2 arm is gravity-compensated by its
 * counterbalance). The hole (inner half-width 4 cm, depth 10 cm) sits on a table and is a
 * mocap body placed per condition.
 */
const xml = `<mujoco model="peg3d">
  <compiler angle="radian"/>
  <size memory="2M"/>
  <option timestep="0.01" gravity="0 0 0" integrator="Euler"/>
  <default>
    <geom contype="0" conaffinity="0" friction="0.5 0.005 0.0001" rgba="0.75 0.75 0.78 1"/>
    <joint armature="0.04" damping="1" limited="true"/>
  </default>
  <worldbody>
    <camera name="front" ${lookAt([1.1, -1.7, 0.25], [0.5, -0.2, -0.4])} fovy="45"/>
    <geom name="floor" type="plane" pos="0 0 -0.85" size="4 4 0.01" rgba="0.55 0.55 0.52 1"/>
    <geom name="table" type="box" pos="0.6 -0.3 -0.625" size="0.35 0.4 0.025" rgba="0.62 0.48 0.32 1" contype="1" conaffinity="1"/>
    <geom name="torso" type="box" pos="-0.1 0.188 -0.1" size="0.1 0.2 0.5" rgba="0.85 0.85 0.85 1"/>
    <body name="hole" mocap="true" pos="0.65 -0.3 -0.6">
      <geom name="hole_px" type="box" pos="0.06 0 0.05" size="0.02 0.08 0.05" rgba="0.25 0.25 0.3 1" contype="1" conaffinity="1"/>
      <geom name="hole_nx" type="box" pos="-0.06 0 0.05" size="0.02 0.08 0.05" rgba="0.25 0.25 0.3 1" contype="1" conaffinity="1"/>
      <geom name="hole_py" type="box" pos="0 0.06 0.05" size="0.04 0.02 0.05" rgba="0.25 0.25 0.3 1" contype="1" conaffinity="1"/>
      <geom name="hole_ny" type="box" pos="0 -0.06 0.05" size="0.04 0.02 0.05" rgba="0.25 0.25 0.3 1" contype="1" conaffinity="1"/>
    </body>
    <body name="shoulder_pan_link" pos="0 0 0">
      <joint name="shoulder_pan" type="hinge" axis="0 0 1" range="-2.285 0.714" damping="10"/>
      <geom name="shoulder" type="capsule" fromto="0 0 -0.3 0 0 0.1" size="0.1" mass="25.8"/>
      <body name="shoulder_lift_link" pos="0.1 0 0">
        <joint name="shoulder_lift" type="hinge" axis="0 1 0" range="-0.524 1.396" damping="10"/>
        <geom name="shoulder_lift" type="capsule" fromto="0 -0.08 0 0 0.08 0" size="0.09" mass="2.75"/>
        <body name="upper_arm_link" pos="0 0 0">
          <joint name="upper_arm_roll" type="hinge" axis="1 0 0" range="-3.9 0.8" damping="1"/>
          <geom name="upper_arm" type="capsule" fromto="0 0 0 0.4 0 0" size="0.06" mass="6.12" rgba="0.3 0.5 0.85 1"/>
          <body name="elbow_flex_link" pos="0.4 0 0">
            <joint name="elbow_flex" type="hinge" axis="0 1 0" range="-2.321 0" damping="1"/>
            <geom name="elbow" type="capsule" fromto="0 -0.03 0 0 0.03 0" size="0.06" mass="1.9"/>
            <body name="forearm_link" pos="0 0 0">
              <joint name="forearm_roll" type="hinge" axis="1 0 0" limited="false" damping="1"/>
              <geom name="forearm" type="capsule" fromto="0 0 0 0.321 0 0" size="0.05" mass="2.69" rgba="0.3 0.5 0.85 1"/>
              <body name="wrist_flex_link" pos="0.321 0 0">
                <joint name="wrist_flex" type="hinge" axis="0 1 0" range="-2.094 0" damping="0.5"/>
                <geom name="wrist" type="capsule" fromto="0 -0.02 0 0 0.02 0" size="0.03" mass="0.61"/>
                <body name="wrist_roll_link" pos="0 0 0">
                  <joint name="wrist_roll" type="hinge" axis="1 0 0" limited="false" damping="0.5"/>
                  <geom name="palm" type="box" pos="0.07 0 0" size="0.05 0.03 0.02" mass="0.58" rgba="0.35 0.35 0.35 1"/>
                  <geom name="finger_l" type="capsule" fromto="0.12 0.03 0 0.2 0.015 0" size="0.01" mass="0.05" rgba="0.35 0.35 0.35 1"/>
                  <geom name="finger_r" type="capsule" fromto="0.12 -0.03 0 0.2 -0.015 0" size="0.01" mass="0.05" rgba="0.35 0.35 0.35 1"/>
                  <body name="tool_frame" pos="0.18 0 0">
                    <geom name="peg" type="cylinder" fromto="0 0 -0.15 0 0 0.15" size="0.025" mass="0.3" rgba="0.95 0.6 0.2 1" contype="2" conaffinity="1"/>
                    <site name="peg_tip" pos="0 0 -0.15"/>
                    <site name="peg_base" pos="0 0 0.15"/>
                  </body>
                </body>
              </body>
            </body>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="shoulder_pan" joint="shoulder_pan"/>
    <motor name="shoulder_lift" joint="shoulder_lift"/>
    <motor name="upper_arm_roll" joint="upper_arm_roll"/>
    <motor name="elbow_flex" joint="elbow_flex"/>
    <motor name="forearm_roll" joint="forearm_roll"/>
    <motor name="wrist_flex" joint="wrist_flex"/>
    <motor name="wrist_roll" joint="wrist_roll"/>
  </actuator>
</mujoco>`;

/** Initial arm pose: elbow bent, peg held vertically above the table. */
const Q0 = [-0.6, 0.6, 0, -0.55, 0, -0.05, 0];
const HOLE_Z = -0.6;

function cond(hx: number, hy: number): TaskCondition {
  // Solved: peg vertical in the hole, tip 1 cm above the hole bottom (the table top).
  return {
    qpos0: Q0,
    mocap: { hole: [hx, hy, HOLE_Z] },
    eeTarget: [hx, hy, HOLE_Z + 0.01, hx, hy, HOLE_Z + 0.31],
  };
}

/**
 * A 7-DoF arm with PR2-like kinematics inserting a peg into a hole whose position varies per
 * condition (paper Section 6.1: four positions within 10 cm).
 */
export const peg3d: TaskSpec = {
  name: 'peg3d',
  description: '7-DoF arm with PR2 kinematics inserting a 0.3 m peg into a hole on a table',
  xml,
  T: 100,
  substeps: 5,
  torqueLimits: [30, 30, 30, 30, 10, 10, 10],
  eeSites: ['peg_tip', 'peg_base'],
  train: [cond(0.6, -0.35), cond(0.7, -0.35), cond(0.7, -0.25), cond(0.6, -0.25)],
  test: [cond(0.65, -0.3), cond(0.65, -0.35), cond(0.7, -0.3)],
  camera: { name: 'front', width: 64, height: 64 },
  maxJointSpeed: 100,
  obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES', 'END_EFFECTOR_POINTS'],
};
