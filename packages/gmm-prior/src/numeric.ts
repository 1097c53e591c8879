/**
 * Summation helpers that follow numpy's reduction order, so that sums agree with the
 * reference to the last bit where the order is known.
 *
 * @internal
 */

import { npSum } from '@visuomotor/linalg';

export { npSum };

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
