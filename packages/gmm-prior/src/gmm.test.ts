import { describe, expect, it } from 'vitest';
import { GmmStateError } from './errors.js';
import { Gmm } from './gmm.js';
import { Xoshiro128 } from './rng.js';
import { clusteredData } from './test-helpers.js';

const centers = [
  [0, 0, 0],
  [6, 0, 1],
  [0, 7, -3],
];

describe('Gmm EM', () => {
  it('log-likelihood never decreases on well-posed data and the clusters are recovered', () => {
    const { data, N, D } = clusteredData(centers, 60, 0.5, 1);
    const gmm = new Gmm({ rng: new Xoshiro128(7), quirks: { stopRule: 'relative' } });
    const r = gmm.update(data, N, D, 3);
    expect(r.initialized).toBe(true);
    expect(r.stop).toBe('converged');
    for (let i = 1; i < r.logLikelihoods.length; i++) {
      expect(r.logLikelihoods[i]).toBeGreaterThanOrEqual(r.logLikelihoods[i - 1]);
    }
    // every true center is close to one fitted mean
    const mu = gmm.params.mu;
    for (const c of centers) {
      let best = Number.POSITIVE_INFINITY;
      for (let k = 0; k < 3; k++) {
        let d = 0;
        for (let a = 0; a < D; a++) d += (mu[k * D + a] - c[a]) ** 2;
        best = Math.min(best, Math.sqrt(d));
      }
      expect(best).toBeLessThan(0.3);
    }
    let s = 0;
    for (const m of gmm.params.mass) s += m;
    expect(s).toBeCloseTo(1, 12);
  });

  it('is deterministic given the seed, and an injected assignment replaces the RNG', () => {
    const { data, N, D } = clusteredData(centers, 20, 0.5, 2);
    const a = new Gmm({ rng: new Xoshiro128(3) });
    const b = new Gmm({ rng: new Xoshiro128(3) });
    a.update(data, N, D, 3);
    b.update(data, N, D, 3);
    expect(a.params.sigma).toEqual(b.params.sigma);
    const cidx = new Int32Array(N);
    for (let p = 0; p < N; p++) cidx[p] = p % 3;
    const c = new Gmm();
    const d = new Gmm({ rng: new Xoshiro128(99) });
    c.update(data, N, D, 3, cidx);
    d.injectInitAssignment(cidx);
    d.update(data, N, D, 3);
    expect(d.params.mu).toEqual(c.params.mu);
  });

  it('warm-starts with the same K (no re-initialisation, N kept by default)', () => {
    const { data, N, D } = clusteredData(centers, 20, 0.5, 3);
    const gmm = new Gmm();
    gmm.update(data, N, D, 3);
    const more = clusteredData(centers, 30, 0.5, 4);
    const r = gmm.update(more.data, more.N, D, 3);
    expect(r.initialized).toBe(false);
    expect(gmm.sampleCount).toBe(N);
    const g2 = new Gmm({ quirks: { warmStartUpdatesN: true } });
    g2.update(data, N, D, 3);
    g2.update(more.data, more.N, D, 3);
    expect(g2.sampleCount).toBe(more.N);
    // a different K re-initialises
    expect(gmm.update(more.data, more.N, D, 2).initialized).toBe(true);
  });

  it('reboots a collapsing cluster to the whole data set (reference) without NaN', () => {
    const D = 6;
    const c0 = new Array(D).fill(0);
    const c1 = new Array(D).fill(10);
    const { data, N } = clusteredData([c0, c1], 50, 0.01, 5);
    // Start (warm) from a state whose cluster 2 sits far from every point: it explains nothing.
    const K = 3;
    const mu = new Float64Array(K * D);
    const sigma = new Float64Array(K * D * D);
    for (let a = 0; a < D; a++) {
      mu[D + a] = 10;
      mu[2 * D + a] = 1000;
      for (let k = 0; k < K; k++) sigma[k * D * D + a * D + a] = 1e-4;
    }
    const logmass = new Float64Array(K).fill(Math.log(1 / K));
    const state = { K, D, N, mu, sigma, logmass, mass: logmass.map(Math.exp) };
    for (const mode of ['reference', 'resetMass'] as const) {
      const gmm = new Gmm({ quirks: { collapsedCluster: mode }, maxIterations: 5 });
      gmm.setState(state);
      const r = gmm.update(data, N, D, 3);
      expect(r.initialized).toBe(false);
      expect(r.rebooted.some((ks) => ks.includes(2))).toBe(true);
      const { mu, mass, sigma } = gmm.params;
      for (const v of [...mu, ...mass, ...sigma]) expect(Number.isFinite(v)).toBe(true);
      expect(r.rebooted[r.rebooted.length - 1]).toContain(2);
      // its mean is the mean of all points
      for (let a = 0; a < D; a++) expect(mu[2 * D + a]).toBeCloseTo(5, 2);
      if (mode === 'reference') expect(mass[2]).toBeLessThan(1e-4 / 3);
      else expect(mass[2]).toBeGreaterThan(0.2);
    }
  });

  it('handles a cluster that receives no initial point', () => {
    const { data, N, D } = clusteredData(centers, 10, 0.5, 6);
    const cidx = new Int32Array(N); // all in cluster 0: clusters 1, 2 empty
    const g = new Gmm({ maxIterations: 10 });
    g.update(data, N, D, 3, cidx);
    for (const v of g.params.sigma) expect(Number.isFinite(v)).toBe(true);
    const strict = new Gmm({ quirks: { emptyInitCluster: 'throw' } });
    expect(() => strict.update(data, N, D, 3, cidx)).toThrow(GmmStateError);
  });

  it('validates inputs and assignments', () => {
    const { data, N, D } = clusteredData(centers, 5, 0.5, 7);
    const g = new Gmm();
    expect(() => g.update(data, N, D + 1, 2)).toThrow(/data/);
    expect(() => g.update(data, N, D, 2, new Int32Array(N).fill(5))).toThrow(GmmStateError);
    expect(() => g.inference(data, N)).toThrow(GmmStateError);
    const bad = data.slice();
    bad[3] = Number.NaN;
    expect(() => g.update(bad, N, D, 2)).toThrow(/NaN/);
  });

  it('round-trips its state bit-identically (inference and the next warm start)', () => {
    const { data, N, D } = clusteredData(centers, 20, 0.5, 8);
    const a = new Gmm({ rng: new Xoshiro128(1) });
    a.update(data, N, D, 3);
    const s = a.getState();
    const b = new Gmm();
    b.setState(
      JSON.parse(
        JSON.stringify(s, (_k, v) => (ArrayBuffer.isView(v) ? [...(v as Float64Array)] : v)),
        (_k, v) => (Array.isArray(v) ? Float64Array.from(v) : v),
      ),
    );
    const q = data.subarray(0, 5 * D);
    expect(b.inference(q, 5).Phi).toEqual(a.inference(q, 5).Phi);
    const more = clusteredData(centers, 15, 0.5, 9);
    const ra = a.update(more.data, more.N, D, 3);
    const rb = b.update(more.data, more.N, D, 3);
    expect(rb.logLikelihoods).toEqual(ra.logLikelihoods);
    expect(b.params.sigma).toEqual(a.params.sigma);
  });

  it('inference gives m = 1 and n0 = (N - 2 - D)/N, Phi symmetric positive definite', () => {
    const { data, N, D } = clusteredData(centers, 20, 0.5, 10);
    const g = new Gmm();
    g.update(data, N, D, 3);
    const p = g.inference(data.subarray(0, 4 * D), 4);
    expect(p.m).toBe(1);
    expect(p.n0).toBeCloseTo((N - 2 - D) / N, 15);
    for (let a = 0; a < D; a++) {
      expect(p.Phi[a * D + a]).toBeGreaterThan(0);
      for (let b = 0; b < D; b++) expect(p.Phi[a * D + b]).toBeCloseTo(p.Phi[b * D + a], 12);
    }
  });
});
