/**
 * A tiny reader of the shared reference fixtures for this package's tests (the conformance
 * runner is private, so it is not imported). Fixtures dir: $GPS_FIXTURES, else
 * ../shared/fixtures/gps-reference beside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES =
  process.env.GPS_FIXTURES ??
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/gps-reference');

export function hasFixture(name: string): boolean {
  return existsSync(resolve(FIXTURES, name));
}

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON
export type Fx = any;

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.__ndarray__ === true) {
      const b = Buffer.from(o.b64 as string, 'base64');
      const n = b.length / 8;
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        data[i] = o.dtype === 'int64' ? Number(b.readBigInt64LE(i * 8)) : b.readDoubleLE(i * 8);
      }
      return Object.assign(data, { shape: o.shape as number[] });
    }
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(o)) out[k] = decode(val);
    return out;
  }
  return v;
}

/** Read a fixture; arrays become Float64Array (with a `shape` property). */
export function loadFixture(name: string): Fx {
  return decode(JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')));
}

/** A number stored as a number or a 1-element array. */
export function scalar(v: unknown): number {
  return typeof v === 'number' ? v : (v as Float64Array)[0];
}

/** Largest |a − b| / max|b|. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return a.length === b.length ? err / (scale || 1) : Number.POSITIVE_INFINITY;
}
