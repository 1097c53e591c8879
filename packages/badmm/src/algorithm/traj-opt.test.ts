import type { Cost, LinearGaussianController, Sample } from '@visuomotor/contracts';
import { makeLayout } from '@visuomotor/contracts';
import { UnderdeterminedFitError } from '@visuomotor/gmm-prior';
import { EtaOutOfBoundsError, initLqr } from '@visuomotor/lqr';
import { describe, expect, it } from 'vitest';
import { createCost } from '../costs/factory.js';
import { newStepMultiplier } from './step-size.js';
import { TrajOptAlgorithm } from './traj-opt.js';

/** Gaussian numbers from a seeded generator (mulberry32 + Box-Muller). */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uni = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uni())) * Math.cos(2 * Math.PI * uni());
}

/**
 * A damped 2D point mass with a drag nonlinearity: x = [p (2), v (2)], u = force (2).
 * Rolls out u_t = K_t x_t + k_t + chol(Σ_t)ᵀ ε_t.
 */
function rollout(c: LinearGaussianController, x0: number[], seed: number, x0Noise = 0): Sample {
  const { T, dX, dU } = c;
  const dt = 0.05;
  const X = new Float64Array(T * dX);
  const U = new Float64Array(T * dU);
  const rnd = gaussian(seed);
  const x = Float64Array.from(x0, (v) => v + x0Noise * rnd());
  const eps = new Float64Array(dU);
  for (let t = 0; t < T; t++) {
    X.set(x, t * dX);
    for (let i = 0; i < dU; i++) eps[i] = rnd();
    for (let i = 0; i < dU; i++) {
      let u = c.k[t * dU + i];
      for (let j = 0; j < dX; j++) u += c.K[(t * dU + i) * dX + j] * x[j];
      for (let j = 0; j <= i; j++) u += c.cholPolCovar[(t * dU + j) * dU + i] * eps[j];
      U[t * dU + i] = u;
    }
    for (let i = 0; i < 2; i++) {
      const v = x[2 + i];
      const acc = U[t * dU + i] - 0.5 * v - 0.3 * v * Math.abs(v);
      x[2 + i] = v + dt * acc;
      x[i] += dt * x[2 + i];
    }
  }
  return {
    T,
    dX,
    dU,
    dO: dX,
    X,
    U,
    obs: X.slice(),
    sensors: {
      JOINT_ANGLES: {
        shape: [2],
        data: Float64Array.from({ length: T * 2 }, (_, i) => X[Math.floor(i / 2) * dX + (i % 2)]),
      },
      JOINT_VELOCITIES: {
        shape: [2],
        data: Float64Array.from(
          { length: T * 2 },
          (_, i) => X[Math.floor(i / 2) * dX + 2 + (i % 2)],
        ),
      },
    },
  };
}

const T = 30;
const layout = makeLayout([
  ['JOINT_ANGLES', 2],
  ['JOINT_VELOCITIES', 2],
]);
const target = [1, -0.5];
const cost = createCost(
  {
    type: 'sum',
    costs: [
      { type: 'action', wu: [1e-3, 1e-3] },
      {
        type: 'state',
        terms: [{ sensor: 'JOINT_ANGLES', wp: [1, 1], target }],
        penalty: 'l1l2',
        l1: 0,
        l2: 10,
        alpha: 1e-5,
      },
    ],
    weights: [1, 1],
  },
  layout,
);
const x0s = [
  [0, 0, 0, 0],
  [0.2, 0.1, 0, 0],
];

function makeAlgorithm(prior: 'gmm' | 'none', diagonalRidge = false) {
  const init = initLqr({
    x0: new Float64Array(4),
    dX: 4,
    dU: 2,
    T,
    dt: 0.05,
    initVar: 0.5,
    stiffness: 1,
    stiffnessVel: 0.5,
  });
  return new TrajOptAlgorithm({
    T,
    dX: 4,
    dU: 2,
    costs: cost,
    initialControllers: [init, init],
    dynamicsPrior:
      prior === 'gmm'
        ? { type: 'gmm', minSamplesPerCluster: 20, maxClusters: 10, maxSamples: 20, seed: 1 }
        : { type: 'none' },
    klStep: 1,
    maxStepMult: 3,
    ...(diagonalRidge ? { dynamicsFitQuirks: { regularizationMode: 'diagonal' as const } } : {}),
  });
}

function samplesFor(alg: TrajOptAlgorithm, it: number, N: number, x0Noise = 0): Sample[][] {
  return x0s.map((x0, m) =>
    Array.from({ length: N }, (_, n) =>
      rollout(alg.controller(m), x0, 1000 * it + 100 * m + n + 1, x0Noise),
    ),
  );
}

describe('TrajOptAlgorithm', () => {
  it('at the η bound: throws by default (the reference), keeps the previous controller with etaLimit "previous"', () => {
    // Regression (issue 7): peg2d stopped with EtaOutOfBoundsError once η was driven past
    // ~1e11, where the backward pass's rounding leaves Q_uu indefinite. Here a cost with
    // negative action curvature keeps Q_uu = C_uu / η + P + ... indefinite below η ≈ 1e3, and
    // the bound is lowered to 10, so every pass of the search fails the same way.
    const concave: Cost = {
      eval(sample) {
        const r = cost.eval(sample);
        const luu = r.luu.slice();
        for (let t = 0; t < T; t++) for (let a = 0; a < 2; a++) luu[(t * 2 + a) * 2 + a] -= 1e3;
        return { ...r, luu };
      },
    };
    const build = (etaLimit?: 'previous') => {
      const init = initLqr({
        x0: new Float64Array(4),
        dX: 4,
        dU: 2,
        T,
        dt: 0.05,
        initVar: 0.5,
        stiffness: 1,
        stiffnessVel: 0.5,
      });
      return new TrajOptAlgorithm({
        T,
        dX: 4,
        dU: 2,
        costs: concave,
        initialControllers: [init, init],
        dynamicsPrior: {
          type: 'gmm',
          minSamplesPerCluster: 20,
          maxClusters: 10,
          maxSamples: 20,
          seed: 1,
        },
        klStep: 1,
        trajOpt: { etaFailBound: 10 },
        ...(etaLimit ? { etaLimit } : {}),
      });
    };
    const ref = build();
    expect(() => ref.iterate(samplesFor(ref, 0, 5))).toThrow(EtaOutOfBoundsError);
    const alg = build('previous');
    const before = alg.controller(1);
    const rec = alg.iterate(samplesFor(alg, 0, 5));
    expect(Array.from(alg.controller(1).K)).toEqual(Array.from(before.K));
    expect(Array.from(alg.controller(1).polCovar)).toEqual(Array.from(before.polCovar));
    expect(alg.controller(1)).not.toBe(before);
    for (const c of rec.conditions) {
      expect(c.kl).toBe(0);
      expect(c.eta).toBeGreaterThanOrEqual(10);
    }
    // the next search starts from the carried η again, not from the bound
    expect(() => alg.iterate(samplesFor(alg, 1, 5))).not.toThrow();
    expect(() => build('bogus' as never)).toThrow(/etaLimit/);
  });

  it('learns to reach the target on an unknown nonlinear system from 5 samples per iteration', () => {
    const alg = makeAlgorithm('gmm');
    const costs: number[] = [];
    for (let it = 0; it < 8; it++) {
      const rec = alg.iterate(samplesFor(alg, it, 5));
      costs.push(rec.conditions[0].cost + rec.conditions[1].cost);
      for (const c of rec.conditions) {
        expect(Number.isFinite(c.kl)).toBe(true);
        expect(c.eta).toBeGreaterThan(0);
        // the KL bound is met to the dual search's tolerance
        expect(c.kl).toBeLessThan(c.klStep * 1.1 + 1e-9);
      }
      expect(rec.timings.total).toBeGreaterThan(0);
    }
    expect(costs[costs.length - 1]).toBeLessThan(0.25 * costs[0]);
    // noiseless check of the final controllers: near the target at the end
    for (let m = 0; m < 2; m++) {
      const c = { ...alg.controller(m), cholPolCovar: new Float64Array(T * 4) };
      const s = rollout(c, x0s[m], 7);
      const xT = s.X.subarray((T - 1) * 4, (T - 1) * 4 + 2);
      expect(Math.hypot(xT[0] - target[0], xT[1] - target[1])).toBeLessThan(0.1);
    }
  });

  it('resumes from getState/setState to bit-identical iterations', () => {
    const a = makeAlgorithm('gmm');
    const b = makeAlgorithm('gmm');
    for (let it = 0; it < 3; it++) a.iterate(samplesFor(a, it, 5));
    // b learns the first 3 iterations from a's state via a JSON-like deep copy
    const state = structuredClone(a.getState());
    b.setState(state);
    for (let it = 3; it < 5; it++) {
      const ra = a.iterate(samplesFor(a, it, 5));
      const rb = b.iterate(samplesFor(b, it, 5));
      expect(rb.conditions.map((c) => [c.cost, c.kl, c.eta, c.stepMult])).toEqual(
        ra.conditions.map((c) => [c.cost, c.kl, c.eta, c.stepMult]),
      );
    }
    expect(Array.from(b.controller(1).K)).toEqual(Array.from(a.controller(1).K));
  });

  it('runs without a prior given enough samples, and rejects bad input', () => {
    const alg = makeAlgorithm('none');
    // 5 samples cannot determine the regression on dX+dU = 6 inputs without a prior
    expect(() => alg.iterate(samplesFor(alg, 0, 5))).toThrow(UnderdeterminedFitError);
    const rec = alg.iterate(samplesFor(alg, 0, 8, 0.05));
    // the paper's diagonal ridge keeps the fit well posed from identical initial states
    const ridge = makeAlgorithm('none', true);
    expect(ridge.iterate(samplesFor(ridge, 0, 8)).conditions[0].cost).toBeGreaterThan(0);
    expect(rec.conditions).toHaveLength(2);
    expect(() => alg.iterate(samplesFor(alg, 1, 5).slice(0, 1))).toThrow(
      /one list of samples per condition/,
    );
    expect(() => alg.iterate([[], []])).toThrow(/at least 2 samples/);
    expect(() => alg.controller(5)).toThrow(/condition/);
  });
});

describe('newStepMultiplier', () => {
  it('follows the reference rule and its clamps', () => {
    // pred 10, act 8: 10 / (2·2) = 2.5
    expect(newStepMultiplier(10, 8, 1, { minStepMult: 0.01, maxStepMult: 3 })).toBe(2.5);
    // clamped to 5 before scaling, then to maxStepMult
    expect(newStepMultiplier(10, 9.999999, 1, { maxStepMult: 10 })).toBe(5);
    expect(newStepMultiplier(10, 9.999999, 1, { maxStepMult: 3 })).toBe(3);
    // an update that made things worse shrinks the step, not below 0.1x, then min
    expect(newStepMultiplier(1, -100, 1)).toBeCloseTo(0.1, 15);
    expect(newStepMultiplier(1, -100, 0.05, { minStepMult: 0.01 })).toBe(0.01);
  });
});
