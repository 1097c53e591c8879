import { makeLayout, type Policy } from '@visuomotor/contracts';
import type { PoseEstimator } from '@visuomotor/spatial-softmax';
import { describe, expect, it } from 'vitest';
import { ExperimentConfigError } from './errors.js';
import { PosePredictionPolicy } from './pose-prediction.js';

/** An estimator that always predicts `p` and records the images it saw. */
function fakeEstimator(p: number[], imageSize: number) {
  const seen: number[][] = [];
  const est = {
    dPose: p.length,
    imageSize,
    predict(images: Float64Array | Float32Array, B: number) {
      expect(B).toBe(1);
      seen.push(Array.from(images));
      return Float64Array.from(p);
    },
    dispose() {},
  } as unknown as PoseEstimator;
  return { est, seen };
}

const agentObs = makeLayout([
  ['JOINT_ANGLES', 2],
  ['JOINT_VELOCITIES', 2],
  ['END_EFFECTOR_POINTS', 3],
  ['RGB_IMAGE', 4],
]);
const policyObs = makeLayout([
  ['JOINT_ANGLES', 2],
  ['JOINT_VELOCITIES', 2],
  ['END_EFFECTOR_POINTS', 3],
]);

function recorder(): Policy & { dO: number; obs: number[][] } {
  const obs: number[][] = [];
  return {
    dU: 2,
    dO: 7,
    obs,
    act(_x, o, _t, _n, out) {
      obs.push(Array.from(o));
      out.fill(0.5);
    },
  };
}

describe('PosePredictionPolicy', () => {
  it('replaces the true target by the predicted one in the end-effector points', () => {
    const inner = recorder();
    const trueTarget = [0.1, -0.05, 0.02];
    const predicted = [0.13, -0.01, 0.02]; // 3 cm and 4 cm off: 5 cm error
    const { est, seen } = fakeEstimator(predicted, 4);
    const pol = new PosePredictionPolicy(inner, est, { agentObs, policyObs }, trueTarget);
    // Fingertip at world (0.2, 0.1, 0.02): the observation holds fingertip − true target.
    const obs = Float64Array.of(1, 2, 3, 4, 0.1, 0.15, 0, 0.9, 0.8, 0.7, 0.6);
    const out = new Float64Array(2);
    pol.act(new Float64Array(3), obs, 0, new Float64Array(2), out);
    expect(seen).toEqual([[0.9, 0.8, 0.7, 0.6]]);
    expect(inner.obs).toHaveLength(1);
    const o = inner.obs[0];
    expect(o.slice(0, 4)).toEqual([1, 2, 3, 4]);
    // fingertip − predicted target
    expect(o[4]).toBeCloseTo(0.2 - 0.13, 15);
    expect(o[5]).toBeCloseTo(0.1 + 0.01, 15);
    expect(o[6]).toBeCloseTo(0, 15);
    expect(Array.from(out)).toEqual([0.5, 0.5]);
    expect(pol.poseErrors).toHaveLength(1);
    expect(pol.poseErrors[0]).toBeCloseTo(0.05, 12);
  });

  it('a perfect estimator gives the policy exactly the observation it was trained on', () => {
    const inner = recorder();
    const target = [0.12, 0.1, 0.02];
    const { est } = fakeEstimator(target, 4);
    const pol = new PosePredictionPolicy(inner, est, { agentObs, policyObs }, target);
    const obs = Float64Array.of(0.3, -0.2, 1.5, -2, 0.05, -0.07, 0, 0, 0, 0, 0);
    pol.act(new Float64Array(3), obs, 3, new Float64Array(2), new Float64Array(2));
    inner.obs[0].forEach((v, i) => {
      expect(v).toBeCloseTo(obs[i], 15);
    });
    expect(pol.poseErrors).toEqual([0]);
  });

  it('rejects observations that do not fit the estimator or the policy, naming them', () => {
    const inner = recorder();
    const { est } = fakeEstimator([0, 0, 0], 5);
    expect(() => new PosePredictionPolicy(inner, est, { agentObs, policyObs }, [0, 0, 0])).toThrow(
      ExperimentConfigError,
    );
    const { est: est2 } = fakeEstimator([0, 0], 4);
    expect(() => new PosePredictionPolicy(inner, est2, { agentObs, policyObs }, [0, 0])).toThrow(
      /END_EFFECTOR_POINTS/,
    );
    const { est: est3 } = fakeEstimator([0, 0, 0], 4);
    expect(() => new PosePredictionPolicy(inner, est3, { agentObs, policyObs }, [0, 0])).toThrow(
      /eeTarget/,
    );
    const noVel = makeLayout([
      ['JOINT_ANGLES', 2],
      ['END_EFFECTOR_POINTS', 3],
      ['RGB_IMAGE', 4],
    ]);
    expect(
      () => new PosePredictionPolicy(inner, est3, { agentObs: noVel, policyObs }, [0, 0, 0]),
    ).toThrow(/JOINT_VELOCITIES/);
  });
});
