/**
 * Summation helpers that follow numpy's reduction order, so that sums agree with the
 * reference to the last bit where the order is known.
 *
 * @internal
 */

/**
 * numpy's pairwise summation of `n` doubles at `a[off + i * stride]` (the inner loop numpy
 * uses when it reduces along a 1-D run: sequential below 8 terms, 8 interleaved partial
 * sums up to 128 terms, recursive halves above).
 */
export function pairwise(a: ArrayLike<number>, off: number, n: number, stride: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[off + i * stride];
    return res;
  }
  if (n <= 128) {
    let r0 = a[off];
    let r1 = a[off + stride];
    let r2 = a[off + 2 * stride];
    let r3 = a[off + 3 * stride];
    let r4 = a[off + 4 * stride];
    let r5 = a[off + 5 * stride];
    let r6 = a[off + 6 * stride];
    let r7 = a[off + 7 * stride];
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const b = off + i * stride;
      r0 += a[b];
      r1 += a[b + stride];
      r2 += a[b + 2 * stride];
      r3 += a[b + 3 * stride];
      r4 += a[b + 4 * stride];
      r5 += a[b + 5 * stride];
      r6 += a[b + 6 * stride];
      r7 += a[b + 7 * stride];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[off + i * stride];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, off, n2, stride) + pairwise(a, off + n2 * stride, n - n2, stride);
}

/** `np.sum` of a 1-D run: the identity 0 plus the pairwise sum of all terms. */
export function npSum(a: ArrayLike<number>, off: number, n: number, stride: number): number {
  return 0 + pairwise(a, off, n, stride);
}

/**
 * log Σ exp(a_i) over a strided run, the reference's way: subtract the maximum (0 when the
 * maximum is -Infinity), sum the exponentials with numpy's order, add the maximum back.
 *
 * @param sequential - sum in plain order (numpy's order for a reduction along a
 *   non-contiguous axis) instead of pairwise
 * @param tmp - scratch of at least `n` entries for the exponentials (pairwise order only)
 */
export function logSumExp(
  a: ArrayLike<number>,
  off: number,
  n: number,
  stride: number,
  sequential: boolean,
  tmp: Float64Array,
): number {
  let maxv = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = a[off + i * stride];
    if (v > maxv || Number.isNaN(v)) maxv = v;
  }
  if (maxv === Number.NEGATIVE_INFINITY) maxv = 0;
  if (sequential) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(a[off + i * stride] - maxv);
    return Math.log(s) + maxv;
  }
  for (let i = 0; i < n; i++) tmp[i] = Math.exp(a[off + i * stride] - maxv);
  return Math.log(npSum(tmp, 0, n, 1)) + maxv;
}
