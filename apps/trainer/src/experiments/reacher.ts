import type { ExperimentDefinition } from '../experiment.js';

/** 2-link planar reacher: T=50 at 20 Hz, 4 targets, GMM prior with 5 samples per condition. */
export const reacher: ExperimentDefinition = {
  name: 'reacher',
  description: '2-link planar arm reaching a target disc; 4 conditions, T=50, GMM prior',
  task: { name: 'reacher' },
  conditions: { train: [0, 1, 2, 3], test: [] },
  T: 50,
  samples: 5,
  iterations: 20,
  seed: 0,
  cost: {
    type: 'sum',
    costs: [
      { type: 'action', wu: [1, 1] },
      {
        type: 'fk',
        target: [0, 0, 0],
        wp: [1, 1, 1],
        penalty: 'l2',
        l2: 10,
      },
    ],
    weights: [1, 1],
  },
  // A PD start scaled to the 0.05 N·m torque limit (initLqr's unit-gain guess saturates the
  // torques and leaves no positive-definite update).
  initialController: { type: 'pd', initVar: 1e-3, posGains: 0.05, velGainsMult: 0.1 },
  dynamics: {
    regularization: 1e-6,
    prior: { type: 'gmm', maxClusters: 20, minSamplesPerCluster: 40, maxSamples: 20, strength: 1 },
  },
  algorithm: { type: 'trajopt', klStep: 0.2, minStepMult: 0.01, maxStepMult: 10 },
  success: { distance: 0.02 },
};
