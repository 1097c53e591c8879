import type { ExperimentDefinition } from '../experiment.js';

/**
 * Point mass to a target disc: the smallest experiment and the default of `pnpm start`.
 * Linear dynamics, so no dynamics prior and 20 samples per condition (the paper's setting
 * without the GMM prior).
 */
export const pointmass: ExperimentDefinition = {
  name: 'pointmass',
  description: '2D point mass pushed to a target disc; 4 conditions, T=50 at 20 Hz, no prior',
  task: { name: 'pointmass' },
  conditions: { train: [0, 1, 2, 3], test: [0, 1] },
  T: 50,
  samples: 20,
  iterations: 10,
  seed: 0,
  cost: {
    type: 'sum',
    costs: [
      { type: 'action', wu: [1e-3, 1e-3] },
      {
        type: 'state',
        terms: [{ sensor: 'END_EFFECTOR_POINTS', wp: [1, 1, 1], target: [0, 0, 0] }],
        penalty: 'l1l2',
        l1: 0.1,
        l2: 10,
        alpha: 1e-5,
      },
    ],
    weights: [1, 1],
  },
  initialController: { type: 'lqr', initVar: 1, stiffness: 1, stiffnessVel: 0.5 },
  dynamics: { regularization: 1e-6, prior: { type: 'none' } },
  algorithm: { type: 'trajopt', klStep: 0.2, minStepMult: 0.01, maxStepMult: 10 },
  success: { distance: 0.05 },
};
