import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { featureCoordinates, spatialSoftmax, spatialSoftmaxMaps } from './spatial-softmax.js';
import { maxAbsDiff, randn } from './test-utils.js';

/** Float64 reference of the spatial soft-argmax of NHWC maps. */
function reference(
  a: Float32Array,
  shape: number[],
  alpha: number,
  coords: Float32Array,
): number[] {
  const [b, h, w, c] = shape;
  const out: number[] = [];
  for (let n = 0; n < b; n++) {
    for (let ch = 0; ch < c; ch++) {
      let mx = -Infinity;
      for (let p = 0; p < h * w; p++) mx = Math.max(mx, a[(n * h * w + p) * c + ch] / alpha);
      let z = 0;
      let fx = 0;
      let fy = 0;
      for (let p = 0; p < h * w; p++) {
        const e = Math.exp(a[(n * h * w + p) * c + ch] / alpha - mx);
        z += e;
        fx += e * coords[2 * p];
        fy += e * coords[2 * p + 1];
      }
      out.push(fx / z, fy / z);
    }
  }
  return out;
}

describe('spatialSoftmax', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm', 'cpu'] });
  });

  it('coordinates: centered spans [-1, 1] with x along columns; reference follows cbfinn/gps', () => {
    const c = featureCoordinates(3, 5);
    expect(Array.from(c.subarray(0, 2))).toEqual([-1, -1]); // pixel (0, 0)
    expect(Array.from(c.subarray(2 * 4, 2 * 4 + 2))).toEqual([1, -1]); // row 0, column 4
    expect(Array.from(c.subarray(2 * 14))).toEqual([1, 1]); // last pixel
    const r = featureCoordinates(4, 2, 'reference');
    // (i - H/2)/H along rows first, (j - W/2)/W along columns second.
    expect(Array.from(r.subarray(2 * 3, 2 * 3 + 2))).toEqual([(1 - 2) / 4, (1 - 1) / 2]);
  });

  it('matches a float64 reference, with and without temperature', () => {
    const shape = [2, 5, 6, 3];
    const a = randn(2 * 5 * 6 * 3, 7);
    for (const alpha of [1, 0.3, 2.5]) {
      for (const mode of ['centered', 'reference'] as const) {
        const fp = tf.tidy(() =>
          spatialSoftmax(
            tf.tensor4d(a, shape as [number, number, number, number]),
            alpha,
            mode,
          ).dataSync(),
        );
        const ref = reference(a, shape, alpha, featureCoordinates(5, 6, mode));
        expect(fp.length).toBe(2 * 3 * 2);
        expect(maxAbsDiff(fp, ref)).toBeLessThan(1e-5);
      }
    }
  });

  it('finds a sharp peak at its image position, and the centre of a flat map', () => {
    const h = 7;
    const w = 9;
    const a = new Float32Array(h * w * 2);
    a[(2 * w + 6) * 2 + 0] = 50; // channel 0: peak at row 2, column 6
    const fp = tf.tidy(() => spatialSoftmax(tf.tensor4d(a, [1, h, w, 2])).dataSync());
    expect(fp[0]).toBeCloseTo((2 * 6) / (w - 1) - 1, 5);
    expect(fp[1]).toBeCloseTo((2 * 2) / (h - 1) - 1, 5);
    expect(fp[2]).toBeCloseTo(0, 6); // channel 1 is flat
    expect(fp[3]).toBeCloseTo(0, 6);
    const maps = tf.tidy(() => spatialSoftmaxMaps(tf.tensor4d(a, [1, h, w, 2])).dataSync());
    expect(maps[2 * w + 6]).toBeGreaterThan(0.999);
    expect(maps[h * w]).toBeCloseTo(1 / (h * w), 6);
  });

  it('gradients with respect to the maps and the temperature match central differences', () => {
    const shape: [number, number, number, number] = [2, 4, 5, 3];
    const a = randn(2 * 4 * 5 * 3, 11);
    const r = randn(2 * 3 * 2, 12);
    const alpha0 = 0.8;
    const loss = (x: Float32Array, alpha: number): number =>
      tf.tidy(
        () =>
          tf
            .sum(tf.mul(spatialSoftmax(tf.tensor4d(x, shape), alpha), tf.tensor2d(r, [2, 6])))
            .dataSync()[0],
      );
    const [ga, gAlpha] = tf.tidy(() => {
      const g = tf.grads((x: tf.Tensor, al: tf.Tensor) =>
        tf.sum(tf.mul(spatialSoftmax(x as tf.Tensor4D, al as tf.Scalar), tf.tensor2d(r, [2, 6]))),
      );
      const [gx, gal] = g([tf.tensor4d(a, shape), tf.scalar(alpha0)]);
      return [gx.dataSync().slice(), gal.dataSync()[0]];
    }) as [Float32Array, number];
    const eps = 1e-2;
    for (const i of [0, 7, 23, 58, 101, 119]) {
      const p = a.slice();
      const m = a.slice();
      p[i] += eps;
      m[i] -= eps;
      const fd = (loss(p, alpha0) - loss(m, alpha0)) / (2 * eps);
      expect(Math.abs(fd - ga[i])).toBeLessThan(2e-3);
    }
    const fdAlpha = (loss(a, alpha0 + eps) - loss(a, alpha0 - eps)) / (2 * eps);
    expect(Math.abs(fdAlpha - gAlpha)).toBeLessThan(2e-3);
    expect(Math.abs(gAlpha)).toBeGreaterThan(1e-3); // the check is not vacuous
  });
});
