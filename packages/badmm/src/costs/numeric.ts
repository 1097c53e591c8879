import { npSum } from '@visuomotor/linalg';
/**
 * Summation in numpy's order (`np.sum` along a contiguous float64 axis); see `npSum` in
 * @visuomotor/linalg. Reproducing the order lets the costs agree with the reference to the last
 * bit rather than to a few ulps.
 */
export function pairwiseSum(a: Float64Array, off: number, n: number): number {
  return npSum(a, off, n);
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
