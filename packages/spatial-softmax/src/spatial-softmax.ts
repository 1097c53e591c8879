/**
 * Spatial soft-argmax (paper Section 4.2): a softmax over each channel's response map and the
 * expected image position under it, one feature point (x, y) per channel.
 *
 * s_cij = exp(a_cij / α) / Σ_i'j' exp(a_ci'j' / α),  f_c = (Σ_ij s_cij x_ij, Σ_ij s_cij y_ij)
 *
 * Built from differentiable tfjs-core ops, so the gradient (with respect to the maps and to a
 * learnable temperature α) comes from autodiff.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Image coordinates used for the expectation.
 *
 * - `'centered'` (default, the paper's description): x along columns, y along rows, both from
 *   -1 to 1, with x_j = 2j/(W-1) - 1 and y_i = 2i/(H-1) - 1.
 * - `'reference'` (cbfinn/gps `multi_modal_network_fp`): the first coordinate runs along
 *   **rows**, (i - H/2)/H, the second along columns, (j - W/2)/W, both in [-0.5, 0.5).
 */
export type FeatureCoords = 'centered' | 'reference';

/**
 * The coordinate table `[H*W, 2]` (row-major pixel order, columns = first and second feature
 * coordinate) for a map of `height` x `width`.
 */
export function featureCoordinates(
  height: number,
  width: number,
  coords: FeatureCoords = 'centered',
): Float32Array {
  const out = new Float32Array(height * width * 2);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const k = 2 * (i * width + j);
      if (coords === 'reference') {
        out[k] = (i - height / 2) / height;
        out[k + 1] = (j - width / 2) / width;
      } else {
        out[k] = width > 1 ? (2 * j) / (width - 1) - 1 : 0;
        out[k + 1] = height > 1 ? (2 * i) / (height - 1) - 1 : 0;
      }
    }
  }
  return out;
}

/**
 * Spatial soft-argmax of `features` `[B, H, W, C]` (NHWC).
 *
 * @param features - response maps `[B, H, W, C]`
 * @param temperature - α (a number or a scalar tensor, e.g. a trainable variable)
 * @param coordTable - optional precomputed {@link featureCoordinates} as a `[H*W, 2]` tensor
 * @returns feature points `[B, 2C]`, interleaved `(x_0, y_0, x_1, y_1, ...)`
 */
export function spatialSoftmax(
  features: tf.Tensor4D,
  temperature: number | tf.Scalar = 1,
  coords: FeatureCoords = 'centered',
  coordTable?: tf.Tensor2D,
): tf.Tensor2D {
  const [b, h, w, c] = features.shape;
  return tf.tidy(() => {
    const maps = tf.reshape(tf.transpose(features, [0, 3, 1, 2]), [b * c, h * w]);
    const scaled =
      typeof temperature === 'number' && temperature === 1 ? maps : tf.div(maps, temperature);
    const s = tf.softmax(scaled); // [B*C, H*W]
    const table = coordTable ?? tf.tensor2d(featureCoordinates(h, w, coords), [h * w, 2]);
    const fp = tf.matMul(s, table); // [B*C, 2]
    return tf.reshape(fp, [b, 2 * c]);
  });
}

/**
 * The softmax maps themselves `[B, C, H, W]` (for visualising what each feature point attends to).
 */
export function spatialSoftmaxMaps(
  features: tf.Tensor4D,
  temperature: number | tf.Scalar = 1,
): tf.Tensor4D {
  const [b, h, w, c] = features.shape;
  return tf.tidy(() => {
    const maps = tf.reshape(tf.transpose(features, [0, 3, 1, 2]), [b * c, h * w]);
    return tf.reshape(tf.softmax(tf.div(maps, temperature)), [b, c, h, w]);
  });
}
