import { assertSquare } from './blas.js';
import { NotPositiveDefiniteError } from './errors.js';
import { Mat } from './mat.js';

/**
 * Cholesky factorisation of a symmetric positive-definite A, reading one triangle only.
 * `upper = true` gives R with A = Rᵀ R (scipy's default); otherwise L with A = L Lᵀ.
 * The other triangle of `out` is set to zero. `out` may be `A` itself (in place).
 *
 * Does not throw on an indefinite matrix: the hot paths (LQR backward pass) branch on the
 * returned code.
 *
 * @param A - `[n, n]`
 * @param out - `[n, n]` factor (written)
 * @returns 0 on success, otherwise the order k (1-based) of the first leading minor that is
 *   not positive definite (LAPACK's `info` convention); `out` is then partly written.
 */
export function cholesky(A: Mat, out: Mat, upper = true): number {
  assertSquare('cholesky', A);
  if (out.rows !== A.rows || out.cols !== A.cols) {
    throw new RangeError(`cholesky: out is ${out.rows}x${out.cols}, expected ${A.rows}x${A.cols}`);
  }
  if (out !== A && (out.data !== A.data || out.offset !== A.offset)) copyTriangle(A, out, upper);
  const n = A.rows;
  const d = out.data;
  const o = out.offset;
  const s = out.stride;
  if (upper) {
    // R[j][i] for i >= j, row j of R built from rows p < j.
    for (let j = 0; j < n; j++) {
      const rj = o + j * s;
      let diag = d[rj + j];
      for (let p = 0; p < j; p++) {
        const v = d[o + p * s + j];
        diag -= v * v;
      }
      if (!(diag > 0)) return j + 1;
      const rjj = Math.sqrt(diag);
      d[rj + j] = rjj;
      const inv = 1 / rjj;
      for (let i = j + 1; i < n; i++) {
        let v = d[rj + i];
        for (let p = 0; p < j; p++) {
          const rp = o + p * s;
          v -= d[rp + j] * d[rp + i];
        }
        d[rj + i] = v * inv;
      }
      for (let i = 0; i < j; i++) d[rj + i] = 0;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const li = o + i * s;
      for (let j = 0; j <= i; j++) {
        const lj = o + j * s;
        let v = d[li + j];
        for (let p = 0; p < j; p++) v -= d[li + p] * d[lj + p];
        if (i === j) {
          if (!(v > 0)) return i + 1;
          d[li + i] = Math.sqrt(v);
        } else {
          d[li + j] = v / d[lj + j];
        }
      }
      for (let j = i + 1; j < n; j++) d[li + j] = 0;
    }
  }
  return 0;
}

/** {@link cholesky} that throws {@link NotPositiveDefiniteError} instead of returning a code. */
export function choleskyOrThrow(A: Mat, out: Mat = Mat.zeros(A.rows, A.cols), upper = true): Mat {
  const info = cholesky(A, out, upper);
  if (info !== 0) throw new NotPositiveDefiniteError('cholesky', info, A.rows);
  return out;
}

function copyTriangle(A: Mat, out: Mat, upper: boolean): void {
  const n = A.rows;
  for (let i = 0; i < n; i++) {
    const ai = A.offset + i * A.stride;
    const oi = out.offset + i * out.stride;
    if (upper) for (let j = i; j < n; j++) out.data[oi + j] = A.data[ai + j];
    else for (let j = 0; j <= i; j++) out.data[oi + j] = A.data[ai + j];
  }
}

/**
 * Solve op(T) X = B in place (B becomes X) for triangular T.
 *
 * @param T - `[n, n]` triangular; only the named triangle is read
 * @param B - `[n, m]` right-hand sides (overwritten by the solution)
 * @param lower - T is lower triangular (else upper)
 * @param trans - solve with Tᵀ
 * @param unitDiagonal - assume a unit diagonal
 */
export function solveTriangular(
  T: Mat,
  B: Mat,
  lower: boolean,
  trans = false,
  unitDiagonal = false,
): Mat {
  assertSquare('solveTriangular', T);
  const n = T.rows;
  if (B.rows !== n) throw new RangeError(`solveTriangular: B has ${B.rows} rows, expected ${n}`);
  const t = T.data;
  const to = T.offset;
  const ts = T.stride;
  const b = B.data;
  const bo = B.offset;
  const bs = B.stride;
  const m = B.cols;
  // op(T)[i][j] = trans ? T[j][i] : T[i][j]; op(T) is lower when lower XOR trans.
  const forward = lower !== trans;
  for (let step = 0; step < n; step++) {
    const i = forward ? step : n - 1 - step;
    const bi = bo + i * bs;
    const jStart = forward ? 0 : i + 1;
    const jEnd = forward ? i : n;
    for (let j = jStart; j < jEnd; j++) {
      const tij = trans ? t[to + j * ts + i] : t[to + i * ts + j];
      if (tij === 0) continue;
      const bj = bo + j * bs;
      for (let c = 0; c < m; c++) b[bi + c] -= tij * b[bj + c];
    }
    if (!unitDiagonal) {
      const inv = 1 / t[to + i * ts + i];
      for (let c = 0; c < m; c++) b[bi + c] *= inv;
    }
  }
  return B;
}

/**
 * Solve A X = B in place given the Cholesky factor of A.
 *
 * @param F - factor from {@link cholesky} (upper R with A = RᵀR, or lower L with A = LLᵀ)
 * @param B - `[n, m]` right-hand sides, overwritten by X
 * @param upper - F is the upper factor
 */
export function choleskySolve(F: Mat, B: Mat, upper = true): Mat {
  if (upper) {
    solveTriangular(F, B, false, true); // Rᵀ y = b
    solveTriangular(F, B, false, false); // R x = y  (F read as upper: lower=false)
  } else {
    solveTriangular(F, B, true, false); // L y = b
    solveTriangular(F, B, true, true); // Lᵀ x = y
  }
  return B;
}

/**
 * Inverse of an SPD matrix through its Cholesky factor.
 *
 * @param A - `[n, n]` SPD
 * @param out - `[n, n]` inverse (written; symmetric)
 * @param work - `[n, n]` scratch for the factor (must not alias `out`)
 * @returns 0 on success, else the failing leading minor (see {@link cholesky})
 */
export function spdInverse(A: Mat, out: Mat, work: Mat = Mat.zeros(A.rows, A.cols)): number {
  const info = cholesky(A, work, true);
  if (info !== 0) return info;
  invFromCholesky(work, out, true);
  return 0;
}

/** {@link spdInverse} that throws {@link NotPositiveDefiniteError}. */
export function spdInverseOrThrow(A: Mat, out: Mat = Mat.zeros(A.rows, A.cols)): Mat {
  const info = spdInverse(A, out);
  if (info !== 0) throw new NotPositiveDefiniteError('spdInverse', info, A.rows);
  return out;
}

/**
 * A⁻¹ from A's Cholesky factor, into `out` (symmetrised exactly).
 *
 * @param F - `[n, n]` factor
 * @param out - `[n, n]` (written); must not alias F
 */
export function invFromCholesky(F: Mat, out: Mat, upper = true): Mat {
  const n = F.rows;
  const o = out.data;
  for (let i = 0; i < n; i++) {
    const oi = out.offset + i * out.stride;
    for (let j = 0; j < n; j++) o[oi + j] = i === j ? 1 : 0;
  }
  choleskySolve(F, out, upper);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const ij = out.offset + i * out.stride + j;
      const ji = out.offset + j * out.stride + i;
      const v = 0.5 * (o[ij] + o[ji]);
      o[ij] = v;
      o[ji] = v;
    }
  }
  return out;
}

/** log det A = 2 Σ log F_ii from a Cholesky factor F of A. */
export function logDetFromCholesky(F: Mat): number {
  let s = 0;
  for (let i = 0; i < F.rows; i++) s += Math.log(F.data[F.offset + i * F.stride + i]);
  return 2 * s;
}

/** log det of an SPD matrix; throws {@link NotPositiveDefiniteError} if it is not SPD. */
export function logDetSpd(A: Mat, work: Mat = Mat.zeros(A.rows, A.cols)): number {
  const info = cholesky(A, work, true);
  if (info !== 0) throw new NotPositiveDefiniteError('logDetSpd', info, A.rows);
  return logDetFromCholesky(work);
}
