/**
 * Pose-regression networks on one convolution stack, for the architecture comparison of the
 * paper's Table 3: the same convolutions (same initial weights for a seed) followed by
 *
 * - `'feature-points'` (ours): spatial softmax → expected 2D positions (feature points) →
 *   linear → pose. This is {@link PoseRegressor} with a linear head.
 * - `'softmax-fc'`: spatial softmax → the softmax maps themselves, flattened → linear → pose.
 * - `'fc'`: the ReLU response maps of the last convolution, flattened → linear → pose.
 * - `'maxpool-fc'`: 2x2 max-pooling (stride 2) after the second and third convolutions,
 *   flattened → linear → pose.
 *
 * All train with the loss Σ||p − f(image)||²/(2B), Adam (lr 1e-3, β 0.9 / 0.999, ε 1e-8, no
 * weight decay), the same batch size and number of steps; each draws its own seeded minibatch
 * order.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@visuomotor/contracts';
import { HostAdam } from '../adam.js';
import {
  type ConvLayerConfig,
  makeVariable,
  type NamedWeight,
  SIM_CONV,
  VisuomotorCnn,
  visuomotorCnn,
} from '../networks.js';
import { fitPoses, PoseRegressor, type PoseTrainOptions, predictPoses } from '../pose.js';
import { Rng } from '../rng.js';

/** The architectures of Table 3. */
export type PoseArchitecture = 'feature-points' | 'softmax-fc' | 'fc' | 'maxpool-fc';

/** All four, in the paper's order. */
export const POSE_ARCHITECTURES: readonly PoseArchitecture[] = Object.freeze([
  'feature-points',
  'softmax-fc',
  'fc',
  'maxpool-fc',
]);

/** What every pose network offers: training, prediction, its convolution trunk. */
export interface PoseModel {
  readonly architecture: PoseArchitecture;
  /** The convolution stack (a {@link VisuomotorCnn}; its fully connected layers are unused). */
  readonly trunk: VisuomotorCnn;
  /** The weights after the trunk (e.g. `pose0/kernel`, `pose0/bias`), in a fixed order. */
  readonly head: readonly NamedWeight[];
  /** Trainable parameters used by this architecture. */
  readonly paramCount: number;
  /** Adam steps on `[B, C*H*W]` images and `[B, dPose]` poses. */
  train(
    images: Float32Array | Float64Array,
    poses: Float32Array | Float64Array,
    B: number,
    opts?: PoseTrainOptions,
  ): { steps: number; initialLoss: number; finalLoss: number };
  /** Poses `[B, dPose]` of images `[B, C*H*W]`. */
  predict(images: Float32Array | Float64Array, B: number): Float64Array;
  dispose(): void;
}

/** Options of {@link createPoseModel}. */
export interface PoseModelOptions {
  architecture: PoseArchitecture;
  image: { width: number; height: number; channels?: number };
  dPose: number;
  /** Convolution stack (default {@link SIM_CONV}). */
  conv?: readonly ConvLayerConfig[];
  /** Seed of the convolution weights (same for every architecture) and of the head (default 0). */
  seed?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
}

/** The trunk shared by all architectures: a visuomotor CNN on the image alone. */
function makeTrunk(opts: PoseModelOptions): VisuomotorCnn {
  const config = visuomotorCnn({
    image: opts.image,
    conv: opts.conv ?? SIM_CONV,
    hidden: [],
  });
  const size = config.image.width * config.image.height * config.image.channels;
  return new VisuomotorCnn(config, size, 1, opts.seed ?? 0);
}

function countParams(ws: readonly NamedWeight[]): number {
  return ws.reduce((a, w) => a + w.variable.size, 0);
}

/**
 * A pose network of the given architecture on a fresh convolution stack (weights from
 * `seed`, identical across architectures).
 *
 * @throws InvalidArgumentError for an unknown architecture or a bad `dPose`
 */
export function createPoseModel(opts: PoseModelOptions): PoseModel {
  if (!POSE_ARCHITECTURES.includes(opts.architecture)) {
    throw new InvalidArgumentError(
      'architecture',
      POSE_ARCHITECTURES.join(' | '),
      opts.architecture,
    );
  }
  if (!Number.isInteger(opts.dPose) || opts.dPose < 1) {
    throw new InvalidArgumentError('dPose', 'a positive integer', opts.dPose);
  }
  const trunk = makeTrunk(opts);
  if (opts.architecture === 'feature-points') {
    const reg = new PoseRegressor(trunk, { dPose: opts.dPose, seed: opts.seed ?? 0, lr: opts.lr });
    const convParams = countParams(trunk.convWeights) + 1;
    return {
      architecture: 'feature-points',
      trunk,
      head: reg.headWeights,
      paramCount: convParams + countParams(reg.headWeights),
      train: (images, poses, B, o) => reg.train(images, poses, B, o),
      predict: (images, B) => reg.predict(images, B),
      dispose: () => {
        reg.dispose();
        trunk.dispose();
      },
    };
  }
  return new PoseBaseline(opts.architecture, trunk, opts);
}

/** The three baselines: a linear layer on flattened maps (softmax, ReLU or max-pooled). */
class PoseBaseline implements PoseModel {
  readonly paramCount: number;
  readonly head: NamedWeight[];
  private readonly optimizer: HostAdam;
  private readonly rng: Rng;
  private readonly dPose: number;

  constructor(
    readonly architecture: Exclude<PoseArchitecture, 'feature-points'>,
    readonly trunk: VisuomotorCnn,
    opts: PoseModelOptions,
  ) {
    this.dPose = opts.dPose;
    this.rng = new Rng((opts.seed ?? 0) + 7919);
    const { width, height, channels } = trunk.config.image;
    const dIn = tf.tidy(
      () => this.features(tf.zeros([1, height, width, channels]) as tf.Tensor4D).shape[1],
    );
    const lim = Math.sqrt(6 / (dIn + this.dPose));
    const w = new Float32Array(dIn * this.dPose);
    for (let i = 0; i < w.length; i++) w[i] = (2 * this.rng.uniform() - 1) * lim;
    this.head = [
      {
        name: 'pose0/kernel',
        variable: makeVariable(() => tf.tensor2d(w, [dIn, this.dPose]), 'pose0/kernel'),
        decay: true,
      },
      {
        name: 'pose0/bias',
        variable: makeVariable(() => tf.zeros([this.dPose]), 'pose0/bias'),
        decay: true,
      },
    ];
    const trained: NamedWeight[] = [...trunk.convWeights];
    if (architecture === 'softmax-fc' && typeof trunk.temperature !== 'number') {
      trained.push({ name: 'fp/temperature', variable: trunk.temperature, decay: false });
    }
    trained.push(...this.head);
    this.paramCount = countParams(trained);
    this.optimizer = new HostAdam(trained, {
      lr: opts.lr ?? 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0,
    });
  }

  /** Flattened representation `[B, D]` of NHWC images. */
  private features(img: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const cfg = this.trunk.config;
      if (this.architecture === 'maxpool-fc') {
        let h = img;
        cfg.conv.forEach((c, l) => {
          const k = this.trunk.convWeights[2 * l].variable as tf.Tensor4D;
          const b = this.trunk.convWeights[2 * l + 1].variable;
          h = tf.relu(tf.add(tf.conv2d(h, k, c.stride, cfg.padding), b)) as tf.Tensor4D;
          if (l >= 1) h = tf.maxPool(h, 2, 2, 'valid');
        });
        return tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
      }
      const maps = this.trunk.convMaps(img);
      const [B, mh, mw, F] = maps.shape;
      if (this.architecture === 'fc') return tf.reshape(maps, [B, mh * mw * F]) as tf.Tensor2D;
      // softmax-fc: per-channel softmax over pixels, as in the spatial softmax, then flattened.
      const alpha = this.trunk.temperature as number | tf.Scalar;
      const perChannel = tf.reshape(tf.transpose(maps, [0, 3, 1, 2]), [B * F, mh * mw]);
      const s = tf.softmax(tf.div(perChannel, alpha) as tf.Tensor2D);
      return tf.reshape(s, [B, F * mh * mw]) as tf.Tensor2D;
    });
  }

  private forward(img: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(
      () =>
        tf.add(
          tf.matMul(this.features(img), this.head[0].variable as tf.Tensor2D),
          this.head[1].variable,
        ) as tf.Tensor2D,
    );
  }

  predict(images: Float32Array | Float64Array, B: number): Float64Array {
    return predictPoses(this.trunk, this.dPose, (img) => this.forward(img), images, B);
  }

  train(
    images: Float32Array | Float64Array,
    poses: Float32Array | Float64Array,
    B: number,
    opts: PoseTrainOptions = {},
  ): { steps: number; initialLoss: number; finalLoss: number } {
    return fitPoses(
      { trunk: this.trunk, dPose: this.dPose, forward: (img) => this.forward(img) },
      this.optimizer,
      this.rng,
      images,
      poses,
      B,
      opts,
      this.architecture,
    );
  }

  dispose(): void {
    for (const w of this.head) w.variable.dispose();
    this.trunk.dispose();
  }
}
