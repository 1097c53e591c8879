import { describe, expect, it } from 'vitest';
import { PolicyPriorConstant, PolicyPriorGmm } from './policy-prior.js';
import { Normal } from './test-helpers.js';

// Linear policy u = Kx + k evaluated on observations = states.
const Kp = [
  [0.5, -1, 0.2],
  [0, 0.3, 1],
];
const kp = [0.1, -0.2];
const dX = 3;
const dU = 2;
function policyMean(obs: Float64Array, N: number, T: number): Float64Array {
  const U = new Float64Array(N * T * dU);
  for (let p = 0; p < N * T; p++) {
    for (let a = 0; a < dU; a++) {
      let v = kp[a];
      for (let b = 0; b < dX; b++) v += Kp[a][b] * obs[p * dX + b];
      U[p * dU + a] = v;
    }
  }
  return U;
}
function samples(N: number, T: number, seed: number) {
  const g = new Normal(seed);
  const X = g.fill(N * T * dX);
  const polMu = policyMean(X, N, T);
  const polSig = new Float64Array(N * T * dU * dU);
  for (let p = 0; p < N * T; p++) {
    polSig[p * 4] = 0.1;
    polSig[p * 4 + 3] = 0.2;
  }
  return { X, polMu, polSig };
}

describe('policy priors', () => {
  it('constant prior: a linear policy is recovered and pol_S = fit residual + mean pol_sig', () => {
    const N = 10;
    const T = 3;
    const { X, polMu, polSig } = samples(N, T, 1);
    const lin = new PolicyPriorConstant().fit(X, polMu, polSig, N, T, dX, dU);
    for (let t = 0; t < T; t++) {
      for (let a = 0; a < dU; a++) {
        for (let b = 0; b < dX; b++) expect(lin.polK[t * 6 + a * 3 + b]).toBeCloseTo(Kp[a][b], 4);
        expect(lin.polk[t * 2 + a]).toBeCloseTo(kp[a], 4);
      }
      expect(lin.polS[t * 4]).toBeCloseTo(0.1, 4);
      expect(lin.polS[t * 4 + 3]).toBeCloseTo(0.2, 4);
    }
  });

  it('GMM prior: window of maxSamples, finite linearisation, checkpoint round trip', () => {
    const T = 6;
    const mk = () => new PolicyPriorGmm({ seed: 3, maxSamples: 8, minSamplesPerCluster: 10 });
    const prior = mk();
    for (let i = 0; i < 3; i++) {
      const s = samples(4, T, 10 + i);
      prior.update(s.X, s.X, 4, T, dX, dX, dU, policyMean);
    }
    expect(prior.getState().Nw).toBe(8);
    const cur = samples(4, T, 20);
    const lin = prior.fit(cur.X, cur.polMu, cur.polSig, 4, T, dX, dU);
    for (const v of [...lin.polK, ...lin.polk, ...lin.polS]) expect(Number.isFinite(v)).toBe(true);
    expect(lin.polK[0]).toBeCloseTo(Kp[0][0], 2);
    const copy = mk();
    copy.setState(prior.getState());
    expect(copy.fit(cur.X, cur.polMu, cur.polSig, 4, T, dX, dU)).toEqual(lin);
  });

  it('rejects a single sample and bad shapes', () => {
    const { X, polMu, polSig } = samples(1, 2, 4);
    expect(() => new PolicyPriorConstant().fit(X, polMu, polSig, 1, 2, dX, dU)).toThrow(/1 sample/);
    expect(() => new PolicyPriorConstant().fit(X, polMu, polSig, 2, 2, dX, dU)).toThrow(/X/);
  });
});
