import { gemm, Mat, solve } from '@visuomotor/linalg';
import { describe, expect, it } from 'vitest';
import { NotPositiveDefiniteQuuError } from './errors.js';
import { finiteDifferenceHessian } from './ilqg.js';
import { type LqrProblem, solveLqr } from './lqr.js';
import { makeRandn } from './pr2-problem.js';

/** A random stabilisable LQ problem with SPD stage costs. */
function randomProblem(seed: number, T: number, dX: number, dU: number): LqrProblem {
  const randn = makeRandn(seed);
  const n = dX + dU;
  const Fm = Float64Array.from({ length: T * dX * n }, () => 0.3 * randn());
  for (let t = 0; t < T; t++) for (let i = 0; i < dX; i++) Fm[t * dX * n + i * n + i] += 0.9;
  const fv = Float64Array.from({ length: T * dX }, () => 0.1 * randn());
  const Cm = new Float64Array(T * n * n);
  const cv = Float64Array.from({ length: T * n }, () => randn());
  for (let t = 0; t < T; t++) {
    const L = Array.from({ length: n * n }, () => randn());
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? 0.5 : 0;
        for (let k = 0; k < n; k++) s += (L[i * n + k] * L[j * n + k]) / n;
        Cm[t * n * n + i * n + j] = s;
      }
    }
  }
  return { T, dX, dU, Fm, fv, Cm, cv };
}

/** Q_t from the next value function, with linalg's gemm (independent of the package kernels). */
function qFromNext(p: LqrProblem, t: number, Vxx: Float64Array, Vx: Float64Array) {
  const { T, dX, dU } = p;
  const n = dX + dU;
  const Q = new Mat(p.Cm.slice(t * n * n, (t + 1) * n * n), n, n);
  const q = new Mat(p.cv.slice(t * n, (t + 1) * n), n, 1);
  if (t < T - 1) {
    const F = new Mat(p.Fm, dX, n, t * dX * n);
    const V = new Mat(Vxx, dX, dX, (t + 1) * dX * dX);
    const VF = Mat.zeros(dX, n);
    gemm(V, F, VF);
    gemm(F, VF, Q, true, false, 1, 1);
    const v = new Mat(Vx.slice((t + 1) * dX, (t + 2) * dX), dX, 1);
    gemm(V, new Mat(p.fv, dX, 1, t * dX, 1), v, false, false, 1, 1);
    gemm(F, v, q, true, false, 1, 1);
  }
  return { Q, q };
}

describe('solveLqr', () => {
  it('satisfies the Riccati recursion on random systems', () => {
    for (const [seed, dX, dU] of [
      [1, 3, 1],
      [2, 5, 2],
      [3, 8, 3],
      [4, 6, 6],
    ]) {
      const T = 12;
      const p = randomProblem(seed, T, dX, dU);
      const { controller: c, Vxx, Vx } = solveLqr(p);
      for (let t = T - 1; t >= 0; t--) {
        const { Q, q } = qFromNext(p, t, Vxx, Vx);
        const Quu = Q.block(dX, dX, dU, dU).clone();
        const Qux = Q.block(dX, 0, dU, dX).clone();
        const K = solve(Quu, Qux);
        const k = solve(Quu, q.block(dX, 0, dU, 1).clone());
        for (let a = 0; a < dU; a++) {
          for (let j = 0; j < dX; j++) {
            expect(c.K[(t * dU + a) * dX + j]).toBeCloseTo(-K.get(a, j), 9);
          }
          expect(c.k[t * dU + a]).toBeCloseTo(-k.get(a, 0), 9);
        }
        // V_t = Q_xx − Q_xu Q_uu⁻¹ Q_ux (the discrete Riccati equation), v_t = q_x − Q_xu Q_uu⁻¹ q_u
        for (let i = 0; i < dX; i++) {
          let sv = q.get(i, 0);
          for (let a = 0; a < dU; a++) sv -= Q.get(i, dX + a) * k.get(a, 0);
          expect(Vx[t * dX + i]).toBeCloseTo(sv, 8);
          for (let j = 0; j < dX; j++) {
            let s = Q.get(i, j);
            for (let a = 0; a < dU; a++) s -= Q.get(i, dX + a) * K.get(a, j);
            expect(Vxx[t * dX * dX + i * dX + j]).toBeCloseTo(s, 8);
          }
        }
        // polCovar is Q_uu⁻¹, invPolCovar is Q_uu
        for (let a = 0; a < dU; a++) {
          for (let b = 0; b < dU; b++) {
            expect(c.invPolCovar[t * dU * dU + a * dU + b]).toBeCloseTo(Quu.get(a, b), 10);
          }
        }
      }
    }
  });

  it('gives the value function: ∇V and ∇²V match finite differences of the cost-to-go', () => {
    const T = 8;
    const dX = 4;
    const dU = 2;
    const n = dX + dU;
    const p = randomProblem(7, T, dX, dU);
    const { controller: c, Vxx, Vx } = solveLqr(p);
    const t0 = 3;
    // Cost-to-go from x at t0 under the optimal controller (deterministic).
    const costToGo = (x0: Float64Array): number => {
      const x = x0.slice();
      let J = 0;
      const y = new Float64Array(n);
      for (let t = t0; t < T; t++) {
        for (let i = 0; i < dX; i++) y[i] = x[i];
        for (let a = 0; a < dU; a++) {
          let u = c.k[t * dU + a];
          for (let i = 0; i < dX; i++) u += c.K[(t * dU + a) * dX + i] * x[i];
          y[dX + a] = u;
        }
        for (let i = 0; i < n; i++) {
          J += p.cv[t * n + i] * y[i];
          for (let j = 0; j < n; j++) J += 0.5 * y[i] * p.Cm[t * n * n + i * n + j] * y[j];
        }
        if (t < T - 1) {
          for (let i = 0; i < dX; i++) {
            let s = p.fv[t * dX + i];
            for (let j = 0; j < n; j++) s += p.Fm[t * dX * n + i * n + j] * y[j];
            x[i] = s;
          }
        }
      }
      return J;
    };
    const x = Float64Array.from([0.3, -0.2, 0.1, 0.5]);
    const g = new Float64Array(dX);
    const H = new Float64Array(dX * dX);
    finiteDifferenceHessian(costToGo, x, g, H, 1e-3);
    for (let i = 0; i < dX; i++) {
      let gi = Vx[t0 * dX + i];
      for (let j = 0; j < dX; j++) gi += Vxx[t0 * dX * dX + i * dX + j] * x[j];
      expect(g[i]).toBeCloseTo(gi, 6);
      for (let j = 0; j < dX; j++)
        expect(H[i * dX + j]).toBeCloseTo(Vxx[t0 * dX * dX + i * dX + j], 4);
    }
  });

  it('throws NotPositiveDefiniteQuuError on an indefinite Q_uu, regularisation repairs it', () => {
    const p = randomProblem(5, 4, 3, 1);
    const n = 4;
    const bad = { ...p, Cm: p.Cm.slice() };
    bad.Cm[3 * n * n + 3 * n + 3] = -50;
    expect(() => solveLqr(bad)).toThrow(NotPositiveDefiniteQuuError);
    expect(() => solveLqr(bad, { regularization: 100 })).not.toThrow();
  });
});
