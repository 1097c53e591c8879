import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  LinearGaussianController,
  LinearGaussianDynamics,
  PolicyOptimizer,
  QuadraticCost,
} from '@visuomotor/contracts';
import { controllerKlCost, controllerKlTerms, estimateCost, initLqr } from '@visuomotor/lqr';
import { describe, expect, it } from 'vitest';
import {
  badmmAugmentedCost,
  badmmEstimateCost,
  type PolicyMoments,
  policyDualStep,
  policyKl,
  stepNu,
} from './badmm-helpers.js';
import { mdgpsAugmentedCost } from './mdgps-helpers.js';
import {
  AsyncPolicyOptimizerError,
  conditionTargets,
  controllerActions,
  createPolicyInfo,
  interpSchedule,
  inverseFromUpperCholesky,
  type PolicyInfo,
  PolicyLinearizationError,
  policyLinearizationController,
  probSync,
  updateSync,
  upperCholeskyPerStep,
} from './policy-gps.js';
import { gaussian } from './policy-gps.test-helper.js';

const T = 6;
const dX = 4;
const dU = 2;
const N = 4;
const n = dX + dU;

function controller(seed: number): LinearGaussianController {
  const c = initLqr({
    x0: new Float64Array(dX),
    dX,
    dU,
    T,
    dt: 0.05,
    initVar: 0.7,
    stiffness: 1,
    stiffnessVel: 0.5,
  });
  const r = gaussian(seed);
  for (let i = 0; i < c.K.length; i++) c.K[i] += 0.3 * r();
  for (let i = 0; i < c.k.length; i++) c.k[i] += 0.3 * r();
  return c;
}

function states(seed: number): Float64Array {
  const r = gaussian(seed);
  return Float64Array.from({ length: N * T * dX }, () => r());
}

/** The controller's own action distribution at the states, as policy moments. */
function momentsOf(c: LinearGaussianController, X: Float64Array): PolicyMoments {
  const mu = controllerActions(c, X, N, new Float64Array(N * T * dU));
  const prec = new Float64Array(N * T * dU * dU);
  const detSigma = new Float64Array(N * T);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      const it = i * T + t;
      prec.set(c.invPolCovar.subarray(t * dU * dU, (t + 1) * dU * dU), it * dU * dU);
      const S = c.polCovar.subarray(t * dU * dU, (t + 1) * dU * dU);
      detSigma[it] = S[0] * S[3] - S[1] * S[2];
    }
  }
  return { mu, prec, detSigma };
}

function infoFrom(c: LinearGaussianController, nu: number): PolicyInfo {
  const info = createPolicyInfo(T, dX, dU, nu);
  info.polK = c.K.slice();
  info.polk = c.k.slice();
  info.polS = c.polCovar.slice();
  info.cholPolS = c.cholPolCovar.slice();
  return info;
}

function dynamics(): LinearGaussianDynamics {
  const r = gaussian(9);
  const Fm = new Float64Array(T * dX * n);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < dX; i++) {
      Fm[(t * dX + i) * n + i] = 1;
      for (let j = 0; j < n; j++) Fm[(t * dX + i) * n + j] += 0.05 * r();
    }
  }
  const dynCovar = new Float64Array(T * dX * dX);
  for (let t = 0; t < T; t++) for (let i = 0; i < dX; i++) dynCovar[(t * dX + i) * dX + i] = 0.01;
  const x0sigma = new Float64Array(dX * dX);
  for (let i = 0; i < dX; i++) x0sigma[i * dX + i] = 0.1;
  return {
    T,
    dX,
    dU,
    Fm,
    fv: new Float64Array(T * dX).fill(0.01),
    dynCovar,
    x0mu: new Float64Array(dX).fill(0.2),
    x0sigma,
  };
}

function quadCost(): QuadraticCost {
  const Cm = new Float64Array(T * n * n);
  const cv = new Float64Array(T * n);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) {
      Cm[(t * n + i) * n + i] = i < dX ? 1 : 0.1;
      cv[t * n + i] = -0.5;
    }
  }
  return { T, dX, dU, cc: new Float64Array(T).fill(1), cv, Cm };
}

describe('interpSchedule', () => {
  it('returns a scalar schedule as is and interpolates knots log-linearly', () => {
    expect(interpSchedule(0.3, 4, 10)).toBe(0.3);
    // 2 knots, 3 iterations: s = min((0 + 1)/2, 1) = 0.5 -> geometric mean
    expect(interpSchedule([1e-4, 1e-2], 0, 3)).toBeCloseTo(1e-3, 15);
    expect(interpSchedule([1e-4, 1e-2], 5, 3)).toBeCloseTo(1e-2, 15);
    const v = Array.from({ length: 12 }, (_, i) => interpSchedule([1e-3, 1e-3, 1e-2, 1e-1], i, 12));
    for (let i = 1; i < v.length; i++) expect(v[i]).toBeGreaterThanOrEqual(v[i - 1]);
    expect(() => interpSchedule([1, 0], 0, 3)).toThrow(/positive/);
  });
});

describe('policy KL', () => {
  const c = controller(1);
  const X = states(2);
  it('vanishes when the policy equals the controller and grows with the mean gap', () => {
    const pol = momentsOf(c, X);
    const r = policyKl(X, N, c, pol);
    for (const v of r.kl) expect(Math.abs(v)).toBeLessThan(1e-12);
    for (const v of r.klMean) expect(Math.abs(v)).toBeLessThan(1e-12);
    const shifted = { ...pol, mu: pol.mu.map((v) => v + 0.5) };
    const s = policyKl(X, N, c, shifted);
    for (const v of s.klMean) expect(v).toBeGreaterThan(0.01);
    // with state-independent precisions the reference's sample-1 shortcut is exact
    const p = policyKl(X, N, c, shifted, null, 'per-sample');
    for (let i = 0; i < T; i++) expect(p.klMean[i]).toBeCloseTo(s.klMean[i], 12);
    // the Lagrange form measures against K − λK, k − λk
    const lam = { K: new Float64Array(T * dU * dX), k: new Float64Array(T * dU).fill(-0.5) };
    const l = policyKl(X, N, c, shifted, lam);
    for (const v of l.klLagrangeMean) expect(Math.abs(v)).toBeLessThan(1e-12);
    expect(() => policyKl(X.subarray(0, T * dX), 1, c, momentsOf(c, X))).toThrow();
  });
});

describe('policyDualStep and the nu schedules', () => {
  const c = controller(3);
  const X = states(4);
  it('leaves lambda alone when the policy matches, scales by the precision under the reference rule', () => {
    const pol = momentsOf(c, X);
    const info = createPolicyInfo(T, dX, dU, 0.01);
    info.polMu = pol.mu;
    policyDualStep(info, X, N, c, c, pol, { step: false });
    for (const v of info.lambdak) expect(Math.abs(v)).toBeLessThan(1e-15);
    const gap = { ...pol, mu: pol.mu.map((v) => v + 1) };
    const ref = createPolicyInfo(T, dX, dU, 0.01);
    ref.polMu = gap.mu;
    const pap = createPolicyInfo(T, dX, dU, 0.01);
    pap.polMu = gap.mu;
    policyDualStep(ref, X, N, c, c, gap, { step: false, dualRate: 0.1 });
    policyDualStep(pap, X, N, c, c, gap, { step: false, dualRate: 0.1, dualPrecision: 'paper' });
    for (let t = 0; t < T; t++) {
      // paper: λ += α ν (E_π[u] − E_p[u]) = 0.1 · 0.01 · 1
      expect(pap.lambdak[t * dU]).toBeCloseTo(1e-3, 15);
      // reference: the same increment premultiplied by P_t
      const P = c.invPolCovar.subarray(t * dU * dU, (t + 1) * dU * dU);
      expect(ref.lambdak[t * dU]).toBeCloseTo(1e-3 * (P[0] + P[1]), 14);
    }
    // step: true moves nu by the schedule and records prevKl
    const kl = policyDualStep(ref, X, N, c, c, gap, { step: true, nuSchedule: 'dgd', lgStep: 2 });
    for (let t = 0; t < T; t++) expect(ref.nu[t]).toBeCloseTo(0.01 + 2 * kl[t], 14);
    expect(ref.prevKl).toEqual(kl);
  });

  it('implements the four schedules and both threshold variants', () => {
    const kl = Float64Array.from([1, 1, 1, 1, 10, 0]);
    // mean 2.333, std 3.42: reference upper = mean + 0.5 sd = 4.04, lower = mean − sd = −1.09
    const a = { nu: new Float64Array(6).fill(1), prevKl: null };
    stepNu(a, kl, { nuSchedule: 'mean-std' });
    expect(Array.from(a.nu)).toEqual([1, 1, 1, 1, 2, 1]);
    // paper: double above the mean, halve below mean − 2 sd (none here)
    const b = { nu: new Float64Array(6).fill(1), prevKl: null };
    stepNu(b, kl, { nuSchedule: 'mean-std', nuThresholds: 'paper' });
    expect(Array.from(b.nu)).toEqual([1, 1, 1, 1, 2, 1]);
    // kl 1..6: mean 3.5, sd 1.708. reference: ×2 where ≥ 4.354, ×½ where < 1.792
    const ramp = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const c2 = { nu: new Float64Array(6).fill(1), prevKl: null };
    stepNu(c2, ramp, { nuSchedule: 'mean-std' });
    expect(Array.from(c2.nu)).toEqual([0.5, 1, 1, 1, 2, 2]);
    // paper: ×2 where > 3.5, ×½ where < 3.5 − 3.416
    const d = { nu: new Float64Array(6).fill(1), prevKl: null };
    stepNu(d, ramp, { nuSchedule: 'mean-std', nuThresholds: 'paper' });
    expect(Array.from(d.nu)).toEqual([1, 1, 1, 2, 2, 2]);
    const e = { nu: new Float64Array(6).fill(1), prevKl: null as Float64Array | null };
    stepNu(e, kl, { nuSchedule: 'ratio' });
    expect(Array.from(e.nu)).toEqual([1, 1, 1, 1, 1, 1]);
    e.prevKl = Float64Array.from([2, 1, 1, 1, 1, 1]);
    stepNu(e, kl, { nuSchedule: 'ratio' });
    expect(Array.from(e.nu)).toEqual([0.5, 2, 2, 2, 2, 0.5]);
    const f = { nu: new Float64Array(6).fill(1), prevKl: null };
    stepNu(f, kl, { nuSchedule: 'fixed', lgStep: -2 });
    expect(Array.from(f.nu)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => stepNu(f, kl, { nuSchedule: 'bogus' as never })).toThrow(/nuSchedule/);
  });
});

describe('targets, augmented costs, estimates', () => {
  const c = controller(5);
  const X = states(6);
  it('builds regression targets with the reference and the exact multiplier shift', () => {
    const nu = new Float64Array(T).fill(0.5);
    const plain = conditionTargets(c, X, X, N, dX, nu);
    expect(Array.from(plain.tgtMu)).toEqual(
      Array.from(controllerActions(c, X, N, new Float64Array(N * T * dU))),
    );
    expect(plain.tgtWt[3]).toBe(0.5);
    const lam = { K: new Float64Array(T * dU * dX), k: new Float64Array(T * dU).fill(0.2) };
    const ref = conditionTargets(c, X, X, N, dX, nu, { ...lam, shift: 'reference' });
    const exact = conditionTargets(c, X, X, N, dX, nu, { ...lam, shift: 'exact' });
    // shifts ν P⁻¹λ and P⁻¹λ/ν: ratio ν² = 0.25
    for (let i = 0; i < plain.tgtMu.length; i++) {
      const dr = plain.tgtMu[i] - ref.tgtMu[i];
      const de = plain.tgtMu[i] - exact.tgtMu[i];
      expect(dr).toBeCloseTo(0.25 * de, 12);
    }
  });

  it('BADMM cost reduces to the trajectory-only form without policy terms; MDGPS matches its form', () => {
    const cost = quadCost();
    const prev = controller(7);
    const info = infoFrom(controller(8), 0);
    const aug = badmmAugmentedCost(cost, prev, info);
    const fCm = new Float64Array(T * n * n);
    const fcv = new Float64Array(T * n);
    aug.augmentedCost(0.7, fCm, fcv);
    const PKLm = new Float64Array(T * n * n);
    const PKLv = new Float64Array(T * n);
    controllerKlTerms(prev, PKLm, PKLv);
    const gCm = new Float64Array(T * n * n);
    const gcv = new Float64Array(T * n);
    controllerKlCost(cost, PKLm, PKLv)(0.7, gCm, gcv);
    for (let i = 0; i < fCm.length; i++) expect(fCm[i]).toBeCloseTo(gCm[i], 12);
    for (let i = 0; i < fcv.length; i++) expect(fcv[i]).toBeCloseTo(gcv[i], 12);
    // λ enters as −λᵀu
    info.lambdak.fill(0.3);
    expect(badmmAugmentedCost(cost, prev, info).cost.cv[dX]).toBeCloseTo(-0.5 - 0.3, 15);
    const md = mdgpsAugmentedCost(cost, info);
    md.augmentedCost(0.7, fCm, fcv);
    controllerKlTerms(md.policy, PKLm, PKLv);
    controllerKlCost(cost, PKLm, PKLv, 0, 'mdgps')(0.7, gCm, gcv);
    expect(Array.from(fCm)).toEqual(Array.from(gCm));
  });

  it('estimates zero policy KL for the policy linearisation itself', () => {
    const dyn = dynamics();
    const cost = quadCost();
    const info = infoFrom(c, 0.1);
    const lin = policyLinearizationController(info);
    for (let i = 0; i < lin.invPolCovar.length; i++) {
      expect(lin.invPolCovar[i]).toBeCloseTo(c.invPolCovar[i], 9);
    }
    // the reference's constant is +½dU where the KL has −½dU: an offset of dU per step
    const e = badmmEstimateCost(c, dyn, cost, info);
    for (const v of e.predictedKl) expect(v).toBeCloseTo(dU, 10);
    const x = badmmEstimateCost(c, dyn, cost, info, 'exact');
    for (const v of x.predictedKl) expect(Math.abs(v)).toBeLessThan(1e-10);
    expect(Array.from(e.predictedCost)).toEqual(Array.from(estimateCost(c, dyn, cost)));
    const other = badmmEstimateCost(controller(11), dyn, cost, info);
    for (const v of other.predictedKl) expect(v).toBeGreaterThan(0);
  });

  it('raises typed errors', () => {
    expect(() => upperCholeskyPerStep(Float64Array.from([1, 2, 2, 1]), 1, 2)).toThrow(
      PolicyLinearizationError,
    );
    const inv = inverseFromUpperCholesky(
      upperCholeskyPerStep(Float64Array.from([4, 2, 2, 3]), 1, 2),
      1,
      2,
    );
    expect(inv[0] * 4 + inv[1] * 2).toBeCloseTo(1, 14);
    const asyncOpt = {
      dO: 1,
      dU: 1,
      prob: async () => ({}),
      update: async () => ({}),
    } as unknown as PolicyOptimizer;
    expect(() => probSync(asyncOpt, new Float64Array(1), 1, 1)).toThrow(AsyncPolicyOptimizerError);
    expect(() =>
      updateSync(asyncOpt, {
        N: 1,
        T: 1,
        dO: 1,
        dU: 1,
        obs: new Float64Array(1),
        tgtMu: new Float64Array(1),
        tgtPrc: new Float64Array(1),
        tgtWt: new Float64Array(1),
      }),
    ).toThrow(AsyncPolicyOptimizerError);
  });
});

// --- The stored reference outputs (skipped when the shared fixtures are absent).
const FIXTURES =
  process.env.GPS_FIXTURES ??
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/fixtures/gps-reference');

// biome-ignore lint/suspicious/noExplicitAny: decoded JSON
type Fx = any;
function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.__ndarray__ === true) {
      const b = Buffer.from(o.b64 as string, 'base64');
      const out = new Float64Array(b.length / 8);
      for (let i = 0; i < out.length; i++) {
        out[i] = o.dtype === 'int64' ? Number(b.readBigInt64LE(i * 8)) : b.readDoubleLE(i * 8);
      }
      return out;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < b.length; i++) {
    s = Math.max(s, Math.abs(b[i]));
    e = Math.max(e, Math.abs(a[i] - b[i]));
  }
  return a.length === b.length ? e / (s || 1) : Number.POSITIVE_INFINITY;
}

describe.skipIf(!existsSync(resolve(FIXTURES, 'badmm_small.json')))(
  'BADMM helpers against the reference fixtures',
  () => {
    for (const size of ['small', 'mid']) {
      it(`${size}: schedules, policy KL, dual steps (three schedules), targets, estimates`, () => {
        const fx = decode(
          JSON.parse(readFileSync(resolve(FIXTURES, `badmm_${size}.json`), 'utf8')),
        ) as Fx;
        const { T: TT, dX: DX, dU: DU } = fx;
        const X = fx.samples_X as Float64Array;
        const NN = X.length / (TT * DX);
        const hp = fx.badmm_hyperparams;
        const ti = fx.inputs.traj_info;
        const pc = fx.inputs.prev_controller;
        const prev: LinearGaussianController = {
          T: TT,
          dX: DX,
          dU: DU,
          K: pc.K,
          k: pc.k,
          polCovar: pc.pol_covar,
          cholPolCovar: pc.chol_pol_covar,
          invPolCovar: pc.inv_pol_covar,
        };
        const pi = fx.inputs.pol_info;
        // fake policy: diagonal covariance
        const sig = pi.pol_sig as Float64Array;
        const prec = sig.map((v: number) => (v === 0 ? 0 : 1 / v));
        const det = new Float64Array(NN * TT);
        for (let p = 0; p < NN * TT; p++) det[p] = sig[p * 4] * sig[p * 4 + 3];
        const pol = { mu: pi.pol_mu, prec, detSigma: det };
        for (const row of fx.helpers.set_interp_values) {
          expect(
            interpSchedule(hp.lg_step_schedule, row.iteration_count, hp.iterations),
          ).toBeCloseTo(row.lg_step, 15);
        }
        const k0 = policyKl(X, NN, prev, pol);
        expect(rel(k0.kl, fx.helpers.policy_kl_initial.kl)).toBeLessThan(1e-9);
        const lg = fx.helpers.set_interp_values[0].lg_step;
        for (const [key, schedule] of [
          ['fixed_lg_step_0', 'dgd'],
          ['fixed_lg_step_1', 'fixed'],
          ['fixed_lg_step_3', 'mean-std'],
        ] as const) {
          const info = createPolicyInfo(TT, DX, DU, hp.init_pol_wt);
          info.polMu = pi.pol_mu;
          info.polK = pi.pol_K;
          for (const call of fx.helpers.policy_dual_step[key]) {
            policyDualStep(info, X, NN, prev, prev, pol, {
              step: call.step,
              dualRate: hp.policy_dual_rate,
              lgStep: lg,
              nuSchedule: schedule,
            });
            expect(rel(info.lambdak, call.lambda_k)).toBeLessThan(1e-9);
            expect(rel(info.nu, call.pol_wt)).toBeLessThan(1e-9);
          }
        }
        const info = createPolicyInfo(TT, DX, DU, 0);
        Object.assign(info, {
          polK: pi.pol_K,
          polk: pi.pol_k,
          polS: pi.pol_S,
          cholPolS: pi.chol_pol_S,
          lambdaK: pi.lambda_K,
          lambdak: pi.lambda_k,
          nu: pi.pol_wt,
        });
        const tg = conditionTargets(prev, X, fx.samples_obs, NN, DX, info.nu, {
          K: info.lambdaK,
          k: info.lambdak,
          shift: 'reference',
        });
        expect(rel(tg.tgtMu, fx.helpers.update_policy_targets.tgt_mu)).toBeLessThan(1e-9);
        const dyn: LinearGaussianDynamics = {
          T: TT,
          dX: DX,
          dU: DU,
          Fm: ti.Fm,
          fv: ti.fv,
          dynCovar: ti.dyn_covar,
          x0mu: ti.x0mu,
          x0sigma: ti.x0sigma,
        };
        const cost = { T: TT, dX: DX, dU: DU, cc: ti.cc, cv: ti.cv, Cm: ti.Cm };
        const est = badmmEstimateCost(prev, dyn, cost, info);
        expect(rel(est.predictedKl, fx.helpers.estimate_cost.predicted_kl)).toBeLessThan(1e-9);
        expect(rel(est.predictedCost, fx.helpers.estimate_cost.predicted_cost)).toBeLessThan(1e-9);
        const aug = badmmAugmentedCost(cost, prev, info);
        const nn = DX + DU;
        const fCm = new Float64Array(TT * nn * nn);
        const fcv = new Float64Array(TT * nn);
        aug.augmentedCost(fx.inputs.eta0, fCm, fcv);
        expect(rel(fCm, fx.inputs.compute_costs_at_eta0.fCm)).toBeLessThan(1e-9);
        expect(rel(fcv, fx.inputs.compute_costs_at_eta0.fcv)).toBeLessThan(1e-9);
      });
    }
  },
);

describe.skipIf(!existsSync(resolve(FIXTURES, 'mdgps_small.json')))(
  'MDGPS helpers against the reference fixtures',
  () => {
    for (const size of ['small', 'mid']) {
      it(`${size}: policy linearisation controller and the C-step cost at eta0`, () => {
        const fx = decode(
          JSON.parse(readFileSync(resolve(FIXTURES, `mdgps_${size}.json`), 'utf8')),
        ) as Fx;
        const { T: TT, dX: DX, dU: DU } = fx;
        const pi = fx.inputs.pol_info;
        const info = createPolicyInfo(TT, DX, DU, 0);
        Object.assign(info, {
          polK: pi.pol_K,
          polk: pi.pol_k,
          polS: pi.pol_S,
          cholPolS: pi.chol_pol_S,
        });
        const lin = policyLinearizationController(info);
        const ref = fx.inputs.pol_info_traj_distr;
        expect(rel(lin.invPolCovar, ref.inv_pol_covar)).toBeLessThan(1e-12);
        expect(rel(lin.K, ref.K)).toBe(0);
        const ti = fx.inputs.traj_info;
        const cost = { T: TT, dX: DX, dU: DU, cc: ti.cc, cv: ti.cv, Cm: ti.Cm };
        const aug = mdgpsAugmentedCost(cost, info, fx.inputs.max_ent_traj);
        const nn = DX + DU;
        const fCm = new Float64Array(TT * nn * nn);
        const fcv = new Float64Array(TT * nn);
        aug.augmentedCost(fx.inputs.eta0, fCm, fcv);
        expect(rel(fCm, fx.inputs.compute_costs_at_eta0.fCm)).toBeLessThan(1e-9);
        expect(rel(fcv, fx.inputs.compute_costs_at_eta0.fcv)).toBeLessThan(1e-9);
      });
    }
  },
);
