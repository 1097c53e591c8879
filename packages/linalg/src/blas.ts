import { checkSame, type Mat } from './mat.js';

/**
 * General matrix product C = alpha · op(A) · op(B) + beta · C, where op(X) is X or Xᵀ.
 * Writes into the caller's `C`; never allocates. With beta = 0 the old contents of C are
 * ignored (even NaN).
 *
 * @param A - `[m, k]` (or `[k, m]` when transA)
 * @param B - `[k, n]` (or `[n, k]` when transB)
 * @param C - `[m, n]` output; must not overlap A or B
 */
export function gemm(
  A: Mat,
  B: Mat,
  C: Mat,
  transA = false,
  transB = false,
  alpha = 1,
  beta = 0,
): Mat {
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const kb = transB ? B.cols : B.rows;
  const n = transB ? B.rows : B.cols;
  if (k !== kb || C.rows !== m || C.cols !== n) {
    throw new RangeError(
      `gemm: op(A) is ${m}x${k}, op(B) is ${kb}x${n}, C is ${C.rows}x${C.cols}; expected C ${m}x${n} and inner sizes equal`,
    );
  }
  assertNoOverlap('gemm', C, A);
  assertNoOverlap('gemm', C, B);
  const a = A.data;
  const b = B.data;
  const c = C.data;
  const as = A.stride;
  const bs = B.stride;
  const cs = C.stride;
  const ao = A.offset;
  const bo = B.offset;
  const co = C.offset;
  // C <- beta C
  for (let i = 0; i < m; i++) {
    const ci = co + i * cs;
    if (beta === 0) for (let j = 0; j < n; j++) c[ci + j] = 0;
    else if (beta !== 1) for (let j = 0; j < n; j++) c[ci + j] *= beta;
  }
  if (alpha === 0 || k === 0) return C;
  if (!transB) {
    // Rows of B are contiguous: C[i, :] += (alpha op(A)[i, p]) B[p, :], two rows of C at a
    // time so that each loaded row of B serves both (about 2x faster on small matrices).
    let i = 0;
    for (; i + 1 < m; i += 2) {
      const c0 = co + i * cs;
      const c1 = c0 + cs;
      for (let p = 0; p < k; p++) {
        const a0 = alpha * (transA ? a[ao + p * as + i] : a[ao + i * as + p]);
        const a1 = alpha * (transA ? a[ao + p * as + i + 1] : a[ao + (i + 1) * as + p]);
        const bp = bo + p * bs;
        for (let j = 0; j < n; j++) {
          const bv = b[bp + j];
          c[c0 + j] += a0 * bv;
          c[c1 + j] += a1 * bv;
        }
      }
    }
    if (i < m) {
      const ci = co + i * cs;
      for (let p = 0; p < k; p++) {
        const aip = alpha * (transA ? a[ao + p * as + i] : a[ao + i * as + p]);
        const bp = bo + p * bs;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
  } else if (!transA) {
    // C[i, j] += alpha dot(A[i, :], B[j, :]): both rows contiguous; 2x2 blocks of C.
    let i = 0;
    for (; i + 1 < m; i += 2) {
      const a0 = ao + i * as;
      const a1 = a0 + as;
      const c0 = co + i * cs;
      const c1 = c0 + cs;
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const b0 = bo + j * bs;
        const b1 = b0 + bs;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let p = 0; p < k; p++) {
          const x0 = a[a0 + p];
          const x1 = a[a1 + p];
          const y0 = b[b0 + p];
          const y1 = b[b1 + p];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        c[c0 + j] += alpha * s00;
        c[c0 + j + 1] += alpha * s01;
        c[c1 + j] += alpha * s10;
        c[c1 + j + 1] += alpha * s11;
      }
      if (j < n) {
        const b0 = bo + j * bs;
        let s0 = 0;
        let s1 = 0;
        for (let p = 0; p < k; p++) {
          s0 += a[a0 + p] * b[b0 + p];
          s1 += a[a1 + p] * b[b0 + p];
        }
        c[c0 + j] += alpha * s0;
        c[c1 + j] += alpha * s1;
      }
    }
    if (i < m) {
      const ai = ao + i * as;
      const ci = co + i * cs;
      for (let j = 0; j < n; j++) {
        const bj = bo + j * bs;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
        c[ci + j] += alpha * s;
      }
    }
  } else {
    // C[i, j] += alpha sum_p A[p, i] B[j, p].
    for (let i = 0; i < m; i++) {
      const ci = co + i * cs;
      for (let j = 0; j < n; j++) {
        const bj = bo + j * bs;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ao + p * as + i] * b[bj + p];
        c[ci + j] += alpha * s;
      }
    }
  }
  return C;
}

/** C = A · B into `C` (see {@link gemm}). */
export function matmul(A: Mat, B: Mat, C: Mat): Mat {
  return gemm(A, B, C, false, false, 1, 0);
}

/** Y = alpha · X + Y, in place. */
export function axpy(alpha: number, X: Mat, Y: Mat): Mat {
  checkSame('axpy', X, Y);
  const x = X.data;
  const y = Y.data;
  for (let i = 0; i < X.rows; i++) {
    const xo = X.offset + i * X.stride;
    const yo = Y.offset + i * Y.stride;
    for (let j = 0; j < X.cols; j++) y[yo + j] += alpha * x[xo + j];
  }
  return Y;
}

/** out = alpha · X (out may be X). */
export function scale(alpha: number, X: Mat, out: Mat = X): Mat {
  checkSame('scale', X, out);
  const x = X.data;
  const o = out.data;
  for (let i = 0; i < X.rows; i++) {
    const xo = X.offset + i * X.stride;
    const oo = out.offset + i * out.stride;
    for (let j = 0; j < X.cols; j++) o[oo + j] = alpha * x[xo + j];
  }
  return out;
}

/** out = alpha · A + beta · B (out may alias A or B entry for entry). */
export function add(A: Mat, B: Mat, out: Mat, alpha = 1, beta = 1): Mat {
  checkSame('add', A, B);
  checkSame('add', A, out);
  const a = A.data;
  const b = B.data;
  const o = out.data;
  for (let i = 0; i < A.rows; i++) {
    const ao = A.offset + i * A.stride;
    const bo = B.offset + i * B.stride;
    const oo = out.offset + i * out.stride;
    for (let j = 0; j < A.cols; j++) o[oo + j] = alpha * a[ao + j] + beta * b[bo + j];
  }
  return out;
}

/** out = A - B. */
export function sub(A: Mat, B: Mat, out: Mat): Mat {
  return add(A, B, out, 1, -1);
}

/** Set every entry of X to `value`. */
export function fill(X: Mat, value: number): Mat {
  for (let i = 0; i < X.rows; i++) {
    const o = X.offset + i * X.stride;
    X.data.fill(value, o, o + X.cols);
  }
  return X;
}

/** Set square X to alpha · I. */
export function setIdentity(X: Mat, alpha = 1): Mat {
  fill(X, 0);
  const n = Math.min(X.rows, X.cols);
  for (let i = 0; i < n; i++) X.data[X.offset + i * X.stride + i] = alpha;
  return X;
}

/** Add `alpha` to every diagonal entry of square X, in place. */
export function addDiagonal(X: Mat, alpha: number): Mat {
  const n = Math.min(X.rows, X.cols);
  for (let i = 0; i < n; i++) X.data[X.offset + i * X.stride + i] += alpha;
  return X;
}

/** Replace square A by (A + Aᵀ) / 2, in place. */
export function symmetrize(A: Mat): Mat {
  assertSquare('symmetrize', A);
  const a = A.data;
  const n = A.rows;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const ij = A.offset + i * A.stride + j;
      const ji = A.offset + j * A.stride + i;
      const v = 0.5 * (a[ij] + a[ji]);
      a[ij] = v;
      a[ji] = v;
    }
  }
  return A;
}

/**
 * Rank-one update out = alpha · x yᵀ + beta · out.
 *
 * @param x - vector view `[m, 1]` or `[1, m]`
 * @param y - vector view `[n, 1]` or `[1, n]`
 * @param out - `[m, n]`
 */
export function outer(x: Mat, y: Mat, out: Mat, alpha = 1, beta = 0): Mat {
  const m = x.rows * x.cols;
  const n = y.rows * y.cols;
  if (out.rows !== m || out.cols !== n) {
    throw new RangeError(`outer: out is ${out.rows}x${out.cols}, expected ${m}x${n}`);
  }
  const xs = x.cols === 1 ? x.stride : 1;
  const ys = y.cols === 1 ? y.stride : 1;
  for (let i = 0; i < m; i++) {
    const xi = alpha * x.data[x.offset + i * xs];
    const oo = out.offset + i * out.stride;
    for (let j = 0; j < n; j++) {
      const v = xi * y.data[y.offset + j * ys];
      out.data[oo + j] = beta === 0 ? v : v + beta * out.data[oo + j];
    }
  }
  return out;
}

/** tr(A) of a square matrix. */
export function trace(A: Mat): number {
  assertSquare('trace', A);
  let s = 0;
  for (let i = 0; i < A.rows; i++) s += A.data[A.offset + i * A.stride + i];
  return s;
}

/** tr(A · B) = sum_ij A[i, j] B[j, i], without forming the product. */
export function traceProd(A: Mat, B: Mat): number {
  if (A.rows !== B.cols || A.cols !== B.rows) {
    throw new RangeError(`traceProd: A is ${A.rows}x${A.cols}, B is ${B.rows}x${B.cols}`);
  }
  let s = 0;
  for (let i = 0; i < A.rows; i++) {
    const ao = A.offset + i * A.stride;
    for (let j = 0; j < A.cols; j++) s += A.data[ao + j] * B.data[B.offset + j * B.stride + i];
  }
  return s;
}

/** Quadratic form xᵀ A y (y defaults to x); x, y are vector views. */
export function quadForm(x: Mat, A: Mat, y: Mat = x): number {
  const m = x.rows * x.cols;
  const n = y.rows * y.cols;
  if (A.rows !== m || A.cols !== n) {
    throw new RangeError(`quadForm: A is ${A.rows}x${A.cols}, expected ${m}x${n}`);
  }
  const xs = x.cols === 1 ? x.stride : 1;
  const ys = y.cols === 1 ? y.stride : 1;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const ao = A.offset + i * A.stride;
    let r = 0;
    for (let j = 0; j < n; j++) r += A.data[ao + j] * y.data[y.offset + j * ys];
    s += x.data[x.offset + i * xs] * r;
  }
  return s;
}

/** Dot product of two vector views of equal length. */
export function dot(x: Mat, y: Mat): number {
  const n = x.rows * x.cols;
  if (y.rows * y.cols !== n) throw new RangeError(`dot: lengths ${n} and ${y.rows * y.cols}`);
  const xs = x.cols === 1 ? x.stride : 1;
  const ys = y.cols === 1 ? y.stride : 1;
  let s = 0;
  for (let i = 0; i < n; i++) s += x.data[x.offset + i * xs] * y.data[y.offset + i * ys];
  return s;
}

/** Largest absolute entry (0 for an empty matrix; NaN if any entry is NaN). */
export function maxAbs(A: Mat): number {
  let m = 0;
  for (let i = 0; i < A.rows; i++) {
    const o = A.offset + i * A.stride;
    for (let j = 0; j < A.cols; j++) {
      const v = Math.abs(A.data[o + j]);
      if (!(v <= m)) m = v;
    }
  }
  return m;
}

/** Frobenius norm. */
export function normFro(A: Mat): number {
  let s = 0;
  for (let i = 0; i < A.rows; i++) {
    const o = A.offset + i * A.stride;
    for (let j = 0; j < A.cols; j++) s += A.data[o + j] * A.data[o + j];
  }
  return Math.sqrt(s);
}

/** True when every entry is finite. */
export function allFinite(A: Mat): boolean {
  for (let i = 0; i < A.rows; i++) {
    const o = A.offset + i * A.stride;
    for (let j = 0; j < A.cols; j++) if (!Number.isFinite(A.data[o + j])) return false;
  }
  return true;
}

/** @internal */
export function assertSquare(op: string, A: Mat): void {
  if (A.rows !== A.cols)
    throw new RangeError(`${op}: expected a square matrix, got ${A.rows}x${A.cols}`);
}

/** @internal Throw when two views over the same buffer touch a common range. */
export function assertNoOverlap(op: string, out: Mat, inp: Mat): void {
  if (out.data !== inp.data || out.rows === 0 || inp.rows === 0) return;
  const oEnd = out.offset + (out.rows - 1) * out.stride + out.cols;
  const iEnd = inp.offset + (inp.rows - 1) * inp.stride + inp.cols;
  if (out.offset < iEnd && inp.offset < oEnd) {
    throw new RangeError(`${op}: the output overlaps an input; pass a separate output`);
  }
}
