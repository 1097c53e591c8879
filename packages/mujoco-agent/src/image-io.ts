/**
 * Images for people: PNG frames, animated GIFs and image strips of rollouts.
 *
 * @packageDocumentation
 */
/// <reference path="./gifenc.d.ts" />
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError } from '@visuomotor/contracts';
import * as gifencNs from 'gifenc';
import { PNG } from 'pngjs';

// gifenc is CommonJS (Node's ESM import gives the exports object as `default`) with an ESM
// build (bundlers and vitest give named exports, and `default` is GIFEncoder itself).
const gifenc: typeof gifencNs.default =
  typeof (gifencNs as { GIFEncoder?: unknown }).GIFEncoder === 'function'
    ? gifencNs
    : gifencNs.default;

/** An RGB image `[H, W, 3]`, row 0 at the top. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

function checkImage(img: RgbImage, what = 'image'): void {
  if (img.rgb.length !== img.width * img.height * 3) {
    throw new InvalidArgumentError(
      `${what}.rgb`,
      `${img.width * img.height * 3} bytes (${img.height}x${img.width}x3)`,
      img.rgb.length,
    );
  }
}

function toRgba(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    out[4 * i] = img.rgb[3 * i];
    out[4 * i + 1] = img.rgb[3 * i + 1];
    out[4 * i + 2] = img.rgb[3 * i + 2];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** Encode an RGB image as PNG bytes. */
export function encodePng(img: RgbImage): Buffer {
  checkImage(img);
  const png = new PNG({
    width: img.width,
    height: img.height,
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
  });
  Buffer.from(img.rgb.buffer, img.rgb.byteOffset, img.rgb.byteLength).copy(png.data);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}

/** Write an RGB image to a PNG file. */
export function savePng(path: string, img: RgbImage): void {
  writeFileSync(path, encodePng(img));
}

/** Decode PNG bytes to RGB. */
export function decodePng(bytes: Uint8Array): RgbImage {
  const png = PNG.sync.read(Buffer.from(bytes));
  const n = png.width * png.height;
  const rgb = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) {
    rgb[3 * i] = png.data[4 * i];
    rgb[3 * i + 1] = png.data[4 * i + 1];
    rgb[3 * i + 2] = png.data[4 * i + 2];
  }
  return { width: png.width, height: png.height, rgb };
}

/**
 * Encode frames as an animated GIF (one 256-colour palette per frame).
 *
 * @param delayMs - time per frame
 */
export function encodeGif(frames: readonly RgbImage[], delayMs = 50): Uint8Array {
  if (frames.length === 0) throw new InvalidArgumentError('frames', 'at least one frame', 0);
  const { width, height } = frames[0];
  const gif = gifenc.GIFEncoder();
  frames.forEach((f, i) => {
    checkImage(f, `frames[${i}]`);
    if (f.width !== width || f.height !== height)
      throw new InvalidArgumentError(
        `frames[${i}]`,
        `${width}x${height}`,
        `${f.width}x${f.height}`,
      );
    const rgba = toRgba(f);
    const palette = gifenc.quantize(rgba, 256);
    gif.writeFrame(gifenc.applyPalette(rgba, palette), width, height, { palette, delay: delayMs });
  });
  gif.finish();
  return gif.bytes();
}

/** Write frames to an animated GIF file. */
export function saveGif(path: string, frames: readonly RgbImage[], delayMs = 50): void {
  writeFileSync(path, encodeGif(frames, delayMs));
}

/** Lay frames side by side (one row, `gap` background pixels between them). */
export function imageStrip(frames: readonly RgbImage[], gap = 2): RgbImage {
  if (frames.length === 0) throw new InvalidArgumentError('frames', 'at least one frame', 0);
  const h = Math.max(...frames.map((f) => f.height));
  const w = frames.reduce((a, f) => a + f.width, 0) + gap * (frames.length - 1);
  const rgb = new Uint8Array(3 * w * h).fill(255);
  let x0 = 0;
  for (const f of frames) {
    checkImage(f);
    for (let i = 0; i < f.height; i++) {
      rgb.set(f.rgb.subarray(3 * i * f.width, 3 * (i + 1) * f.width), 3 * (i * w + x0));
    }
    x0 += f.width + gap;
  }
  return { width: w, height: h, rgb };
}

/**
 * Frame `t` of a recorded `RGB_IMAGE` stream (`[T, 3, H, W]` floats in [0, 1]) as an RGB image.
 */
export function frameFromSensor(
  data: Float64Array,
  t: number,
  width: number,
  height: number,
): RgbImage {
  const n = width * height;
  const base = t * 3 * n;
  if (base + 3 * n > data.length)
    throw new InvalidArgumentError('t', `a step within ${data.length / (3 * n)} frames`, t);
  const rgb = new Uint8Array(3 * n);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < n; p++) rgb[3 * p + c] = Math.round(data[base + c * n + p] * 255);
  }
  return { width, height, rgb };
}
