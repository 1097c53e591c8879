import type { ExperimentDefinition } from '../experiment.js';

/**
 * Point mass to a target disc: the smallest experiment and the default of `pnpm start`.
 * 5 samples per condition with the GMM dynamics prior (the paper's setting with the prior).
 */
export const pointmass: ExperimentDefinition = {
  name: 'pointmass',
  description: '2D point mass pushed to a target disc; 4 conditions, T=50 at 20 Hz, GMM prior',
  task: { name: 'pointmass' },
  conditions: { train: [0, 1, 2, 3], test: [0, 1] },
  T: 50,
  samples: 5,
  iterations: 10,
  seed: 0,
  cost: {
    type: 'sum',
    costs: [
      { type: 'action', wu: [1e-3, 1e-3] },
      {
        type: 'state',
        terms: [{ sensor: 'END_EFFECTOR_POINTS', wp: [1, 1, 1], target: [0, 0, 0] }],
        penalty: 'l2',
        l2: 10,
      },
    ],
    weights: [1, 1],
  },
  initialController: { type: 'lqr', initVar: 1, stiffness: 1, stiffnessVel: 0.5 },
  dynamics: {
    regularization: 1e-6,
    prior: { type: 'gmm', maxClusters: 20, minSamplesPerCluster: 40, maxSamples: 20, strength: 1 },
  },
  algorithm: { type: 'trajopt', klStep: 0.2, minStepMult: 0.01, maxStepMult: 10 },
  success: { distance: 0.05 },
};
