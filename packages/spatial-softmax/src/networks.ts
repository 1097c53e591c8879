/**
 * Policy networks mu_theta(o): an MLP on the observation vector and the paper's visuomotor CNN
 * (three convolutions, spatial soft-argmax, feature points concatenated with the robot
 * configuration, fully connected ReLU layers, linear torques). Built from tfjs-core ops and
 * variables; every network is described by a JSON {@link NetworkConfig} so that it can be
 * rebuilt from an export.
 *
 * Observation layout for images: the image occupies `C*H*W` consecutive entries of the flat
 * observation vector starting at `imageOffset`, **channels first, then rows top to bottom, then
 * columns left to right** (index `offset + c*H*W + y*W + x`), as `@visuomotor/mujoco-agent`
 * records `RGB_IMAGE` (`[3, H, W]`, values in [0, 1]). Every other entry is robot state.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { NetworkConfigError } from './errors.js';
import { Rng } from './rng.js';
import { type FeatureCoords, featureCoordinates, spatialSoftmax } from './spatial-softmax.js';

/**
 * Weight initialisation.
 * - `'glorot'` (default): Glorot/Xavier uniform weights, zero biases.
 * - `'reference'`: N(0, 0.01²) weights and zero biases, as cbfinn/gps `init_weights`.
 */
export type InitScheme = 'glorot' | 'reference';

/** A fully connected network on the whole observation: `dO → hidden... (ReLU) → dU (linear)`. */
export interface MlpConfig {
  kind: 'mlp';
  /** Hidden layer widths, e.g. `[40, 40]`. */
  hidden: number[];
  init: InitScheme;
}

/** One convolution layer (ReLU after it, no pooling). */
export interface ConvLayerConfig {
  filters: number;
  kernel: number;
  stride: number;
}

/** The visuomotor CNN of paper Section 4.2 / Figure 3. */
export interface VisuomotorCnnConfig {
  kind: 'visuomotor-cnn';
  /** Image size; the image is `channels * height * width` entries of the observation. */
  image: { width: number; height: number; channels: number };
  /** Offset of the image in the observation vector; default: the image is the last block. */
  imageOffset?: number;
  /** Convolution stack (default {@link PAPER_CONV}). */
  conv: ConvLayerConfig[];
  /** `'valid'` (the paper: 240 → 117 → 113 → 109) or `'same'` (cbfinn/gps). */
  padding: 'valid' | 'same';
  /** Fully connected hidden widths after the feature points (default `[40, 40]`). */
  hidden: number[];
  /** Initial softmax temperature α (default 1). */
  temperature: number;
  /** Whether α is trained (default true). */
  learnableTemperature: boolean;
  /** Feature point coordinates (default `'centered'`). */
  coords: FeatureCoords;
  init: InitScheme;
}

/** Any network this package can build, as plain JSON. */
export type NetworkConfig = MlpConfig | VisuomotorCnnConfig;

/** The paper's convolution stack: 64 7x7 stride 2, 32 5x5, 32 5x5. */
export const PAPER_CONV: readonly ConvLayerConfig[] = Object.freeze([
  { filters: 64, kernel: 7, stride: 2 },
  { filters: 32, kernel: 5, stride: 1 },
  { filters: 32, kernel: 5, stride: 1 },
]);

/** A lighter stack for small simulated images (e.g. 64x64): 32 5x5 stride 2, 32 5x5, 16 5x5. */
export const SIM_CONV: readonly ConvLayerConfig[] = Object.freeze([
  { filters: 32, kernel: 5, stride: 2 },
  { filters: 32, kernel: 5, stride: 1 },
  { filters: 16, kernel: 5, stride: 1 },
]);

/**
 * An MLP configuration (the paper's state-based comparisons use one or two hidden layers).
 *
 * @example `mlp({ hidden: [40, 40] })`
 */
export function mlp(opts: { hidden?: number[]; init?: InitScheme } = {}): MlpConfig {
  return { kind: 'mlp', hidden: [...(opts.hidden ?? [40, 40])], init: opts.init ?? 'glorot' };
}

/** Options of {@link visuomotorCnn}; everything but `image` has the paper's default. */
export interface VisuomotorCnnOptions {
  image: { width: number; height: number; channels?: number };
  imageOffset?: number;
  conv?: readonly ConvLayerConfig[];
  padding?: 'valid' | 'same';
  hidden?: number[];
  temperature?: number;
  learnableTemperature?: boolean;
  coords?: FeatureCoords;
  init?: InitScheme;
}

/**
 * A visuomotor CNN configuration. The paper's 240x240 network:
 * `visuomotorCnn({ image: { width: 240, height: 240 } })` (64 7x7/2, 32 5x5, 32 5x5, valid
 * padding: 109x109 maps, 32 feature points, 40-40 ReLU, linear torques).
 */
export function visuomotorCnn(opts: VisuomotorCnnOptions): VisuomotorCnnConfig {
  return {
    kind: 'visuomotor-cnn',
    image: {
      width: opts.image.width,
      height: opts.image.height,
      channels: opts.image.channels ?? 3,
    },
    ...(opts.imageOffset !== undefined ? { imageOffset: opts.imageOffset } : {}),
    conv: (opts.conv ?? PAPER_CONV).map((c) => ({ ...c })),
    padding: opts.padding ?? 'valid',
    hidden: [...(opts.hidden ?? [40, 40])],
    temperature: opts.temperature ?? 1,
    learnableTemperature: opts.learnableTemperature ?? true,
    coords: opts.coords ?? 'centered',
    init: opts.init ?? 'glorot',
  };
}

/** A named trainable tensor of a network. */
export interface NamedWeight {
  /** Stable name used in exports, e.g. `conv0/kernel`, `fc1/bias`, `fp/temperature`. */
  name: string;
  variable: tf.Variable;
  /** Whether weight decay applies (all kernels and biases; not the temperature). */
  decay: boolean;
}

/** A built network: mu_theta(o) on (partially normalised) observations. */
export interface PolicyNetwork {
  readonly config: NetworkConfig;
  readonly dO: number;
  readonly dU: number;
  /** Observation entries that are robot state (normalised by the optimiser), ascending. */
  readonly stateIdx: readonly number[];
  /** Trainable weights in a fixed order. */
  readonly weights: readonly NamedWeight[];
  /**
   * Mean action.
   *
   * @param obs - `[B, dO]`, state entries already normalised
   * @returns `[B, dU]`
   */
  forward(obs: tf.Tensor2D): tf.Tensor2D;
  /**
   * The fully connected head's weights and its input (for the CNN: feature points and state,
   * the reference's `last_conv_vars`). Used by the optimiser's `fcOnlyIterations`, which
   * trains the head on cached inputs. Absent for networks that are all head (MLPs).
   */
  readonly head?: {
    weights: readonly NamedWeight[];
    /** `[B, dO]` → head input `[B, dF]`. */
    input(obs: tf.Tensor2D): tf.Tensor2D;
    /** head input `[B, dF]` → `[B, dU]`. */
    forward(x: tf.Tensor2D): tf.Tensor2D;
  };
  /** Number of trainable scalars. */
  paramCount(): number;
  dispose(): void;
}

function checkPositiveInts(field: string, xs: readonly number[]): void {
  for (const x of xs) {
    if (!Number.isInteger(x) || x < 1) {
      throw new NetworkConfigError(
        `${field}: expected positive integers, got ${JSON.stringify(xs)}`,
        {
          field,
          value: xs,
        },
      );
    }
  }
}

function initTensor(
  rng: Rng,
  shape: number[],
  fanIn: number,
  fanOut: number,
  scheme: InitScheme,
): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (scheme === 'reference') {
    for (let i = 0; i < n; i++) out[i] = 0.01 * rng.normal();
  } else {
    const lim = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < n; i++) out[i] = (2 * rng.uniform() - 1) * lim;
  }
  return out;
}

let variableCounter = 0;

/**
 * A trainable variable from an initial value, without leaking the initial tensor. Its engine
 * name is `name#k` (unique, never a plain integer), so that objects keyed by variable name (the
 * gradients, hence Adam's slots) keep the network's weight order.
 */
export function makeVariable(init: () => tf.Tensor, name = 'w'): tf.Variable {
  variableCounter += 1;
  return tf.tidy(() => tf.variable(init(), true, `${name}#${variableCounter}`));
}

function dense(
  rng: Rng,
  name: string,
  nIn: number,
  nOut: number,
  scheme: InitScheme,
): [NamedWeight, NamedWeight] {
  const w = makeVariable(
    () => tf.tensor2d(initTensor(rng, [nIn, nOut], nIn, nOut, scheme), [nIn, nOut]),
    `${name}/kernel`,
  );
  const b = makeVariable(() => tf.zeros([nOut]), `${name}/bias`);
  return [
    { name: `${name}/kernel`, variable: w, decay: true },
    { name: `${name}/bias`, variable: b, decay: true },
  ];
}

/** Shared fully connected head: `in → hidden (ReLU) → out (linear)`. */
function fcForward(x: tf.Tensor2D, layers: readonly NamedWeight[]): tf.Tensor2D {
  let h = x;
  const n = layers.length / 2;
  for (let l = 0; l < n; l++) {
    const w = layers[2 * l].variable as tf.Tensor2D;
    const b = layers[2 * l + 1].variable;
    const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
    h = l < n - 1 ? tf.relu(z) : z;
  }
  return h;
}

class MlpNetwork implements PolicyNetwork {
  readonly stateIdx: readonly number[];
  readonly weights: NamedWeight[] = [];

  constructor(
    readonly config: MlpConfig,
    readonly dO: number,
    readonly dU: number,
    seed: number,
  ) {
    checkPositiveInts('mlp.hidden', config.hidden);
    const rng = new Rng(seed);
    const dims = [dO, ...config.hidden, dU];
    for (let l = 0; l + 1 < dims.length; l++) {
      this.weights.push(...dense(rng, `fc${l}`, dims[l], dims[l + 1], config.init));
    }
    this.stateIdx = Array.from({ length: dO }, (_, i) => i);
  }

  forward(obs: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => fcForward(obs, this.weights));
  }

  paramCount(): number {
    return this.weights.reduce((a, w) => a + w.variable.size, 0);
  }

  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}

/** Output size of a convolution along one axis. */
export function convOutSize(n: number, k: number, s: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

/** The visuomotor CNN, also the vision trunk shared with {@link PoseRegressor}. */
export class VisuomotorCnn implements PolicyNetwork {
  readonly stateIdx: readonly number[];
  readonly weights: NamedWeight[] = [];
  /** Convolution kernels and biases (`conv{l}/kernel` `[k, k, Cin, Cout]`, `conv{l}/bias`). */
  readonly convWeights: NamedWeight[] = [];
  /** Fully connected weights after the feature points. */
  readonly fcWeights: NamedWeight[] = [];
  /** α: a trainable scalar variable, or a fixed number. */
  readonly temperature: tf.Variable | number;
  /** Offset of the image in the observation. */
  readonly imageOffset: number;
  /** `C * H * W`. */
  readonly imageSize: number;
  /** Spatial size of the last convolution's maps `[H, W]`. */
  readonly mapSize: [number, number];
  /** Number of feature points (channels of the last convolution). */
  readonly numFeaturePoints: number;
  private readonly coordTable: tf.Tensor2D;

  constructor(
    readonly config: VisuomotorCnnConfig,
    readonly dO: number,
    readonly dU: number,
    seed: number,
  ) {
    const { width, height, channels } = config.image;
    checkPositiveInts('visuomotorCnn.image', [width, height, channels]);
    checkPositiveInts('visuomotorCnn.hidden', config.hidden);
    if (config.conv.length === 0) {
      throw new NetworkConfigError('visuomotorCnn.conv: at least one convolution is required', {
        field: 'conv',
      });
    }
    this.imageSize = width * height * channels;
    this.imageOffset = config.imageOffset ?? dO - this.imageSize;
    if (this.imageOffset < 0 || this.imageOffset + this.imageSize > dO) {
      throw new NetworkConfigError(
        `visuomotorCnn: image of ${channels}x${height}x${width} = ${this.imageSize} entries at offset ${this.imageOffset} does not fit in dO = ${dO}`,
        { dO, imageOffset: this.imageOffset, imageSize: this.imageSize },
      );
    }
    const rng = new Rng(seed);
    let h = height;
    let w = width;
    let cin = channels;
    config.conv.forEach((c, l) => {
      checkPositiveInts(`visuomotorCnn.conv[${l}]`, [c.filters, c.kernel, c.stride]);
      h = convOutSize(h, c.kernel, c.stride, config.padding);
      w = convOutSize(w, c.kernel, c.stride, config.padding);
      if (h < 1 || w < 1) {
        throw new NetworkConfigError(
          `visuomotorCnn.conv[${l}]: the ${height}x${width} image shrinks to nothing`,
          { layer: l, height, width },
        );
      }
      const shape = [c.kernel, c.kernel, cin, c.filters];
      const k = makeVariable(
        () =>
          tf.tensor4d(
            initTensor(
              rng,
              shape,
              c.kernel * c.kernel * cin,
              c.kernel * c.kernel * c.filters,
              config.init,
            ),
            shape as [number, number, number, number],
          ),
        `conv${l}/kernel`,
      );
      const b = makeVariable(() => tf.zeros([c.filters]), `conv${l}/bias`);
      this.convWeights.push(
        { name: `conv${l}/kernel`, variable: k, decay: true },
        { name: `conv${l}/bias`, variable: b, decay: true },
      );
      cin = c.filters;
    });
    this.mapSize = [h, w];
    this.numFeaturePoints = cin;
    this.stateIdx = Array.from({ length: dO }, (_, i) => i).filter(
      (i) => i < this.imageOffset || i >= this.imageOffset + this.imageSize,
    );
    const dims = [2 * cin + this.stateIdx.length, ...config.hidden, dU];
    for (let l = 0; l + 1 < dims.length; l++) {
      this.fcWeights.push(...dense(rng, `fc${l}`, dims[l], dims[l + 1], config.init));
    }
    if (config.learnableTemperature) {
      this.temperature = makeVariable(() => tf.scalar(config.temperature), 'fp/temperature');
    } else this.temperature = config.temperature;
    this.weights.push(...this.convWeights);
    if (typeof this.temperature !== 'number') {
      this.weights.push({ name: 'fp/temperature', variable: this.temperature, decay: false });
    }
    this.weights.push(...this.fcWeights);
    this.coordTable = tf.tensor2d(featureCoordinates(h, w, config.coords), [h * w, 2]);
  }

  /**
   * Set the first convolution's filters (e.g. from a network pretrained on ImageNet).
   *
   * @param kernel - `[k, k, C, F]` (HWIO, row-major) of the first layer
   * @param bias - `[F]` (optional)
   */
  setFirstLayer(kernel: ArrayLike<number>, bias?: ArrayLike<number>): void {
    const kv = this.convWeights[0].variable;
    const bv = this.convWeights[1].variable;
    if (kernel.length !== kv.size) {
      throw new NetworkConfigError(
        `setFirstLayer: kernel must have shape [${kv.shape.join(', ')}] (${kv.size} entries), got ${kernel.length}`,
        { expected: kv.shape, actualLength: kernel.length },
      );
    }
    tf.tidy(() => kv.assign(tf.tensor(Float32Array.from(kernel), kv.shape)));
    if (bias) {
      if (bias.length !== bv.size) {
        throw new NetworkConfigError(
          `setFirstLayer: bias must have ${bv.size} entries, got ${bias.length}`,
          { expected: bv.shape, actualLength: bias.length },
        );
      }
      tf.tidy(() => bv.assign(tf.tensor(Float32Array.from(bias), bv.shape)));
    }
  }

  /** The image part of observations as NHWC `[B, H, W, C]`. */
  images(obs: tf.Tensor2D): tf.Tensor4D {
    const { width, height, channels } = this.config.image;
    const b = obs.shape[0];
    return tf.tidy(() => {
      const flat =
        this.imageOffset === 0 && this.imageSize === obs.shape[1]
          ? obs
          : tf.slice(obs, [0, this.imageOffset], [b, this.imageSize]);
      return tf.transpose(tf.reshape(flat, [b, channels, height, width]), [0, 2, 3, 1]);
    });
  }

  /** Last convolution's maps `[B, h, w, F]` for NHWC images. */
  convMaps(img: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let h = img;
      this.config.conv.forEach((c, l) => {
        const k = this.convWeights[2 * l].variable as tf.Tensor4D;
        const b = this.convWeights[2 * l + 1].variable;
        h = tf.relu(tf.add(tf.conv2d(h, k, c.stride, this.config.padding), b)) as tf.Tensor4D;
      });
      return h;
    });
  }

  /** Feature points `[B, 2F]` (interleaved x, y) of NHWC images. */
  featurePointsOfImages(img: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() =>
      spatialSoftmax(
        this.convMaps(img),
        this.temperature as number | tf.Scalar,
        this.config.coords,
        this.coordTable,
      ),
    );
  }

  /** Feature points `[B, 2F]` of observations `[B, dO]`. */
  featurePoints(obs: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.featurePointsOfImages(this.images(obs)));
  }

  /** The robot-state part of observations `[B, dO - C*H*W]`. */
  state(obs: tf.Tensor2D): tf.Tensor2D {
    const b = obs.shape[0];
    const before = this.imageOffset;
    const after = this.dO - this.imageOffset - this.imageSize;
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      if (before > 0) parts.push(tf.slice(obs, [0, 0], [b, before]));
      if (after > 0) parts.push(tf.slice(obs, [0, this.imageOffset + this.imageSize], [b, after]));
      if (parts.length === 0) return tf.zeros([b, 0]) as tf.Tensor2D;
      return parts.length === 1 ? parts[0] : tf.concat(parts, 1);
    });
  }

  /** Input of the fully connected layers: feature points then state, `[B, 2F + dState]`. */
  headInput(obs: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const fp = this.featurePoints(obs);
      return this.stateIdx.length > 0 ? tf.concat([fp, this.state(obs)], 1) : fp;
    });
  }

  get head() {
    return {
      weights: this.fcWeights,
      input: (obs: tf.Tensor2D) => this.headInput(obs),
      forward: (x: tf.Tensor2D) => tf.tidy(() => fcForward(x, this.fcWeights)),
    };
  }

  forward(obs: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => fcForward(this.headInput(obs), this.fcWeights));
  }

  paramCount(): number {
    return this.weights.reduce((a, w) => a + w.variable.size, 0);
  }

  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
    this.coordTable.dispose();
  }
}

/**
 * Build a network for observations of size `dO` and actions of size `dU`; `seed` fixes the
 * initial weights.
 *
 * @throws {@link NetworkConfigError} for inconsistent sizes
 */
export function buildNetwork(
  config: NetworkConfig,
  dO: number,
  dU: number,
  seed = 0,
): PolicyNetwork {
  checkPositiveInts('network dims (dO, dU)', [dO, dU]);
  if (config.kind === 'mlp') return new MlpNetwork(config, dO, dU, seed);
  if (config.kind === 'visuomotor-cnn') return new VisuomotorCnn(config, dO, dU, seed);
  throw new NetworkConfigError(
    `unknown network kind ${JSON.stringify((config as { kind: unknown }).kind)}`,
    {
      kind: (config as { kind: unknown }).kind,
    },
  );
}
