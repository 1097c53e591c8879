/**
 * Convolution gradients built from forward convolutions, for the wasm backend.
 *
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` kernel (so training any conv net throws)
 * and its `Conv2DBackpropInput` is a scalar loop. Both gradients are correlations again, so
 * they can be computed by the backend's XNNPACK `Conv2D`:
 *
 * - filter gradient: dW[a, b, ci, co] = Σ_{n,i,j} x_p[n, s_h i + a, s_w j + b, ci] dy[n, i, j, co],
 *   a stride-1 convolution of the transposed padded input `[Ci, Hp, Wp, N]` with the transposed
 *   output gradient `[Ho, Wo, N, Co]` used as a filter dilated by the stride;
 * - input gradient: the "full" correlation of the stride-dilated output gradient (zeros
 *   between rows and columns) with the spatially flipped filter, channels swapped.
 *
 * {@link registerConvGradients} installs a `Conv2D` gradient that uses these on the wasm
 * backend and delegates to tfjs-core's own gradient on every other backend.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';

/** Padding argument of `tf.conv2d`. */
export type ConvPad = 'valid' | 'same' | number;

interface ConvGeometry {
  top: number;
  bottom: number;
  left: number;
  right: number;
  outH: number;
  outW: number;
}

function geometry(
  xShape: readonly number[],
  fShape: readonly number[],
  strides: [number, number],
  pad: ConvPad,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    fShape as [number, number, number, number],
    strides,
    1,
    pad,
  );
  return {
    top: info.padInfo.top,
    bottom: info.padInfo.bottom,
    left: info.padInfo.left,
    right: info.padInfo.right,
    outH: info.outHeight,
    outW: info.outWidth,
  };
}

function pair(s: number | readonly number[]): [number, number] {
  return typeof s === 'number' ? [s, s] : [s[0], s[1] ?? s[0]];
}

/**
 * Gradient of `conv2d(x, filter, strides, pad)` (NHWC, no dilation) with respect to the filter,
 * from forward convolutions only.
 *
 * @param x - input `[N, H, W, Ci]`
 * @param dy - output gradient `[N, Ho, Wo, Co]`
 * @param filterShape - `[kh, kw, Ci, Co]`
 * @returns dW `[kh, kw, Ci, Co]`
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  strides: number | readonly number[],
  pad: ConvPad,
): tf.Tensor4D {
  const [sh, sw] = pair(strides);
  const [kh, kw, ci, co] = filterShape;
  const g = geometry(x.shape, filterShape, [sh, sw], pad);
  return tf.tidy(() => {
    let xp: tf.Tensor4D = x;
    if (g.top || g.bottom || g.left || g.right) {
      xp = tf.pad(x, [
        [0, 0],
        [g.top, g.bottom],
        [g.left, g.right],
        [0, 0],
      ]);
    }
    const xT = tf.transpose(xp, [3, 1, 2, 0]); // [Ci, Hp, Wp, N]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co] as a filter
    const r = tf.conv2d(xT, dyT as tf.Tensor4D, 1, 'valid', 'NHWC', [sh, sw]); // [Ci, >=kh, >=kw, Co]
    const rs =
      r.shape[1] === kh && r.shape[2] === kw ? r : tf.slice(r, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(rs, [1, 2, 0, 3]);
  });
}

/** Insert `s - 1` zeros between consecutive rows and columns: `[N, H, W, C]` → `[N, (H-1)sh+1, (W-1)sw+1, C]`. */
function strideDilate(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const e = tf.reshape(dy, [n, h, 1, w, 1, c]);
  const p = tf.pad(e, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const r = tf.reshape(p, [n, h * sh, w * sw, c]) as tf.Tensor4D;
  return tf.slice(r, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/**
 * Gradient of `conv2d(x, filter, strides, pad)` (NHWC, no dilation) with respect to the input,
 * from forward convolutions only.
 *
 * @param xShape - `[N, H, W, Ci]`
 * @param filter - `[kh, kw, Ci, Co]`
 * @param dy - output gradient `[N, Ho, Wo, Co]`
 * @returns dx `[N, H, W, Ci]`
 */
export function conv2dInputGrad(
  xShape: readonly [number, number, number, number],
  filter: tf.Tensor4D,
  dy: tf.Tensor4D,
  strides: number | readonly number[],
  pad: ConvPad,
): tf.Tensor4D {
  const [sh, sw] = pair(strides);
  const [n, h, w] = xShape;
  const [kh, kw] = filter.shape;
  const g = geometry(xShape, filter.shape, [sh, sw], pad);
  return tf.tidy(() => {
    const d = strideDilate(dy, sh, sw);
    const hd = d.shape[1];
    const wd = d.shape[2];
    // Full correlation: pad so that the valid output covers every (padded-away) input row.
    const top = kh - 1 - g.top;
    const left = kw - 1 - g.left;
    const bottom = h + kh - 1 - hd - top;
    const right = w + kw - 1 - wd - left;
    let dp: tf.Tensor4D = d;
    const pads: [number, number][] = [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ];
    if (pads[1][0] || pads[1][1] || pads[2][0] || pads[2][1]) dp = tf.pad(d, pads);
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      const t0 = Math.max(0, -top);
      const l0 = Math.max(0, -left);
      dp = tf.slice(dp, [0, t0, l0, 0], [n, h + kh - 1, w + kw - 1, dp.shape[3]]);
    }
    const wf = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, Co, Ci]
    return tf.conv2d(dp, wf, 1, 'valid');
  });
}

let registered = false;

/**
 * Install the `Conv2D` gradient that uses {@link conv2dFilterGrad} and {@link conv2dInputGrad}
 * on the wasm backend (NHWC, no dilation) and tfjs-core's gradient everywhere else. Call after
 * the core gradients are registered. Idempotent.
 */
export function registerConvGradients(): void {
  if (registered) return;
  const original = tf.getGradient(tf.Conv2D);
  if (!original) throw new Error('registerConvGradients: register the tfjs-core gradients first');
  tf.registerGradient({
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as {
        strides: number | [number, number];
        pad: ConvPad | 'explicit';
        dataFormat?: string;
        dilations?: number | [number, number];
        dimRoundingMode?: string;
      };
      const dil = pair(a.dilations ?? 1);
      const usable =
        tf.getBackend() === 'wasm' &&
        (a.dataFormat ?? 'NHWC') === 'NHWC' &&
        dil[0] === 1 &&
        dil[1] === 1 &&
        a.pad !== 'explicit' &&
        a.dimRoundingMode == null;
      if (!usable) return original.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const d = dy as tf.Tensor4D;
      const pad = a.pad as ConvPad;
      return {
        x: () =>
          conv2dInputGrad(x.shape as [number, number, number, number], filter, d, a.strides, pad),
        filter: () =>
          conv2dFilterGrad(x, d, filter.shape as [number, number, number, number], a.strides, pad),
      };
    },
  });
  registered = true;
}
