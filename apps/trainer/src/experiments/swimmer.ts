import type { ExperimentDefinition } from '../experiment.js';

/**
 * 3-link swimmer (paper: 20 s at 20 Hz, target speed 2 m/s along +x): a state cost on the
 * nose velocity, GMM prior with 5 samples per condition. No distance criterion.
 */
export const swimmer: ExperimentDefinition = {
  name: 'swimmer',
  description: '3-link swimmer driven to 2 m/s forward; 4 conditions, T=400 at 20 Hz, GMM prior',
  task: { name: 'swimmer' },
  conditions: { train: [0, 1, 2, 3], test: [] },
  T: 400,
  samples: 5,
  iterations: 10,
  seed: 0,
  cost: {
    type: 'sum',
    costs: [
      { type: 'action', wu: [1e-4, 1e-4] },
      {
        type: 'state',
        terms: [{ sensor: 'END_EFFECTOR_POINT_VELOCITIES', wp: [1, 0, 0], target: [2, 0, 0] }],
        penalty: 'l2',
        l2: 1,
      },
    ],
    weights: [1, 1],
  },
  initialController: { type: 'lqr', initVar: 0.1, stiffness: 0, stiffnessVel: 0.5 },
  dynamics: {
    regularization: 1e-6,
    prior: { type: 'gmm', maxClusters: 20, minSamplesPerCluster: 40, maxSamples: 20, strength: 1 },
  },
  algorithm: { type: 'trajopt', klStep: 0.2, minStepMult: 0.01, maxStepMult: 10 },
};
