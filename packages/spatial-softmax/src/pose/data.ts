/**
 * Pose data for vision pretraining (paper Section 4.3, step 1 of the pipeline): images of the
 * scene with the arm moving randomly and the target at random positions, each labelled with
 * the target's points (world coordinates).
 *
 * The collector only needs the rollout surface of an agent ({@link PoseAgent}, which
 * `@visuomotor/mujoco-agent`'s `MujocoAgent` satisfies), so this package does not depend on a
 * simulator: build the agent with one random condition per rollout (e.g. with
 * `randomVisionConditions(VISION_TASKS['reacher-vision'], n, seed, { randomArm: true })`) and
 * pass it here.
 *
 * @packageDocumentation
 */
import {
  InvalidArgumentError,
  NonFiniteError,
  type Policy,
  type Sample,
} from '@visuomotor/contracts';

/** What {@link collectPoseData} needs from an agent (`MujocoAgent` has all of it). */
export interface PoseAgent {
  /** Horizon of a rollout. */
  readonly T: number;
  readonly dU: number;
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** Number of conditions; one rollout is run per condition. */
  readonly conditions: number;
  readonly task: { readonly name: string; readonly torqueLimits: readonly number[] };
  /** The conditions; `eeTarget` `[dPose]` is the pose label of a condition's images. */
  readonly conditionList: readonly { readonly eeTarget: readonly number[] }[];
  sampleSync(policy: Policy, condition: number, options: { seed: number }): Sample;
  /**
   * Camera frames of a sample's states, every `every`-th step: `rgb` `[H, W, 3]` bytes (the
   * agent's `replay`; rendering only the kept frames is 5x cheaper than recording all).
   */
  replay(
    sample: Pick<Sample, 'X' | 'T' | 'condition'>,
    every: number,
  ): { width: number; height: number; rgb: Uint8Array }[];
}

/** Images with pose labels. */
export interface PoseDataset {
  /** Number of images. */
  N: number;
  channels: number;
  height: number;
  width: number;
  /** Pose dimension (3 per target point). */
  dPose: number;
  /** `[N, C, H, W]` in [0, 1], channels first (the observation layout). */
  images: Float32Array;
  /** `[N, dPose]` target points, world coordinates (m). */
  poses: Float64Array;
  /** `[N]` condition (rollout) each image comes from. */
  rollout: Int32Array;
  /** `[N]` time step of each image in its rollout. */
  step: Int32Array;
}

/** Options of {@link collectPoseData}. */
export interface PoseCollectOptions {
  /** Seed of the random motions: rollout c uses seed `seed + c` (default 0). */
  seed?: number;
  /** Keep every `every`-th frame of a rollout (default 5). */
  every?: number;
  /** Torque = `torqueScale` · limit · smoothed unit noise (default 1). */
  torqueScale?: number;
}

/**
 * Run one random-motion rollout per condition of `agent` and keep every `every`-th camera
 * frame, labelled with the condition's target points (`eeTarget`). Random motions: the torque
 * of joint i is `torqueScale · limit_i · ε_t,i` with the agent's temporally smoothed,
 * unit-variance noise ε of seed `seed + c` (then clipped to the limits by the agent), so the
 * data are a pure function of the agent's conditions and the seed.
 *
 * @returns `N = conditions · ceil(T / every)` images
 * @throws InvalidArgumentError for a bad `every` or `torqueScale`
 * @throws NonFiniteError when a condition's target is not finite
 */
export function collectPoseData(agent: PoseAgent, opts: PoseCollectOptions = {}): PoseDataset {
  const every = opts.every ?? 5;
  const seed = opts.seed ?? 0;
  const scale = opts.torqueScale ?? 1;
  if (!Number.isInteger(every) || every < 1) {
    throw new InvalidArgumentError('every', 'a positive integer', every);
  }
  if (!Number.isFinite(scale) || scale < 0) {
    throw new InvalidArgumentError('torqueScale', 'a finite number >= 0', scale);
  }
  const { T, dU, imageWidth: W, imageHeight: H } = agent;
  const limits = agent.task.torqueLimits;
  const dPose = agent.conditionList[0]?.eeTarget.length ?? 0;
  if (agent.conditions < 1 || dPose < 1) {
    throw new InvalidArgumentError(
      'agent',
      'at least one condition with a target',
      agent.conditions,
    );
  }
  const perRollout = Math.ceil(T / every);
  const N = agent.conditions * perRollout;
  const size = 3 * H * W;
  const images = new Float32Array(N * size);
  const poses = new Float64Array(N * dPose);
  const rollout = new Int32Array(N);
  const step = new Int32Array(N);
  const policy: Policy = {
    dU,
    act(_x, _o, _t, noise, out) {
      for (let i = 0; i < dU; i++) out[i] = scale * limits[i] * noise[i];
    },
  };
  let n = 0;
  for (let c = 0; c < agent.conditions; c++) {
    const target = agent.conditionList[c].eeTarget;
    if (target.length !== dPose || !target.every(Number.isFinite)) {
      throw new NonFiniteError(
        `task "${agent.task.name}", condition ${c}: target points must be ${dPose} finite numbers`,
        { task: agent.task.name, condition: c, target: [...target] },
      );
    }
    const s = agent.sampleSync(policy, c, { seed: seed + c });
    const frames = agent.replay(s, every);
    for (let j = 0; j < frames.length; j++) {
      const f = frames[j];
      if (f.width !== W || f.height !== H) {
        throw new InvalidArgumentError(
          'agent.replay',
          `${W}x${H} frames`,
          `${f.width}x${f.height}`,
        );
      }
      // [H, W, 3] bytes -> [3, H, W] in [0, 1], as the agent writes RGB_IMAGE.
      const base = n * size;
      for (let p = 0; p < H * W; p++) {
        for (let ch = 0; ch < 3; ch++) images[base + ch * H * W + p] = f.rgb[3 * p + ch] / 255;
      }
      for (let k = 0; k < dPose; k++) poses[n * dPose + k] = target[k];
      rollout[n] = c;
      step[n] = j * every;
      n++;
    }
  }
  return { N, channels: 3, height: H, width: W, dPose, images, poses, rollout, step };
}

/** Rows `idx` of a dataset (a copy). */
export function selectPoseData(d: PoseDataset, idx: ArrayLike<number>): PoseDataset {
  const size = d.channels * d.height * d.width;
  const N = idx.length;
  const out: PoseDataset = {
    ...d,
    N,
    images: new Float32Array(N * size),
    poses: new Float64Array(N * d.dPose),
    rollout: new Int32Array(N),
    step: new Int32Array(N),
  };
  for (let r = 0; r < N; r++) {
    const i = idx[r];
    if (!Number.isInteger(i) || i < 0 || i >= d.N) {
      throw new InvalidArgumentError(`idx[${r}]`, `an index in [0, ${d.N})`, i);
    }
    out.images.set(d.images.subarray(i * size, (i + 1) * size), r * size);
    out.poses.set(d.poses.subarray(i * d.dPose, (i + 1) * d.dPose), r * d.dPose);
    out.rollout[r] = d.rollout[i];
    out.step[r] = d.step[i];
  }
  return out;
}

/**
 * Pose error per image `[N]`: the mean over target points (3 entries each) of the Euclidean
 * distance between predicted and true points, in the poses' unit.
 */
export function poseErrors(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  dPose: number,
): Float64Array {
  if (dPose % 3 !== 0 || pred.length !== truth.length || pred.length % dPose !== 0) {
    throw new InvalidArgumentError(
      'pred/truth',
      `arrays of equal length, a multiple of dPose = ${dPose} (3 per point)`,
      { pred: pred.length, truth: truth.length },
    );
  }
  const N = pred.length / dPose;
  const nPts = dPose / 3;
  const out = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let acc = 0;
    for (let p = 0; p < nPts; p++) {
      const b = n * dPose + 3 * p;
      acc += Math.hypot(pred[b] - truth[b], pred[b + 1] - truth[b + 1], pred[b + 2] - truth[b + 2]);
    }
    out[n] = acc / nPts;
  }
  return out;
}

/** Mean and (population) standard deviation. */
export function meanStd(v: ArrayLike<number>): { mean: number; std: number } {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i];
  m /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return { mean: m, std: Math.sqrt(s / v.length) };
}
