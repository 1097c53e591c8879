/**
 * Pretrained convolution weights on disk: `conv.json` (format, convolution configuration,
 * weight names, shapes and offsets, temperature) and `conv.bin` (float32, little-endian), so
 * a visuomotor policy's convolution layers can start from pose pretraining.
 *
 * @packageDocumentation
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PolicyFormatError } from '../errors.js';
import type { ConvLayerConfig, VisuomotorCnn } from '../networks.js';

/** Format tag of `conv.json`. */
export const CONV_WEIGHTS_FORMAT = 'visuomotor-conv-weights';

/** Contents of `conv.json`. */
export interface ConvWeightsFile {
  format: typeof CONV_WEIGHTS_FORMAT;
  version: 1;
  image: { width: number; height: number; channels: number };
  conv: ConvLayerConfig[];
  padding: 'valid' | 'same';
  /** The softmax temperature α after training (a number, also when it was fixed). */
  temperature: number;
  weights: { name: string; shape: number[]; offset: number }[];
  /** Free-form provenance (task, data size, steps, seed, held-out error...). */
  meta?: Record<string, unknown>;
}

/**
 * Write a network's convolution kernels and biases (`conv{l}/kernel` `[k, k, Cin, Cout]`,
 * `conv{l}/bias`) and its temperature to `dir`.
 */
export function saveConvWeights(
  dir: string,
  cnn: VisuomotorCnn,
  meta?: Record<string, unknown>,
): ConvWeightsFile {
  mkdirSync(dir, { recursive: true });
  const entries: ConvWeightsFile['weights'] = [];
  const total = cnn.convWeights.reduce((a, w) => a + w.variable.size, 0);
  const buf = new Float32Array(total);
  let off = 0;
  for (const w of cnn.convWeights) {
    buf.set(w.variable.dataSync() as Float32Array, off);
    entries.push({ name: w.name, shape: [...w.variable.shape], offset: off });
    off += w.variable.size;
  }
  const temperature =
    typeof cnn.temperature === 'number' ? cnn.temperature : cnn.temperature.dataSync()[0];
  const file: ConvWeightsFile = {
    format: CONV_WEIGHTS_FORMAT,
    version: 1,
    image: { ...cnn.config.image },
    conv: cnn.config.conv.map((c) => ({ ...c })),
    padding: cnn.config.padding,
    temperature,
    weights: entries,
    ...(meta ? { meta } : {}),
  };
  writeFileSync(join(dir, 'conv.json'), `${JSON.stringify(file, null, 2)}\n`);
  writeFileSync(join(dir, 'conv.bin'), Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  return file;
}

/**
 * Load weights written by {@link saveConvWeights} into `cnn`'s convolution layers (and its
 * temperature, when trainable), e.g. `loadConvWeights(dir, opt.net as VisuomotorCnn)` before
 * the first policy update.
 *
 * @throws PolicyFormatError when the files are missing, of another format, or their
 *   convolution stack does not match `cnn`'s
 */
export function loadConvWeights(dir: string, cnn: VisuomotorCnn): ConvWeightsFile {
  let file: ConvWeightsFile;
  let bin: Buffer;
  try {
    file = JSON.parse(readFileSync(join(dir, 'conv.json'), 'utf8')) as ConvWeightsFile;
    bin = readFileSync(join(dir, 'conv.bin'));
  } catch (e) {
    throw new PolicyFormatError(`cannot read conv weights in ${dir}: ${(e as Error).message}`, {
      dir,
    });
  }
  if (file.format !== CONV_WEIGHTS_FORMAT || file.version !== 1) {
    throw new PolicyFormatError(`${dir}/conv.json: not a ${CONV_WEIGHTS_FORMAT} v1 file`, {
      dir,
      format: file.format,
      version: file.version,
    });
  }
  const data = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  if (file.weights.length !== cnn.convWeights.length) {
    throw new PolicyFormatError(
      `${dir}: ${file.weights.length} conv weights, the network has ${cnn.convWeights.length}`,
      { dir },
    );
  }
  cnn.convWeights.forEach((w, i) => {
    const e = file.weights[i];
    const same =
      e.name === w.name &&
      e.shape.length === w.variable.shape.length &&
      e.shape.every((s, k) => s === w.variable.shape[k]);
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (!same || e.offset + size > data.length) {
      throw new PolicyFormatError(
        `${dir}: weight ${e.name} [${e.shape.join(', ')}] does not fit ${w.name} [${w.variable.shape.join(', ')}]`,
        { dir, file: e, network: { name: w.name, shape: w.variable.shape } },
      );
    }
    tf.tidy(() =>
      w.variable.assign(tf.tensor(data.subarray(e.offset, e.offset + size), w.variable.shape)),
    );
  });
  if (typeof cnn.temperature !== 'number') {
    const t = cnn.temperature;
    tf.tidy(() => t.assign(tf.scalar(file.temperature)));
  }
  return file;
}
