/**
 * Test doubles for the BADMM / MDGPS tests: a seeded simulator (a damped 2D point mass with a
 * drag nonlinearity) and a least-squares, time-indexed linear-in-features policy optimiser
 * implementing {@link PolicyOptimizer}.
 */
import {
  type LinearGaussianController,
  makeLayout,
  type Policy,
  type PolicyOptimizer,
  type PolicyProb,
  type PolicyTargets,
  type PolicyUpdateReport,
  type Sample,
} from '@visuomotor/contracts';
import { cholesky, Mat, solve, spdInverseOrThrow } from '@visuomotor/linalg';
import { createCost } from '../costs/factory.js';

/** Gaussian numbers from a seeded generator (mulberry32 + Box-Muller). */
export function gaussian(seed: number): () => number {
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

export const dX = 4;
export const dU = 2;

/** Observation of a state: [x; sin(p)] (dO = 6), so the policy sees features, not the state. */
export function observe(x: ArrayLike<number>, out: Float64Array, o = 0): void {
  for (let i = 0; i < dX; i++) out[o + i] = x[i];
  out[o + 4] = Math.sin(x[0]);
  out[o + 5] = Math.sin(x[1]);
}
export const dO = 6;

type Actor = (
  x: Float64Array,
  obs: Float64Array,
  t: number,
  eps: Float64Array,
  u: Float64Array,
) => void;

/** Controller as an actor: u = K x + k + chol(Σ)ᵀ ε. */
export function controllerActor(c: LinearGaussianController): Actor {
  return (x, _o, t, eps, u) => {
    for (let i = 0; i < dU; i++) {
      let v = c.k[t * dU + i];
      for (let j = 0; j < dX; j++) v += c.K[(t * dU + i) * dX + j] * x[j];
      for (let j = 0; j <= i; j++) v += c.cholPolCovar[(t * dU + j) * dU + i] * eps[j];
      u[i] = v;
    }
  };
}

/** Roll out `act` for T steps from x0. */
export function rollout(
  act: Actor | Policy,
  T: number,
  x0: readonly number[],
  seed: number,
): Sample {
  const f: Actor = typeof act === 'function' ? act : (x, o, t, e, u) => act.act(x, o, t, e, u);
  const dt = 0.05;
  const X = new Float64Array(T * dX);
  const U = new Float64Array(T * dU);
  const obs = new Float64Array(T * dO);
  const rnd = gaussian(seed);
  const x = Float64Array.from(x0);
  const eps = new Float64Array(dU);
  const u = new Float64Array(dU);
  const o = new Float64Array(dO);
  for (let t = 0; t < T; t++) {
    X.set(x, t * dX);
    observe(x, o);
    obs.set(o, t * dO);
    for (let i = 0; i < dU; i++) eps[i] = rnd();
    f(x, o, t, eps, u);
    U.set(u, t * dU);
    for (let i = 0; i < 2; i++) {
      const v = x[2 + i];
      const acc = u[i] - 0.5 * v - 0.3 * v * Math.abs(v);
      x[2 + i] = v + dt * acc;
      x[i] += dt * x[2 + i];
    }
  }
  const pick = (off: number) =>
    Float64Array.from({ length: T * 2 }, (_, i) => X[Math.floor(i / 2) * dX + off + (i % 2)]);
  return {
    T,
    dX,
    dU,
    dO,
    X,
    U,
    obs,
    sensors: {
      JOINT_ANGLES: { shape: [2], data: pick(0) },
      JOINT_VELOCITIES: { shape: [2], data: pick(2) },
    },
  };
}

export const target = [1, -0.5];
export const cost = createCost(
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
  makeLayout([
    ['JOINT_ANGLES', 2],
    ['JOINT_VELOCITIES', 2],
  ]),
);

/**
 * A time-indexed linear-in-features policy μ_t(o) = W_t [o; 1] with a state-independent
 * covariance Σ_t, fitted in closed form: W_t minimises Σ_i w_it (u*_it − W_t φ_i)ᵀ P_it (·) + ridge,
 * Σ_t = (Σ_i w_it P_it / Σ_i w_it)⁻¹ (the weighted mean precision, inverted).
 */
export class LinearPolicyOptimizer implements PolicyOptimizer {
  readonly dU = dU;
  W: Float64Array;
  sigma: Float64Array;
  updates = 0;
  entReg = 0;
  constructor(
    readonly T: number,
    readonly dO: number,
    readonly ridge = 1e-6,
    /** Act on the state x instead of the observation (a state-based network, dO = dX). */
    readonly stateBased = false,
  ) {
    const F = dO + 1;
    // A random start, like a freshly initialised network.
    const rnd = gaussian(12345);
    this.W = Float64Array.from({ length: T * dU * F }, () => 0.5 * rnd());
    this.sigma = new Float64Array(T * dU * dU);
    for (let t = 0; t < T; t++) for (let a = 0; a < dU; a++) this.sigma[(t * dU + a) * dU + a] = 1;
  }

  setEntReg(v: number): void {
    this.entReg = v;
  }

  update(tg: PolicyTargets): PolicyUpdateReport {
    const { N, T, dO: O } = tg;
    const F = O + 1;
    const D = dU * F;
    const before = this.loss(tg);
    for (let t = 0; t < T; t++) {
      const A = Mat.zeros(D, D);
      const b = Mat.zeros(D, 1);
      const Pm = new Float64Array(dU * dU);
      let wsum = 0;
      for (let i = 0; i < N; i++) {
        const it = i * T + t;
        const w = tg.tgtWt[it];
        const phi = new Float64Array(F);
        phi.set(tg.obs.subarray(it * O, it * O + O));
        phi[O] = 1;
        const P = tg.tgtPrc.subarray(it * dU * dU, (it + 1) * dU * dU);
        wsum += w;
        for (let q = 0; q < dU * dU; q++) Pm[q] += w * P[q];
        // vec(W) index a*F + f; loss w (u − Wφ)ᵀ P (u − Wφ)
        for (let a = 0; a < dU; a++) {
          for (let f = 0; f < F; f++) {
            let rhs = 0;
            for (let c = 0; c < dU; c++) rhs += P[a * dU + c] * tg.tgtMu[it * dU + c];
            b.data[a * F + f] += w * phi[f] * rhs;
            for (let c = 0; c < dU; c++) {
              for (let g = 0; g < F; g++)
                A.data[(a * F + f) * D + c * F + g] += w * P[a * dU + c] * phi[f] * phi[g];
            }
          }
        }
      }
      let scale = 0;
      for (let q = 0; q < D; q++) scale = Math.max(scale, A.data[q * D + q]);
      for (let q = 0; q < D; q++) A.data[q * D + q] += this.ridge * (scale || 1);
      const x = solve(A, b);
      this.W.set(x.data, t * D);
      for (let q = 0; q < dU * dU; q++) Pm[q] /= wsum;
      const S = spdInverseOrThrow(new Mat(Pm, dU, dU));
      this.sigma.set(S.data, t * dU * dU);
    }
    this.updates++;
    return { steps: 1, initialLoss: before, finalLoss: this.loss(tg), ms: 0 };
  }

  private loss(tg: PolicyTargets): number {
    const mu = this.prob(tg.obs, tg.N, tg.T).mu;
    let s = 0;
    for (let it = 0; it < tg.N * tg.T; it++) {
      for (let a = 0; a < dU; a++) {
        for (let c = 0; c < dU; c++) {
          s +=
            tg.tgtWt[it] *
            (tg.tgtMu[it * dU + a] - mu[it * dU + a]) *
            tg.tgtPrc[(it * dU + a) * dU + c] *
            (tg.tgtMu[it * dU + c] - mu[it * dU + c]);
        }
      }
    }
    return s / (tg.N * tg.T);
  }

  mean(o: Float64Array, oo: number, t: number, out: Float64Array, uo: number): void {
    const F = this.dO + 1;
    for (let a = 0; a < dU; a++) {
      const w = (t * dU + a) * F;
      let v = this.W[w + this.dO];
      for (let f = 0; f < this.dO; f++) v += this.W[w + f] * o[oo + f];
      out[uo + a] = v;
    }
  }

  prob(obs: Float64Array, N: number, T: number): PolicyProb {
    const mu = new Float64Array(N * T * dU);
    const sigma = new Float64Array(N * T * dU * dU);
    const prec = new Float64Array(N * T * dU * dU);
    const detSigma = new Float64Array(N * T);
    for (let t = 0; t < T; t++) {
      const S = new Mat(this.sigma, dU, dU, t * dU * dU);
      const P = spdInverseOrThrow(S);
      const det =
        S.data[t * dU * dU] * S.data[t * dU * dU + 3] -
        S.data[t * dU * dU + 1] * S.data[t * dU * dU + 2];
      for (let i = 0; i < N; i++) {
        const it = i * T + t;
        this.mean(obs, it * this.dO, t, mu, it * dU);
        sigma.set(this.sigma.subarray(t * dU * dU, (t + 1) * dU * dU), it * dU * dU);
        prec.set(P.data, it * dU * dU);
        detSigma[it] = det;
      }
    }
    return { mu, sigma, prec, detSigma };
  }

  asPolicy(): Policy {
    const chol = new Float64Array(this.T * dU * dU);
    for (let t = 0; t < this.T; t++) {
      cholesky(new Mat(this.sigma, dU, dU, t * dU * dU), new Mat(chol, dU, dU, t * dU * dU), true);
    }
    return {
      dU,
      act: (x, o, t, eps, out) => {
        this.mean(this.stateBased ? x : o, 0, t, out, 0);
        for (let i = 0; i < dU; i++) {
          for (let j = 0; j <= i; j++) out[i] += chol[(t * dU + j) * dU + i] * eps[j];
        }
      },
    };
  }

  getState() {
    return { W: this.W.slice(), sigma: this.sigma.slice(), updates: this.updates };
  }

  setState(s: { W: Float64Array; sigma: Float64Array; updates: number }): void {
    this.W = s.W.slice();
    this.sigma = s.sigma.slice();
    this.updates = s.updates;
  }

  dispose(): void {}
}
