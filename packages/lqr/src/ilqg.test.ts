import { describe, expect, it } from 'vitest';
import {
  type DifferentiableCost,
  type DifferentiableDynamics,
  finiteDifferenceHessian,
  finiteDifferenceJacobian,
  ilqg,
} from './ilqg.js';
import { solveLqr } from './lqr.js';
import { PENDULUM, pendulumCost, pendulumDynamics, swingUp } from './pendulum.js';
import { makeRandn } from './pr2-problem.js';

describe('finite-difference helpers', () => {
  it('match the analytic pendulum Jacobian', () => {
    const J = new Float64Array(6);
    const Jfd = new Float64Array(6);
    const x = Float64Array.from([0.7, -1.3]);
    const u = Float64Array.from([0.4]);
    pendulumDynamics.jacobian?.(x, u, 0, J);
    const xs = new Float64Array(2);
    const us = new Float64Array(1);
    finiteDifferenceJacobian(
      (y, out) => {
        xs.set(y.subarray(0, 2));
        us[0] = y[2];
        pendulumDynamics.step(xs, us, 0, out);
      },
      Float64Array.from([0.7, -1.3, 0.4]),
      2,
      Jfd,
    );
    for (let i = 0; i < 6; i++) expect(Jfd[i]).toBeCloseTo(J[i], 8);
  });

  it('match the analytic final-cost gradient and Hessian', () => {
    const x = Float64Array.from([2.5, 0.7]);
    const g = new Float64Array(2);
    const H = new Float64Array(4);
    const gfd = new Float64Array(2);
    const Hfd = new Float64Array(4);
    pendulumCost.finalDerivatives?.(x, g, H);
    finiteDifferenceHessian((y) => pendulumCost.final?.(y) ?? 0, x.slice(), gfd, Hfd);
    for (let i = 0; i < 2; i++) expect(gfd[i]).toBeCloseTo(g[i], 6);
    for (let i = 0; i < 4; i++) expect(Hfd[i]).toBeCloseTo(H[i], 4);
  });
});

describe('ilqg', () => {
  it('equals the LQR solution on a linear-quadratic problem', () => {
    const dX = 3;
    const dU = 2;
    const n = dX + dU;
    const T = 15;
    const randn = makeRandn(11);
    const A = Array.from(
      { length: dX * dX },
      (_, i) => (i % (dX + 1) === 0 ? 1 : 0) + 0.2 * randn(),
    );
    const B = Array.from({ length: dX * dU }, () => randn());
    const c = Array.from({ length: dX }, () => 0.1 * randn());
    const dyn: DifferentiableDynamics = {
      dX,
      dU,
      step(x, u, _t, out) {
        for (let i = 0; i < dX; i++) {
          let s = c[i];
          for (let j = 0; j < dX; j++) s += A[i * dX + j] * x[j];
          for (let a = 0; a < dU; a++) s += B[i * dU + a] * u[a];
          out[i] = s;
        }
      },
    };
    // Stage cost ½ |x − 1|² + ½ 0.1 |u|², final ½ 10 |x|² (derivatives by finite differences).
    const cost: DifferentiableCost = {
      stage: (x, u) => {
        let s = 0;
        for (let i = 0; i < dX; i++) s += 0.5 * (x[i] - 1) ** 2;
        for (let a = 0; a < dU; a++) s += 0.05 * u[a] ** 2;
        return s;
      },
      final: (x) => x.reduce((s, v) => s + 5 * v * v, 0),
    };
    const x0 = [1, -2, 0.5];
    const r = ilqg(dyn, cost, x0, T, { muInit: 0, tolerance: 1e-14 });
    // The same problem as one LQR over T+1 steps (the last carries the final cost).
    const Tl = T + 1;
    const Fm = new Float64Array(Tl * dX * n);
    const fv = new Float64Array(Tl * dX);
    const Cm = new Float64Array(Tl * n * n);
    const cv = new Float64Array(Tl * n);
    for (let t = 0; t < Tl; t++) {
      for (let i = 0; i < dX; i++) {
        for (let j = 0; j < dX; j++) Fm[t * dX * n + i * n + j] = A[i * dX + j];
        for (let a = 0; a < dU; a++) Fm[t * dX * n + i * n + dX + a] = B[i * dU + a];
        fv[t * dX + i] = c[i];
        Cm[t * n * n + i * n + i] = t < T ? 1 : 10;
        cv[t * n + i] = t < T ? -1 : 0;
      }
      for (let a = 0; a < dU; a++) Cm[t * n * n + (dX + a) * n + dX + a] = t < T ? 0.1 : 1;
    }
    const lqr = solveLqr({ T: Tl, dX, dU, Fm, fv, Cm, cv }).controller;
    const x = Float64Array.from(x0);
    const xn = new Float64Array(dX);
    const u = new Float64Array(dU);
    for (let t = 0; t < T; t++) {
      for (let a = 0; a < dU; a++) {
        let s = lqr.k[t * dU + a];
        for (let j = 0; j < dX; j++) s += lqr.K[(t * dU + a) * dX + j] * x[j];
        u[a] = s;
        expect(r.U[t * dU + a]).toBeCloseTo(s, 5);
      }
      dyn.step(x, u, t, xn);
      x.set(xn);
    }
    expect(r.converged).toBe(true);
    expect(r.costHistory.length).toBeLessThanOrEqual(4);
  });

  it('swings the pendulum up to a stationary point of the total cost', () => {
    const r = swingUp();
    const { T } = PENDULUM;
    expect(r.converged).toBe(true);
    expect(Math.abs(r.X[T * 2] - Math.PI)).toBeLessThan(0.05);
    expect(Math.abs(r.X[T * 2 + 1])).toBeLessThan(0.1);
    for (let i = 1; i < r.costHistory.length; i++) {
      expect(r.costHistory[i]).toBeLessThan(r.costHistory[i - 1]);
    }
    // First-order optimality: dJ/du_t ≈ 0 (central differences of the open-loop rollout cost).
    const J = (U: Float64Array): number => {
      const x = new Float64Array(2);
      const xn = new Float64Array(2);
      const u = new Float64Array(1);
      let s = 0;
      for (let t = 0; t < T; t++) {
        u[0] = U[t];
        s += pendulumCost.stage(x, u, t);
        pendulumDynamics.step(x, u, t, xn);
        x.set(xn);
      }
      return s + (pendulumCost.final?.(x) ?? 0);
    };
    const U = r.U.slice();
    const h = 1e-6;
    for (const t of [0, 17, 50, 83, 99]) {
      const u0 = U[t];
      U[t] = u0 + h;
      const jp = J(U);
      U[t] = u0 - h;
      const jm = J(U);
      U[t] = u0;
      expect(Math.abs((jp - jm) / (2 * h))).toBeLessThan(1e-4);
    }
  });
});
