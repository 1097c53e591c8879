import type { DynamicsPrior, NiwPrior } from '@visuomotor/contracts';
import { InvalidArgumentError, ShapeError } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import { fitDynamics } from './dynamics.js';
import { GmmDynamicsPrior, NoDynamicsPrior } from './dynamics-prior-gmm.js';
import { UnderdeterminedFitError } from './errors.js';
import { linearRollouts } from './test-helpers.js';

const A = [
  [1, 0.1, 0],
  [0, 0.9, 0.05],
  [0.02, 0, 0.95],
];
const B = [
  [0, 0.1],
  [0.1, 0],
  [0.05, 0.05],
];
const c = [0.01, -0.02, 0.03];

describe('fitDynamics', () => {
  it('without prior recovers a linear system from enough samples', () => {
    const { X, U, dX, dU } = linearRollouts(A, B, c, 40, 6, 1e-4, 0.1, 1);
    const dyn = fitDynamics(X, U, { N: 40, T: 6, dX, dU, regularization: 0 });
    for (let t = 0; t < 5; t++) {
      for (let a = 0; a < dX; a++) {
        for (let b = 0; b < dX; b++) expect(dyn.Fm[t * dX * 5 + a * 5 + b]).toBeCloseTo(A[a][b], 2);
        expect(dyn.fv[t * dX + a]).toBeCloseTo(c[a], 2);
      }
    }
    // last step is zero, x0 fitted
    for (let i = 0; i < dX * 5; i++) expect(dyn.Fm[5 * dX * 5 + i]).toBe(0);
    expect(dyn.x0mu[0]).toBeCloseTo(0.5, 1);
  });

  it('throws UnderdeterminedFitError naming t, N and dX+dU when N <= dX+dU', () => {
    const { X, U, dX, dU } = linearRollouts(A, B, c, 5, 4, 1e-3, 0.1, 2);
    let err: unknown;
    try {
      fitDynamics(X, U, { N: 5, T: 4, dX, dU });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnderdeterminedFitError);
    const e = err as UnderdeterminedFitError;
    expect(e.context).toMatchObject({ timeStep: 0, N: 5, dXU: 5, reason: 'sampleCount' });
    expect(e.message).toMatch(/t=0/);
  });

  it('exactPivot mode raises where numpy raises (identical initial states)', () => {
    const { X, U, dX, dU } = linearRollouts(A, B, c, 4, 4, 1e-3, 0, 3);
    expect(() =>
      fitDynamics(X, U, { N: 4, T: 4, dX, dU, quirks: { noPriorSingular: 'exactPivot' } }),
    ).toThrow(/singular matrix/);
  });

  it('validates shapes and sample count', () => {
    const { X, U, dX, dU } = linearRollouts(A, B, c, 3, 4, 1e-3, 0.1, 4);
    expect(() => fitDynamics(X.subarray(1), U, { N: 3, T: 4, dX, dU })).toThrow(ShapeError);
    expect(() =>
      fitDynamics(X.subarray(0, 4 * dX), U.subarray(0, 4 * dU), { N: 1, T: 4, dX, dU }),
    ).toThrow(InvalidArgumentError);
  });

  it('NoDynamicsPrior gives the regression; a user-supplied prior plugs in', () => {
    const { X, U, dX, dU } = linearRollouts(A, B, c, 20, 5, 1e-3, 0.1, 5);
    const plain = fitDynamics(X, U, { N: 20, T: 5, dX, dU });
    const none = fitDynamics(X, U, { N: 20, T: 5, dX, dU, prior: new NoDynamicsPrior() });
    expect(none.Fm).toEqual(plain.Fm);
    // A custom prior: a fixed, very strong NIW prior centred on a known model.
    const D = 2 * dX + dU;
    let calls = 0;
    const custom: DynamicsPrior = {
      update() {},
      eval(_pts, _N, _dX, _dU, out?: NiwPrior) {
        calls++;
        const p = out ?? { mu0: new Float64Array(D), Phi: new Float64Array(D * D), m: 0, n0: 0 };
        p.mu0.fill(0);
        p.Phi.fill(0);
        for (let a = 0; a < D; a++) p.Phi[a * D + a] = 1e9;
        p.m = 0;
        p.n0 = 1e9;
        return p;
      },
      initialState: () => null,
    };
    const dyn = fitDynamics(X, U, { N: 20, T: 5, dX, dU, prior: custom });
    expect(calls).toBe(4);
    // identity joint covariance prior: no coupling
    for (const v of dyn.Fm) expect(Math.abs(v)).toBeLessThan(1e-6);
  });
});

describe('GmmDynamicsPrior', () => {
  it('keeps a window of maxSamples - 1 trajectories (reference) and chooses K from the data', () => {
    const prior = new GmmDynamicsPrior({ maxSamples: 5, minSamplesPerCluster: 10, maxClusters: 3 });
    for (let i = 0; i < 3; i++) {
      const { X, U, dX, dU } = linearRollouts(A, B, c, 2, 8, 1e-3, 0.1, 10 + i);
      prior.update(X, U, 2, 8, dX, dU);
    }
    expect(prior.windowSize).toBe(4);
    expect(prior.gmm.clusters).toBe(2); // floor(4*7/10) = 2
    const p2 = new GmmDynamicsPrior({ maxSamples: 5, windowKeepsOneLess: false });
    for (let i = 0; i < 3; i++) {
      const { X, U, dX, dU } = linearRollouts(A, B, c, 2, 8, 1e-3, 0.1, 10 + i);
      p2.update(X, U, 2, 8, dX, dU);
    }
    expect(p2.windowSize).toBe(5);
  });

  it('with the prior, 5 samples give a finite fit where the regression cannot', () => {
    const prior = new GmmDynamicsPrior({ seed: 1, minSamplesPerCluster: 40, maxClusters: 20 });
    const hist = linearRollouts(A, B, c, 15, 10, 1e-3, 0.1, 20);
    prior.update(hist.X, hist.U, 15, 10, 3, 2);
    const cur = linearRollouts(A, B, c, 5, 10, 1e-3, 0.1, 21);
    prior.update(cur.X, cur.U, 5, 10, 3, 2);
    const dyn = fitDynamics(cur.X, cur.U, { N: 5, T: 10, dX: 3, dU: 2, prior });
    for (const v of dyn.Fm) expect(Number.isFinite(v)).toBe(true);
    expect(dyn.Fm[0]).toBeCloseTo(1, 1);
    for (let a = 0; a < 3; a++) expect(dyn.x0sigma[a * 3 + a]).toBeGreaterThan(0);
  });

  it('resumes bit-identically from a checkpoint', () => {
    const mk = () => new GmmDynamicsPrior({ seed: 5, minSamplesPerCluster: 10, maxSamples: 6 });
    const batches = [0, 1, 2].map((i) => linearRollouts(A, B, c, 3, 8, 1e-3, 0.1, 30 + i));
    const a = mk();
    a.update(batches[0].X, batches[0].U, 3, 8, 3, 2);
    const state = a.getState();
    const b = mk();
    b.setState(state);
    for (const p of [a, b]) {
      p.update(batches[1].X, batches[1].U, 3, 8, 3, 2);
      p.update(batches[2].X, batches[2].U, 3, 8, 3, 2);
    }
    expect(b.getState()).toEqual(a.getState());
    const fa = fitDynamics(batches[2].X, batches[2].U, { N: 3, T: 8, dX: 3, dU: 2, prior: a });
    const fb = fitDynamics(batches[2].X, batches[2].U, { N: 3, T: 8, dX: 3, dU: 2, prior: b });
    expect(fb).toEqual(fa);
  });

  it('reports use before update and bad shapes', () => {
    const p = new GmmDynamicsPrior();
    expect(() => p.initialState()).toThrow(/update/);
    expect(() => p.update(new Float64Array(3), new Float64Array(2), 1, 2, 2, 1)).toThrow(
      ShapeError,
    );
  });
});
