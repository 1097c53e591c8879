/**
 * Fused, allocation-free kernels on raw row-major `Float64Array` storage with explicit offsets.
 * They are the inner loops of the backward and forward passes; every buffer is owned by the
 * caller (usually an {@link LqrWorkspace}).
 *
 * @internal
 * @packageDocumentation
 */

/**
 * out += alpha · Aᵀ B A for A `[m, n]` (at `aOff`) and symmetric B `[m, m]` (at `bOff`);
 * out `[n, n]` at `oOff`. Only the upper triangle of the product is computed; the lower one is
 * mirrored, so the added term is exactly symmetric. `W` is `[m, n]` and `acc` `[n]` scratch.
 */
export function addSymAtBA(
  A: Float64Array,
  aOff: number,
  m: number,
  n: number,
  B: Float64Array,
  bOff: number,
  W: Float64Array,
  acc: Float64Array,
  out: Float64Array,
  oOff: number,
  alpha: number,
): void {
  // W = B A: W[i, :] = sum_k B[i, k] A[k, :]
  for (let i = 0; i < m; i++) {
    const wi = i * n;
    const bi = bOff + i * m;
    for (let j = 0; j < n; j++) W[wi + j] = 0;
    let k = 0;
    for (; k + 3 < m; k += 4) {
      const b0 = B[bi + k];
      const b1 = B[bi + k + 1];
      const b2 = B[bi + k + 2];
      const b3 = B[bi + k + 3];
      const a0 = aOff + k * n;
      const a1 = a0 + n;
      const a2 = a1 + n;
      const a3 = a2 + n;
      for (let j = 0; j < n; j++) {
        W[wi + j] += b0 * A[a0 + j] + b1 * A[a1 + j] + b2 * A[a2 + j] + b3 * A[a3 + j];
      }
    }
    for (; k < m; k++) {
      const b0 = B[bi + k];
      const a0 = aOff + k * n;
      for (let j = 0; j < n; j++) W[wi + j] += b0 * A[a0 + j];
    }
  }
  // S[i, j] = sum_k A[k, i] W[k, j] for j >= i, accumulated row by row (axpy form) in `acc`.
  for (let i = 0; i < n; i++) {
    const oi = oOff + i * n;
    let k = 0;
    for (let j = i; j < n; j++) acc[j] = 0;
    for (; k + 3 < m; k += 4) {
      const a0 = A[aOff + k * n + i];
      const a1 = A[aOff + (k + 1) * n + i];
      const a2 = A[aOff + (k + 2) * n + i];
      const a3 = A[aOff + (k + 3) * n + i];
      const w0 = k * n;
      const w1 = w0 + n;
      const w2 = w1 + n;
      const w3 = w2 + n;
      for (let j = i; j < n; j++) {
        acc[j] += a0 * W[w0 + j] + a1 * W[w1 + j] + a2 * W[w2 + j] + a3 * W[w3 + j];
      }
    }
    for (; k < m; k++) {
      const a0 = A[aOff + k * n + i];
      const w0 = k * n;
      for (let j = i; j < n; j++) acc[j] += a0 * W[w0 + j];
    }
    for (let j = i; j < n; j++) {
      const v = alpha === 1 ? acc[j] : alpha * acc[j];
      out[oi + j] += v;
      if (j !== i) out[oOff + j * n + i] += v;
    }
  }
}

/**
 * out = A B Aᵀ for A `[m, n]` at `aOff`, B `[n, n]` at `bOff`, out
 * `[m, m]` at `oOff` with row stride `oStride`. Upper triangle computed, lower mirrored.
 * `G` is `[m, n]` scratch.
 */
export function symABAt(
  A: Float64Array,
  aOff: number,
  m: number,
  n: number,
  B: Float64Array,
  bOff: number,
  G: Float64Array,
  out: Float64Array,
  oOff: number,
  oStride: number,
): void {
  // G = A B: G[i, :] = sum_k A[i, k] B[k, :]
  for (let i = 0; i < m; i++) {
    const gi = i * n;
    const ai = aOff + i * n;
    for (let j = 0; j < n; j++) G[gi + j] = 0;
    let k = 0;
    for (; k + 3 < n; k += 4) {
      const a0 = A[ai + k];
      const a1 = A[ai + k + 1];
      const a2 = A[ai + k + 2];
      const a3 = A[ai + k + 3];
      const b0 = bOff + k * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        G[gi + j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j];
      }
    }
    for (; k < n; k++) {
      const a0 = A[ai + k];
      const b0 = bOff + k * n;
      for (let j = 0; j < n; j++) G[gi + j] += a0 * B[b0 + j];
    }
  }
  // out[i, j] = dot(G[i, :], A[j, :]) for j >= i; two rows of A at a time.
  for (let i = 0; i < m; i++) {
    const gi = i * n;
    let j = i;
    for (; j + 1 < m; j += 2) {
      const a0 = aOff + j * n;
      const a1 = a0 + n;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < n; k++) {
        const g = G[gi + k];
        s0 += g * A[a0 + k];
        s1 += g * A[a1 + k];
      }
      out[oOff + i * oStride + j] = s0;
      out[oOff + j * oStride + i] = s0;
      out[oOff + i * oStride + j + 1] = s1;
      out[oOff + (j + 1) * oStride + i] = s1;
    }
    for (; j < m; j++) {
      const a0 = aOff + j * n;
      let s0 = 0;
      for (let k = 0; k < n; k++) s0 += G[gi + k] * A[a0 + k];
      out[oOff + i * oStride + j] = s0;
      out[oOff + j * oStride + i] = s0;
    }
  }
}

/**
 * Upper Cholesky factor R (A = Rᵀ R) of the n x n block of `A` at `aOff` with row stride
 * `aStride`, reading the upper triangle only; R is written densely `[n, n]` at `rOff` (lower
 * part zeroed).
 *
 * @returns 0 on success, else the 1-based order of the first leading minor that is not
 *   positive definite (LAPACK `info`)
 */
export function cholUpper(
  A: Float64Array,
  aOff: number,
  aStride: number,
  n: number,
  R: Float64Array,
  rOff: number,
): number {
  for (let j = 0; j < n; j++) {
    const rj = rOff + j * n;
    let d = A[aOff + j * aStride + j];
    for (let p = 0; p < j; p++) {
      const v = R[rOff + p * n + j];
      d -= v * v;
    }
    if (!(d > 0)) return j + 1;
    const rjj = Math.sqrt(d);
    R[rj + j] = rjj;
    for (let i = j + 1; i < n; i++) {
      let v = A[aOff + j * aStride + i];
      for (let p = 0; p < j; p++) v -= R[rOff + p * n + j] * R[rOff + p * n + i];
      R[rj + i] = v / rjj;
    }
    for (let i = 0; i < j; i++) R[rj + i] = 0;
  }
  return 0;
}

/**
 * Solve (Rᵀ R) X = B in place for upper R `[n, n]` at `rOff`: first Rᵀ Y = B (forward), then
 * R X = Y (backward), as the reference's two triangular solves do. B is `[n, m]` at `bOff`
 * with row stride `bStride`.
 */
export function cholSolveUpper(
  R: Float64Array,
  rOff: number,
  n: number,
  B: Float64Array,
  bOff: number,
  bStride: number,
  m: number,
): void {
  // Rᵀ Y = B: row i: Y_i = (B_i - sum_{p<i} R[p, i] Y_p) / R[i, i]
  for (let i = 0; i < n; i++) {
    const bi = bOff + i * bStride;
    for (let p = 0; p < i; p++) {
      const r = R[rOff + p * n + i];
      if (r === 0) continue;
      const bp = bOff + p * bStride;
      for (let c = 0; c < m; c++) B[bi + c] -= r * B[bp + c];
    }
    const d = R[rOff + i * n + i];
    for (let c = 0; c < m; c++) B[bi + c] /= d;
  }
  // R X = Y: row i from the bottom: X_i = (Y_i - sum_{p>i} R[i, p] X_p) / R[i, i]
  for (let i = n - 1; i >= 0; i--) {
    const bi = bOff + i * bStride;
    for (let p = i + 1; p < n; p++) {
      const r = R[rOff + i * n + p];
      if (r === 0) continue;
      const bp = bOff + p * bStride;
      for (let c = 0; c < m; c++) B[bi + c] -= r * B[bp + c];
    }
    const d = R[rOff + i * n + i];
    for (let c = 0; c < m; c++) B[bi + c] /= d;
  }
}

/** True when any of the `len` entries of `a` from `off` is NaN or infinite. */
export function anyNonFinite(a: Float64Array, off = 0, len = a.length - off): boolean {
  for (let i = off; i < off + len; i++) if (!Number.isFinite(a[i])) return true;
  return false;
}

/**
 * numpy's pairwise summation of a contiguous float64 vector (`np.sum`, `np.mean`): blocks of
 * up to 128 entries summed with 8 interleaved accumulators, larger inputs split in halves.
 * Reproduces the reference's last bits where a sum decides a branch.
 */
export function npSum(a: ArrayLike<number>, off = 0, n = a.length - off): number {
  if (n < 8) {
    let r = 0;
    for (let i = 0; i < n; i++) r += a[off + i];
    return r;
  }
  if (n <= 128) {
    let r0 = a[off];
    let r1 = a[off + 1];
    let r2 = a[off + 2];
    let r3 = a[off + 3];
    let r4 = a[off + 4];
    let r5 = a[off + 5];
    let r6 = a[off + 6];
    let r7 = a[off + 7];
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      r0 += a[off + i];
      r1 += a[off + i + 1];
      r2 += a[off + i + 2];
      r3 += a[off + i + 3];
      r4 += a[off + i + 4];
      r5 += a[off + i + 5];
      r6 += a[off + i + 6];
      r7 += a[off + i + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[off + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return npSum(a, off, n2) + npSum(a, off + n2, n - n2);
}

/** `np.mean` of `n` entries (pairwise sum divided by n). */
export function npMean(a: ArrayLike<number>, off = 0, n = a.length - off): number {
  return npSum(a, off, n) / n;
}
