import type { ExperimentDefinition } from '../experiment.js';

/** Planar 3-link arm inserting a peg into a slot: T=100 at 20 Hz, 4 slot positions, GMM prior. */
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
        wp: [1, 1, 1, 1, 1, 1],
        penalty: 'l1l2',
        l1: 0.1,
        l2: 10,
        alpha: 1e-5,
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
