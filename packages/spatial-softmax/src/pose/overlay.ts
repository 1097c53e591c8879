/**
 * Pictures of learned feature points over camera frames (the paper's Figures 10-11): each
 * channel's expected position (spatial soft-argmax) drawn as a coloured dot on the image.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertShape, InvalidArgumentError } from '@visuomotor/contracts';
import type { VisuomotorCnn, VisuomotorCnnConfig } from '../networks.js';
import type { RgbImage8 } from './png.js';

/**
 * Feature points `[B, 2F]` (interleaved x, y in the network's coordinates) of images
 * `[B, C*H*W]` (channels first).
 */
export function featurePointsOf(
  cnn: VisuomotorCnn,
  images: Float32Array | Float64Array,
  B: number,
): Float64Array {
  const { width, height, channels } = cnn.config.image;
  const size = cnn.imageSize;
  assertShape('images', images, [B, size]);
  const F = cnn.numFeaturePoints;
  const out = new Float64Array(B * 2 * F);
  for (let r0 = 0; r0 < B; r0 += 16) {
    const rows = Math.min(16, B - r0);
    const buf = Float32Array.from(images.subarray(r0 * size, (r0 + rows) * size));
    const fp = tf.tidy(() =>
      cnn.featurePointsOfImages(
        tf.transpose(tf.tensor4d(buf, [rows, channels, height, width]), [0, 2, 3, 1]),
      ),
    );
    out.set(fp.dataSync(), r0 * 2 * F);
    fp.dispose();
  }
  return out;
}

/**
 * Image pixel positions `[F, 2]` (column, row; pixel centres at integers) of feature points
 * `[2F]`: from the network's coordinates to the last map's (fractional) indices, then back
 * through each convolution to the centre of its receptive field in the input image.
 */
export function featurePointPixels(
  config: VisuomotorCnnConfig,
  mapSize: readonly [number, number],
  fp: ArrayLike<number>,
): Float64Array {
  if (fp.length % 2 !== 0)
    throw new InvalidArgumentError('fp', 'an even length (x, y pairs)', fp.length);
  const [h, w] = mapSize;
  // Input size of every layer, to undo 'same' padding.
  const sizes: [number, number][] = [[config.image.height, config.image.width]];
  for (const c of config.conv) {
    const [ih, iw] = sizes[sizes.length - 1];
    sizes.push(
      config.padding === 'same'
        ? [Math.ceil(ih / c.stride), Math.ceil(iw / c.stride)]
        : [Math.floor((ih - c.kernel) / c.stride) + 1, Math.floor((iw - c.kernel) / c.stride) + 1],
    );
  }
  const F = fp.length / 2;
  const out = new Float64Array(2 * F);
  for (let f = 0; f < F; f++) {
    const a = fp[2 * f];
    const b = fp[2 * f + 1];
    let col: number;
    let row: number;
    if (config.coords === 'reference') {
      row = a * h + h / 2;
      col = b * w + w / 2;
    } else {
      col = ((a + 1) / 2) * (w - 1);
      row = ((b + 1) / 2) * (h - 1);
    }
    for (let l = config.conv.length - 1; l >= 0; l--) {
      const c = config.conv[l];
      let padR = 0;
      let padC = 0;
      if (config.padding === 'same') {
        const [ih, iw] = sizes[l];
        const [oh, ow] = sizes[l + 1];
        padR = Math.floor(Math.max((oh - 1) * c.stride + c.kernel - ih, 0) / 2);
        padC = Math.floor(Math.max((ow - 1) * c.stride + c.kernel - iw, 0) / 2);
      }
      row = c.stride * row + (c.kernel - 1) / 2 - padR;
      col = c.stride * col + (c.kernel - 1) / 2 - padC;
    }
    out[2 * f] = col;
    out[2 * f + 1] = row;
  }
  return out;
}

/** A distinct colour per channel (hue wheel). */
export function channelColour(f: number, F: number): [number, number, number] {
  const hue = (f / Math.max(F, 1)) * 6;
  const x = 1 - Math.abs((hue % 2) - 1);
  const [r, g, b] =
    hue < 1
      ? [1, x, 0]
      : hue < 2
        ? [x, 1, 0]
        : hue < 3
          ? [0, 1, x]
          : hue < 4
            ? [0, x, 1]
            : hue < 5
              ? [x, 0, 1]
              : [1, 0, x];
  return [Math.round(255 * r), Math.round(255 * g), Math.round(255 * b)];
}

/** Options of {@link featurePointOverlay}. */
export interface OverlayOptions {
  /** Upscaling of the image (nearest neighbour, default 4). */
  scale?: number;
  /** Dot radius in output pixels (default 3). */
  radius?: number;
  /** Channels to draw (default all). */
  channels?: readonly number[];
  /** Extra points `[2P]` (column, row in image pixels) drawn as white-ringed black crosses, e.g. the true target. */
  marks?: ArrayLike<number>;
}

/**
 * The image `[3, H, W]` in [0, 1] (channels first) upscaled `scale` times, with a dot of
 * channel f's colour (black outline) at each feature point's pixel position `[F, 2]`
 * (from {@link featurePointPixels}).
 */
export function featurePointOverlay(
  image: ArrayLike<number>,
  width: number,
  height: number,
  pixels: ArrayLike<number>,
  opts: OverlayOptions = {},
): RgbImage8 {
  assertShape('image', image, [3, height, width]);
  const s = opts.scale ?? 4;
  const rad = opts.radius ?? 3;
  if (!Number.isInteger(s) || s < 1)
    throw new InvalidArgumentError('scale', 'a positive integer', s);
  const W = width * s;
  const H = height * s;
  const rgb = new Uint8Array(W * H * 3);
  const npx = width * height;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = Math.floor(y / s) * width + Math.floor(x / s);
      for (let c = 0; c < 3; c++) {
        rgb[3 * (y * W + x) + c] = Math.round(255 * Math.min(1, Math.max(0, image[c * npx + p])));
      }
    }
  }
  const put = (x: number, y: number, col: readonly number[]) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const o = 3 * (y * W + x);
    rgb[o] = col[0];
    rgb[o + 1] = col[1];
    rgb[o + 2] = col[2];
  };
  const F = pixels.length / 2;
  const chans = opts.channels ?? Array.from({ length: F }, (_, f) => f);
  for (const f of chans) {
    const cx = (pixels[2 * f] + 0.5) * s;
    const cy = (pixels[2 * f + 1] + 0.5) * s;
    const col = channelColour(f, F);
    for (let dy = -rad - 1; dy <= rad + 1; dy++) {
      for (let dx = -rad - 1; dx <= rad + 1; dx++) {
        const d = Math.hypot(dx, dy);
        if (d <= rad) put(Math.round(cx + dx), Math.round(cy + dy), col);
        else if (d <= rad + 1) put(Math.round(cx + dx), Math.round(cy + dy), [0, 0, 0]);
      }
    }
  }
  const marks = opts.marks ?? [];
  for (let m = 0; m + 1 < marks.length; m += 2) {
    const cx = Math.round((marks[m] + 0.5) * s);
    const cy = Math.round((marks[m + 1] + 0.5) * s);
    for (let d = -2 * rad; d <= 2 * rad; d++) {
      for (const e of [-1, 0, 1]) {
        put(cx + d, cy + e, Math.abs(e) === 1 ? [255, 255, 255] : [0, 0, 0]);
        put(cx + e, cy + d, Math.abs(e) === 1 ? [255, 255, 255] : [0, 0, 0]);
      }
    }
  }
  return { width: W, height: H, rgb };
}

/** Images side by side in rows of `perRow`, with a white gap. */
export function imageGrid(images: readonly RgbImage8[], perRow: number, gap = 4): RgbImage8 {
  if (images.length === 0) throw new InvalidArgumentError('images', 'at least one image', 0);
  const cw = Math.max(...images.map((i) => i.width));
  const ch = Math.max(...images.map((i) => i.height));
  const cols = Math.min(perRow, images.length);
  const rows = Math.ceil(images.length / cols);
  const W = cols * cw + (cols - 1) * gap;
  const H = rows * ch + (rows - 1) * gap;
  const rgb = new Uint8Array(W * H * 3).fill(255);
  images.forEach((img, k) => {
    const x0 = (k % cols) * (cw + gap);
    const y0 = Math.floor(k / cols) * (ch + gap);
    for (let y = 0; y < img.height; y++) {
      rgb.set(
        img.rgb.subarray(3 * y * img.width, 3 * (y + 1) * img.width),
        3 * ((y0 + y) * W + x0),
      );
    }
  });
  return { width: W, height: H, rgb };
}
