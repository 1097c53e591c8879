/**
 * Pieces shared by the policy-learning GPS algorithms (BADMM and MDGPS): the per-condition
 * policy information (reference `PolicyInfo`), the policy linearisation as a linear-Gaussian
 * controller, iteration-interpolated schedules and the regression targets handed to a
 * {@link PolicyOptimizer}.
 */
import {
  InvalidArgumentError,
  type LinearGaussianController,
  type PolicyOptimizer,
  type PolicyProb,
  type PolicyTargets,
  type PolicyUpdateReport,
  ShapeError,
  VisuomotorError,
} from '@visuomotor/contracts';
import {
  fitPolicyLinearization,
  type PolicyFitQuirks,
  type PolicyPrior,
} from '@visuomotor/gmm-prior';
import { cholesky, luFactor, luSolve, Mat, SingularMatrixError } from '@visuomotor/linalg';

/**
 * What BADMM and MDGPS keep about the global policy for one condition (reference
 * `PolicyInfo`). Shapes: lambdaK `[T, dU, dX]`, lambdak `[T, dU]`, nu `[T]`, polK `[T, dU, dX]`,
 * polk `[T, dU]`, polS / cholPolS `[T, dU, dU]`, polMu `[N, T, dU]`, polSig `[N, T, dU, dU]`.
 */
export interface PolicyInfo {
  readonly T: number;
  readonly dX: number;
  readonly dU: number;
  /** BADMM Lagrange multiplier on the expected action, state-linear part λ_K (reference `lambda_K`). */
  lambdaK: Float64Array;
  /** BADMM Lagrange multiplier, constant part λ_k (reference `lambda_k`). */
  lambdak: Float64Array;
  /** Policy KL weights ν_t (reference `pol_wt`). MDGPS keeps them constant (regression weights). */
  nu: Float64Array;
  /** Policy linearisation gains (reference `pol_K`). */
  polK: Float64Array;
  /** Policy linearisation offsets (reference `pol_k`). */
  polk: Float64Array;
  /** Policy linearisation covariance (reference `pol_S`). */
  polS: Float64Array;
  /** Upper Cholesky factor of polS (reference `chol_pol_S`). */
  cholPolS: Float64Array;
  /** Policy means at the samples the linearisation was fitted on, `[N, T, dU]` (null before). */
  polMu: Float64Array | null;
  /** Policy covariances at those samples, `[N, T, dU, dU]` (null before). */
  polSig: Float64Array | null;
  /** Per-step policy KL of the last ν step (reference `prev_kl`); null before the first step. */
  prevKl: Float64Array | null;
}

/** A fresh {@link PolicyInfo}: λ = 0, ν = initNu, empty linearisation (reference `PolicyInfo(hyperparams)`). */
export function createPolicyInfo(T: number, dX: number, dU: number, initNu: number): PolicyInfo {
  return {
    T,
    dX,
    dU,
    lambdaK: new Float64Array(T * dU * dX),
    lambdak: new Float64Array(T * dU),
    nu: new Float64Array(T).fill(initNu),
    polK: new Float64Array(T * dU * dX),
    polk: new Float64Array(T * dU),
    polS: new Float64Array(T * dU * dU),
    cholPolS: new Float64Array(T * dU * dU),
    polMu: null,
    polSig: null,
    prevKl: null,
  };
}

/** Deep copy of a {@link PolicyInfo}. */
export function clonePolicyInfo(p: PolicyInfo): PolicyInfo {
  return {
    T: p.T,
    dX: p.dX,
    dU: p.dU,
    lambdaK: p.lambdaK.slice(),
    lambdak: p.lambdak.slice(),
    nu: p.nu.slice(),
    polK: p.polK.slice(),
    polk: p.polk.slice(),
    polS: p.polS.slice(),
    cholPolS: p.cholPolS.slice(),
    polMu: p.polMu ? p.polMu.slice() : null,
    polSig: p.polSig ? p.polSig.slice() : null,
    prevKl: p.prevKl ? p.prevKl.slice() : null,
  };
}

/**
 * inv(S_t) for each t from the upper Cholesky factor R_t (S = RᵀR), formed as the reference
 * forms it: solve(R, solve(Rᵀ, I)) with two LU solves.
 *
 * @param chol - `[T, dU, dU]` upper factors
 * @returns `[T, dU, dU]`
 */
export function inverseFromUpperCholesky(chol: Float64Array, T: number, dU: number): Float64Array {
  if (chol.length !== T * dU * dU) throw new ShapeError('chol', [T, dU, dU], chol.length);
  const out = new Float64Array(T * dU * dU);
  // LU with partial pivoting (numpy.linalg.solve) on preallocated buffers.
  const LU = Mat.zeros(dU, dU);
  const piv = new Int32Array(dU);
  const Y = Mat.zeros(dU, dU);
  for (let t = 0; t < T; t++) {
    const o = t * dU * dU;
    // Y = solve(Rᵀ, I)
    for (let i = 0; i < dU; i++) {
      for (let j = 0; j < dU; j++) {
        LU.data[j * dU + i] = chol[o + i * dU + j];
        Y.data[i * dU + j] = i === j ? 1 : 0;
      }
    }
    let info = luFactor(LU, piv);
    if (info !== 0) throw new SingularMatrixError('inverseFromUpperCholesky', info - 1, dU);
    luSolve(LU, piv, Y);
    // out = solve(R, Y)
    for (let q = 0; q < dU * dU; q++) LU.data[q] = chol[o + q];
    info = luFactor(LU, piv);
    if (info !== 0) throw new SingularMatrixError('inverseFromUpperCholesky', info - 1, dU);
    luSolve(LU, piv, Y);
    out.set(Y.data, o);
  }
  return out;
}

/**
 * Upper Cholesky factors of `[T, dU, dU]` covariances (scipy `linalg.cholesky`).
 *
 * @throws {@link PolicyLinearizationError} when a covariance is not positive definite
 */
export function upperCholeskyPerStep(S: Float64Array, T: number, dU: number): Float64Array {
  if (S.length !== T * dU * dU) throw new ShapeError('S', [T, dU, dU], S.length);
  const out = new Float64Array(T * dU * dU);
  for (let t = 0; t < T; t++) {
    const o = t * dU * dU;
    const info = cholesky(new Mat(S, dU, dU, o), new Mat(out, dU, dU, o), true);
    if (info !== 0) {
      throw new PolicyLinearizationError(
        `policy linearisation covariance pol_S[${t}] is not positive definite (minor ${info})`,
        { t, minor: info },
      );
    }
  }
  return out;
}

/** The policy linearisation failed (a covariance not positive definite, bad shapes). */
export class PolicyLinearizationError extends VisuomotorError {}

/**
 * The policy linearisation N(polK_t x + polk_t, polS_t) as a linear-Gaussian controller
 * (reference `PolicyInfo.traj_distr()`): invPolCovar = solve(R, solve(Rᵀ, I)) from the Cholesky
 * factor. MDGPS constrains its C-step against this controller.
 */
export function policyLinearizationController(p: PolicyInfo): LinearGaussianController {
  const { T, dX, dU } = p;
  return {
    T,
    dX,
    dU,
    K: p.polK.slice(),
    k: p.polk.slice(),
    polCovar: p.polS.slice(),
    cholPolCovar: p.cholPolS.slice(),
    invPolCovar: inverseFromUpperCholesky(p.cholPolS, T, dU),
  };
}

/**
 * Fit the policy linearisation at the samples into `info` (reference
 * `_update_policy_fit` after the prior update): per step, the NIW MAP fit of [x_t; π(o_t)]
 * with the prior, conditioned on x, plus the mean policy covariance; then the Cholesky factors.
 *
 * The 1e-8 regularisation of the state block at t = 0: `'allEntries'` (default; the reference,
 * BADMM and MDGPS alike — verified against badmm_*.json and mdgps_*.json) sets every entry of
 * the block; `'diagonal'` adds 1e-8·I (what some forks of the reference do).
 *
 * @param X - states `[N, T, dX]`
 * @param polMu - policy means `[N, T, dU]`
 * @param polSig - policy covariances `[N, T, dU, dU]`
 */
export function fitPolicyInfo(
  info: PolicyInfo,
  prior: Pick<PolicyPrior, 'eval'>,
  X: Float64Array,
  polMu: Float64Array,
  polSig: Float64Array,
  N: number,
  regularization: PolicyFitQuirks['firstStepRegularizationMode'] = 'allEntries',
): void {
  const { T, dX, dU } = info;
  const lin = fitPolicyLinearization(prior, X, polMu, polSig, N, T, dX, dU, {
    firstStepRegularizationMode: regularization,
  });
  info.polMu = polMu;
  info.polSig = polSig;
  info.polK = lin.polK;
  info.polk = lin.polk;
  info.polS = lin.polS;
  info.cholPolS = upperCholeskyPerStep(lin.polS, T, dU);
}

/**
 * An iteration-interpolated schedule (reference `_set_interp_values`): with
 * s = min((iteration + 1) / (iterations − 1), 1), the value is
 * exp(interp(s, linspace(0, 1, n), log(schedule))) — log-linear between the n knots. A number
 * is used as is.
 *
 * @param schedule - a number or the knots `[n]` (all > 0)
 * @param iteration - 0-based iteration (reference `iteration_count`)
 * @param iterations - total iterations of the run (reference `iterations`)
 */
export function interpSchedule(
  schedule: number | ArrayLike<number>,
  iteration: number,
  iterations: number,
): number {
  if (typeof schedule === 'number') return schedule;
  const n = schedule.length;
  if (n === 0) throw new InvalidArgumentError('schedule', 'a number or at least one knot', n);
  for (let i = 0; i < n; i++) {
    if (!(schedule[i] > 0)) {
      throw new InvalidArgumentError(`schedule[${i}]`, 'a positive number', schedule[i]);
    }
  }
  const s = Math.min((iteration + 1.0) / (iterations - 1), 1);
  if (n === 1) return Math.exp(Math.log(schedule[0]));
  // numpy.linspace(0, 1, n): i·step, last knot exactly 1.
  const step = 1 / (n - 1);
  const xp = (i: number) => (i === n - 1 ? 1 : i * step);
  let y: number;
  if (Number.isNaN(s)) y = Number.NaN;
  else if (s <= 0) y = Math.log(schedule[0]);
  else if (s >= 1) y = Math.log(schedule[n - 1]);
  else {
    let j = 0;
    while (j < n - 2 && xp(j + 1) <= s) j++;
    const f0 = Math.log(schedule[j]);
    const f1 = Math.log(schedule[j + 1]);
    const slope = (f1 - f0) / (xp(j + 1) - xp(j));
    y = slope * (s - xp(j)) + f0;
  }
  return Math.exp(y);
}

/**
 * The trajectory controller's mean actions at the sampled states,
 * out[i, t] = (K_t − λK_t) x_{i,t} + (k_t − λk_t) (λ omitted when null).
 *
 * @param X - `[N, T, dX]`
 * @param out - `[N, T, dU]` (written)
 */
export function controllerActions(
  c: LinearGaussianController,
  X: Float64Array,
  N: number,
  out: Float64Array,
  lambdaK: Float64Array | null = null,
  lambdak: Float64Array | null = null,
): Float64Array {
  const { T, dX, dU } = c;
  if (X.length !== N * T * dX) throw new ShapeError('X', [N, T, dX], X.length);
  if (out.length !== N * T * dU) throw new ShapeError('out', [N, T, dU], out.length);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      const xo = (i * T + t) * dX;
      for (let a = 0; a < dU; a++) {
        const ko = (t * dU + a) * dX;
        let s = 0;
        if (lambdaK) for (let j = 0; j < dX; j++) s += (c.K[ko + j] - lambdaK[ko + j]) * X[xo + j];
        else for (let j = 0; j < dX; j++) s += c.K[ko + j] * X[xo + j];
        out[(i * T + t) * dU + a] =
          s + (lambdak ? c.k[t * dU + a] - lambdak[t * dU + a] : c.k[t * dU + a]);
      }
    }
  }
  return out;
}

/**
 * Regression targets of one condition (reference `_update_policy`, per condition):
 * tgtPrc[i, t] = invPolCovar_t, tgtWt[i, t] = ν_t and
 *
 * - MDGPS (`lambda` null): tgtMu[i, t] = K_t x_{i,t} + k_t;
 * - BADMM: tgtMu[i, t] = K_t x + k_t − solve(P_t / s_t, λK_t x + λk_t), where P_t = invPolCovar_t
 *   and s_t = ν_t under `'reference'` (the reference divides the precision by ν, i.e. shifts by
 *   ν_t P_t⁻¹ λ_t(x)) or s_t = 1/ν_t under `'exact'` (the minimiser of
 *   ν_t KL(π ‖ p) + λ_t(x)ᵀ E_π[u], a shift of P_t⁻¹ λ_t(x) / ν_t).
 *
 * @param c - the trajectory controller the policy is regressed onto
 * @param X - states `[N, T, dX]`
 * @param obs - observations `[N, T, dO]`
 */
export function conditionTargets(
  c: LinearGaussianController,
  X: Float64Array,
  obs: Float64Array,
  N: number,
  dO: number,
  nu: Float64Array,
  lambda: { K: Float64Array; k: Float64Array; shift: 'reference' | 'exact' } | null = null,
): PolicyTargets {
  const { T, dX, dU } = c;
  if (obs.length !== N * T * dO) throw new ShapeError('obs', [N, T, dO], obs.length);
  if (nu.length !== T) throw new ShapeError('nu', [T], nu.length);
  const tgtMu = controllerActions(c, X, N, new Float64Array(N * T * dU));
  const tgtPrc = new Float64Array(N * T * dU * dU);
  const tgtWt = new Float64Array(N * T);
  // One LU factorisation of P_t / s_t per step (the reference solves per sample with the
  // same matrix: the same factors, so the same numbers), solved in place per sample.
  const A = Mat.zeros(dU, dU);
  const piv = new Int32Array(dU);
  const r = Mat.zeros(dU, 1);
  for (let t = 0; t < T; t++) {
    const po = t * dU * dU;
    if (lambda) {
      const s = lambda.shift === 'reference' ? nu[t] : 1 / nu[t];
      for (let q = 0; q < dU * dU; q++) A.data[q] = c.invPolCovar[po + q] / s;
      const info = luFactor(A, piv);
      if (info !== 0) throw new SingularMatrixError('conditionTargets', info - 1, dU);
    }
    for (let i = 0; i < N; i++) {
      const it = i * T + t;
      tgtPrc.set(c.invPolCovar.subarray(po, po + dU * dU), it * dU * dU);
      tgtWt[it] = nu[t];
      if (!lambda) continue;
      const xo = it * dX;
      for (let a = 0; a < dU; a++) {
        const ko = (t * dU + a) * dX;
        let v = 0;
        for (let j = 0; j < dX; j++) v += lambda.K[ko + j] * X[xo + j];
        r.data[a] = v + lambda.k[t * dU + a];
      }
      luSolve(A, piv, r);
      for (let a = 0; a < dU; a++) tgtMu[it * dU + a] -= r.data[a];
    }
  }
  return { N, T, dO, dU, obs, tgtMu, tgtPrc, tgtWt };
}

/** Concatenate per-condition targets along the sample axis (reference `np.concatenate`). */
export function concatTargets(parts: readonly PolicyTargets[]): PolicyTargets {
  if (parts.length === 0) throw new InvalidArgumentError('targets', 'at least one condition', 0);
  const { T, dO, dU } = parts[0];
  let N = 0;
  for (const p of parts) {
    if (p.T !== T || p.dO !== dO || p.dU !== dU) {
      throw new InvalidArgumentError('targets', `equal T=${T}, dO=${dO}, dU=${dU}`, p);
    }
    N += p.N;
  }
  const out: PolicyTargets = {
    N,
    T,
    dO,
    dU,
    obs: new Float64Array(N * T * dO),
    tgtMu: new Float64Array(N * T * dU),
    tgtPrc: new Float64Array(N * T * dU * dU),
    tgtWt: new Float64Array(N * T),
  };
  let n = 0;
  for (const p of parts) {
    out.obs.set(p.obs, n * T * dO);
    out.tgtMu.set(p.tgtMu, n * T * dU);
    out.tgtPrc.set(p.tgtPrc, n * T * dU * dU);
    out.tgtWt.set(p.tgtWt, n * T);
    n += p.N;
  }
  return out;
}

/** A {@link PolicyOptimizer} result was a Promise where the synchronous algorithms need a value. */
export class AsyncPolicyOptimizerError extends VisuomotorError {}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function'
  );
}

/**
 * Evaluate the policy synchronously (the algorithms' `iterate` is synchronous, as
 * {@link GpsAlgorithm} requires).
 *
 * @throws {@link AsyncPolicyOptimizerError} when the optimiser returns a Promise
 */
export function probSync(
  opt: PolicyOptimizer,
  obs: Float64Array,
  N: number,
  T: number,
): PolicyProb {
  const r = opt.prob(obs, N, T);
  if (isThenable(r)) {
    throw new AsyncPolicyOptimizerError(
      'PolicyOptimizer.prob returned a Promise: BADMM/MDGPS iterate synchronously and need a synchronous optimiser (e.g. @visuomotor/spatial-softmax)',
      { method: 'prob' },
    );
  }
  return r as PolicyProb;
}

/** Train the policy synchronously; see {@link probSync}. */
export function updateSync(opt: PolicyOptimizer, targets: PolicyTargets): PolicyUpdateReport {
  const r = opt.update(targets);
  if (isThenable(r)) {
    throw new AsyncPolicyOptimizerError(
      'PolicyOptimizer.update returned a Promise: BADMM/MDGPS iterate synchronously and need a synchronous optimiser',
      { method: 'update' },
    );
  }
  return r as PolicyUpdateReport;
}
