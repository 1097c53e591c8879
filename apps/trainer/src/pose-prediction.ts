/**
 * The paper's "pose prediction" baseline at run time (Section 6.3, Figure 9): a state policy
 * trained on the true target-relative end-effector points, fed instead with the points relative
 * to the target the pose estimator predicts from the camera image.
 *
 * @packageDocumentation
 */
import { findBlock, type Policy, type VectorLayout } from '@visuomotor/contracts';
import type { PoseEstimator } from '@visuomotor/spatial-softmax';
import { ExperimentConfigError } from './errors.js';

/** Where the blocks of the two observations are. */
export interface PosePredictionLayout {
  /** The observation the agent gives: the policy's sensors followed by `RGB_IMAGE`. */
  agentObs: VectorLayout;
  /** The observation the state policy was trained on (no image). */
  policyObs: VectorLayout;
}

/**
 * A {@link Policy} that runs a state policy on predicted target poses. Each step:
 *
 * 1. p̂ = estimator(image), the predicted target points `[dPose]` (world, m);
 * 2. the end-effector's world points e = (e − p) + p, from the observed target-relative points
 *    and the condition's true target p: this is the forward kinematics of the joint angles,
 *    which the robot knows; only the target is unknown to it;
 * 3. the state policy acts on its observation with `END_EFFECTOR_POINTS` = e − p̂.
 *
 * Records the pose error ‖p̂ − p‖ (per 3D point, averaged) of every step in
 * {@link poseErrors}.
 */
export class PosePredictionPolicy implements Policy {
  readonly dU: number;
  /** Pose error (m) of each step acted on, mean over the target points. */
  readonly poseErrors: number[] = [];
  private readonly inner: Float64Array;
  private readonly image: { offset: number; size: number };
  private readonly ee: { agent: number; policy: number; size: number };
  /** Agent-observation offset of each policy-observation entry (−1: the ee points). */
  private readonly copyFrom: Int32Array;

  /**
   * @param policy - the state policy (observation `layout.policyObs`)
   * @param estimator - predicts `[dPose]` target points (`dPose` = size of `END_EFFECTOR_POINTS`)
   * @param layout - the two observations' layouts
   * @param eeTarget - the condition's true target points `[dPose]`, used only to recover the
   *   end-effector's world position from the target-relative observation (step 2)
   * @throws {@link ExperimentConfigError} when the layouts or sizes do not fit together
   */
  constructor(
    private readonly policy: Policy & { readonly dO: number },
    private readonly estimator: PoseEstimator,
    layout: PosePredictionLayout,
    private readonly eeTarget: readonly number[],
  ) {
    this.dU = policy.dU;
    const img = findBlock(layout.agentObs, 'RGB_IMAGE');
    const eeA = findBlock(layout.agentObs, 'END_EFFECTOR_POINTS');
    const eeP = findBlock(layout.policyObs, 'END_EFFECTOR_POINTS');
    if (!img || img.size !== estimator.imageSize) {
      throw new ExperimentConfigError(
        'pose-prediction observation',
        `an RGB_IMAGE block of ${estimator.imageSize} entries (the pose estimator's image)`,
        img?.size,
      );
    }
    if (
      !eeA ||
      !eeP ||
      eeP.size !== estimator.dPose ||
      eeA.size !== eeP.size ||
      eeP.size % 3 !== 0
    ) {
      throw new ExperimentConfigError(
        'pose-prediction observation',
        `END_EFFECTOR_POINTS of ${estimator.dPose} entries (the estimator's pose size) in both observations`,
        { agent: eeA?.size, policy: eeP?.size },
      );
    }
    if (eeTarget.length !== estimator.dPose || policy.dO !== layout.policyObs.size) {
      throw new ExperimentConfigError(
        'pose-prediction eeTarget',
        `${estimator.dPose} target coordinates and a policy of ${layout.policyObs.size} observation entries`,
        { eeTarget: eeTarget.length, dO: policy.dO },
      );
    }
    this.image = { offset: img.offset, size: img.size };
    this.ee = { agent: eeA.offset, policy: eeP.offset, size: eeP.size };
    this.inner = new Float64Array(layout.policyObs.size);
    this.copyFrom = new Int32Array(layout.policyObs.size).fill(-1);
    for (const b of layout.policyObs.blocks) {
      if (b.sensor === 'END_EFFECTOR_POINTS') continue;
      const a = findBlock(layout.agentObs, b.sensor);
      if (!a || a.size !== b.size) {
        throw new ExperimentConfigError(
          'pose-prediction observation',
          `the agent's observation to hold the policy's ${b.sensor} block (${b.size} entries)`,
          a?.size,
        );
      }
      for (let i = 0; i < b.size; i++) this.copyFrom[b.offset + i] = a.offset + i;
    }
  }

  act(x: Float64Array, obs: Float64Array, t: number, noise: Float64Array, out: Float64Array): void {
    const { offset, size } = this.image;
    const pHat = this.estimator.predict(obs.subarray(offset, offset + size), 1);
    for (let i = 0; i < this.inner.length; i++) {
      const from = this.copyFrom[i];
      if (from >= 0) this.inner[i] = obs[from];
    }
    let err = 0;
    const n = this.ee.size / 3;
    for (let p = 0; p < n; p++) {
      let d2 = 0;
      for (let k = 3 * p; k < 3 * p + 3; k++) {
        const world = obs[this.ee.agent + k] + this.eeTarget[k];
        this.inner[this.ee.policy + k] = world - pHat[k];
        d2 += (pHat[k] - this.eeTarget[k]) ** 2;
      }
      err += Math.sqrt(d2) / n;
    }
    this.poseErrors.push(err);
    this.policy.act(x, this.inner, t, noise, out);
  }
}
