import type { ExperimentDefinition } from '../experiment.js';
import { FAST_GMM_EM } from './peg3d.js';

/**
 * Planar 3-link arm inserting a peg into a slot: T=100 at 20 Hz, 4 slot positions, GMM prior
 * (5 samples per condition). Cost as for `peg3d` (torque; FK on the peg tip and base with the
 * l2 + log penalty, a linear ramp that weighs the vertical axis — y in this plane — by 0.1;
 * and a final-step FK term × 10). With the earlier single l1-l2 FK term, condition 0 ended on
 * the rim of the slot (0.10 m). EM speed settings: {@link FAST_GMM_EM}.
 */
export const peg2d: ExperimentDefinition = {
  name: 'peg2d',
  description: 'planar 3-link arm inserting a peg into a slot; 4 conditions, T=100, GMM prior',
  task: { name: 'peg2d' },
  conditions: { train: [0, 1, 2, 3], test: [] },
  T: 100,
  samples: 5,
  iterations: 10,
  seed: 0,
  cost: {
    type: 'sum',
    costs: [
      { type: 'action', wu: [1e-3 / 8, 1e-3 / 6, 1e-3 / 3] },
      {
        type: 'fk',
        target: [0, 0, 0, 0, 0, 0],
        wp: [1, 0.1, 1, 1, 0.1, 1],
        penalty: 'log',
        l1: 0.1,
        l2: 10,
        alpha: 1e-5,
        ramp: 'linear',
      },
      {
        type: 'fk',
        target: [0, 0, 0, 0, 0, 0],
        wp: [1, 1, 1, 1, 1, 1],
        penalty: 'log',
        l1: 1,
        l2: 10,
        alpha: 1e-5,
        ramp: 'final_only',
        finalMultiplier: 10,
      },
    ],
    weights: [1, 1, 1],
  },
  initialController: { type: 'lqr', initVar: 1, stiffness: 1, stiffnessVel: 0.5 },
  dynamics: {
    regularization: 1e-6,
    prior: {
      type: 'gmm',
      maxClusters: 20,
      minSamplesPerCluster: 40,
      maxSamples: 20,
      strength: 1,
      ...FAST_GMM_EM,
    },
  },
  algorithm: { type: 'trajopt', klStep: 0.2, minStepMult: 0.01, maxStepMult: 10 },
  success: { distance: 0.05 },
};
