import fc from 'fast-check';
import { gemm } from './blas.js';
import { Mat } from './mat.js';

/** Deterministic generator (mulberry32) for reproducible test matrices. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random [rows, cols] matrix with entries in [-1, 1). */
export function randomMat(rows: number, cols: number, seed: number): Mat {
  const r = rng(seed);
  const m = Mat.zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = 2 * r() - 1;
  return m;
}

/**
 * A random SPD matrix Q diag(λ) Qᵀ with eigenvalues spread log-uniformly so that its
 * condition number is about `condition`.
 */
export function randomSpd(n: number, seed: number, condition = 10): Mat {
  const Q = randomOrthogonal(n, seed);
  const D = Mat.zeros(n, n);
  for (let i = 0; i < n; i++) D.data[i * n + i] = condition ** (n === 1 ? 0 : i / (n - 1));
  const QD = Mat.zeros(n, n);
  gemm(Q, D, QD);
  const S = Mat.zeros(n, n);
  gemm(QD, Q, S, false, true);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (S.get(i, j) + S.get(j, i));
      S.set(i, j, v);
      S.set(j, i, v);
    }
  }
  return S;
}

/** A random orthogonal matrix by Gram-Schmidt on a random matrix. */
export function randomOrthogonal(n: number, seed: number): Mat {
  const A = randomMat(n, n, seed);
  for (let j = 0; j < n; j++) {
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += A.get(i, j) * A.get(i, p);
      for (let i = 0; i < n; i++) A.set(i, j, A.get(i, j) - d * A.get(i, p));
    }
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += A.get(i, j) ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < n; i++) A.set(i, j, A.get(i, j) / nrm);
  }
  return A;
}

/** Max |A - B| over entries. */
export function maxDiff(A: Mat, B: Mat): number {
  let m = 0;
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < A.cols; j++) m = Math.max(m, Math.abs(A.get(i, j) - B.get(i, j)));
  }
  return m;
}

/** fast-check arbitrary of (n, seed) pairs for sizes 1..maxN. */
export const sizeAndSeed = (maxN = 60) =>
  fc.record({
    n: fc.integer({ min: 1, max: maxN }),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  });
