import type { ExperimentDefinition } from '../experiment.js';
import { peg2d } from './peg2d.js';
import { peg3d } from './peg3d.js';
import { pointmass } from './pointmass.js';
import { reacher } from './reacher.js';
import { swimmer } from './swimmer.js';

export { FAST_GMM_EM, PR2_GAINS } from './peg3d.js';
export { peg2d, peg3d, pointmass, reacher, swimmer };

/** The built-in experiments by name. */
export const EXPERIMENTS: Readonly<Record<string, ExperimentDefinition>> = {
  pointmass,
  reacher,
  peg2d,
  peg3d,
  swimmer,
};

/** Name of the experiment `pnpm start` trains. */
export const DEFAULT_EXPERIMENT = 'pointmass';
