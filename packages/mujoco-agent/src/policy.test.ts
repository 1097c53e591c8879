import { zeroController } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import { callbackPolicy, LinearGaussianPolicy, zeroPolicy } from './policy.js';

describe('LinearGaussianPolicy', () => {
  it('computes K x + k + Rᵀ ε with R the upper Cholesky factor', () => {
    const c = zeroController(2, 3, 2);
    // t = 1
    c.K.set([1, 2, 3, -1, 0, 0.5], 1 * 6);
    c.k.set([0.1, -0.2], 1 * 2);
    // R = [[2, 1], [0, 3]]  (upper), so Rᵀ ε = [2 e0, e0 + 3 e1]
    c.cholPolCovar.set([2, 1, 0, 3], 1 * 4);
    const p = new LinearGaussianPolicy(c);
    const out = new Float64Array(2);
    p.act(Float64Array.from([1, 1, 2]), new Float64Array(0), 1, Float64Array.from([0.5, -1]), out);
    expect(out[0]).toBeCloseTo(1 + 2 + 6 + 0.1 + 2 * 0.5, 14);
    expect(out[1]).toBeCloseTo(-1 + 0 + 1 - 0.2 + 0.5 - 3, 14);
  });

  it('rejects mis-shaped controllers and out-of-range steps', () => {
    const c = zeroController(2, 3, 2);
    expect(() => new LinearGaussianPolicy({ ...c, K: new Float64Array(5) })).toThrow(
      /controller.K/,
    );
    const p = new LinearGaussianPolicy(c);
    expect(() =>
      p.act(new Float64Array(3), new Float64Array(0), 2, new Float64Array(2), new Float64Array(2)),
    ).toThrow(/0 <= t < 2/);
  });

  it('zero and callback policies', () => {
    const out = Float64Array.from([1, 2]);
    zeroPolicy(2).act(new Float64Array(1), new Float64Array(0), 0, new Float64Array(2), out);
    expect([...out]).toEqual([0, 0]);
    const p = callbackPolicy(2, (_x, _o, t, _n, o) => o.fill(t));
    p.act(new Float64Array(1), new Float64Array(0), 3, new Float64Array(2), out);
    expect([...out]).toEqual([3, 3]);
  });
});
