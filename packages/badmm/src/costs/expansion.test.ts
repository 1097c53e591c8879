import { makeLayout } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import { CostConfigError } from './errors.js';
import { evalCostExpansion } from './expansion.js';
import { createCost } from './factory.js';
import { makeSample, randomXU } from './test-utils.js';

const layout = makeLayout([
  ['JOINT_ANGLES', 3],
  ['JOINT_VELOCITIES', 2],
]);
const T = 5;
const dX = 5;
const dU = 2;
const dY = dX + dU;

function quadValue(q: ReturnType<typeof evalCostExpansion>, t: number, y: number[]): number {
  let v = q.cc[t];
  for (let i = 0; i < dY; i++) {
    v += q.cv[t * dY + i] * y[i];
    for (let j = 0; j < dY; j++) v += 0.5 * y[i] * q.Cm[t * dY * dY + i * dY + j] * y[j];
  }
  return v;
}

describe('evalCostExpansion', () => {
  const samples = [1, 2, 3].map((seed) => {
    const { X, U } = randomXU(T, dX, dU, seed);
    return makeSample(X, U, T, layout, dU);
  });

  it('reproduces a quadratic cost exactly at any y (re-centred at y = 0), cs = l', () => {
    const cost = createCost(
      {
        type: 'sum',
        costs: [
          { type: 'action', wu: [0.5, 2] },
          {
            type: 'state',
            terms: [{ sensor: 'JOINT_ANGLES', wp: [1, 2, 3], target: [0.1, 0, -1] }],
          },
        ],
        weights: [1, 0.7],
      },
      layout,
    );
    const q = evalCostExpansion(cost, samples);
    expect(q.N).toBe(3);
    expect(q.cs.length).toBe(3 * T);
    for (let n = 0; n < 3; n++) {
      const l = cost.eval(samples[n]).l;
      for (let t = 0; t < T; t++) expect(q.cs[n * T + t]).toBe(l[t]);
    }
    for (let k = 0; k < 5; k++) {
      const { X, U } = randomXU(T, dX, dU, 100 + k);
      const l = cost.eval(makeSample(X, U, T, layout, dU)).l;
      for (let t = 0; t < T; t++) {
        const y = [...X.subarray(t * dX, (t + 1) * dX), ...U.subarray(t * dU, (t + 1) * dU)];
        expect(quadValue(q, t, y)).toBeCloseTo(l[t], 10);
      }
    }
  });

  it('is the mean of the per-sample expansions (each exact at its own sample point)', () => {
    const cost = createCost(
      {
        type: 'state',
        penalty: 'log',
        l1: 1,
        alpha: 0.1,
        terms: [{ sensor: 'JOINT_ANGLES', wp: [1, 1, 1], target: [0, 0, 0] }],
      },
      layout,
    );
    const each = samples.map((s) => evalCostExpansion(cost, [s]));
    const all = evalCostExpansion(cost, samples);
    for (const k of ['cc', 'cv', 'Cm'] as const) {
      for (let i = 0; i < all[k].length; i++) {
        expect(all[k][i]).toBeCloseTo((each[0][k][i] + each[1][k][i] + each[2][k][i]) / 3, 12);
      }
    }
    // Each single-sample model equals the cost (and its gradient) at that sample's y.
    for (let n = 0; n < 3; n++) {
      const s = samples[n];
      for (let t = 0; t < T; t++) {
        const y = [...s.X.subarray(t * dX, (t + 1) * dX), ...s.U.subarray(t * dU, (t + 1) * dU)];
        expect(quadValue(each[n], t, y)).toBeCloseTo(each[n].cs[t], 10);
      }
    }
  });

  it('rejects no samples or mismatched samples', () => {
    const cost = createCost({ type: 'action', wu: [1, 1] }, layout);
    expect(() => evalCostExpansion(cost, [])).toThrow(CostConfigError);
    const { X, U } = randomXU(T + 1, dX, dU, 9);
    const other = makeSample(X, U, T + 1, layout, dU);
    expect(() => evalCostExpansion(cost, [samples[0], other])).toThrow(
      /^samples\[1\]: expected dims T=5/,
    );
  });
});
