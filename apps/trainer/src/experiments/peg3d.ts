import type { ExperimentDefinition } from '../experiment.js';

/** PR2 joint gains of the reference experiments (used as 1 / gains for torques). */
export const PR2_GAINS = [3.09, 1.08, 0.393, 0.674, 0.111, 0.152, 0.098];

/**
 * Speed settings of the GMM dynamics prior shared by the built-in experiments: EM stops when
 * the log-likelihood changes by less than 1e-5 of its magnitude (`stopRule: 'relative'`) and
 * after at most 20 iterations, warm-started from the previous clusters. A deliberate departure
 * from the reference default (`'reference'` stop rule, which can never stop early while the
 * log-likelihood is negative, so EM always ran 100 iterations): the fit dominated the iteration
 * time, and the prior it gives at these settings trains the same controllers to success.
 */
export const FAST_GMM_EM = { stopRule: 'relative', maxIterations: 20 } as const;

/**
 * 7-DoF arm with PR2 kinematics inserting a peg (paper Section 6.1): T=100 at 20 Hz,
 * 4 conditions (hole positions), 5 samples per condition with the GMM dynamics prior.
 *
 * Cost (after the reference's PR2 peg example: torque + FK cost on the peg tip and base with the
 * l2 + log penalty, a linear ramp and a final-step term): torque `5e-5 / PR2_GAINS`; an FK term
 * with a linear ramp whose vertical weights are 0.1 (`wp [1, 1, 0.1, 1, 1, 0.1]`, l1 0.1, l2 10,
 * alpha 1e-5), so the peg lines up over the hole before it descends; and an FK term on the final
 * step only (all weights 1, l1 1, l2 10, × 10). With the reference MuJoCo peg cost (one
 * constant-weight l1-l2 FK term) both GPS and iLQG with the true model stop with the peg
 * against the hole's rim or outer wall (distance ≈ 0.1 m); with this cost both insert it.
 * Initial controller as in the reference (`initLqr`, gains `1 / PR2_GAINS`).
 */
export const peg3d: ExperimentDefinition = {
  name: 'peg3d',
  description: 'PR2-like 7-DoF arm inserting a peg; 4 conditions, T=100 at 20 Hz, GMM prior',
  task: { name: 'peg3d' },
  conditions: { train: [0, 1, 2, 3], test: [] },
  T: 100,
  samples: 5,
  iterations: 15,
  seed: 0,
  cost: {
    type: 'sum',
    costs: [
      { type: 'action', wu: PR2_GAINS.map((g) => 5e-5 / g) },
      {
        type: 'fk',
        target: [0, 0, 0, 0, 0, 0],
        wp: [1, 1, 0.1, 1, 1, 0.1],
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
  initialController: {
    type: 'lqr',
    initVar: 1,
    stiffness: 1,
    stiffnessVel: 0.5,
    initGains: PR2_GAINS.map((g) => 1 / g),
  },
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
  success: { distance: 0.06 },
};
