import { InvalidArgumentError } from '@visuomotor/contracts';
import type { TaskCondition, TaskSpec } from '../task.js';

/*
 * Planar 3-link arm in the horizontal plane (hinges about z, no gravity): links of 0.4 m and
 * 0.4 m, then a 0.2 m peg as the third link. A slot (inner width 7 cm, depth 10 cm, opening
 * towards +y) is a mocap body placed per condition; its x position varies over 20 cm.
 */
/** Scene options of the planar peg arm's MJCF (shared by `peg2d` and `peg2d-vision`). */
export interface Peg2dScene {
  model: string;
  /** Camera position "x y z" (looking straight down). */
  camera: string;
  /** Floor centre "x y z". */
  floor: string;
  slotRgba: string;
  pegRgba: string;
  /**
   * Half-length (m) of each side wall of the slot along x (default 0.02: two 4 cm walls around
   * a 7 cm opening). A longer wall makes a plate flush with the opening, so that a peg that
   * misses the slot rests on the plate and can slide into it (`peg2d-plate`).
   */
  wallHalfLength?: number;
  /**
   * Sliding friction coefficient of every geom (default 0.5). MuJoCo takes the larger of the two
   * geoms' coefficients, so this is the friction of every peg contact. Must be positive: with 0,
   * every GPS run tried on `peg2d-plate-side` diverged (`SimulationError`) within 5 iterations.
   */
  friction?: number;
}

/**
 * The planar 3-link arm (0.4 m, 0.4 m, 0.2 m peg) and a mocap slot, as MJCF; `scene` sets what
 * differs between the tasks built on it.
 */
export function peg2dXml(o: Peg2dScene): string {
  const w = o.wallHalfLength ?? 0.02;
  if (!(Number.isFinite(w) && w > 0)) {
    throw new InvalidArgumentError('wallHalfLength', 'a positive number of metres', w);
  }
  const mu = o.friction ?? 0.5;
  if (!(Number.isFinite(mu) && mu > 0)) {
    throw new InvalidArgumentError('friction', 'a positive friction coefficient', mu);
  }
  // Inner faces of the side walls at x = ±0.035 (inner width 7 cm).
  const wx = String(+(0.035 + w).toFixed(6));
  const ws = String(+w.toFixed(6));
  return `<mujoco model="${o.model}">
  <compiler angle="radian"/>
  <size memory="1M"/>
  <option timestep="0.01" gravity="0 0 0" integrator="Euler"/>
  <default>
    <geom contype="0" conaffinity="0" friction="${+mu.toFixed(6)} 0.005 0.0001"/>
    <joint armature="0.02" damping="0.5"/>
  </default>
  <worldbody>
    <camera name="top" pos="${o.camera}" xyaxes="1 0 0 0 1 0" fovy="45"/>
    <geom name="floor" type="plane" pos="${o.floor}" size="0.9 0.9 0.01" rgba="0.85 0.85 0.8 1"/>
    <geom name="base" type="cylinder" pos="0 0 -0.03" size="0.05 0.02" rgba="0.3 0.3 0.3 1"/>
    <body name="slot" mocap="true" pos="0.5 -0.45 0">
      <geom name="slot_left" type="box" pos="-${wx} -0.05 0" size="${ws} 0.06 0.04" rgba="${o.slotRgba}" contype="1" conaffinity="1"/>
      <geom name="slot_right" type="box" pos="${wx} -0.05 0" size="${ws} 0.06 0.04" rgba="${o.slotRgba}" contype="1" conaffinity="1"/>
      <geom name="slot_bottom" type="box" pos="0 -0.13 0" size="0.075 0.02 0.04" rgba="${o.slotRgba}" contype="1" conaffinity="1"/>
    </body>
    <body name="link1" pos="0 0 0">
      <joint name="j1" type="hinge" axis="0 0 1"/>
      <geom name="link1" type="capsule" fromto="0 0 0 0.4 0 0" size="0.03" mass="1.0" rgba="0.2 0.45 0.9 1"/>
      <body name="link2" pos="0.4 0 0">
        <joint name="j2" type="hinge" axis="0 0 1" limited="true" range="-2.8 2.8"/>
        <geom name="link2" type="capsule" fromto="0 0 0 0.4 0 0" size="0.025" mass="0.8" rgba="0.25 0.7 0.35 1"/>
        <body name="peg" pos="0.4 0 0">
          <joint name="j3" type="hinge" axis="0 0 1" limited="true" range="-2.8 2.8"/>
          <geom name="peg" type="capsule" fromto="0 0 0 0.2 0 0" size="0.02" mass="0.3" rgba="${o.pegRgba}" contype="2" conaffinity="1"/>
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
}

/** `peg2d`'s scene (also `peg2d-plate`'s, with longer walls). */
const PEG2D_SCENE: Peg2dScene = {
  model: 'peg2d',
  camera: '0.35 -0.15 1.6',
  floor: '0.35 -0.1 -0.05',
  slotRgba: '0.35 0.35 0.4 1',
  pegRgba: '0.95 0.6 0.2 1',
};

const xml = peg2dXml(PEG2D_SCENE);

const SLOT_Y = -0.45;
const Q0 = [0.3, -1.2, -1.0];

function cond(sx: number, qpos0: readonly number[] = Q0): TaskCondition {
  // Solved: peg vertical in the slot (pointing -y), tip 1 cm above the slot bottom.
  return {
    qpos0,
    mocap: { slot: [sx, SLOT_Y, 0] },
    eeTarget: [sx, SLOT_Y + 0.09, 0, sx, SLOT_Y - 0.11, 0],
  };
}

const TRAIN_X = [0.4, 0.4667, 0.5333, 0.6];
const TEST_X = [0.4333, 0.5, 0.5667];

/** A planar 3-link arm inserting a peg into a slot whose position varies over 20 cm. */
export const peg2d: TaskSpec = {
  name: 'peg2d',
  description: 'planar 3-link arm (0.4 m, 0.4 m, 0.2 m peg) inserting the peg into a slot',
  xml,
  T: 100,
  substeps: 5,
  torqueLimits: [8, 6, 3],
  eeSites: ['peg_base', 'peg_tip'],
  train: TRAIN_X.map((x) => cond(x)),
  test: TEST_X.map((x) => cond(x)),
  camera: { name: 'top', width: 64, height: 64 },
  maxJointSpeed: 100,
  obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES', 'END_EFFECTOR_POINTS'],
};

/**
 * `peg2d` with the slot in a plate: each side wall of the slot extends 0.4 m along x, flush
 * with the slot's opening (face at y = -0.44 m). A peg that misses the slot lands on the plate
 * instead of passing beside it, so contact tells a blind policy where it is, and sliding along
 * the plate leads into the slot: the hole-in-a-surface geometry of the paper's peg insertion,
 * where `peg2d`'s free-standing slot gives no such cue. Arm, slots, conditions and cost are
 * `peg2d`'s.
 */
export const peg2dPlate: TaskSpec = {
  ...peg2d,
  name: 'peg2d-plate',
  description: 'peg2d with the slot set in a plate, so a missed peg lands on the plate',
  xml: peg2dXml({ ...PEG2D_SCENE, model: 'peg2d-plate', wallHalfLength: 0.4 }),
};

/**
 * `peg2d-plate-side`'s start: the peg upright (pointing -y), its tip at x = 0.68 m, 4 cm above
 * the plate's face (y = -0.40 m), right of every slot (the rightmost opening ends at
 * x = 0.635 m). From `peg2d`'s start the tip is at x = 0.566 m, between the third and fourth
 * training slots, tilted.
 */
const Q0_SIDE = [0.1961, -0.9643, -0.8026];

/**
 * `peg2d-plate-side`'s held-out slots: `peg2d`'s three between the training slots, and one
 * beyond the leftmost training slot (x = 0.367 m), further along the same slide.
 */
const TEST_X_SIDE = [0.3667, ...TEST_X];

/**
 * `peg2d-plate` started beside the slots, on a smooth plate: the peg upright just above the
 * plate, right of every slot, and friction 0.1 (peg2d: 0.5). Every slot then lies in one
 * direction, so one motion (press onto the plate, slide left until the peg drops in) serves
 * every condition; from `peg2d`'s start, between the slots, the missed slots lie on both sides
 * of where a blind policy lands. With friction 0.5, a policy that presses the peg onto the plate
 * as hard as the controllers press it into the slot cannot slide it: it stops on the plate.
 * Four held-out slots: `peg2d`'s three and one left of every training slot.
 */
export const peg2dPlateSide: TaskSpec = {
  ...peg2dPlate,
  name: 'peg2d-plate-side',
  description: 'peg2d-plate started right of every slot, upright above a smooth plate',
  xml: peg2dXml({
    ...PEG2D_SCENE,
    model: 'peg2d-plate-side',
    wallHalfLength: 0.4,
    friction: 0.1,
  }),
  train: TRAIN_X.map((x) => cond(x, Q0_SIDE)),
  test: TEST_X_SIDE.map((x) => cond(x, Q0_SIDE)),
};
