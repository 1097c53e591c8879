/**
 * The numerical pieces of BADMM guided policy search (paper Section 4, the BADMM derivation;
 * reference `AlgorithmBADMM`), as pure functions: the Monte-Carlo policy KL, the dual step on
 * the Lagrange multipliers and the KL weights ν, the augmented trajectory cost and the
 * Laplace estimates used by the step-size rule.
 */
import {
  InvalidArgumentError,
  type LinearGaussianController,
  type LinearGaussianDynamics,
  type QuadraticCost,
  ShapeError,
} from '@visuomotor/contracts';
import {
  type AugmentedCostFn,
  applyLagrangeMultipliers,
  badmmCost,
  controllerKlTerms,
  estimateCostFromMarginals,
  forward,
  type TrajectoryMarginals,
} from '@visuomotor/lqr';
import { inverseFromUpperCholesky, type PolicyInfo } from './policy-gps.js';

/** The policy's action distribution at the samples (a subset of `PolicyProb`). */
export interface PolicyMoments {
  /** Means `[N, T, dU]`. */
  mu: Float64Array;
  /** Precisions `[N, T, dU, dU]`. */
  prec: Float64Array;
  /** Determinants of the covariances `[N, T]`. */
  detSigma: Float64Array;
}

/** Which precision weighs the mean term of {@link policyKl}. */
export type PolicyKlPrecision = 'reference' | 'per-sample';

/** Result of {@link policyKl}. */
export interface PolicyKlResult {
  /** Sample-averaged KL per step `[T]` (reference `kl_m`). */
  klMean: Float64Array;
  /** KL per sample and step `[N, T]` (reference `kl`). */
  kl: Float64Array;
  /** Sample-averaged KL against the multiplier-shifted controller `[T]` (reference `kl_lm`). */
  klLagrangeMean: Float64Array;
  /** Per sample, against the multiplier-shifted controller `[N, T]` (reference `kl_l`). */
  klLagrange: Float64Array;
}

/**
 * Monte-Carlo estimate of KL(π(u|x) ‖ p(u|x)) at the sampled states (reference `_policy_kl`):
 * for sample i at step t, with Δ = μ_π(o_i) − (K_t x_i + k_t), C = polCovar_t,
 *
 *   KL_it = ½ tr(Π_it C) − (½ dU + Σ log diag chol(C)) + ½ log det Σ_π,it + ½ Δᵀ Π Δ,
 *
 * and the same with K − λK, k − λk (the multiplier-shifted controller). Π_it are the policy
 * precisions; in the mean term Δᵀ Π Δ the reference uses the precision of sample 1 for every
 * sample (`'reference'`, exact for a state-independent covariance; needs N ≥ 2), while
 * `'per-sample'` uses each sample's own.
 *
 * @param X - states `[N, T, dX]`
 * @param traj - the trajectory controller (reference: `cur.traj_distr`)
 * @param lambda - multipliers λK `[T, dU, dX]`, λk `[T, dU]` (zeros when null)
 */
export function policyKl(
  X: Float64Array,
  N: number,
  traj: LinearGaussianController,
  pol: PolicyMoments,
  lambda: { K: Float64Array; k: Float64Array } | null = null,
  precision: PolicyKlPrecision = 'reference',
): PolicyKlResult {
  const { T, dX, dU } = traj;
  if (X.length !== N * T * dX) throw new ShapeError('X', [N, T, dX], X.length);
  if (pol.mu.length !== N * T * dU) throw new ShapeError('pol.mu', [N, T, dU], pol.mu.length);
  if (pol.prec.length !== N * T * dU * dU)
    throw new ShapeError('pol.prec', [N, T, dU, dU], pol.prec.length);
  if (pol.detSigma.length !== N * T)
    throw new ShapeError('pol.detSigma', [N, T], pol.detSigma.length);
  if (precision === 'reference' && N < 2) {
    throw new InvalidArgumentError(
      'N',
      "at least 2 samples (the reference's policy KL reads the precision of sample 1); use precision 'per-sample'",
      N,
    );
  }
  const out: PolicyKlResult = {
    klMean: new Float64Array(T),
    kl: new Float64Array(N * T),
    klLagrangeMean: new Float64Array(T),
    klLagrange: new Float64Array(N * T),
  };
  const dd = dU * dU;
  const trM = new Float64Array(dd);
  const tr = new Float64Array(N);
  const lc = new Float64Array(N);
  const dpd = new Float64Array(N);
  const dpdl = new Float64Array(N);
  const diff = new Float64Array(dU);
  const dP = new Float64Array(dU);
  const quad = (v: Float64Array, P: Float64Array, po: number): number => {
    // vᵀ (v·P): (v·P)_b = Σ_a v_a P[a, b]
    for (let b = 0; b < dU; b++) {
      let s = 0;
      for (let a = 0; a < dU; a++) s += v[a] * P[po + a * dU + b];
      dP[b] = s;
    }
    let q = 0;
    for (let b = 0; b < dU; b++) q += v[b] * dP[b];
    return q;
  };
  for (let t = 0; t < T; t++) {
    const co = t * dd;
    let kc = 0;
    for (let a = 0; a < dU; a++) kc += Math.log(traj.cholPolCovar[co + a * dU + a]);
    kc += 0.5 * dU;
    trM.fill(0);
    for (let i = 0; i < N; i++) {
      const it = i * T + t;
      const po = it * dd;
      let s = 0;
      for (let q = 0; q < dd; q++) {
        const v = pol.prec[po + q] * traj.polCovar[co + q];
        trM[q] += v;
        s += v;
      }
      tr[i] = s;
      lc[i] = Math.log(pol.detSigma[it]);
      const pp = precision === 'reference' ? (1 * T + t) * dd : po;
      const xo = it * dX;
      for (let pass = 0; pass < 2; pass++) {
        const lam = pass === 1 ? lambda : null;
        if (pass === 1 && !lambda) {
          dpdl[i] = dpd[i];
          continue;
        }
        for (let a = 0; a < dU; a++) {
          const ko = (t * dU + a) * dX;
          let u = 0;
          if (lam) for (let j = 0; j < dX; j++) u += (traj.K[ko + j] - lam.K[ko + j]) * X[xo + j];
          else for (let j = 0; j < dX; j++) u += traj.K[ko + j] * X[xo + j];
          u += lam ? traj.k[t * dU + a] - lam.k[t * dU + a] : traj.k[t * dU + a];
          diff[a] = pol.mu[it * dU + a] - u;
        }
        const q = quad(diff, pol.prec, pp);
        if (pass === 0) dpd[i] = q;
        else dpdl[i] = q;
      }
      out.kl[it] = 0.5 * tr[i] - kc + 0.5 * lc[i] + 0.5 * dpd[i];
      out.klLagrange[it] = 0.5 * tr[i] - kc + 0.5 * lc[i] + 0.5 * dpdl[i];
    }
    let trSum = 0;
    for (let q = 0; q < dd; q++) trSum += trM[q] / N;
    let lcM = 0;
    let dM = 0;
    let dlM = 0;
    for (let i = 0; i < N; i++) {
      lcM += lc[i];
      dM += dpd[i];
      dlM += dpdl[i];
    }
    out.klMean[t] = 0.5 * trSum - kc + 0.5 * (lcM / N) + 0.5 * (dM / N);
    out.klLagrangeMean[t] = 0.5 * trSum - kc + 0.5 * (lcM / N) + 0.5 * (dlM / N);
  }
  return out;
}

/**
 * How the KL weights ν_t move at a dual step with `step: true` (reference `fixed_lg_step`):
 *
 * - `'dgd'` (0, reference default): ν_t ← max(ν_t + lgStep · KL_t, 0), a dual gradient step;
 * - `'fixed'` (1): ν_t ← max(ν_t + lgStep, 0);
 * - `'ratio'` (2): ν_t ← ν_t / 2 when KL_t / prevKL_t < 0.8, ν_t · 2 when ≥ 0.95 (no change before
 *   a previous KL exists; the reference would raise a TypeError there);
 * - `'mean-std'` (3, the paper's adaptive rule and the reference examples'): ν_t ← ν_t ·
 *   increase where KL_t is high, ν_t · decrease where it is low relative to the mean over t,
 *   with the thresholds of {@link NuThresholds}.
 */
export type NuSchedule = 'dgd' | 'fixed' | 'ratio' | 'mean-std';

/**
 * Thresholds of the `'mean-std'` ν schedule:
 *
 * - `'reference'` (default; the reference examples, `exp_step_upper` 0.5, `exp_step_lower` 1.0):
 *   double where KL_t ≥ mean + 0.5·std, halve where KL_t < mean − 1.0·std;
 * - `'paper'` (the paper): double where KL_t > mean, halve where KL_t < mean − 2·std.
 *
 * std is the population standard deviation over t (numpy `np.std`).
 */
export type NuThresholds = 'reference' | 'paper';

/** Where the dual step on λ takes its scale (see {@link policyDualStep}). */
export type DualStepPrecision = 'reference' | 'paper';

/** Options of {@link policyDualStep}. */
export interface PolicyDualStepOptions {
  /** Whether to also move ν (the last inner iteration; reference `step`). */
  step: boolean;
  /** α of the mean multiplier (reference `policy_dual_rate`). Default 0.1. */
  dualRate?: number;
  /** α of the gain multiplier λK (reference `policy_dual_rate_covar`). Default 0. */
  dualRateCovar?: number;
  /** Step of the `'dgd'` / `'fixed'` ν schedules (reference `lg_step`). Default 10. */
  lgStep?: number;
  /** ν schedule. Default `'dgd'` (reference `fixed_lg_step` 0). */
  nuSchedule?: NuSchedule;
  /** Thresholds of `'mean-std'`. Default `'reference'`. */
  nuThresholds?: NuThresholds;
  /** Factor where KL is high (reference `exp_step_increase`). Default 2. */
  expStepIncrease?: number;
  /** Factor where KL is low (reference `exp_step_decrease`). Default 0.5. */
  expStepDecrease?: number;
  /** Overrides the upper threshold in std units (reference `exp_step_upper`). */
  expStepUpper?: number;
  /** Overrides the lower threshold in std units (reference `exp_step_lower`). */
  expStepLower?: number;
  /**
   * `'reference'` (default): the increment is premultiplied by the trajectory precision
   * P_t = invPolCovar_t; `'paper'`: it is not.
   */
  dualPrecision?: DualStepPrecision;
  /** Precision used in the policy KL that drives ν. Default `'reference'`. */
  klPrecision?: PolicyKlPrecision;
}

/**
 * One BADMM dual step for a condition (reference `_policy_dual_step`; paper Section 4),
 * updating `info.lambdak`, `info.lambdaK`, `info.nu`, `info.prevKl` in place:
 *
 *   λk_t ← λk_t + α ν_t P_t · mean_i(μ_π(o_i,t) − (K_t x_i,t + k_t)),
 *   λK_t ← λK_t + α_K ν_t P_t (polK_t − K_t),
 *
 * i.e. λ ← λ + α ν (E_π[u] − E_p[u]) with P_t = invPolCovar_t of `traj` under
 * `dualPrecision: 'reference'` (P_t omitted under `'paper'`). Then, when `step`, the policy KL
 * (against `klTraj`, reference `cur.traj_distr`) moves ν by the chosen {@link NuSchedule}.
 *
 * @param X - states `[N, T, dX]`
 * @param traj - the controller whose actions and precision enter the λ step (reference:
 *   `new_traj_distr` when it exists, else `cur.traj_distr`)
 * @param klTraj - the controller the ν-driving KL is measured against (reference: `cur.traj_distr`)
 * @param pol - the policy at the samples (`info.polMu` must be its means)
 * @returns the policy KL per step `[T]` (reference `kl_m`)
 */
export function policyDualStep(
  info: PolicyInfo,
  X: Float64Array,
  N: number,
  traj: LinearGaussianController,
  klTraj: LinearGaussianController,
  pol: PolicyMoments,
  options: PolicyDualStepOptions,
): Float64Array {
  const { T, dX, dU } = info;
  const alpha = options.dualRate ?? 0.1;
  const alphaK = options.dualRateCovar ?? 0;
  const withP = (options.dualPrecision ?? 'reference') === 'reference';
  const polMu = info.polMu ?? pol.mu;
  if (polMu.length !== N * T * dU) throw new ShapeError('info.polMu', [N, T, dU], polMu.length);
  const mean = new Float64Array(dU);
  const D = new Float64Array(dU * dX);
  for (let t = 0; t < T; t++) {
    // mean_i(tU − pU), summed in sample order then divided (numpy mean over axis 0).
    mean.fill(0);
    for (let i = 0; i < N; i++) {
      const xo = (i * T + t) * dX;
      for (let a = 0; a < dU; a++) {
        const ko = (t * dU + a) * dX;
        let u = 0;
        for (let j = 0; j < dX; j++) u += traj.K[ko + j] * X[xo + j];
        u += traj.k[t * dU + a];
        mean[a] += u - polMu[(i * T + t) * dU + a];
      }
    }
    for (let a = 0; a < dU; a++) mean[a] /= N;
    const po = t * dU * dU;
    const w = info.nu[t];
    for (let a = 0; a < dU; a++) {
      let v = 0;
      if (withP) for (let b = 0; b < dU; b++) v += traj.invPolCovar[po + a * dU + b] * mean[b];
      else v = mean[a];
      info.lambdak[t * dU + a] -= alpha * w * v;
    }
    if (alphaK !== 0) {
      const ko = t * dU * dX;
      for (let q = 0; q < dU * dX; q++) D[q] = traj.K[ko + q] - info.polK[ko + q];
      for (let a = 0; a < dU; a++) {
        for (let j = 0; j < dX; j++) {
          let v = 0;
          if (withP) {
            for (let b = 0; b < dU; b++) v += traj.invPolCovar[po + a * dU + b] * D[b * dX + j];
          } else v = D[a * dX + j];
          info.lambdaK[ko + a * dX + j] -= alphaK * w * v;
        }
      }
    }
  }
  const klM = policyKl(X, N, klTraj, pol, null, options.klPrecision ?? 'reference').klMean;
  if (options.step) {
    stepNu(info, klM, options);
    info.prevKl = klM;
  }
  return klM;
}

/** The ν update of {@link policyDualStep} alone (reference: the `if step:` block). */
export function stepNu(
  info: Pick<PolicyInfo, 'nu' | 'prevKl'>,
  klM: Float64Array,
  options: Omit<PolicyDualStepOptions, 'step'>,
): void {
  const nu = info.nu;
  const T = nu.length;
  if (klM.length !== T) throw new ShapeError('kl', [T], klM.length);
  const lgStep = options.lgStep ?? 10;
  const schedule = options.nuSchedule ?? 'dgd';
  const inc = options.expStepIncrease ?? 2;
  const dec = options.expStepDecrease ?? 0.5;
  switch (schedule) {
    case 'fixed':
      for (let t = 0; t < T; t++) nu[t] = Math.max(nu[t] + lgStep, 0);
      return;
    case 'ratio': {
      const prev = info.prevKl;
      if (!prev) return;
      for (let t = 0; t < T; t++) {
        const change = klM[t] / prev[t];
        if (change < 0.8) nu[t] *= 0.5;
        else if (change >= 0.95) nu[t] *= 2.0;
      }
      return;
    }
    case 'mean-std': {
      const paper = (options.nuThresholds ?? 'reference') === 'paper';
      const up = options.expStepUpper ?? (paper ? 0 : 0.5);
      const lo = options.expStepLower ?? (paper ? 2 : 1);
      let m = 0;
      for (let t = 0; t < T; t++) m += klM[t];
      m /= T;
      let v = 0;
      for (let t = 0; t < T; t++) v += (klM[t] - m) * (klM[t] - m);
      const sd = Math.sqrt(v / T);
      const lower = m - lo * sd;
      const upper = m + up * sd;
      for (let t = 0; t < T; t++) {
        if (klM[t] < lower) nu[t] *= dec;
        else if (paper ? klM[t] > upper : klM[t] >= upper) nu[t] *= inc;
      }
      return;
    }
    case 'dgd':
      for (let t = 0; t < T; t++) nu[t] = Math.max(nu[t] + lgStep * klM[t], 0);
      return;
    default:
      throw new InvalidArgumentError(
        'nuSchedule',
        '"dgd", "fixed", "ratio" or "mean-std"',
        schedule,
      );
  }
}

/** Result of {@link badmmAugmentedCost}. */
export interface BadmmAugmentedCost {
  /** The cost supplier for `trajOptUpdate` hooks (reference `compute_costs(m, eta)`). */
  augmentedCost: AugmentedCostFn;
  /** The value multipliers ν for the hooks. */
  nu: Float64Array;
  /** The cost with the Lagrange multipliers applied (pass it as the update's `cost`). */
  cost: QuadraticCost;
  /** The policy linearisation controller whose KL terms enter (invPolCovar = inv(polS)). */
  policy: LinearGaussianController;
}

/**
 * BADMM's augmented trajectory cost (reference `AlgorithmBADMM.compute_costs`; paper
 * Section 4, the Lagrangian divided by η + ν_t):
 *
 *   C̃ = C with cv_u −= λk_t, Cm_ux −= λK_t, Cm_xu −= λK_tᵀ   (the −λ_t(x)ᵀu term),
 *   fCm_t = (C̃m_t + TKLm_t · η + PKLm_t · ν_t) / (η + ν_t),  fcv_t likewise,
 *
 * where TKL are the KL terms of the previous trajectory controller and PKL those of the policy
 * linearisation N(polK x + polk, polS) (inv(polS) formed from the Cholesky factor as the
 * reference does). Use with `hooks: { augmentedCost, nu }` so the backward pass scales the
 * value propagated from t+1 by (ν_{t+1} + η)/(ν_t + η).
 *
 * @param cost - the sample cost expansion (cc `[T]`, cv `[T, dX+dU]`, Cm `[T, dX+dU, dX+dU]`)
 * @param prev - the current trajectory controller (reference `cur.traj_distr`)
 */
export function badmmAugmentedCost(
  cost: QuadraticCost,
  prev: LinearGaussianController,
  info: PolicyInfo,
): BadmmAugmentedCost {
  const { T, dX, dU } = prev;
  const n = dX + dU;
  const policy: LinearGaussianController = {
    T,
    dX,
    dU,
    K: info.polK,
    k: info.polk,
    polCovar: info.polS,
    cholPolCovar: info.cholPolS,
    invPolCovar: inverseFromUpperCholesky(info.cholPolS, T, dU),
  };
  const TKLm = new Float64Array(T * n * n);
  const TKLv = new Float64Array(T * n);
  const PKLm = new Float64Array(T * n * n);
  const PKLv = new Float64Array(T * n);
  controllerKlTerms(prev, TKLm, TKLv);
  controllerKlTerms(policy, PKLm, PKLv);
  const adjusted = applyLagrangeMultipliers(cost, info.lambdaK, info.lambdak);
  const nu = info.nu.slice();
  return {
    augmentedCost: badmmCost(adjusted, TKLm, TKLv, PKLm, PKLv, nu),
    nu,
    cost: adjusted,
    policy,
  };
}

/** Result of {@link badmmEstimateCost}. */
export interface BadmmCostEstimate {
  /** Laplace estimate of the expected cost per step `[T]`. */
  predictedCost: Float64Array;
  /** Closed-form KL(p(u|x) ‖ policy linearisation) per step under p's marginals `[T]`. */
  predictedKl: Float64Array;
  /** The forward marginals used. */
  marginals: TrajectoryMarginals;
}

/**
 * Laplace estimates of a controller's cost and policy KL (reference
 * `AlgorithmBADMM._estimate_cost`): forward marginals N(μ_t, Σ_t) under `dynamics`, then
 *
 *   cost_t = cc_t + ½ (tr(Σ_t Cm_t) + μ_tᵀ Cm_t μ_t) + μ_tᵀ cv_t,
 *   KL_t = ½ ΔᵀS⁻¹Δ + ½ tr(C_t S⁻¹) + ½ tr(Σx_t K̄ᵀS⁻¹K̄) + Σ log diag chol(S) − Σ log diag chol(C_t) ± ½ dU,
 *
 * with S = polS_t, Δ = μu_t − (polK_t μx_t + polk_t), K̄ = K_t − polK_t, C_t = polCovar_t. The
 * reference adds +½ dU (`form: 'reference'`, default) where the Gaussian KL has −½ dU
 * (`'exact'`): a constant offset of dU per step, which cancels in the step-size rule (the
 * weighted offset Σ_t ν_t dU enters both terms of each improvement).
 */
export function badmmEstimateCost(
  c: LinearGaussianController,
  dynamics: LinearGaussianDynamics,
  cost: QuadraticCost,
  info: PolicyInfo,
  form: 'reference' | 'exact' = 'reference',
): BadmmCostEstimate {
  const { T, dX, dU } = c;
  const n = dX + dU;
  const m = forward(c, dynamics);
  const predictedCost = estimateCostFromMarginals(m, cost);
  const predictedKl = new Float64Array(T);
  const iS = inverseFromUpperCholesky(info.cholPolS, T, dU);
  const diff = new Float64Array(dU);
  const Kb = new Float64Array(dU * dX);
  const SK = new Float64Array(dU * dX);
  for (let t = 0; t < T; t++) {
    const so = t * dU * dU;
    const ko = t * dU * dX;
    for (let a = 0; a < dU; a++) {
      let u = info.polk[t * dU + a];
      for (let j = 0; j < dX; j++) u += info.polK[ko + a * dX + j] * m.mu[t * n + j];
      diff[a] = m.mu[t * n + dX + a] - u;
    }
    let q = 0;
    let tr = 0;
    for (let a = 0; a < dU; a++) {
      let s = 0;
      for (let b = 0; b < dU; b++) {
        s += diff[b] * iS[so + b * dU + a];
        tr += c.polCovar[so + a * dU + b] * iS[so + a * dU + b];
      }
      q += s * diff[a];
    }
    for (let p = 0; p < dU * dX; p++) Kb[p] = c.K[ko + p] - info.polK[ko + p];
    // SK = S⁻¹ K̄  [dU, dX]; M = K̄ᵀ S⁻¹ K̄, Σ_ij Σx_ij M_ij
    for (let a = 0; a < dU; a++) {
      for (let j = 0; j < dX; j++) {
        let s = 0;
        for (let b = 0; b < dU; b++) s += iS[so + a * dU + b] * Kb[b * dX + j];
        SK[a * dX + j] = s;
      }
    }
    let trx = 0;
    for (let i = 0; i < dX; i++) {
      for (let j = 0; j < dX; j++) {
        let M = 0;
        for (let a = 0; a < dU; a++) M += Kb[a * dX + i] * SK[a * dX + j];
        trx += m.sigma[t * n * n + i * n + j] * M;
      }
    }
    let ldS = 0;
    let ldC = 0;
    for (let a = 0; a < dU; a++) {
      ldS += Math.log(info.cholPolS[so + a * dU + a]);
      ldC += Math.log(c.cholPolCovar[so + a * dU + a]);
    }
    predictedKl[t] =
      0.5 * q + 0.5 * tr + 0.5 * trx + ldS - ldC + (form === 'reference' ? 0.5 : -0.5) * dU;
  }
  return { predictedCost, predictedKl, marginals: m };
}
