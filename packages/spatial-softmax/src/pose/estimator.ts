/**
 * A trained pose estimator on disk, usable on its own: the convolutions of a `'feature-points'`
 * pose model (`conv.json`, `conv.bin`, see {@link saveConvWeights}) plus its head and the
 * standardisation of the pose labels (`pose-head.json`, `pose-head.bin`). This is what the
 * paper's "pose prediction" baseline runs (Section 6.3, Figure 9): the target pose predicted
 * from the image is handed to a controller that was trained on the true pose.
 *
 * @packageDocumentation
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assertShape, InvalidArgumentError } from '@visuomotor/contracts';
import { PolicyFormatError } from '../errors.js';
import { VisuomotorCnn, visuomotorCnn } from '../networks.js';
import { PoseRegressor } from '../pose.js';
import type { PoseModel } from './architectures.js';
import { type ConvWeightsFile, loadConvWeights, saveConvWeights } from './weights.js';

/** Format tag of `pose-head.json`. */
export const POSE_HEAD_FORMAT = 'visuomotor-pose-head';

/** Contents of `pose-head.json`. */
export interface PoseHeadFile {
  format: typeof POSE_HEAD_FORMAT;
  version: 1;
  /** Pose dimension (the label size, e.g. 3 for one 3D point). */
  dPose: number;
  /** Hidden widths of the head between the feature points and the pose (`[]`: linear). */
  hidden: number[];
  /** `pose{l}/kernel` `[in, out]` and `pose{l}/bias` `[out]`, float32 offsets into the `.bin`. */
  weights: { name: string; shape: number[]; offset: number }[];
  /**
   * Label standardisation: the network predicts (pose − mean) / std per dimension `[dPose]`.
   * `std` 0 marks a dimension that was constant in the training labels (e.g. the height of a
   * target on a table): the estimator returns `mean` there exactly.
   */
  mean: number[];
  std: number[];
  meta?: Record<string, unknown>;
}

/** Per-dimension standardisation of the pose labels the model was trained on. */
export interface PoseStandardisation {
  /** `[dPose]` */
  mean: ArrayLike<number>;
  /**
   * `[dPose]`, non-negative. 0 marks a label dimension that was constant in training: the
   * loaded estimator returns `mean` there instead of the network's output, which for such a
   * dimension is noise the network never learnt to remove (a consumer that never saw the
   * dimension vary, like a policy with observation normalisation, would amplify it).
   */
  std: ArrayLike<number>;
}

/**
 * Write a trained `'feature-points'` pose model to `dir`: its convolutions and temperature
 * (`conv.json`, `conv.bin`), its head and the label standardisation (`pose-head.json`,
 * `pose-head.bin`).
 *
 * @throws InvalidArgumentError for another architecture, or a standardisation that is not
 *   `[dPose]` finite numbers with positive std
 */
export function savePoseEstimator(
  dir: string,
  model: PoseModel,
  standardisation: PoseStandardisation,
  meta?: Record<string, unknown>,
): PoseHeadFile {
  if (model.architecture !== 'feature-points') {
    throw new InvalidArgumentError(
      'model.architecture',
      "'feature-points' (only the feature-point head is saved as a pose estimator)",
      model.architecture,
    );
  }
  const kernels = model.head.filter((w) => w.name.endsWith('/kernel'));
  const dPose = kernels[kernels.length - 1].variable.shape[1] as number;
  const mean = Array.from(standardisation.mean);
  const std = Array.from(standardisation.std);
  if (mean.length !== dPose || !mean.every(Number.isFinite)) {
    throw new InvalidArgumentError('standardisation.mean', `${dPose} finite numbers`, mean);
  }
  if (std.length !== dPose || !std.every((s) => Number.isFinite(s) && s >= 0)) {
    throw new InvalidArgumentError(
      'standardisation.std',
      `${dPose} non-negative numbers (0: a constant dimension)`,
      std,
    );
  }
  saveConvWeights(dir, model.trunk, meta);
  const total = model.head.reduce((a, w) => a + w.variable.size, 0);
  const buf = new Float32Array(total);
  const weights: PoseHeadFile['weights'] = [];
  let off = 0;
  for (const w of model.head) {
    buf.set(w.variable.dataSync() as Float32Array, off);
    weights.push({ name: w.name, shape: [...w.variable.shape], offset: off });
    off += w.variable.size;
  }
  const file: PoseHeadFile = {
    format: POSE_HEAD_FORMAT,
    version: 1,
    dPose,
    hidden: kernels.slice(0, -1).map((k) => k.variable.shape[1] as number),
    weights,
    mean,
    std,
    ...(meta ? { meta } : {}),
  };
  writeFileSync(join(dir, 'pose-head.json'), `${JSON.stringify(file, null, 2)}\n`);
  writeFileSync(
    join(dir, 'pose-head.bin'),
    Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength),
  );
  return file;
}

/**
 * A pose estimator loaded by {@link loadPoseEstimator}: images in, poses in label units out.
 */
export class PoseEstimator {
  /** Pose dimension. */
  readonly dPose: number;
  /** Entries of one channels-first image, `C · H · W`. */
  readonly imageSize: number;

  constructor(
    private readonly trunk: VisuomotorCnn,
    private readonly regressor: PoseRegressor,
    readonly head: PoseHeadFile,
    readonly conv: ConvWeightsFile,
  ) {
    this.dPose = head.dPose;
    this.imageSize = trunk.imageSize;
  }

  /**
   * Poses `[B, dPose]` (label units: standardisation undone; constant dimensions, `std` 0,
   * exactly their `mean`) of images `[B, C·H·W]` (channels first, values in [0, 1], as in an
   * `RGB_IMAGE` observation).
   */
  predict(images: Float32Array | Float64Array, B: number): Float64Array {
    assertShape('images', images, [B, this.imageSize]);
    const p = this.regressor.predict(images, B);
    const { mean, std } = this.head;
    for (let i = 0; i < p.length; i++) {
      const k = i % this.dPose;
      p[i] = std[k] === 0 ? mean[k] : p[i] * std[k] + mean[k];
    }
    return p;
  }

  /** Release the tensors. */
  dispose(): void {
    this.regressor.dispose();
    this.trunk.dispose();
  }
}

/**
 * Load a pose estimator written by {@link savePoseEstimator} (the tfjs backend must be
 * initialised).
 *
 * @throws PolicyFormatError when files are missing, of another format, or do not fit together
 */
export function loadPoseEstimator(dir: string): PoseEstimator {
  let head: PoseHeadFile;
  let conv: ConvWeightsFile;
  let bin: Buffer;
  try {
    head = JSON.parse(readFileSync(join(dir, 'pose-head.json'), 'utf8')) as PoseHeadFile;
    conv = JSON.parse(readFileSync(join(dir, 'conv.json'), 'utf8')) as ConvWeightsFile;
    bin = readFileSync(join(dir, 'pose-head.bin'));
  } catch (e) {
    throw new PolicyFormatError(`cannot read a pose estimator in ${dir}: ${(e as Error).message}`, {
      dir,
    });
  }
  if (head.format !== POSE_HEAD_FORMAT || head.version !== 1) {
    throw new PolicyFormatError(`${dir}/pose-head.json: not a ${POSE_HEAD_FORMAT} v1 file`, {
      dir,
      format: head.format,
      version: head.version,
    });
  }
  const config = visuomotorCnn({
    image: conv.image,
    conv: conv.conv,
    padding: conv.padding,
    hidden: [],
  });
  const { width, height, channels } = config.image;
  const trunk = new VisuomotorCnn(config, width * height * channels, 1, 0);
  let regressor: PoseRegressor | undefined;
  try {
    loadConvWeights(dir, trunk);
    regressor = new PoseRegressor(trunk, { dPose: head.dPose, hidden: head.hidden });
    const data = new Float32Array(
      bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    );
    const ws = regressor.headWeights;
    if (ws.length !== head.weights.length) {
      throw new PolicyFormatError(
        `${dir}: ${head.weights.length} head weights, the head has ${ws.length}`,
        { dir },
      );
    }
    ws.forEach((w, i) => {
      const e = head.weights[i];
      const size = e.shape.reduce((a, b) => a * b, 1);
      const same =
        e.name === w.name &&
        e.shape.length === w.variable.shape.length &&
        e.shape.every((s, k) => s === w.variable.shape[k]);
      if (!same || e.offset + size > data.length) {
        throw new PolicyFormatError(
          `${dir}: head weight ${e.name} [${e.shape.join(', ')}] does not fit ${w.name} [${w.variable.shape.join(', ')}]`,
          { dir, file: e },
        );
      }
      tf.tidy(() =>
        w.variable.assign(tf.tensor(data.subarray(e.offset, e.offset + size), w.variable.shape)),
      );
    });
    return new PoseEstimator(trunk, regressor, head, conv);
  } catch (e) {
    regressor?.dispose();
    trunk.dispose();
    throw e;
  }
}
