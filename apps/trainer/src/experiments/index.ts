import type { ExperimentDefinition } from '../experiment.js';
import { peg2d } from './peg2d.js';
import { peg3d } from './peg3d.js';
import { pointmass } from './pointmass.js';
import {
  peg2dBadmm,
  peg2dMdgps,
  peg2dPlateSideBadmm,
  peg2dPlateSideMdgps,
  peg3dBadmm,
  peg3dMdgps,
} from './policy.js';
import { reacher } from './reacher.js';
import { swimmer } from './swimmer.js';
import {
  peg2dVisionMdgps,
  peg2dVisionMdgpsEe,
  reacherVisionMdgps,
  reacherVisionMdgps12,
  reacherVisionMdgps12Ee,
  reacherVisionMdgps12EeJitter,
  reacherVisionMdgps12EeJitterPoseFeatures,
  reacherVisionMdgps12EePoseFeatures,
  reacherVisionMdgps12PoseFeatures,
  reacherVisionMdgps12PosePrediction,
  reacherVisionMdgps22Ee,
  reacherVisionMdgps22EePoseFeatures,
  reacherVisionMdgps22PosePrediction,
  reacherVisionMdgpsPoseFeatures,
  reacherVisionMdgpsPosePrediction,
} from './vision.js';

export { FAST_GMM_EM, PR2_GAINS } from './peg3d.js';
export { BLIND_OBSERVATION, STATE_POLICY } from './policy.js';
export { VISUOMOTOR_POLICY, WIDE_FIT } from './vision.js';
export {
  peg2d,
  peg2dBadmm,
  peg2dMdgps,
  peg2dPlateSideBadmm,
  peg2dPlateSideMdgps,
  peg2dVisionMdgps,
  peg2dVisionMdgpsEe,
  peg3d,
  peg3dBadmm,
  peg3dMdgps,
  pointmass,
  reacher,
  reacherVisionMdgps,
  reacherVisionMdgps12,
  reacherVisionMdgps12Ee,
  reacherVisionMdgps12EeJitter,
  reacherVisionMdgps12EeJitterPoseFeatures,
  reacherVisionMdgps12EePoseFeatures,
  reacherVisionMdgps12PoseFeatures,
  reacherVisionMdgps12PosePrediction,
  reacherVisionMdgps22Ee,
  reacherVisionMdgps22EePoseFeatures,
  reacherVisionMdgps22PosePrediction,
  reacherVisionMdgpsPoseFeatures,
  reacherVisionMdgpsPosePrediction,
  swimmer,
};

/** The built-in experiments by name. */
export const EXPERIMENTS: Readonly<Record<string, ExperimentDefinition>> = {
  pointmass,
  reacher,
  peg2d,
  peg3d,
  swimmer,
  'peg2d-badmm': peg2dBadmm,
  'peg2d-mdgps': peg2dMdgps,
  'peg2d-plate-side-badmm': peg2dPlateSideBadmm,
  'peg2d-plate-side-mdgps': peg2dPlateSideMdgps,
  'peg3d-badmm': peg3dBadmm,
  'peg3d-mdgps': peg3dMdgps,
  'reacher-vision-mdgps': reacherVisionMdgps,
  'reacher-vision-mdgps-pose-features': reacherVisionMdgpsPoseFeatures,
  'reacher-vision-mdgps-pose-prediction': reacherVisionMdgpsPosePrediction,
  'reacher-vision-mdgps-12': reacherVisionMdgps12,
  'reacher-vision-mdgps-12-pose-features': reacherVisionMdgps12PoseFeatures,
  'reacher-vision-mdgps-12-pose-prediction': reacherVisionMdgps12PosePrediction,
  'reacher-vision-mdgps-12-ee': reacherVisionMdgps12Ee,
  'reacher-vision-mdgps-12-ee-pose-features': reacherVisionMdgps12EePoseFeatures,
  'reacher-vision-mdgps-12-ee-jitter': reacherVisionMdgps12EeJitter,
  'reacher-vision-mdgps-12-ee-jitter-pose-features': reacherVisionMdgps12EeJitterPoseFeatures,
  'reacher-vision-mdgps-22-ee': reacherVisionMdgps22Ee,
  'reacher-vision-mdgps-22-ee-pose-features': reacherVisionMdgps22EePoseFeatures,
  'reacher-vision-mdgps-22-pose-prediction': reacherVisionMdgps22PosePrediction,
  'peg2d-vision-mdgps': peg2dVisionMdgps,
  'peg2d-vision-mdgps-ee': peg2dVisionMdgpsEe,
};

/** Name of the experiment `pnpm start` trains. */
export const DEFAULT_EXPERIMENT = 'pointmass';
