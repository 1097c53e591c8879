import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { type ConvPad, conv2dFilterGrad, conv2dInputGrad } from './conv-grad.js';
import { maxAbs, maxAbsDiff, randn } from './test-utils.js';

interface Case {
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: number;
  pad: ConvPad;
}

const cases: Case[] = [
  { x: [2, 9, 9, 3], k: 3, co: 4, stride: 1, pad: 'valid' },
  { x: [2, 11, 10, 3], k: 3, co: 5, stride: 2, pad: 'valid' },
  { x: [1, 12, 12, 2], k: 4, co: 3, stride: 2, pad: 'valid' }, // unused last row/column
  { x: [3, 17, 17, 3], k: 7, co: 6, stride: 2, pad: 'valid' }, // the paper's first layer, small
  { x: [2, 9, 8, 3], k: 3, co: 4, stride: 1, pad: 'same' },
  { x: [2, 10, 9, 2], k: 5, co: 3, stride: 2, pad: 'same' },
  { x: [1, 7, 7, 2], k: 3, co: 2, stride: 3, pad: 'same' },
];

/** Gradients of Σ conv2d(x, w) ⊙ r with respect to x and w on the active backend. */
function grads(c: Case, xs: Float32Array, ws: Float32Array, rs: Float32Array) {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, c.x);
    const w = tf.tensor4d(ws, [c.k, c.k, c.x[3], c.co]);
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const r = tf.tensor(rs, y.shape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)),
    );
    const [dx, dw] = g([x, w]);
    return { dx: dx.dataSync().slice(), dw: dw.dataSync().slice(), yShape: y.shape };
  });
}

describe('conv2d gradients from forward convolutions', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm', 'cpu'] });
  });

  for (const c of cases) {
    const label = `x ${c.x.join('x')}, ${c.k}x${c.k}, stride ${c.stride}, ${c.pad}`;
    it(`wasm matches the cpu backend's kernels: ${label}`, async () => {
      const xs = randn(
        c.x.reduce((a, b) => a * b, 1),
        1,
      );
      const ws = randn(c.k * c.k * c.x[3] * c.co, 2);
      await tf.setBackend('cpu');
      const yShape = tf.tidy(
        () =>
          tf.conv2d(
            tf.tensor4d(xs, c.x),
            tf.tensor4d(ws, [c.k, c.k, c.x[3], c.co]),
            c.stride,
            c.pad,
          ).shape,
      );
      const rs = randn(
        yShape.reduce((a, b) => a * b, 1),
        3,
      );
      const ref = grads(c, xs, ws, rs);
      // The composite formulas on the cpu backend, called directly.
      const direct = tf.tidy(() => {
        const x = tf.tensor4d(xs, c.x);
        const w = tf.tensor4d(ws, [c.k, c.k, c.x[3], c.co]);
        const dy = tf.tensor4d(rs, yShape as [number, number, number, number]);
        return {
          dx: conv2dInputGrad(c.x, w, dy, c.stride, c.pad).dataSync().slice(),
          dw: conv2dFilterGrad(x, dy, [c.k, c.k, c.x[3], c.co], c.stride, c.pad).dataSync().slice(),
        };
      });
      await tf.setBackend('wasm');
      const ours = grads(c, xs, ws, rs);
      const tol = 1e-4 * Math.max(1, maxAbs(ref.dw), maxAbs(ref.dx));
      expect(ours.dx.length).toBe(ref.dx.length);
      expect(ours.dw.length).toBe(ref.dw.length);
      expect(maxAbsDiff(ours.dx, ref.dx)).toBeLessThan(tol);
      expect(maxAbsDiff(ours.dw, ref.dw)).toBeLessThan(tol);
      expect(maxAbsDiff(direct.dx, ref.dx)).toBeLessThan(tol);
      expect(maxAbsDiff(direct.dw, ref.dw)).toBeLessThan(tol);
    });
  }
});
