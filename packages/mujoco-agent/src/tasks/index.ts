import type { TaskSpec } from '../task.js';
import { peg2d } from './peg2d.js';
import { peg3d } from './peg3d.js';
import { pointmass } from './pointmass.js';
import { reacher } from './reacher.js';
import { swimmer } from './swimmer.js';

export { SWIMMER_TARGET_SPEED } from './swimmer.js';
export { peg2d, peg3d, pointmass, reacher, swimmer };

/** Names of the built-in tasks. */
export type TaskName = 'pointmass' | 'reacher' | 'peg2d' | 'peg3d' | 'swimmer';

/** The built-in tasks by name. */
export const TASKS: Readonly<Record<TaskName, TaskSpec>> = {
  pointmass,
  reacher,
  peg2d,
  peg3d,
  swimmer,
};
