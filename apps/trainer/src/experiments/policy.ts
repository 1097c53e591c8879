import type { ExperimentDefinition, PolicyConfig } from '../experiment.js';
import { peg2d } from './peg2d.js';
import { peg3d } from './peg3d.js';

/**
 * The global policy of the built-in BADMM / MDGPS experiments: the paper's state-based
 * comparison network, an MLP with two hidden layers of 40 units. 200 Adam iterations per policy
 * update (batch 25, lr 1e-3), not the reference's thousands: a BADMM iteration updates the policy
 * `innerIterations` times per iteration, and 200 steps of a 40-40 MLP on ~2000 (obs, action)
 * pairs keep one run within a few minutes on 2 cores while the regression still converges from
 * its warm start (the network carries over between updates).
 */
export const STATE_POLICY: PolicyConfig = {
  network: { type: 'mlp', hidden: [40, 40] },
  iterations: 200,
  batchSize: 25,
  lr: 1e-3,
  weightDecay: 0,
};

/**
 * Observation of the policies: joint angles and velocities only. The state's
 * END_EFFECTOR_POINTS are ee − target (they encode the hole position), and the MuJoCo agent
 * offers no absolute ee positions; so, as in the paper's "without knowing the hole", the policy
 * sees the arm only and must infer where to go from the training conditions.
 */
export const BLIND_OBSERVATION = { obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES'] } as const;

/**
 * peg2d with BADMM and an MLP policy; tested on the 3 held-out slot positions. Policy prior
 * `'constant'`: with the GMM policy prior (5 samples per condition, 6-D observation) seed 0
 * stopped at iteration 6 (BADMM: `NonFiniteError`, policy loss Infinity) and at iteration 5
 * (MDGPS: `EtaOutOfBoundsError`). `pretrainIterations: 6`: trajectory-only GPS puts all four
 * pegs in the slot by iteration 6, so the policy phase (iterations 7–10) starts from solved
 * controllers (without pretraining neither method's controllers converged in 10 iterations).
 */
export const peg2dBadmm: ExperimentDefinition = {
  ...peg2d,
  name: 'peg2d-badmm',
  description: 'peg2d with BADMM GPS: MLP policy on joint state, tested on 3 new slot positions',
  task: { name: 'peg2d', options: { obsSensors: [...BLIND_OBSERVATION.obsSensors] } },
  conditions: { train: [0, 1, 2, 3], test: [0, 1, 2] },
  algorithm: {
    type: 'badmm',
    klStep: 0.2,
    minStepMult: 0.01,
    maxStepMult: 10,
    innerIterations: 2,
    policyPrior: 'constant',
    pretrainIterations: 6,
    policyDualRate: 0.1,
    nuSchedule: 'dgd',
    lgStepSchedule: 10,
  },
  policy: STATE_POLICY,
};

/** peg2d with MDGPS (off-policy samples) and an MLP policy. */
export const peg2dMdgps: ExperimentDefinition = {
  ...peg2dBadmm,
  name: 'peg2d-mdgps',
  description: 'peg2d with MDGPS: MLP policy on joint state, tested on 3 new slot positions',
  algorithm: {
    type: 'mdgps',
    klStep: 0.2,
    minStepMult: 0.01,
    maxStepMult: 10,
    stepRule: 'laplace',
    policyPrior: 'constant',
    pretrainIterations: 6,
  },
};

/** peg3d with BADMM and an MLP policy; tested on the 3 held-out hole positions. */
export const peg3dBadmm: ExperimentDefinition = {
  ...peg3d,
  name: 'peg3d-badmm',
  description: 'peg3d with BADMM GPS: MLP policy on joint state, tested on 3 new hole positions',
  task: { name: 'peg3d', options: { obsSensors: [...BLIND_OBSERVATION.obsSensors] } },
  conditions: { train: [0, 1, 2, 3], test: [0, 1, 2] },
  algorithm: {
    ...(peg2dBadmm.algorithm as object),
    type: 'badmm',
  } as ExperimentDefinition['algorithm'],
  policy: STATE_POLICY,
};

/** peg3d with MDGPS (off-policy samples) and an MLP policy. */
export const peg3dMdgps: ExperimentDefinition = {
  ...peg3dBadmm,
  name: 'peg3d-mdgps',
  description: 'peg3d with MDGPS: MLP policy on joint state, tested on 3 new hole positions',
  algorithm: peg2dMdgps.algorithm,
};
