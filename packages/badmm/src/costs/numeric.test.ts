import { describe, expect, it } from 'vitest';
import { cube, pairwiseSum } from './numeric.js';
import { rng } from './test-utils.js';

/** x³ correctly rounded (to nearest, ties to even), by exact integer arithmetic. */
function exactCube(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const m = (bits & ((1n << 52n) - 1n)) | (e === 0 ? 0n : 1n << 52n);
  const exp = (e === 0 ? 1 : e) - 1075; // |x| = m · 2^exp
  const full = m * m * m;
  const shift = Math.max(0, full.toString(2).length - 53);
  const r = full >> BigInt(shift);
  const rem = full - (r << BigInt(shift));
  const half = shift > 0 ? 1n << BigInt(shift - 1) : 0n;
  const q = shift > 0 && (rem > half || (rem === half && (r & 1n) === 1n)) ? r + 1n : r;
  const v = Number(q) * 2 ** (3 * exp + shift);
  return x < 0 ? -v : v;
}

/** Arrays and their `np.sum` (numpy's pairwise order), computed with numpy. */
const NUMPY_SUMS: [number[], number][] = [
  [[3.0, 1.0, 2500000000000000.0, 0.001, -1e16], -7499999999999996.0],
  [[1e16, 0.001, 0.5, 3.0, 3.0, 0.001, 0.001, -7.0], 1e16],
  [[1.0, 3.0, 1.0, -7.0, 1e16, -1e16, 1.0, 1e16, 0.5], 9999999999999998.0],
  [
    [
      1e16, 0.5, 0.001, -7.0, -7.0, -7.0, 0.001, 1.0, 2500000000000000.0, -1e16, 1e16, 1.0, 0.001,
      3.0, 0.5, -7.0,
    ],
    1.2499999999999978e16,
  ],
  [
    [
      0.5, -7.0, -7.0, 2500000000000000.0, -7.0, 3.0, 2500000000000000.0, 1e16, 0.5, 1.0,
      2500000000000000.0, -1e16, 3.0, 0.5, 0.5, -1e16, -1e16, 0.001, 0.001, -1e16,
      2500000000000000.0, -1e16, -7.0,
    ],
    -3.000000000000002e16,
  ],
  [
    [
      1.0, 1e16, 0.5, -7.0, -7.0, -1e16, 1e16, 1e16, -7.0, 2500000000000000.0, 0.5, 3.0, 1e16, 0.5,
      1e16, -1e16, -1e16, 1e16, 3.0, -7.0, 0.5, 0.5, 1.0, 1e16, 2500000000000000.0,
      2500000000000000.0, 2500000000000000.0, 1.0, -7.0, -7.0, 0.001, -7.0, -1e16, 0.5, -7.0, 3.0,
      0.5, -7.0, 0.5, 0.5, 2500000000000000.0, 1e16, -7.0, 2500000000000000.0, 1e16, -7.0, 1.0,
      1e16, 2500000000000000.0, 0.001, 2500000000000000.0, 2500000000000000.0, 0.5, 0.001, 1e16,
      1e16, 1e16, 2500000000000000.0, 0.5, 0.001, 0.5, 2500000000000000.0, 1.0, 2500000000000000.0,
      1.0, 2500000000000000.0, 2500000000000000.0, 0.5, 0.5, -7.0, -1e16, 1e16, 1.0, 0.5, 3.0, 0.5,
      3.0, 2500000000000000.0, 1.0, -7.0, -1e16, -1e16, 2500000000000000.0, 2500000000000000.0, 3.0,
      0.001, 1.0, -1e16, 2500000000000000.0, 3.0, 0.001, 0.5, 3.0, -1e16, 1e16, 3.0,
      2500000000000000.0, 1.0, 0.5, 2500000000000000.0, -1e16, 2500000000000000.0, 1.0, -7.0, 0.5,
      0.5, 0.001, 2500000000000000.0, -7.0, 0.5, -7.0, -7.0, 1e16, -7.0, 1.0, 3.0, 1e16, 0.001,
      -7.0, 3.0, 1e16, 0.001, 0.5, 2500000000000000.0, 3.0, -1e16, 0.5, -1e16, 3.0, 1e16,
    ],
    1.2749999999999992e17,
  ],
];

describe('numeric helpers', () => {
  it('cube is correctly rounded (as glibc pow(x, 3), which numpy uses for x ** 3)', () => {
    const r = rng(5);
    let differsFromNaive = 0;
    for (let k = 0; k < 20000; k++) {
      const x = Math.exp(r.normal() * 3) * (r.uniform() < 0.5 ? -1 : 1);
      const c = cube(x);
      expect(c).toBe(exactCube(x));
      if (c !== x * x * x) differsFromNaive++;
    }
    expect(differsFromNaive).toBeGreaterThan(0);
  });

  it('pairwiseSum reproduces np.sum bit for bit (where a plain loop does not)', () => {
    let differsFromLoop = 0;
    for (const [a, expected] of NUMPY_SUMS) {
      const buf = Float64Array.from([9, 9, ...a]);
      expect(pairwiseSum(buf, 2, a.length)).toBe(expected);
      let s = 0;
      for (const v of a) s += v;
      if (s !== expected) differsFromLoop++;
    }
    expect(differsFromLoop).toBeGreaterThanOrEqual(3);
  });
});
