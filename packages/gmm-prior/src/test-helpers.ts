/**
 * Deterministic data generators shared by the tests (not exported by the package).
 *
 * @internal
 */
import { Xoshiro128 } from './rng.js';

/** Standard normal draws (Box-Muller on xoshiro128**). */
export class Normal {
  private readonly rng: Xoshiro128;
  private spare: number | null = null;
  constructor(seed: number) {
    this.rng = new Xoshiro128(seed);
  }
  next(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.rng.nextFloat();
    const v = this.rng.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  fill(n: number, scale = 1): Float64Array {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = scale * this.next();
    return a;
  }
}

/** Points from well-separated spherical clusters: centers[k] + std·N(0, I). */
export function clusteredData(
  centers: number[][],
  perCluster: number,
  std: number,
  seed: number,
): { data: Float64Array; labels: Int32Array; N: number; D: number } {
  const g = new Normal(seed);
  const D = centers[0].length;
  const N = centers.length * perCluster;
  const data = new Float64Array(N * D);
  const labels = new Int32Array(N);
  let p = 0;
  for (let k = 0; k < centers.length; k++) {
    for (let i = 0; i < perCluster; i++, p++) {
      labels[p] = k;
      for (let a = 0; a < D; a++) data[p * D + a] = centers[k][a] + std * g.next();
    }
  }
  return { data, labels, N, D };
}

/**
 * Linear system x_{t+1} = A x_t + B u_t + c + noise, rollouts with random actions.
 * Returns X `[N, T, dX]`, U `[N, T, dU]`.
 */
export function linearRollouts(
  A: number[][],
  B: number[][],
  c: number[],
  N: number,
  T: number,
  noise: number,
  x0noise: number,
  seed: number,
): { X: Float64Array; U: Float64Array; dX: number; dU: number } {
  const g = new Normal(seed);
  const dX = A.length;
  const dU = B[0].length;
  const X = new Float64Array(N * T * dX);
  const U = new Float64Array(N * T * dU);
  for (let n = 0; n < N; n++) {
    for (let a = 0; a < dX; a++) X[n * T * dX + a] = 0.5 + x0noise * g.next();
    for (let t = 0; t < T; t++) {
      const xo = (n * T + t) * dX;
      const uo = (n * T + t) * dU;
      for (let b = 0; b < dU; b++) U[uo + b] = g.next();
      if (t === T - 1) break;
      for (let a = 0; a < dX; a++) {
        let v = c[a] + noise * g.next();
        for (let b = 0; b < dX; b++) v += A[a][b] * X[xo + b];
        for (let b = 0; b < dU; b++) v += B[a][b] * U[uo + b];
        X[xo + dX + a] = v;
      }
    }
  }
  return { X, U, dX, dU };
}
