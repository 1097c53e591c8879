/**
 * numpy's pairwise summation (`np.sum` of a float64 run, numpy 1.x `pairwise_sum`): a plain
 * loop below 8 terms, eight interleaved partial sums up to 128 terms, recursive halves (on a
 * multiple of 8) above. Reproducing the order makes sums agree with numpy to the last bit, which
 * matters where a sum decides a branch (the reference's eta bracketing, EM stopping).
 */
function pairwiseBlock(a: ArrayLike<number>, off: number, n: number, stride: number): number {
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
  return pairwiseBlock(a, off, n2, stride) + pairwiseBlock(a, off + n2 * stride, n - n2, stride);
}

/**
 * Sum of `n` doubles at `a[off + i·stride]` in numpy's pairwise order, starting from the
 * additive identity +0 as numpy's reduction does.
 *
 * @param a - values
 * @param off - index of the first term (default 0)
 * @param n - number of terms (default: the rest of `a`)
 * @param stride - distance between terms (default 1)
 */
export function npSum(a: ArrayLike<number>, off = 0, n = a.length - off, stride = 1): number {
  return 0 + pairwiseBlock(a, off, n, stride);
}

/** `np.mean` of a run: {@link npSum} divided by n. */
export function npMean(a: ArrayLike<number>, off = 0, n = a.length - off, stride = 1): number {
  return npSum(a, off, n, stride) / n;
}
