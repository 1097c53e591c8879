import type { TaskSpec } from '../task.js';
import { peg2d, peg2dPlate, peg2dPlateSide } from './peg2d.js';
import { peg2dVision, peg2dVisionTask } from './peg2d-vision.js';
import { peg3d } from './peg3d.js';
import { pointmass } from './pointmass.js';
import { reacher } from './reacher.js';
import {
  reacherVision,
  reacherVisionClutter,
  reacherVisionClutterTask,
  reacherVisionDistractors,
  reacherVisionTask,
} from './reacher-vision.js';
import { swimmer } from './swimmer.js';
import type { VisionTask } from './vision.js';

export { type Peg2dScene, peg2dXml } from './peg2d.js';
export { SWIMMER_TARGET_SPEED } from './swimmer.js';
export {
  type RandomVisionOptions,
  randomVisionConditions,
  sampleQpos,
  setVisionTarget,
  type VisionClutter,
  type VisionTask,
} from './vision.js';
export {
  peg2d,
  peg2dPlate,
  peg2dPlateSide,
  peg2dVision,
  peg2dVisionTask,
  peg3d,
  pointmass,
  reacher,
  reacherVision,
  reacherVisionClutter,
  reacherVisionClutterTask,
  reacherVisionDistractors,
  reacherVisionTask,
  swimmer,
};

/** Names of the built-in tasks. */
export type TaskName =
  | 'pointmass'
  | 'reacher'
  | 'peg2d'
  | 'peg2d-plate'
  | 'peg2d-plate-side'
  | 'peg3d'
  | 'swimmer'
  | 'reacher-vision'
  | 'reacher-vision-distractors'
  | 'reacher-vision-clutter'
  | 'peg2d-vision';

/** Names of the built-in vision tasks (target seen only in the camera image). */
export type VisionTaskName = 'reacher-vision' | 'reacher-vision-clutter' | 'peg2d-vision';

/** The built-in tasks by name. */
export const TASKS: Readonly<Record<TaskName, TaskSpec>> = {
  pointmass,
  reacher,
  peg2d,
  'peg2d-plate': peg2dPlate,
  'peg2d-plate-side': peg2dPlateSide,
  peg3d,
  swimmer,
  'reacher-vision': reacherVision,
  'reacher-vision-distractors': reacherVisionDistractors,
  'reacher-vision-clutter': reacherVisionClutter,
  'peg2d-vision': peg2dVision,
};

/** The built-in vision tasks' condition builders and target distributions, by name. */
export const VISION_TASKS: Readonly<Record<VisionTaskName, VisionTask>> = {
  'reacher-vision': reacherVisionTask,
  'reacher-vision-clutter': reacherVisionClutterTask,
  'peg2d-vision': peg2dVisionTask,
};

/**
 * The clutter variant of each vision task that has one: the same task with clutter objects
 * that pose-data collection can place on the table (`randomVisionConditions`' `clutter`).
 */
export const CLUTTER_VARIANTS: Readonly<Partial<Record<VisionTaskName, VisionTaskName>>> = {
  'reacher-vision': 'reacher-vision-clutter',
  'reacher-vision-clutter': 'reacher-vision-clutter',
};
