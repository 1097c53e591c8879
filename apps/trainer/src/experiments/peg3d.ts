import type { ExperimentDefinition } from '../experiment.js';

/** PR2 joint gains of the reference experiments (used as 1 / gains for torques). */
export const PR2_GAINS = [3.09, 1.08, 0.393, 0.674, 0.111, 0.152, 0.098];

/**
 * 7-DoF arm with PR2 kinematics inserting a peg (paper Section 6.1): T=100 at 20 Hz,
 * 4 conditions (hole positions), 5 samples per condition with the GMM dynamics prior; cost
 * and initial controller as in the reference's MuJoCo peg experiment.
 */
export const peg3d: ExperimentDefinition = {
  name: 'peg3d',
  description: 'PR2-like 7-DoF arm inserting a peg; 4 conditions, T=100 at 20 Hz, GMM prior',
  task: { name: 'peg3d' },
  conditions: { train: [0, 1, 2, 3], test: [] },
  T: 100,
  samples: 5,
  iterations: 10,
  seed: 0,
  cost: {
    type: 'sum',
    costs: [
      { type: 'action', wu: PR2_GAINS.map((g) => 5e-5 / g) },
      {
        type: 'fk',
        target: [0, 0, 0, 0, 0, 0],
        wp: [1, 1, 1, 1, 1, 1],
        penalty: 'l1l2',
        l1: 0.1,
        l2: 10,
        alpha: 1e-5,
      },
    ],
    weights: [1, 1],
  },
  initialController: {
    type: 'lqr',
    initVar: 1,
    stiffness: 1,
    stiffnessVel: 0.5,
    initGains: PR2_GAINS.map((g) => 1 / g),
  },
  dynamics: {
    regularization: 1e-6,
    prior: { type: 'gmm', maxClusters: 20, minSamplesPerCluster: 40, maxSamples: 20, strength: 1 },
  },
  algorithm: { type: 'trajopt', klStep: 0.2, minStepMult: 0.01, maxStepMult: 10 },
  success: { distance: 0.06 },
};
