import { describe, expect, it } from 'vitest';
import { gaussFitJointPrior } from './gauss-fit.js';
import { Normal } from './test-helpers.js';

// Points y = [a (2), b (1)] with b = 2 a0 - a1 + 0.5 + small noise.
function data(N: number, seed: number) {
  const g = new Normal(seed);
  const pts = new Float64Array(N * 3);
  for (let i = 0; i < N; i++) {
    const a0 = g.next();
    const a1 = g.next();
    pts[i * 3] = a0;
    pts[i * 3 + 1] = a1;
    pts[i * 3 + 2] = 2 * a0 - a1 + 0.5 + 1e-3 * g.next();
  }
  return pts;
}

describe('gaussFitJointPrior (NIW MAP + conditioning)', () => {
  it('zero prior: the empirical regression', () => {
    const N = 200;
    const pts = data(N, 1);
    const r = gaussFitJointPrior(
      pts,
      N,
      { mu0: new Float64Array(3), Phi: new Float64Array(9), m: 0, n0: 0 },
      new Float64Array(N).fill(1 / N),
      2,
      1,
    );
    expect(r.W[0]).toBeCloseTo(2, 3);
    expect(r.W[1]).toBeCloseTo(-1, 3);
    expect(r.c[0]).toBeCloseTo(0.5, 3);
    expect(r.S[0]).toBeCloseTo(1e-6, 6);
  });

  it('overwhelming prior: the prior covariance decides the regression', () => {
    const N = 5;
    const pts = data(N, 2);
    const n0 = 1e12;
    // prior Sigma0: b = 0.3 a0 + noise 0.1
    const S0 = [1, 0, 0.3, 0, 1, 0, 0.3, 0, 0.09 + 0.01];
    const r = gaussFitJointPrior(
      pts,
      N,
      { mu0: new Float64Array(3), Phi: Float64Array.from(S0, (v) => v * n0), m: 0, n0 },
      new Float64Array(N).fill(1 / N),
      2,
      1,
    );
    expect(r.W[0]).toBeCloseTo(0.3, 9);
    expect(r.W[1]).toBeCloseTo(0, 9);
    expect(r.S[0]).toBeCloseTo(0.01, 9);
  });

  it('blendPriorMean moves the offset towards the prior mean', () => {
    const N = 5;
    const pts = data(N, 3);
    const mu0 = Float64Array.of(0, 0, 7);
    const prior = { mu0, Phi: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), m: 1e12, n0: 0 };
    const w = new Float64Array(N).fill(1 / N);
    const ref = gaussFitJointPrior(pts, N, prior, w, 2, 1);
    const map = gaussFitJointPrior(pts, N, prior, w, 2, 1, null, { blendPriorMean: true });
    // with the blended mean, c = mu0_b - W mu0_a = 7
    expect(map.c[0]).toBeCloseTo(7, 6);
    expect(ref.c[0]).not.toBeCloseTo(7, 1);
  });

  it('validates shapes', () => {
    const pts = data(4, 4);
    const p = { mu0: new Float64Array(3), Phi: new Float64Array(9), m: 0, n0: 0 };
    expect(() => gaussFitJointPrior(pts, 5, p, new Float64Array(5), 2, 1)).toThrow(/pts/);
    expect(() => gaussFitJointPrior(pts, 4, p, new Float64Array(3), 2, 1)).toThrow(/dwts/);
  });
});
