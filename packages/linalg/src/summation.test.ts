import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { npMean, npSum } from './index.js';

describe('npSum (numpy pairwise order)', () => {
  it('adds left to right below 8 terms and starts from +0', () => {
    expect(npSum([1e16, 1, -1e16])).toBe(0); // (1e16 + 1) rounds to 1e16
    expect(Object.is(npSum([-0, -0]), 0)).toBe(true);
    expect(npSum([])).toBe(0);
  });

  it('uses eight partial sums from 8 terms on (differs from a plain loop)', () => {
    // plain loop: ((1e16 + 1) + 1 ...) loses every 1; eight partial sums keep r1..r7 = 1
    const a = [1e16, 1, 1, 1, 1, 1, 1, 1];
    let plain = 0;
    for (const v of a) plain += v;
    expect(plain).toBe(1e16);
    // ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)): r0 + r1 = 1e16 + 1 rounds to 1e16
    // (ties to even), then + 2 and + 4 are exact
    expect(npSum(a)).toBe(1e16 + 6);
  });

  it('gives the same result on a strided run as on the same values stored contiguously', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 0, maxLength: 400 }),
        fc.integer({ min: 1, max: 4 }),
        (vals, stride) => {
          const strided = new Float64Array(vals.length * stride);
          vals.forEach((v, i) => {
            strided[i * stride] = v;
          });
          const contiguous = Float64Array.from(vals);
          expect(npSum(strided, 0, vals.length, stride)).toBe(npSum(contiguous));
          if (vals.length > 0) expect(npMean(contiguous)).toBe(npSum(contiguous) / vals.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
