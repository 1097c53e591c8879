import { findBlock, type Sample, type VectorLayout, VisuomotorError } from '@visuomotor/contracts';
import type { ExperimentDefinition } from '../experiment.js';

/**
 * 3-link swimmer (paper Section 6.1: swim forward; Figure 4 plots the distance travelled).
 *
 * - Cost: quadratic on the root's x-velocity (`JOINT_VELOCITIES[0]`, the head body's frame,
 *   which sits at the centre of the straight body) with a target of 5 m/s, far above what the
 *   swimmer reaches (≈ 0.1 m/s), so the cost is dominated by its linear part −5·vx, a reward
 *   for forward speed; plus a small torque cost. The nose's velocity (the earlier cost) swings
 *   with every bend of the head and rewarded curling up rather than swimming.
 * - Initial controller: `initLqr` without stiffness and with action variance 1 (noise standard
 *   deviation 1 = the torque limit), so the noisy rollouts undulate: a motionless swimmer is a
 *   stationary point of the local method (no first-order thrust at rest, the fluid drag is
 *   quadratic in the velocity), and only the spread of the samples gives the fitted dynamics a
 *   forward-speed sensitivity to the torques.
 * - Two conditions, the task's training conditions 1 and 3 (bent at rest: joints 0.3 / −0.3 and
 *   0.5 / 0.5 rad): from the straight body at rest (condition 0) even iLQG with the true model
 *   cannot move (every gradient of the forward speed is zero by symmetry), from a bent one it
 *   can. T = 200 (10 s at 20 Hz), 20 iterations, 5 samples with the GMM prior.
 *
 * Progress is measured by {@link swimmerDistanceTravelled}: the x-displacement of the centre of
 * mass over the rollout.
 */
export const swimmer: ExperimentDefinition = {
  name: 'swimmer',
  description: '3-link swimmer rewarded for forward speed; 2 conditions, T=200 at 20 Hz, GMM prior',
  task: { name: 'swimmer' },
  conditions: { train: [1, 3], test: [] },
  T: 200,
  samples: 5,
  iterations: 20,
  seed: 0,
  cost: {
    type: 'sum',
    costs: [
      { type: 'action', wu: [1e-4, 1e-4] },
      {
        type: 'state',
        terms: [{ sensor: 'JOINT_VELOCITIES', wp: [1, 0, 0, 0, 0], target: [5, 0, 0, 0, 0] }],
        penalty: 'l2',
        l2: 1,
      },
    ],
    weights: [1, 1],
  },
  initialController: { type: 'lqr', initVar: 1, stiffness: 0, stiffnessVel: 0.5 },
  dynamics: {
    regularization: 1e-6,
    prior: { type: 'gmm', maxClusters: 20, minSamplesPerCluster: 40, maxSamples: 20, strength: 1 },
  },
  algorithm: { type: 'trajopt', klStep: 0.2, minStepMult: 0.01, maxStepMult: 10 },
};

/**
 * Centre of mass `[x, y]` of the swimmer from its joint positions
 * `q = [x, y, heading, joint1, joint2]` (the state's JOINT_ANGLES block): the mean of the three
 * capsule centres (identical capsules, equal masses). The root frame is the head body's, 0.5 m
 * behind the head capsule; joint1 is 0.5 m ahead of the root and each link is 1 m long, so the
 * straight body's centre of mass is the root. The nose moves by up to a metre relative to the
 * centre of mass when the body bends, so its displacement mixes the body's shape with travel.
 *
 * @param q - joint positions, 5 values from `offset`
 * @param offset - index of `x` in `q`. Default 0.
 */
export function swimmerCentreOfMass(q: ArrayLike<number>, offset = 0): [number, number] {
  const x = q[offset];
  const y = q[offset + 1];
  const a0 = q[offset + 2];
  const a1 = a0 + q[offset + 3];
  const a2 = a1 + q[offset + 4];
  const j1x = x + 0.5 * Math.cos(a0);
  const j1y = y + 0.5 * Math.sin(a0);
  const cx =
    x + Math.cos(a0) + (j1x - 0.5 * Math.cos(a1)) + (j1x - Math.cos(a1) - 0.5 * Math.cos(a2));
  const cy =
    y + Math.sin(a0) + (j1y - 0.5 * Math.sin(a1)) + (j1y - Math.sin(a1) - 0.5 * Math.sin(a2));
  return [cx / 3, cy / 3];
}

/**
 * Distance the swimmer travelled forward in a rollout: x of the centre of mass at the last step
 * minus at the first (m; negative when it went backwards).
 *
 * @throws {@link VisuomotorError} when the state has no 5-wide JOINT_ANGLES block (not the swimmer)
 */
export function swimmerDistanceTravelled(sample: Sample, layout: VectorLayout): number {
  const q = findBlock(layout, 'JOINT_ANGLES');
  if (q?.size !== 5) {
    throw new VisuomotorError('not a swimmer state: needs a JOINT_ANGLES block of size 5');
  }
  const first = swimmerCentreOfMass(sample.X, q.offset)[0];
  const last = swimmerCentreOfMass(sample.X, (sample.T - 1) * sample.dX + q.offset)[0];
  return last - first;
}
