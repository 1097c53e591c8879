import { assertSquare } from './blas.js';
import { SingularMatrixError } from './errors.js';
import { copy, Mat } from './mat.js';

/**
 * LU factorisation with partial pivoting, P A = L U, in place (LAPACK getrf's algorithm:
 * the pivot is the first entry of largest magnitude in the column).
 *
 * @param A - `[n, n]`, overwritten by L (unit diagonal, below) and U (on and above)
 * @param piv - `[n]` row interchanges: row i was swapped with row piv[i]
 * @returns 0 on success, else 1 + the column whose pivot is exactly zero
 */
export function luFactor(A: Mat, piv: Int32Array): number {
  assertSquare('luFactor', A);
  const n = A.rows;
  if (piv.length < n) throw new RangeError(`luFactor: piv has ${piv.length} entries, need ${n}`);
  const a = A.data;
  const o = A.offset;
  const s = A.stride;
  let info = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[o + k * s + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[o + i * s + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = p;
    if (best === 0) {
      if (info === 0) info = k + 1;
      continue;
    }
    if (p !== k) {
      const rk = o + k * s;
      const rp = o + p * s;
      for (let j = 0; j < n; j++) {
        const t = a[rk + j];
        a[rk + j] = a[rp + j];
        a[rp + j] = t;
      }
    }
    const rk = o + k * s;
    const inv = 1 / a[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = o + i * s;
      const lik = a[ri + k] * inv;
      a[ri + k] = lik;
      if (lik === 0) continue;
      for (let j = k + 1; j < n; j++) a[ri + j] -= lik * a[rk + j];
    }
  }
  return info;
}

/**
 * Solve A X = B in place from {@link luFactor}'s output.
 *
 * @param LU - `[n, n]` factors
 * @param piv - `[n]` pivots
 * @param B - `[n, m]`, overwritten by X
 */
export function luSolve(LU: Mat, piv: Int32Array, B: Mat): Mat {
  const n = LU.rows;
  const b = B.data;
  const bo = B.offset;
  const bs = B.stride;
  const m = B.cols;
  for (let i = 0; i < n; i++) {
    const p = piv[i];
    if (p !== i) {
      for (let c = 0; c < m; c++) {
        const t = b[bo + i * bs + c];
        b[bo + i * bs + c] = b[bo + p * bs + c];
        b[bo + p * bs + c] = t;
      }
    }
  }
  const a = LU.data;
  const o = LU.offset;
  const s = LU.stride;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const l = a[o + i * s + j];
      if (l === 0) continue;
      for (let c = 0; c < m; c++) b[bo + i * bs + c] -= l * b[bo + j * bs + c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) {
      const u = a[o + i * s + j];
      if (u === 0) continue;
      for (let c = 0; c < m; c++) b[bo + i * bs + c] -= u * b[bo + j * bs + c];
    }
    const inv = 1 / a[o + i * s + i];
    for (let c = 0; c < m; c++) b[bo + i * bs + c] *= inv;
  }
  return B;
}

/**
 * Solve the square system A X = B (numpy.linalg.solve's semantics: LU with partial pivoting,
 * an error on an exactly zero pivot).
 *
 * @param A - `[n, n]` (not modified)
 * @param B - `[n, m]` (not modified)
 * @param out - `[n, m]` solution (written)
 * @throws {@link SingularMatrixError} when a pivot is exactly zero
 */
export function solve(A: Mat, B: Mat, out: Mat = Mat.zeros(B.rows, B.cols)): Mat {
  assertSquare('solve', A);
  if (B.rows !== A.rows)
    throw new RangeError(`solve: B has ${B.rows} rows, A is ${A.rows}x${A.rows}`);
  const LU = A.clone();
  const piv = new Int32Array(A.rows);
  const info = luFactor(LU, piv);
  if (info !== 0) throw new SingularMatrixError('solve', info - 1, A.rows);
  if (out !== B) copy(B, out);
  return luSolve(LU, piv, out);
}

/** Determinant through LU (0 for a matrix with an exactly zero pivot). */
export function det(A: Mat): number {
  assertSquare('det', A);
  const LU = A.clone();
  const piv = new Int32Array(A.rows);
  if (luFactor(LU, piv) !== 0) return 0;
  let d = 1;
  for (let i = 0; i < A.rows; i++) {
    d *= LU.get(i, i);
    if (piv[i] !== i) d = -d;
  }
  return d;
}
