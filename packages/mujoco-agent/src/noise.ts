/**
 * Seeded random numbers and the reference's temporally smoothed action noise.
 *
 * @packageDocumentation
 */

/**
 * A seeded generator (xoshiro128**, seeded through splitmix32): the same seed gives the same
 * stream on every thread and platform.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    // Mix the high part of non-32-bit seeds in too.
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.a = next() ^ hi;
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal deviate (Box-Muller, both values used). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * v;
    this.spare = r * Math.sin(th);
    this.hasSpare = true;
    return r * Math.cos(th);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Smoothing of the action noise (cbfinn/gps `generate_noise`). */
export interface NoiseOptions {
  /** Apply a Gaussian filter over time. Default true. */
  smooth?: boolean;
  /**
   * Standard deviation (in steps) of the filter; the reference calls it `smooth_noise_var`
   * and passes it to `gaussian_filter` as sigma. Default 2.
   */
  smoothVar?: number;
  /** Rescale each dimension to unit variance after smoothing. Default true. */
  renormalize?: boolean;
}

/** 1-D Gaussian kernel as scipy's `gaussian_filter1d` builds it (truncate = 4). */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.floor(4 * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigma * sigma));
    w[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return w;
}

/** scipy 'reflect' boundary: (d c b a | a b c d | d c b a). */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/**
 * Standard normal action noise `[T, dU]` from `rng`, smoothed over time per dimension and
 * renormalised to unit variance (the reference's `generate_noise`).
 *
 * @param out - optional output `[T, dU]`
 */
export function generateNoise(
  T: number,
  dU: number,
  rng: Rng,
  opts: NoiseOptions = {},
  out: Float64Array = new Float64Array(T * dU),
): Float64Array {
  for (let i = 0; i < T * dU; i++) out[i] = rng.normal();
  const smooth = opts.smooth ?? true;
  const sigma = opts.smoothVar ?? 2;
  if (!smooth || sigma <= 0 || T < 2) return out;
  const w = gaussianKernel(sigma);
  const r = (w.length - 1) >> 1;
  const col = new Float64Array(T);
  for (let j = 0; j < dU; j++) {
    for (let t = 0; t < T; t++) {
      let acc = 0;
      for (let k = -r; k <= r; k++) acc += w[k + r] * out[reflectIndex(t + k, T) * dU + j];
      col[t] = acc;
    }
    if (opts.renormalize ?? true) {
      let mean = 0;
      for (let t = 0; t < T; t++) mean += col[t];
      mean /= T;
      let v = 0;
      for (let t = 0; t < T; t++) v += (col[t] - mean) * (col[t] - mean);
      v /= T;
      const s = v > 0 ? 1 / Math.sqrt(v) : 1;
      for (let t = 0; t < T; t++) out[t * dU + j] = col[t] * s;
    } else {
      for (let t = 0; t < T; t++) out[t * dU + j] = col[t];
    }
  }
  return out;
}
