import { describe, expect, it } from 'vitest';
import { CostConfigError } from './errors.js';
import { rampMultiplier } from './ramp.js';

describe('rampMultiplier', () => {
  it('float32 (default) reproduces the reference values, T = 5', () => {
    expect(Array.from(rampMultiplier('linear', 5))).toEqual([
      0.20000000298023224, 0.4000000059604645, 0.6000000238418579, 0.800000011920929, 1,
    ]);
    expect(Array.from(rampMultiplier('quadratic', 5))).toEqual([
      0.04000000283122063, 0.1600000113248825, 0.36000001430511475, 0.64000004529953, 1,
    ]);
    expect(Array.from(rampMultiplier('quadratic', 5, 10))).toEqual([
      0.04000000283122063, 0.1600000113248825, 0.36000001430511475, 0.64000004529953, 10,
    ]);
  });
  it('float64 uses (t+1)/T and its square exactly', () => {
    const T = 7;
    const lin = rampMultiplier('linear', T, 2, 'float64');
    const quad = rampMultiplier('quadratic', T, 1, 'float64');
    for (let t = 0; t < T - 1; t++) {
      expect(lin[t]).toBe((t + 1) / T);
      expect(quad[t]).toBe(((t + 1) / T) ** 2);
    }
    expect(lin[T - 1]).toBe(2);
    const f32 = rampMultiplier('linear', T);
    expect(Math.abs(f32[2] - lin[2])).toBeGreaterThan(0);
    expect(Math.abs(f32[2] - lin[2])).toBeLessThan(1e-7);
  });
  it('constant and final-only, with the final multiplier', () => {
    expect(Array.from(rampMultiplier('constant', 4, 3))).toEqual([1, 1, 1, 3]);
    expect(Array.from(rampMultiplier('final_only', 4, 3))).toEqual([0, 0, 0, 3]);
    expect(Array.from(rampMultiplier('final_only', 1))).toEqual([1]);
  });
  it('the float32 final product is rounded to float32', () => {
    const w = rampMultiplier('linear', 3, 0.1);
    expect(w[2]).toBe(Math.fround(0.1));
    expect(rampMultiplier('linear', 3, 0.1, 'float64')[2]).toBe(0.1);
  });
  it('rejects bad arguments, naming the field', () => {
    expect(() => rampMultiplier('cubic' as never, 5)).toThrow(CostConfigError);
    expect(() => rampMultiplier('cubic' as never, 5)).toThrow(/ramp: expected 'constant'/);
    expect(() => rampMultiplier('linear', 0)).toThrow(/T: expected an integer >= 1, got 0/);
    expect(() => rampMultiplier('linear', 5, Number.NaN)).toThrow(/finalMultiplier/);
    expect(() => rampMultiplier('linear', 5, 1, 'float16' as never)).toThrow(/rampPrecision/);
  });
});
