import { makeLayout } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import type { PenaltyKind, RampOption, RobustWeight } from './config.js';
import { createCost } from './factory.js';
import {
  finiteDifferences,
  makeSample,
  randomKinematics,
  randomXU,
  relErr,
  rng,
} from './test-utils.js';

const T = 6;
const dU = 2;
const PENALTIES: PenaltyKind[] = ['l2', 'l1l2', 'log'];
const RAMPS: RampOption[] = ['constant', 'linear', 'quadratic', 'final_only'];
const WEIGHTINGS: RobustWeight[] = ['squared', 'linear'];
const FD_TOL = 1e-6;

function expectMatchesFd(
  cost: ReturnType<typeof createCost>,
  build: Parameters<typeof finiteDifferences>[1],
  X: Float64Array,
  U: Float64Array,
) {
  const an = cost.eval(build(X, U));
  const fd = finiteDifferences(cost, build, X, U);
  for (const k of ['lx', 'lu', 'lxx', 'luu', 'lux'] as const) {
    expect(relErr(an[k], fd[k]), k).toBeLessThan(FD_TOL);
  }
  // Hessians are symmetric.
  for (let t = 0; t < an.T; t++) {
    for (let i = 0; i < an.dX; i++) {
      for (let j = 0; j < i; j++) {
        const o = t * an.dX * an.dX;
        expect(an.lxx[o + i * an.dX + j]).toBeCloseTo(an.lxx[o + j * an.dX + i], 12);
      }
    }
  }
  return an;
}

describe('ActionCost', () => {
  const layout = makeLayout([['JOINT_ANGLES', 3]]);
  it('matches central finite differences and ½ Σ wu u²', () => {
    const cost = createCost({ type: 'action', wu: [0.3, 2] }, layout);
    const { X, U } = randomXU(T, 3, dU, 1);
    const build = (x: Float64Array, u: Float64Array) => makeSample(x, u, T, layout, dU);
    const d = expectMatchesFd(cost, build, X, U);
    for (let t = 0; t < T; t++) {
      const u0 = U[t * dU];
      const u1 = U[t * dU + 1];
      expect(d.l[t]).toBeCloseTo(0.5 * (0.3 * u0 * u0 + 2 * u1 * u1), 14);
    }
  });
});

describe('StateCost: finite differences for every penalty × ramp × weighting', () => {
  const layout = makeLayout([
    ['JOINT_ANGLES', 3],
    ['JOINT_VELOCITIES', 2],
  ]);
  const dX = layout.size;
  const { X, U } = randomXU(T, dX, dU, 2);
  const build = (x: Float64Array, u: Float64Array) => makeSample(x, u, T, layout, dU);
  for (const penalty of PENALTIES) {
    for (const ramp of RAMPS) {
      for (const robustWeight of WEIGHTINGS) {
        it(`${penalty} / ${ramp} / ${robustWeight}`, () => {
          const cost = createCost(
            {
              type: 'state',
              penalty,
              l1: penalty === 'l2' ? 0 : 0.7,
              l2: 1.3,
              alpha: 0.05,
              ramp,
              finalMultiplier: 3,
              logHessian: 'exact',
              robustWeight,
              terms: [
                { sensor: 'JOINT_ANGLES', wp: [1, 0.5, 2], target: [0.1, -0.2, 0.3] },
                { sensor: 'JOINT_VELOCITIES', wp: [0.8, 1.5], target: [0, 0.4] },
              ],
            },
            layout,
          );
          const d = expectMatchesFd(cost, build, X, U);
          expect(d.l.every(Number.isFinite)).toBe(true);
        });
      }
    }
  }

  it('l equals the documented formula (l1-l2, squared and linear weighting)', () => {
    const wp = [1, 0.5, 2];
    const tgt = [0.1, -0.2, 0.3];
    for (const robustWeight of WEIGHTINGS) {
      const cost = createCost(
        {
          type: 'state',
          penalty: 'l1l2',
          l1: 0.7,
          l2: 1.3,
          alpha: 0.05,
          robustWeight,
          terms: [{ sensor: 'JOINT_ANGLES', wp, target: tgt }],
        },
        layout,
      );
      const d = cost.eval(build(X, U));
      for (let t = 0; t < T; t++) {
        let q = 0;
        let s = 0;
        for (let i = 0; i < 3; i++) {
          const di = X[t * dX + i] - tgt[i];
          q += wp[i] * di * di;
          s += (robustWeight === 'squared' ? wp[i] * wp[i] : wp[i]) * di * di;
        }
        expect(d.l[t]).toBeCloseTo(0.5 * 1.3 * q + 0.7 * Math.sqrt(0.05 + s), 12);
      }
    }
  });

  it('reads the sensor stream when present, else the block of X', () => {
    const cost = createCost(
      { type: 'state', terms: [{ sensor: 'JOINT_VELOCITIES', wp: [1, 1], target: [0, 0] }] },
      layout,
    );
    const s = build(X, U);
    const fromSensor = cost.eval(s).l.slice();
    const noSensors = { ...s, sensors: {} };
    expect(Array.from(cost.eval(noSensors).l)).toEqual(Array.from(fromSensor));
    s.sensors.JOINT_VELOCITIES.data.fill(0);
    expect(Array.from(cost.eval(s).l)).toEqual(new Array(T).fill(0));
  });
});

describe('log penalty Hessian quirk', () => {
  const layout = makeLayout([['JOINT_ANGLES', 3]]);
  const { X, U } = randomXU(T, 3, dU, 3);
  const build = (x: Float64Array, u: Float64Array) => makeSample(x, u, T, layout, dU);
  const wp = [1.5, 0.5, 2];
  const tgt = [0.2, 0, -0.1];
  const base = {
    type: 'state' as const,
    penalty: 'log' as const,
    l1: 0.9,
    l2: 0.4,
    alpha: 0.1,
    ramp: 'linear' as const,
    terms: [{ sensor: 'JOINT_ANGLES', wp, target: tgt }],
  };
  it("'reference' (default) differs from 'exact' by l1·v vᵀ/(alpha+S)², v = wp² ∘ d", () => {
    const ref = createCost(base, layout).eval(build(X, U));
    const exact = createCost({ ...base, logHessian: 'exact' }, layout).eval(build(X, U));
    expect(relErr(ref.lx, exact.lx)).toBe(0);
    for (let t = 0; t < T; t++) {
      const w = (t + 1) / T;
      const v: number[] = [];
      let S = 0;
      for (let i = 0; i < 3; i++) {
        const d = X[t * 3 + i] - tgt[i];
        const wpt = wp[i] * Math.fround(w);
        v.push(wpt * wpt * d);
        S += wpt * wpt * d * d;
      }
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const o = t * 9 + i * 3 + j;
          const term = (0.9 * v[i] * v[j]) / (0.1 + S) ** 2;
          expect(ref.lxx[o] - exact.lxx[o]).toBeCloseTo(term, 12);
        }
      }
    }
  });
  it("'reference' keeps the Hessian positive semi-definite; 'exact' matches finite differences", () => {
    const ref = createCost(base, layout).eval(build(X, U));
    const r = rng(9);
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < 20; k++) {
        const z = [r.normal(), r.normal(), r.normal()];
        let q = 0;
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) q += z[i] * ref.lxx[t * 9 + i * 3 + j] * z[j];
        }
        expect(q).toBeGreaterThanOrEqual(0);
      }
    }
    const exact = createCost({ ...base, logHessian: 'exact' }, layout);
    expectMatchesFd(exact, build, X, U);
    const fd = finiteDifferences(createCost(base, layout), build, X, U);
    expect(relErr(ref.lxx, fd.lxx)).toBeGreaterThan(1e-4);
  });
});

describe('FkCost', () => {
  const layout = makeLayout([
    ['JOINT_ANGLES', 3],
    ['JOINT_VELOCITIES', 3],
  ]);
  const dX = layout.size;
  const { X, U } = randomXU(T, dX, dU, 4);
  const target = [0.1, 0.2, -0.3, 0.5, 0, 0.2];
  const wp = [1, 2, 0.5, 1, 1, 1.5];
  const linKin = randomKinematics(6, 3, 11, false);
  const buildLin = (x: Float64Array, u: Float64Array) => makeSample(x, u, T, layout, dU, linKin);
  for (const penalty of PENALTIES) {
    for (const ramp of RAMPS) {
      for (const robustWeight of WEIGHTINGS) {
        it(`linear kinematics: ${penalty} / ${ramp} / ${robustWeight}`, () => {
          const cost = createCost(
            {
              type: 'fk',
              target,
              wp,
              penalty,
              l1: penalty === 'l2' ? 0 : 0.3,
              l2: 2,
              alpha: 1e-2,
              ramp,
              finalMultiplier: 4,
              logHessian: 'exact',
              robustWeight,
            },
            layout,
          );
          const d = expectMatchesFd(cost, buildLin, X, U);
          // Only the joint-angle block of x carries derivatives.
          for (let t = 0; t < T; t++) {
            for (let i = 3; i < dX; i++) expect(d.lx[t * dX + i]).toBe(0);
          }
        });
      }
    }
  }

  it('nonlinear kinematics: lx exact; lxx is Gauss–Newton (drops Σ_k ∂ℓ/∂p_k ∇²p_k)', () => {
    const kin = randomKinematics(6, 3, 12, true);
    const build = (x: Float64Array, u: Float64Array) => makeSample(x, u, T, layout, dU, kin);
    const cost = createCost({ type: 'fk', target, wp, penalty: 'l2' }, layout);
    const an = cost.eval(build(X, U));
    const fd = finiteDifferences(cost, build, X, U);
    expect(relErr(an.lx, fd.lx)).toBeLessThan(FD_TOL);
    const s = build(X, U);
    const pts = s.sensors.END_EFFECTOR_POINTS.data;
    let dropped = 0;
    for (let t = 0; t < T; t++) {
      const q = X.subarray(t * dX, t * dX + 3);
      const second = new Float64Array(9);
      for (let k = 0; k < 6; k++) {
        const g = wp[k] * (pts[t * 6 + k] - target[k]);
        const Hk = kin.hessian(q, k);
        for (let i = 0; i < 9; i++) second[i] += g * Hk[i];
      }
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const o = t * dX * dX + a * dX + b;
          expect(fd.lxx[o] - an.lxx[o]).toBeCloseTo(second[a * 3 + b], 6);
          dropped = Math.max(dropped, Math.abs(second[a * 3 + b]));
        }
      }
    }
    expect(dropped).toBeGreaterThan(1e-2);
  });

  it('defaults to the log penalty (reference CostFK)', () => {
    const cost = createCost({ type: 'fk', target, wp, l1: 1, l2: 0, alpha: 1e-5 }, layout);
    const s = buildLin(X, U);
    const d = cost.eval(s);
    const p = s.sensors.END_EFFECTOR_POINTS.data;
    let S = 0;
    for (let k = 0; k < 6; k++) S += (wp[k] * (p[k] - target[k])) ** 2;
    expect(d.l[0]).toBeCloseTo(0.5 * Math.log(1e-5 + S), 12);
  });
});

describe('SumCost', () => {
  const layout = makeLayout([
    ['JOINT_ANGLES', 3],
    ['JOINT_VELOCITIES', 3],
  ]);
  const dX = layout.size;
  const { X, U } = randomXU(T, dX, dU, 5);
  const kin = randomKinematics(6, 3, 13, false);
  const build = (x: Float64Array, u: Float64Array) => makeSample(x, u, T, layout, dU, kin);
  const parts = [
    { type: 'action' as const, wu: [1, 0.5] },
    {
      type: 'state' as const,
      penalty: 'l1l2' as const,
      l1: 0.5,
      ramp: 'quadratic' as const,
      terms: [{ sensor: 'JOINT_VELOCITIES', wp: [1, 1, 2], target: [0, 0, 0] }],
    },
    {
      type: 'fk' as const,
      target: [0, 0, 0, 0.1, 0.1, 0.1],
      wp: [1, 1, 1, 1, 1, 1],
      l1: 0.2,
      logHessian: 'exact' as const,
    },
  ];
  const weights = [0.5, 2, 1.5];
  it('is the weighted sum of its parts', () => {
    const sum = createCost({ type: 'sum', costs: parts, weights }, layout).eval(build(X, U));
    const each = parts.map((p) => createCost(p, layout).eval(build(X, U)));
    for (const k of ['l', 'lx', 'lu', 'lxx', 'luu', 'lux'] as const) {
      const expected = sum[k].map((_, i) => each.reduce((a, d, c) => a + weights[c] * d[k][i], 0));
      expect(relErr(sum[k], expected), k).toBeLessThan(1e-14);
    }
  });
  it('matches finite differences; weights default to 1', () => {
    expectMatchesFd(createCost({ type: 'sum', costs: parts, weights }, layout), build, X, U);
    const a = createCost({ type: 'sum', costs: parts }, layout).eval(build(X, U));
    const b = createCost({ type: 'sum', costs: parts, weights: [1, 1, 1] }, layout).eval(
      build(X, U),
    );
    expect(Array.from(a.lxx)).toEqual(Array.from(b.lxx));
  });
});
