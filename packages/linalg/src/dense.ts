import {
  EigenvalueDecomposition,
  Matrix,
  pseudoInverse,
  SingularValueDecomposition,
} from 'ml-matrix';
import { assertSquare } from './blas.js';
import { Mat } from './mat.js';

/**
 * Decompositions that are not on a hot path, delegated to ml-matrix behind this package's
 * {@link Mat} API: eigen-decomposition, singular values, pseudo-inverse, condition number.
 */

/** Convert a view to an ml-matrix `Matrix` (copies). */
export function toMlMatrix(A: Mat): Matrix {
  const m = new Matrix(A.rows, A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) m.set(i, j, A.get(i, j));
  return m;
}

/** Copy an ml-matrix `Matrix` into `out` (allocated when omitted). */
export function fromMlMatrix(M: Matrix, out: Mat = Mat.zeros(M.rows, M.columns)): Mat {
  if (out.rows !== M.rows || out.cols !== M.columns) {
    throw new RangeError(
      `fromMlMatrix: out is ${out.rows}x${out.cols}, M is ${M.rows}x${M.columns}`,
    );
  }
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.columns; j++) out.set(i, j, M.get(i, j));
  return out;
}

/** Eigen-decomposition of a symmetric matrix: ascending eigenvalues `[n]`, eigenvectors as columns `[n, n]`. */
export function symEig(A: Mat): { values: Float64Array; vectors: Mat } {
  assertSquare('symEig', A);
  const e = new EigenvalueDecomposition(toMlMatrix(A), { assumeSymmetric: true });
  const vals = e.realEigenvalues;
  const order = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
  const V = e.eigenvectorMatrix;
  const values = new Float64Array(order.length);
  const vectors = Mat.zeros(A.rows, A.rows);
  order.forEach((src, dst) => {
    values[dst] = vals[src];
    for (let i = 0; i < A.rows; i++) vectors.set(i, dst, V.get(i, src));
  });
  return { values, vectors };
}

/** Eigenvalues of a general square matrix (real and imaginary parts). */
export function eig(A: Mat): { real: Float64Array; imag: Float64Array; vectors: Mat } {
  assertSquare('eig', A);
  const e = new EigenvalueDecomposition(toMlMatrix(A));
  return {
    real: Float64Array.from(e.realEigenvalues),
    imag: Float64Array.from(e.imaginaryEigenvalues),
    vectors: fromMlMatrix(e.eigenvectorMatrix),
  };
}

/** Singular values in descending order. */
export function singularValues(A: Mat): Float64Array {
  const s = new SingularValueDecomposition(toMlMatrix(A), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
  });
  return Float64Array.from(s.diagonal).sort().reverse();
}

/** 2-norm condition number σ_max / σ_min (Infinity for a singular matrix). */
export function cond(A: Mat): number {
  const s = singularValues(A);
  const min = s[s.length - 1];
  return min === 0 ? Number.POSITIVE_INFINITY : s[0] / min;
}

/** Moore-Penrose pseudo-inverse `[cols, rows]`, singular values below `threshold` dropped. */
export function pinv(A: Mat, threshold = 1e-15): Mat {
  return fromMlMatrix(pseudoInverse(toMlMatrix(A), threshold));
}
