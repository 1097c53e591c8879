/**
 * Regression test (issue 7): the maximum-entropy backward pass at a huge eta, where the
 * augmented cost cost/eta + KL(previous controller) is dominated by the KL terms and the value
 * function is the cancellation residue of Q_xx − Q_xu Q_uu⁻¹ Q_ux. A naive float64 backward pass
 * in the reference's form (Vxx = Q_xx + Q_xu K, symmetrised; TrajOptLQRPython.backward) keeps
 * Q_uu positive definite up to eta = 1e16 on this problem; the pass must do so too.
 */
import { type LinearGaussianController, zeroController } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { wasmSimdAvailable } from './wasm.js';
import { LqrWorkspace } from './workspace.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/**
 * A damped double integrator (dX = 4, dU = 2, dt = 0.05) with a random PD cost, and a previous
 * controller with large gains and an ill-conditioned, small pol_covar (eigenvalues polVar).
 */
function problem(T: number, polVar: [number, number], gain: number, seed: number) {
  const r = lcg(seed);
  const dX = 4;
  const dU = 2;
  const n = dX + dU;
  const dQ = dX / 2;
  const dt = 0.05;
  const Fm = new Float64Array(T * dX * n);
  const fv = new Float64Array(T * dX);
  for (let t = 0; t < T; t++) {
    const o = t * dX * n;
    for (let i = 0; i < dQ; i++) {
      Fm[o + i * n + i] = 1;
      Fm[o + i * n + dQ + i] = dt;
      Fm[o + (dQ + i) * n + dQ + i] = 0.95;
      for (let j = 0; j < dQ; j++) Fm[o + (dQ + i) * n + j] += 0.02 * r();
      for (let a = 0; a < dU; a++) {
        Fm[o + (dQ + i) * n + dX + a] = dt * (1 + 0.5 * r());
        Fm[o + i * n + dX + a] = dt * dt * (1 + 0.5 * r());
      }
    }
    for (let i = 0; i < dX; i++) fv[t * dX + i] = 0.01 * r();
  }
  const dynCovar = new Float64Array(T * dX * dX);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < dX; i++) dynCovar[t * dX * dX + i * dX + i] = 1e-4;
  const x0sigma = new Float64Array(dX * dX);
  for (let i = 0; i < dX; i++) x0sigma[i * dX + i] = 1e-2;
  const dynamics = { T, dX, dU, Fm, fv, dynCovar, x0mu: new Float64Array(dX), x0sigma };
  const Cm = new Float64Array(T * n * n);
  const cv = new Float64Array(T * n);
  for (let t = 0; t < T; t++) {
    const A = Array.from({ length: n * n }, r);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < n; k++) s += A[i * n + k] * A[j * n + k];
        Cm[t * n * n + i * n + j] = s;
      }
    for (let i = 0; i < n; i++) cv[t * n + i] = r();
  }
  const cost = { T, dX, dU, cc: new Float64Array(T), cv, Cm };
  const c = zeroController(T, dX, dU);
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < dU; a++) {
      for (let j = 0; j < dX; j++)
        c.K[t * dU * dX + a * dX + j] = gain * (1 + r()) * (j < dQ ? -1 : -0.3);
      c.k[t * dU + a] = r();
    }
    const th = r() * 3;
    const rot = [Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th)];
    const o = t * dU * dU;
    for (let a = 0; a < dU; a++)
      for (let b = 0; b < dU; b++) {
        let s = 0;
        let si = 0;
        for (let k = 0; k < dU; k++) {
          s += rot[a * dU + k] * polVar[k] * rot[b * dU + k];
          si += (rot[a * dU + k] / polVar[k]) * rot[b * dU + k];
        }
        c.polCovar[o + a * dU + b] = s;
        c.invPolCovar[o + a * dU + b] = si;
      }
    const r00 = Math.sqrt(c.polCovar[o]);
    const r01 = c.polCovar[o + 1] / r00;
    c.cholPolCovar.set([r00, r01, 0, Math.sqrt(c.polCovar[o + 3] - r01 * r01)], o);
  }
  return { dynamics, cost, c };
}

type Problem = ReturnType<typeof problem>;

/**
 * Naive float64 backward pass in the reference's form: fCm = Cm/eta + PKLm, fcv = cv/eta + PKLv;
 * Q = fC + Fmᵀ V Fm (symmetrised), q = fc + Fmᵀ (v + V fv); K = −Q_uu⁻¹ Q_ux, k = −Q_uu⁻¹ q_u by
 * the two triangular solves of chol(Q_uu); V = Q_xx + Q_xu K (symmetrised), v = q_x + Q_xu k.
 * Returns K of every step, or null when some Q_uu is not positive definite.
 */
function referenceForm(p: Problem, eta: number): Float64Array | null {
  const { T, dX, dU, Fm, fv } = p.dynamics;
  const n = dX + dU;
  const c: LinearGaussianController = p.c;
  const Kout = new Float64Array(T * dU * dX);
  let V = new Float64Array(dX * dX);
  let v = new Float64Array(dX);
  for (let t = T - 1; t >= 0; t--) {
    const P = c.invPolCovar.subarray(t * dU * dU);
    const Kp = c.K.subarray(t * dU * dX);
    const kp = c.k.subarray(t * dU);
    const KtP = new Float64Array(dX * dU);
    for (let i = 0; i < dX; i++)
      for (let b = 0; b < dU; b++) {
        let s = 0;
        for (let a = 0; a < dU; a++) s += Kp[a * dX + i] * P[a * dU + b];
        KtP[i * dU + b] = s;
      }
    const PKLm = new Float64Array(n * n);
    const PKLv = new Float64Array(n);
    for (let i = 0; i < dX; i++) {
      for (let j = 0; j < dX; j++) {
        let s = 0;
        for (let b = 0; b < dU; b++) s += KtP[i * dU + b] * Kp[b * dX + j];
        PKLm[i * n + j] = s;
      }
      for (let b = 0; b < dU; b++) {
        PKLm[i * n + dX + b] = -KtP[i * dU + b];
        PKLm[(dX + b) * n + i] = -KtP[i * dU + b];
      }
      let s = 0;
      for (let b = 0; b < dU; b++) s += KtP[i * dU + b] * kp[b];
      PKLv[i] = s;
    }
    for (let a = 0; a < dU; a++) {
      let s = 0;
      for (let b = 0; b < dU; b++) {
        PKLm[(dX + a) * n + dX + b] = P[a * dU + b];
        s += P[a * dU + b] * kp[b];
      }
      PKLv[dX + a] = -s;
    }
    const Q = new Float64Array(n * n);
    const q = new Float64Array(n);
    for (let i = 0; i < n * n; i++) Q[i] = p.cost.Cm[t * n * n + i] / eta + PKLm[i];
    for (let i = 0; i < n; i++) q[i] = p.cost.cv[t * n + i] / eta + PKLv[i];
    if (t < T - 1) {
      const F = Fm.subarray(t * dX * n);
      const FtV = new Float64Array(n * dX);
      for (let i = 0; i < n; i++)
        for (let b = 0; b < dX; b++) {
          let s = 0;
          for (let a = 0; a < dX; a++) s += F[a * n + i] * V[a * dX + b];
          FtV[i * dX + b] = s;
        }
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let b = 0; b < dX; b++) s += FtV[i * dX + b] * F[b * n + j];
          Q[i * n + j] += s;
        }
      const tv = new Float64Array(dX);
      for (let a = 0; a < dX; a++) {
        let s = 0;
        for (let b = 0; b < dX; b++) s += V[a * dX + b] * fv[t * dX + b];
        tv[a] = v[a] + s;
      }
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let a = 0; a < dX; a++) s += F[a * n + i] * tv[a];
        q[i] += s;
      }
    }
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const m = 0.5 * (Q[i * n + j] + Q[j * n + i]);
        Q[i * n + j] = m;
        Q[j * n + i] = m;
      }
    const R = new Float64Array(dU * dU);
    for (let i = 0; i < dU; i++) {
      let s = Q[(dX + i) * n + dX + i];
      for (let k = 0; k < i; k++) s -= R[k * dU + i] ** 2;
      if (!(s > 0)) return null;
      R[i * dU + i] = Math.sqrt(s);
      for (let j = i + 1; j < dU; j++) {
        let s2 = Q[(dX + i) * n + dX + j];
        for (let k = 0; k < i; k++) s2 -= R[k * dU + i] * R[k * dU + j];
        R[i * dU + j] = s2 / R[i * dU + i];
      }
    }
    // X = Q_uu⁻¹ [Q_ux, q_u]; K = −X[:, :dX], k = −X[:, dX].
    const w = dX + 1;
    const X = new Float64Array(dU * w);
    for (let a = 0; a < dU; a++) {
      for (let j = 0; j < dX; j++) X[a * w + j] = Q[(dX + a) * n + j];
      X[a * w + dX] = q[dX + a];
    }
    for (let col = 0; col < w; col++) {
      for (let i = 0; i < dU; i++) {
        let s = X[i * w + col];
        for (let k = 0; k < i; k++) s -= R[k * dU + i] * X[k * w + col];
        X[i * w + col] = s / R[i * dU + i];
      }
      for (let i = dU - 1; i >= 0; i--) {
        let s = X[i * w + col];
        for (let k = i + 1; k < dU; k++) s -= R[i * dU + k] * X[k * w + col];
        X[i * w + col] = s / R[i * dU + i];
      }
    }
    for (let a = 0; a < dU; a++)
      for (let j = 0; j < dX; j++) Kout[t * dU * dX + a * dX + j] = -X[a * w + j];
    const V2 = new Float64Array(dX * dX);
    const v2 = new Float64Array(dX);
    for (let i = 0; i < dX; i++) {
      for (let j = 0; j < dX; j++) {
        let s = 0;
        for (let a = 0; a < dU; a++) s += Q[i * n + dX + a] * -X[a * w + j];
        V2[i * dX + j] = Q[i * n + j] + s;
      }
      let s = 0;
      for (let a = 0; a < dU; a++) s += Q[i * n + dX + a] * -X[a * w + dX];
      v2[i] = q[i] + s;
    }
    for (let i = 0; i < dX; i++)
      for (let j = i + 1; j < dX; j++) {
        const m = 0.5 * (V2[i * dX + j] + V2[j * dX + i]);
        V2[i * dX + j] = m;
        V2[j * dX + i] = m;
      }
    V = V2;
    v = v2;
  }
  return Kout;
}

/** True when one pass at exactly this eta finds every Q_uu positive definite (no repair). */
function passesAt(p: Problem, eta: number, js: boolean): boolean {
  const { T, dX, dU } = p.dynamics;
  const ws = new LqrWorkspace(T, dX, dU);
  if (js) ws.simd = null;
  try {
    // The repair adds at most 2·del0 per retry; with the bound at 2 eta any retry at this
    // scale ends in EtaOutOfBoundsError after ~60 doublings.
    return backward(p.dynamics, p.cost, p.c, eta, { etaFailBound: 2 * eta }, {}, ws).retries === 0;
  } catch {
    return false;
  }
}

const kernels = wasmSimdAvailable() ? [false, true] : [true];
const p = problem(20, [1e-8, 1], 100, 2);

describe('backward pass at a huge eta (KL terms dominate the augmented cost)', () => {
  it('agrees with the naive reference form on a well-conditioned problem', () => {
    // (On the problem below pol_covar has condition number 1e8: agreement only to its rounding.)
    const q = problem(20, [1e-2, 1e-1], 1, 2);
    for (const eta of [1, 1e3, 1e6]) {
      const ref = referenceForm(q, eta) as Float64Array;
      expect(ref).not.toBeNull();
      for (const js of kernels) {
        const ws = new LqrWorkspace(20, 4, 2);
        if (js) ws.simd = null;
        const K = backward(q.dynamics, q.cost, q.c, eta, {}, {}, ws).controller.K;
        for (let i = 0; i < K.length; i++)
          expect(Math.abs(K[i] - ref[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref[i])));
      }
    }
  });

  for (const e of [10, 11, 12, 13, 14, 15, 16]) {
    it(`keeps Q_uu positive definite at eta = 1e${e}, as the reference form does`, () => {
      const eta = 10 ** e;
      expect(referenceForm(p, eta)).not.toBeNull();
      for (const js of kernels)
        expect({ js, passes: passesAt(p, eta, js) }).toEqual({ js, passes: true });
    });
  }
});
