/**
 * A minimal PNG writer (8-bit RGB, zlib from `node:zlib`) for figures, so this package needs
 * no image dependency.
 *
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deflateSync } from 'node:zlib';
import { InvalidArgumentError } from '@visuomotor/contracts';

/** An 8-bit RGB image, rows top to bottom, `rgb` `[height, width, 3]`. */
export interface RgbImage8 {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** The 8-byte PNG signature every PNG file starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the PNG / zlib polynomial). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** PNG bytes of an RGB image. */
export function encodePngRgb(img: RgbImage8): Buffer {
  const { width: W, height: H, rgb } = img;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W < 1 || H < 1 || rgb.length !== W * H * 3) {
    throw new InvalidArgumentError('image', 'positive integer size and rgb of width*height*3', {
      width: W,
      height: H,
      length: rgb.length,
    });
  }
  const raw = Buffer.alloc(H * (3 * W + 1));
  for (let y = 0; y < H; y++) {
    raw[y * (3 * W + 1)] = 0; // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * 3 * W, 3 * W).copy(raw, y * (3 * W + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(W, 0);
  ihdr.writeUInt32BE(H, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from(PNG_SIGNATURE),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Write an RGB image as a PNG file (creating the directory). */
export function savePngRgb(path: string, img: RgbImage8): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodePngRgb(img));
}
