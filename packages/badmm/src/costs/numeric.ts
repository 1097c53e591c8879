/**
 * Summation in the order numpy 1.24 uses when it reduces a contiguous float64 axis
 * (`np.sum(a, axis=-1)`): a plain loop below 8 terms, eight interleaved partial sums up to
 * 128 terms, recursive halving (on multiples of 8) above. Reproducing the order lets the costs
 * agree with the reference to the last bit rather than to a few ulps.
 *
 * @param a - buffer
 * @param off - index of the first term
 * @param n - number of terms (stride 1)
 * @returns the sum, starting from +0 as numpy's reduction does
 */
export function pairwiseSum(a: Float64Array, off: number, n: number): number {
  return 0 + pairwiseBlock(a, off, n);
}

function pairwiseBlock(a: Float64Array, off: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[off + i];
    return res;
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
    const end = n - (n % 8);
    let i = 8;
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
  return pairwiseBlock(a, off, n2) + pairwiseBlock(a, off + n2, n - n2);
}

const SPLIT = 134217729; // 2^27 + 1 (Veltkamp split of a double into two 26-bit halves)

/**
 * x³ rounded once (to within a tiny fraction of an ulp), as C's `pow(x, 3)` in glibc, which
 * numpy's `x ** 3` calls; `x * x * x` and V8's `x ** 3` can be 1 ulp off from it.
 * Uses Dekker's exact product for x·x and for the leading part of (x·x)·x.
 *
 * @param x - a finite double
 * @returns x³
 */
export function cube(x: number): number {
  // x·x = h1 + l1 exactly.
  let c = SPLIT * x;
  const xh = c - (c - x);
  const xl = x - xh;
  const h1 = x * x;
  const l1 = xh * xh - h1 + xh * xl + xl * xh + xl * xl;
  // h1·x = h2 + l2 exactly.
  c = SPLIT * h1;
  const hh = c - (c - h1);
  const hl = h1 - hh;
  const h2 = h1 * x;
  const l2 = hh * xh - h2 + hh * xl + hl * xh + hl * xl;
  return h2 + (l2 + l1 * x);
}
