import {
  InvalidArgumentError,
  NonFiniteError,
  type PolicyTargets,
  ShapeError,
} from '@visuomotor/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { mlp } from './networks.js';
import {
  closedFormVariance,
  createPolicyOptimizer,
  fitNormalization,
  normalizeWeights,
  PolicyOptimizerTf,
} from './policy-opt.js';
import { Rng } from './rng.js';

/** A smooth nonlinear regression problem: u* = tanh(A (o - c) / s), with random SPD precisions. */
function problem(N: number, T: number, dO: number, dU: number, seed: number): PolicyTargets {
  const rng = new Rng(seed);
  const A = Array.from({ length: dU * dO }, () => rng.normal() / Math.sqrt(dO));
  const centre = Array.from({ length: dO }, (_, i) => 3 + i);
  const spread = Array.from({ length: dO }, (_, i) => 0.5 + i);
  const NT = N * T;
  const obs = new Float64Array(NT * dO);
  const tgtMu = new Float64Array(NT * dU);
  const tgtPrc = new Float64Array(NT * dU * dU);
  const tgtWt = new Float64Array(NT);
  for (let nt = 0; nt < NT; nt++) {
    for (let k = 0; k < dO; k++) obs[nt * dO + k] = centre[k] + spread[k] * rng.normal();
    for (let i = 0; i < dU; i++) {
      let z = 0;
      for (let k = 0; k < dO; k++)
        z += (A[i * dO + k] * (obs[nt * dO + k] - centre[k])) / spread[k];
      tgtMu[nt * dU + i] = Math.tanh(z);
    }
    // P = L Lᵀ + I with a random lower-triangular L.
    const L = Array.from({ length: dU * dU }, (_, k) =>
      k % (dU + 1) === 0 ? 1 : 0.3 * rng.normal(),
    );
    for (let i = 0; i < dU; i++) {
      for (let j = 0; j < dU; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k <= Math.min(i, j); k++) s += L[i * dU + k] * L[j * dU + k];
        tgtPrc[nt * dU * dU + i * dU + j] = s;
      }
    }
    tgtWt[nt] = 0.5 + rng.uniform();
  }
  tgtWt[3] = 40; // an outlier to be clipped
  return { N, T, dO, dU, obs, tgtMu, tgtPrc, tgtWt };
}

describe('normalizeWeights (cbfinn/gps rescaling)', () => {
  it('renormalises to NT, clips at twice the robust median, divides by the median', () => {
    const w = Float64Array.from([1, 1, 2, 4, 0.001, 12]);
    const { wt, median } = normalizeWeights(w);
    // w * 6 / 20.001; entries above 1e-2: [0.3, 0.3, 0.6, 1.2, 3.6]; median 0.6
    const s = 6 / 20.001;
    expect(median).toBeCloseTo(2 * s, 12);
    const expected = [1, 1, 2, 4, 0.001, 12].map((x) => Math.min(x * s, 2 * median) / median);
    for (let i = 0; i < 6; i++) expect(wt[i]).toBeCloseTo(expected[i], 12);
    expect(Math.max(...wt)).toBeCloseTo(2, 12);
    expect(w[5]).toBe(12); // input untouched
  });

  it('rejects all-zero weights', () => {
    expect(() => normalizeWeights(new Float64Array(4))).toThrow(InvalidArgumentError);
  });
});

describe('fitNormalization and closedFormVariance', () => {
  it('scale = 1/max(std, 1e-3), bias = -mean*scale, only on the given entries', () => {
    const obs = Float64Array.from([1, 5, 7, 3, 5, 9]); // rows [1, 5, 7], [3, 5, 9]
    const n = fitNormalization(obs, 2, 3, [0, 1]);
    expect(n.idx).toEqual([0, 1]);
    expect(n.scale[0]).toBeCloseTo(1, 12); // std of [1, 3] = 1
    expect(n.bias[0]).toBeCloseTo(-2, 12);
    expect(n.scale[1]).toBeCloseTo(1e3, 9); // constant entry: std floored at 1e-3
    expect(n.bias[1]).toBeCloseTo(-5e3, 6);
  });

  it('var_i = Σw / (Σ C⁻¹_ii + 2 NT entReg)', () => {
    const prc = Float64Array.from([2, 0.5, 0.5, 4, 6, 0, 0, 8]); // two 2x2 precisions
    const wt = Float64Array.from([1, 0.5]);
    const v = closedFormVariance(prc, wt, 2);
    expect(v[0]).toBeCloseTo(1.5 / 8, 12);
    expect(v[1]).toBeCloseTo(1.5 / 12, 12);
    const ve = closedFormVariance(prc, wt, 2, 0.25);
    expect(ve[0]).toBeCloseTo(1.5 / (8 + 1), 12);
  });
});

describe('PolicyOptimizerTf with an MLP', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm', 'cpu'] });
  });

  it('regresses onto the targets: loss drops, means near targets, covariance in closed form', async () => {
    const tg = problem(4, 25, 5, 2, 1);
    const opt = await createPolicyOptimizer(5, 2, {
      network: mlp({ hidden: [40, 40] }),
      iterations: 1500,
      lr: 3e-3,
      seed: 3,
    });
    try {
      expect(Array.from(opt.variance)).toEqual([0.1, 0.1]); // initVar before the first update
      const lossBefore = opt.loss(tg);
      const report = opt.update(tg);
      expect(report.steps).toBe(1500);
      expect(report.finalLoss).toBeLessThan(0.2 * report.initialLoss);
      const lossAfter = opt.loss(tg);
      expect(lossAfter).toBeLessThan(0.05 * lossBefore);
      const { mu, sigma, prec, detSigma } = opt.prob(tg.obs, 4, 25);
      let maxErr = 0;
      let sqErr = 0;
      for (let i = 0; i < mu.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(mu[i] - tg.tgtMu[i]));
        sqErr += (mu[i] - tg.tgtMu[i]) ** 2;
      }
      expect(Math.sqrt(sqErr / mu.length)).toBeLessThan(0.05);
      expect(maxErr).toBeLessThan(0.25);
      // Covariance: recomputed independently from the rescaled weights.
      const { wt } = normalizeWeights(tg.tgtWt);
      const wsum = wt.reduce((a, b) => a + b, 0);
      for (let i = 0; i < 2; i++) {
        let d = 0;
        for (let nt = 0; nt < 100; nt++) d += tg.tgtPrc[nt * 4 + i * 2 + i];
        expect(opt.variance[i]).toBeCloseTo(wsum / d, 10);
        expect(sigma[i * 2 + i]).toBeCloseTo(wsum / d, 10);
        expect(prec[99 * 4 + i * 2 + i]).toBeCloseTo(d / wsum, 8);
      }
      expect(sigma[1]).toBe(0);
      expect(detSigma[42]).toBeCloseTo(opt.variance[0] * opt.variance[1], 12);
    } finally {
      opt.dispose();
    }
  });

  it('fits the observation normalisation once, then keeps it', async () => {
    const tg = problem(2, 10, 3, 1, 2);
    const opt = await createPolicyOptimizer(3, 1, { network: mlp({ hidden: [8] }), iterations: 5 });
    try {
      expect(opt.normalization).toBeNull();
      opt.update(tg);
      const n = opt.normalization;
      expect(n).not.toBeNull();
      const ref = fitNormalization(tg.obs, 20, 3, [0, 1, 2]);
      expect(Array.from(n?.scale ?? [])).toEqual(Array.from(ref.scale));
      expect(Array.from(n?.bias ?? [])).toEqual(Array.from(ref.bias));
      const shifted = { ...tg, obs: tg.obs.map((x) => 10 * x + 4) };
      opt.update(shifted);
      expect(opt.normalization).toBe(n);
      expect(Array.from(opt.normalization?.scale ?? [])).toEqual(Array.from(ref.scale));
    } finally {
      opt.dispose();
    }
  });

  it('is deterministic for a seed', async () => {
    const tg = problem(2, 15, 4, 2, 5);
    const run = async (seed: number) => {
      const opt = await createPolicyOptimizer(4, 2, {
        network: mlp({ hidden: [16] }),
        iterations: 40,
        seed,
      });
      try {
        opt.update(tg);
        return opt.prob(tg.obs, 2, 15).mu;
      } finally {
        opt.dispose();
      }
    };
    const a = await run(9);
    const b = await run(9);
    const c = await run(10);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('asPolicy acts as mu(o) + sqrt(var) * noise and follows later updates', async () => {
    const tg = problem(1, 30, 3, 2, 4);
    const opt = await createPolicyOptimizer(3, 2, {
      network: mlp({ hidden: [8] }),
      iterations: 20,
    });
    try {
      const pol = opt.asPolicy();
      opt.update(tg);
      const o = tg.obs.subarray(0, 3);
      const mean = opt.prob(Float64Array.from(o), 1, 1).mu;
      const u = new Float64Array(2);
      const noise = Float64Array.from([1.5, -2]);
      pol.act(new Float64Array(0), Float64Array.from(o), 0, noise, u);
      for (let i = 0; i < 2; i++) {
        expect(u[i]).toBeCloseTo(mean[i] + Math.sqrt(opt.variance[i]) * noise[i], 5);
      }
      expect(() => pol.act(new Float64Array(0), new Float64Array(2), 0, noise, u)).toThrow(
        ShapeError,
      );
    } finally {
      opt.dispose();
    }
  });

  it('rejects bad targets with typed errors', async () => {
    const tg = problem(2, 5, 3, 2, 6);
    const opt = await createPolicyOptimizer(3, 2, { network: mlp({ hidden: [4] }), iterations: 1 });
    try {
      expect(() => opt.update({ ...tg, obs: tg.obs.subarray(1) })).toThrow(ShapeError);
      expect(() => opt.update({ ...tg, tgtPrc: new Float64Array(3) })).toThrow(ShapeError);
      expect(() => opt.update({ ...tg, dO: 4 })).toThrow(InvalidArgumentError);
      const bad = tg.tgtMu.slice();
      bad[7] = Number.NaN;
      try {
        opt.update({ ...tg, tgtMu: bad });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(NonFiniteError);
        expect((e as NonFiniteError).context).toMatchObject({ field: 'targets.tgtMu', index: 7 });
      }
      const negW = tg.tgtWt.slice();
      negW[2] = -1;
      expect(() => opt.update({ ...tg, tgtWt: negW })).toThrow(InvalidArgumentError);
      expect(() => opt.prob(new Float64Array(5), 1, 2)).toThrow(ShapeError);
      expect(opt.prob(new Float64Array(0), 0, 5).mu.length).toBe(0);
      expect(() => opt.prob(new Float64Array(0), -1, 5)).toThrow(InvalidArgumentError);
      expect(() => new PolicyOptimizerTf(3, 2, { network: mlp(), batchSize: 0 })).toThrow(
        InvalidArgumentError,
      );
      expect(() => new PolicyOptimizerTf(3, 2, { network: mlp({ hidden: [0] }) })).toThrow(
        /positive integers/,
      );
    } finally {
      opt.dispose();
    }
    expect(() => opt.update(tg)).toThrow(InvalidArgumentError);
  });
});
