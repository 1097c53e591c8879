/**
 * @internal Realistic PR2-arm-sized inputs for the LQR benchmarks and tests (T = 100, dX = 26, dU = 7): fitted
 * dynamics of a damped 7-joint arm whose state also carries two end-effector points and their
 * velocities (through a fixed Jacobian), a quadratic cost pulling the end-effector points to a
 * target (with a larger final weight) plus a small action penalty, and the initial controller
 * from `initLqr` with the PR2 example's gains.
 */
import type {
  LinearGaussianController,
  LinearGaussianDynamics,
  QuadraticCost,
} from '@visuomotor/contracts';
import { initLqr } from './init.js';

/** Deterministic standard-normal generator (mulberry32 + Box-Muller). */
export function makeRandn(seed: number): () => number {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u1 = Math.max(u(), 1e-300);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u());
  };
}

export interface Pr2Problem {
  dynamics: LinearGaussianDynamics;
  cost: QuadraticCost;
  controller: LinearGaussianController;
  /** Total KL bound: base_kl_step 0.2 × step_mult 1 × T. */
  klStep: number;
}

/** A random symmetric positive definite `[m, m]` matrix L Lᵀ + I, L with entries from `randn`. */
export function randomSpd(m: number, randn: () => number): Float64Array {
  const L = Float64Array.from({ length: m * m }, randn);
  const B = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < m; k++) s += L[i * m + k] * L[j * m + k];
      B[i * m + j] = s;
    }
  return B;
}

/** Build the benchmark problem (deterministic for a seed). */
export function pr2Problem(seed = 1, T = 100): Pr2Problem {
  const nJ = 7;
  const dU = nJ;
  const dX = 26;
  const n = dX + dU;
  const dt = 0.05;
  const randn = makeRandn(seed);
  const gains = [3.09, 1.08, 0.393, 0.674, 0.111, 0.152, 0.098].map((g) => 1 / g);
  const damping = [0.8, 0.9, 0.6, 0.7, 0.5, 0.5, 0.4];
  // End-effector Jacobian of two points (6 x 7).
  const J = Array.from({ length: 6 }, () => Array.from({ length: nJ }, () => 0.3 * randn()));
  // Continuous-time joint model, then one Euler step: q' = q + dt qd, qd' = (1 − b dt) qd + dt g u.
  const Fm = new Float64Array(T * dX * n);
  const fv = new Float64Array(T * dX);
  const dynCovar = new Float64Array(T * dX * dX);
  const base = new Float64Array(dX * n);
  for (let j = 0; j < nJ; j++) {
    base[j * n + j] = 1;
    base[j * n + nJ + j] = dt;
    base[j * n + dX + j] = dt * dt * gains[j];
    base[(nJ + j) * n + nJ + j] = 1 - damping[j] * dt;
    base[(nJ + j) * n + dX + j] = dt * gains[j];
  }
  // Points p = J q, velocities v = J qd: rows 14..19 and 20..25 = J times the joint rows.
  for (let r = 0; r < 6; r++) {
    for (let c = 0; c < n; c++) {
      let sp = 0;
      let sv = 0;
      for (let j = 0; j < nJ; j++) {
        sp += J[r][j] * base[j * n + c];
        sv += J[r][j] * base[(nJ + j) * n + c];
      }
      base[(14 + r) * n + c] = sp;
      base[(20 + r) * n + c] = sv;
    }
  }
  for (let t = 0; t < T; t++) {
    // A fitted model: the true one plus estimation noise, varying along the trajectory.
    for (let i = 0; i < dX * n; i++) {
      Fm[t * dX * n + i] = base[i] + (base[i] !== 0 ? 0.01 : 0.002) * randn();
    }
    for (let i = 0; i < dX; i++) fv[t * dX + i] = 1e-3 * randn();
    // dynCovar = 1e-5 (B Bᵀ + I) for a random B: SPD.
    const B = Array.from({ length: dX * 4 }, () => randn());
    for (let i = 0; i < dX; i++) {
      for (let j = 0; j < dX; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < 4; k++) s += B[i * 4 + k] * B[j * 4 + k] * 0.1;
        dynCovar[t * dX * dX + i * dX + j] = 1e-5 * s;
      }
    }
  }
  const x0 = new Float64Array(dX);
  const q0 = [0.1, 0.1, -1.54, -1.7, 1.54, -0.2, 0];
  for (let j = 0; j < nJ; j++) x0[j] = q0[j];
  for (let r = 0; r < 6; r++) {
    let s = 0;
    for (let j = 0; j < nJ; j++) s += J[r][j] * q0[j];
    x0[14 + r] = s;
  }
  const x0sigma = new Float64Array(dX * dX);
  for (let i = 0; i < dX; i++) x0sigma[i * dX + i] = 1e-6;
  const dynamics: LinearGaussianDynamics = { T, dX, dU, Fm, fv, dynCovar, x0mu: x0, x0sigma };
  // Cost: ½ w_t ‖p − p*‖² + ½ 1e-3 ‖u‖², w ramps up, final step ×10.
  const target = Array.from({ length: 6 }, (_, r) => x0[14 + r] + 0.2 * randn());
  const cc = new Float64Array(T);
  const cv = new Float64Array(T * n);
  const Cm = new Float64Array(T * n * n);
  for (let t = 0; t < T; t++) {
    const w = ((t + 1) / T) * (t === T - 1 ? 10 : 1);
    for (let r = 0; r < 6; r++) {
      const i = 14 + r;
      Cm[t * n * n + i * n + i] = w;
      cv[t * n + i] = -w * target[r];
      cc[t] += 0.5 * w * target[r] * target[r];
    }
    for (let a = 0; a < dU; a++) Cm[t * n * n + (dX + a) * n + dX + a] = 1e-3;
  }
  const cost: QuadraticCost = { T, dX, dU, cc, cv, Cm };
  const controller = initLqr({
    x0,
    dX,
    dU,
    dt,
    T,
    initGains: gains,
    initVar: 1,
    stiffness: 1,
    stiffnessVel: 0.5,
  });
  return { dynamics, cost, controller, klStep: 0.2 * 1 * T };
}
