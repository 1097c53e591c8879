/**
 * Pose regression on the visuomotor CNN's convolution layers (paper Section 4.3, vision
 * pretraining): the feature points of an image, through a small fully connected head, predict
 * the pose of the target object (e.g. 3D points). Training updates the shared convolution
 * layers and temperature in place, so the policy starts from pretrained vision layers.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertShape, InvalidArgumentError, NonFiniteError } from '@visuomotor/contracts';
import { HostAdam } from './adam.js';
import { makeVariable, type NamedWeight, type VisuomotorCnn } from './networks.js';
import { Rng } from './rng.js';

/** Options of {@link PoseRegressor}. */
export interface PoseRegressorOptions {
  /** Pose dimension (e.g. 9 for three 3D points). */
  dPose: number;
  /** Hidden widths of the head after the feature points (default `[]`: linear in the points). */
  hidden?: number[];
  /** Seed of the head's initialisation and of the minibatch order (default 0). */
  seed?: number;
  /** Adam learning rate (default 0.001). */
  lr?: number;
}

/** Options of {@link PoseRegressor.train}. */
export interface PoseTrainOptions {
  /** Adam steps (default 1000). */
  iterations?: number;
  /** Minibatch size (default 25). */
  batchSize?: number;
}

/** A pose head sharing a {@link VisuomotorCnn}'s convolution layers. */
export class PoseRegressor {
  readonly dPose: number;
  /** The head's weights (`pose{l}/kernel`, `pose{l}/bias`). */
  readonly headWeights: NamedWeight[] = [];
  private readonly optimizer: HostAdam;
  private readonly rng: Rng;

  constructor(
    readonly trunk: VisuomotorCnn,
    opts: PoseRegressorOptions,
  ) {
    if (!Number.isInteger(opts.dPose) || opts.dPose < 1) {
      throw new InvalidArgumentError('dPose', 'a positive integer', opts.dPose);
    }
    this.dPose = opts.dPose;
    this.rng = new Rng(opts.seed ?? 0);
    const dims = [2 * trunk.numFeaturePoints, ...(opts.hidden ?? []), opts.dPose];
    for (let l = 0; l + 1 < dims.length; l++) {
      const lim = Math.sqrt(6 / (dims[l] + dims[l + 1]));
      const w = new Float32Array(dims[l] * dims[l + 1]);
      for (let i = 0; i < w.length; i++) w[i] = (2 * this.rng.uniform() - 1) * lim;
      this.headWeights.push(
        {
          name: `pose${l}/kernel`,
          variable: makeVariable(() => tf.tensor2d(w, [dims[l], dims[l + 1]]), `pose${l}/kernel`),
          decay: true,
        },
        {
          name: `pose${l}/bias`,
          variable: makeVariable(() => tf.zeros([dims[l + 1]]), `pose${l}/bias`),
          decay: true,
        },
      );
    }
    const trained: NamedWeight[] = [...trunk.convWeights];
    if (typeof trunk.temperature !== 'number') {
      trained.push({ name: 'fp/temperature', variable: trunk.temperature, decay: false });
    }
    trained.push(...this.headWeights);
    this.optimizer = new HostAdam(trained, {
      lr: opts.lr ?? 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0,
    });
  }

  private head(img: tf.Tensor4D): tf.Tensor2D {
    let h = this.trunk.featurePointsOfImages(img);
    const n = this.headWeights.length / 2;
    for (let l = 0; l < n; l++) {
      const z = tf.add(
        tf.matMul(h, this.headWeights[2 * l].variable as tf.Tensor2D),
        this.headWeights[2 * l + 1].variable,
      ) as tf.Tensor2D;
      h = l < n - 1 ? tf.relu(z) : z;
    }
    return h;
  }

  /**
   * Predicted poses `[B, dPose]` of images `[B, C*H*W]` (channels first, as in observations).
   */
  predict(images: Float64Array | Float32Array, B: number): Float64Array {
    return predictPoses(this.trunk, this.dPose, (img) => this.head(img), images, B);
  }

  /**
   * Minimise Σ ||pose − f(image)||² / (2B) over minibatches with Adam, updating the shared
   * convolution layers, the temperature and the head.
   *
   * @param images - `[B, C*H*W]`
   * @param poses - `[B, dPose]`
   */
  train(
    images: Float64Array | Float32Array,
    poses: Float64Array | Float32Array,
    B: number,
    opts: PoseTrainOptions = {},
  ): { steps: number; initialLoss: number; finalLoss: number } {
    return fitPoses(
      { trunk: this.trunk, dPose: this.dPose, forward: (img) => this.head(img) },
      this.optimizer,
      this.rng,
      images,
      poses,
      B,
      opts,
    );
  }

  /** Release the head (the trunk belongs to its network). */
  dispose(): void {
    for (const w of this.headWeights) w.variable.dispose();
  }
}

/** What {@link predictPoses} and {@link fitPoses} need of a pose network. @internal */
export interface PoseNet {
  readonly trunk: VisuomotorCnn;
  readonly dPose: number;
  /** Poses `[B, dPose]` of NHWC images `[B, H, W, C]`. */
  forward(img: tf.Tensor4D): tf.Tensor2D;
}

/** NHWC image tensor from `B` channels-first images (the layout of observations). @internal */
export function imagesTensor(trunk: VisuomotorCnn, images: Float32Array, B: number): tf.Tensor4D {
  const { width, height, channels } = trunk.config.image;
  return tf.tidy(() =>
    tf.transpose(tf.tensor4d(images, [B, channels, height, width]), [0, 2, 3, 1]),
  );
}

/**
 * Predicted poses `[B, dPose]` of images `[B, C*H*W]`, in chunks of 16 images.
 * @internal
 */
export function predictPoses(
  trunk: VisuomotorCnn,
  dPose: number,
  forward: (img: tf.Tensor4D) => tf.Tensor2D,
  images: Float64Array | Float32Array,
  B: number,
): Float64Array {
  const size = trunk.imageSize;
  assertShape('images', images, [B, size]);
  const out = new Float64Array(B * dPose);
  const chunk = 16;
  for (let r0 = 0; r0 < B; r0 += chunk) {
    const rows = Math.min(chunk, B - r0);
    const buf = Float32Array.from(images.subarray(r0 * size, (r0 + rows) * size));
    const p = tf.tidy(() => forward(imagesTensor(trunk, buf, rows)));
    out.set(p.dataSync(), r0 * dPose);
    p.dispose();
  }
  return out;
}

/**
 * Pose regression by Adam on minibatches drawn in a seeded shuffled order: minimise
 * Σ ||pose − net(image)||² / (2B) over the optimiser's weights.
 *
 * @param label - prefix of the error message and `architecture` in its context, if given
 * @throws {@link NonFiniteError} when the loss at the first or last step is not finite
 * @internal
 */
export function fitPoses(
  net: PoseNet,
  optimizer: HostAdam,
  rng: Rng,
  images: Float64Array | Float32Array,
  poses: Float64Array | Float32Array,
  B: number,
  opts: PoseTrainOptions = {},
  label?: string,
): { steps: number; initialLoss: number; finalLoss: number } {
  const size = net.trunk.imageSize;
  const dP = net.dPose;
  assertShape('images', images, [B, size]);
  assertShape('poses', poses, [B, dP]);
  const iters = opts.iterations ?? 1000;
  const bs = Math.min(opts.batchSize ?? 25, B);
  const perEpoch = Math.floor(B / bs);
  const order = rng.shuffle(Int32Array.from({ length: B }, (_, i) => i));
  const imgBuf = new Float32Array(bs * size);
  const poseBuf = new Float32Array(bs * dP);
  const vars = optimizer.weights.map((w) => w.variable);
  let initialLoss = Number.NaN;
  let finalLoss = Number.NaN;
  for (let it = 0; it < iters; it++) {
    const start = (it * bs) % (perEpoch * bs);
    for (let r = 0; r < bs; r++) {
      const s = order[start + r];
      imgBuf.set(images.subarray(s * size, (s + 1) * size), r * size);
      for (let k = 0; k < dP; k++) poseBuf[r * dP + k] = poses[s * dP + k];
    }
    const v = tf.tidy(() => {
      const img = imagesTensor(net.trunk, imgBuf, bs);
      const target = tf.tensor2d(poseBuf, [bs, dP]);
      const { value, grads } = tf.variableGrads(
        () => tf.div(tf.sum(tf.squaredDifference(target, net.forward(img))), 2 * bs) as tf.Scalar,
        vars,
      );
      optimizer.step(vars.map((x) => grads[x.name].dataSync()));
      return it === 0 || it === iters - 1 ? value.dataSync()[0] : 0;
    });
    if (it === 0 || it === iters - 1) {
      if (!Number.isFinite(v)) {
        throw new NonFiniteError(
          `${label ? `${label}: ` : ''}pose loss is ${v} at step ${it}`,
          label ? { architecture: label, step: it } : { step: it },
        );
      }
      if (it === 0) initialLoss = v;
      finalLoss = v;
    }
  }
  return { steps: iters, initialLoss, finalLoss };
}
