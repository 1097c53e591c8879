import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { HostAdam } from './adam.js';
import { initBackend } from './backend.js';
import { makeVariable } from './networks.js';

describe('HostAdam', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm', 'cpu'] });
  });

  it('follows TensorFlow 1.x Adam with weight decay in the gradient', () => {
    const theta0 = [0.5, -1, 2];
    const w = makeVariable(() => tf.tensor1d(theta0), 'test/w');
    const b = makeVariable(() => tf.tensor1d([0.25]), 'test/b');
    const cfg = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5 };
    const adam = new HostAdam(
      [
        { name: 'w', variable: w, decay: true },
        { name: 'b', variable: b, decay: false },
      ],
      cfg,
    );
    const grads = [
      [
        [1, -2, 0.5],
        [0.3, 0.3, -4],
      ],
      [[2], [-1]],
    ];
    // float64 reference
    const th = [theta0.slice(), [0.25]];
    const m = [new Array(3).fill(0), [0]];
    const v = [new Array(3).fill(0), [0]];
    let sqFirst = 0;
    for (let t = 1; t <= 2; t++) {
      const sq = adam.step([grads[0][t - 1], grads[1][t - 1]]);
      if (t === 1) sqFirst = sq;
      const lrT = (cfg.lr * Math.sqrt(1 - cfg.beta2 ** t)) / (1 - cfg.beta1 ** t);
      for (let i = 0; i < 2; i++) {
        for (let k = 0; k < th[i].length; k++) {
          const g = grads[i][t - 1][k] + (i === 0 ? cfg.weightDecay * th[i][k] : 0);
          m[i][k] = cfg.beta1 * m[i][k] + (1 - cfg.beta1) * g;
          v[i][k] = cfg.beta2 * v[i][k] + (1 - cfg.beta2) * g * g;
          th[i][k] -= (lrT * m[i][k]) / (Math.sqrt(v[i][k]) + cfg.epsilon);
        }
      }
    }
    expect(sqFirst).toBeCloseTo(0.25 + 1 + 4, 6); // Σθ² of the decayed weight only
    const got = [Array.from(w.dataSync()), Array.from(b.dataSync())];
    for (let i = 0; i < 2; i++) {
      for (let k = 0; k < th[i].length; k++) expect(got[i][k]).toBeCloseTo(th[i][k], 5);
    }
    expect(adam.iterations).toBe(2);
    const st = adam.getState();
    const again = new HostAdam(adam.weights, cfg);
    again.setState(st);
    expect(again.getState()).toEqual(st);
    expect(() => again.setState({ ...st, m: [st.m[0]] })).toThrow(/moments for 2 weights/);
    w.dispose();
    b.dispose();
  });

  it("lrScales multiplies each weight's step; 0 freezes it; bad multipliers are named", () => {
    const theta0 = [0.5, -1, 2];
    const grads = [
      [1, -2, 0.5],
      [0.3, 0.3, -4],
      [-0.7, 1, 1],
    ];
    const vars = [0, 1, 2].map((i) => makeVariable(() => tf.tensor1d(theta0), `test/s${i}`));
    const weights = vars.map((variable, i) => ({ name: `w${i}`, variable, decay: false }));
    const cfg = { lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };
    const adam = new HostAdam(weights, { ...cfg, lrScales: [1, 0.1, 0] });
    for (const g of grads) adam.step([g, g, g]);
    const moved = vars.map((v) => Array.from(v.dataSync()).map((x, k) => x - theta0[k]));
    for (let k = 0; k < 3; k++) {
      expect(Math.abs(moved[0][k])).toBeGreaterThan(1e-4);
      expect(moved[1][k]).toBeCloseTo(0.1 * moved[0][k], 6);
      expect(moved[2][k]).toBe(0);
    }
    expect(() => new HostAdam(weights, { ...cfg, lrScales: [1, 1] })).toThrow(
      /lrScales: expected one multiplier per weight \(3\)/,
    );
    expect(() => new HostAdam(weights, { ...cfg, lrScales: [1, -1, 1] })).toThrow(
      /lrScales\[1\] \(w1\): expected a finite number >= 0/,
    );
    for (const v of vars) v.dispose();
  });
});
