import {
  InvalidArgumentError,
  type LinearGaussianController,
  type LinearGaussianDynamics,
  type QuadraticCost,
} from '@visuomotor/contracts';
import {
  EtaOutOfBoundsError,
  NonFiniteDynamicsError,
  NotPositiveDefiniteQuuError,
} from './errors.js';
import {
  addSymAtBA,
  addSymFromChol,
  anyNonFinite,
  cholSolveUpper,
  cholUpper,
  cholUpperRows,
  solveUpper,
  solveUpperT,
  symAddProd,
} from './kernels.js';
import { pyF } from './pyfmt.js';
import { checkController, checkCost, checkDynamics } from './validate.js';
import { copyControllerInto, LqrWorkspace } from './workspace.js';

/**
 * Supplies the cost that the backward pass optimises for a given eta, written into
 * preallocated buffers: fCm `[T, dX+dU, dX+dU]`, fcv `[T, dX+dU]` (reference
 * `algorithm.compute_costs(m, eta)`). Trajectory-only GPS uses {@link controllerKlCost}; BADMM
 * and MDGPS supply their own (policy KL terms, Lagrange multipliers).
 */
export type AugmentedCostFn = ((eta: number, fCm: Float64Array, fcv: Float64Array) => void) & {
  /**
   * Optional per-step form: write step t's fCm_t `[dX+dU, dX+dU]` and fcv_t `[dX+dU]` into
   * `Ctt` / `ct` (offset 0). When present the backward pass calls it inside its sweep instead
   * of materialising the whole `[T, ...]` arrays, which saves memory traffic; it must give
   * exactly the values of the full form.
   */
  atStep?: (eta: number, t: number, Ctt: Float64Array, ct: Float64Array) => void;
};

/** Options of the backward pass (defaults reproduce the reference). */
export interface BackwardOptions {
  /** First eta increment of the non-PD repair (reference `del0`). Default 1e-4. */
  del0?: number;
  /**
   * The repair gives up when eta reaches this (reference: hard-coded 1e16, independent of
   * `max_eta`). Default 1e16.
   */
  etaFailBound?: number;
  /**
   * Reference `update_in_bwd_pass` (default true): propagate the value function of the new
   * controller. When false the value function of the controller held before the pass is
   * propagated with the general formula (and, as in the reference, the partly computed
   * controller of a failed pass is what the retry propagates).
   */
  updateInBwdPass?: boolean;
  /**
   * Per-step mode only. The reference records the failing step as `fail = t`, which is falsy
   * for t = 0: a non-PD Q_uu at step 0 ends the pass without repair and leaves NaN gains at
   * step 0. `'raise-eta'` (default; the evident intent) repairs step 0 like any other step;
   * `'throw'` raises {@link NotPositiveDefiniteQuuError}. NaN is never returned.
   */
  perStepFirstStepFailure?: 'raise-eta' | 'throw';
  /**
   * Per-step mode only. The reference keeps `eta0 = eta` as an alias of the same array, so a
   * repeated repair of step t adds del to the already raised eta_t (eta0 + del0, + 2 del0, ...,
   * i.e. eta0 + (2^n − 1) del0) instead of eta0 + 2^(n−1) del0. Default true (reference).
   */
  perStepEtaAliasing?: boolean;
  /** Receives the reference's debug lines (`LinAlgError: ...`, `Increasing eta: ...`). */
  log?: (line: string) => void;
}

/** Hooks that let BADMM and MDGPS reuse the backward pass. */
export interface BackwardHooks {
  /**
   * Cost supplier for scalar-eta mode (default: {@link controllerKlCost} of the previous
   * controller with `maxEntTraj`). Ignored in per-step mode, where the raw cost enters and
   * the KL terms are added inside the pass (reference `augment=False`).
   */
  augmentedCost?: AugmentedCostFn;
  /**
   * BADMM policy weights nu `[T]` (reference `pol_wt`): the value propagated from step t+1 is
   * scaled by (nu[t+1] + eta) / (nu[t] + eta) (paper Appendix A.4 with the BADMM Lagrangian).
   */
  nu?: Float64Array;
}

/** Result of one backward pass. */
export interface BackwardResult {
  /** The new controller (the workspace's candidate buffer unless `out` was given). */
  controller: LinearGaussianController;
  /** eta after the non-PD repair (equal to the input when no repair was needed). */
  eta: number;
  /** Number of restarted passes. */
  retries: number;
}

interface ResolvedBackward {
  del0: number;
  etaFailBound: number;
  updateInBwdPass: boolean;
  perStepFirstStepFailure: 'raise-eta' | 'throw';
  perStepEtaAliasing: boolean;
  log?: (line: string) => void;
}

/** @internal */
export function resolveBackwardOptions(o: BackwardOptions = {}): ResolvedBackward {
  const r: ResolvedBackward = {
    del0: o.del0 ?? 1e-4,
    etaFailBound: o.etaFailBound ?? 1e16,
    updateInBwdPass: o.updateInBwdPass ?? true,
    perStepFirstStepFailure: o.perStepFirstStepFailure ?? 'raise-eta',
    perStepEtaAliasing: o.perStepEtaAliasing ?? true,
    log: o.log,
  };
  if (!(r.del0 > 0)) throw new InvalidArgumentError('del0', 'a positive number', r.del0);
  if (!(r.etaFailBound > 0))
    throw new InvalidArgumentError('etaFailBound', 'a positive number', r.etaFailBound);
  return r;
}

/**
 * The eta-independent KL penalty terms of a controller (reference `compute_costs`):
 * PKLm_t = [[Kᵀ P K, −Kᵀ P], [−P K, P]], PKLv_t = [Kᵀ P k; −P k] with P = invPolCovar_t.
 *
 * @param c - controller (K `[T, dU, dX]`, k `[T, dU]`, invPolCovar `[T, dU, dU]`)
 * @param PKLm - `[T, dX+dU, dX+dU]` (written)
 * @param PKLv - `[T, dX+dU]` (written)
 * @param KP - `[dX, dU]` scratch
 */
export function controllerKlTerms(
  c: LinearGaussianController,
  PKLm: Float64Array,
  PKLv: Float64Array,
  KP: Float64Array = new Float64Array(c.dX * c.dU),
): void {
  const { T, dX, dU } = c;
  const n = dX + dU;
  const K = c.K;
  const k = c.k;
  const P = c.invPolCovar;
  for (let t = 0; t < T; t++) {
    const ko = t * dU * dX;
    const po = t * dU * dU;
    const mo = t * n * n;
    const vo = t * n;
    // KP = Kᵀ P  [dX, dU]
    KP.fill(0, 0, dX * dU);
    for (let a = 0; a < dU; a++) {
      const ka = ko + a * dX;
      const pa = po + a * dU;
      for (let i = 0; i < dX; i++) {
        const kai = K[ka + i];
        for (let b = 0; b < dU; b++) KP[i * dU + b] += kai * P[pa + b];
      }
    }
    // (Kᵀ P) K in 2 x 2 dot blocks; each entry sums over b in order from 0, as the row-axpy
    // form did (identical values).
    for (let i = 0; i < dX; i += 2) {
      const two = i + 1 < dX;
      const p0 = i * dU;
      const p1 = two ? p0 + dU : p0;
      const mi0 = mo + i * n;
      const mi1 = two ? mi0 + n : mi0;
      for (let j = 0; j < dX; j += 2) {
        const twoJ = j + 1 < dX;
        const j1 = twoJ ? j + 1 : j;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let b = 0; b < dU; b++) {
          const x0 = KP[p0 + b];
          const x1 = KP[p1 + b];
          const kb = ko + b * dX;
          const y0 = K[kb + j];
          const y1 = K[kb + j1];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        PKLm[mi0 + j] = s00;
        if (twoJ) PKLm[mi0 + j + 1] = s01;
        if (two) {
          PKLm[mi1 + j] = s10;
          if (twoJ) PKLm[mi1 + j + 1] = s11;
        }
      }
    }
    for (let i = 0; i < dX; i++) {
      const mi = mo + i * n;
      let sv = 0;
      for (let b = 0; b < dU; b++) {
        const v = KP[i * dU + b];
        PKLm[mi + dX + b] = -v;
        sv += v * k[t * dU + b];
      }
      PKLv[vo + i] = sv;
    }
    for (let a = 0; a < dU; a++) {
      const ma = mo + (dX + a) * n;
      for (let j = 0; j < dX; j++) PKLm[ma + j] = 0;
      let sv = 0;
      for (let b = 0; b < dU; b++) {
        const v = P[po + a * dU + b];
        const kb = ko + b * dX;
        for (let j = 0; j < dX; j++) PKLm[ma + j] -= v * K[kb + j];
        PKLm[ma + dX + b] = v;
        sv += v * k[t * dU + b];
      }
      PKLv[vo + dX + a] = -sv;
    }
  }
}

/**
 * The trajectory-optimisation cost augmentation (paper Section 4.2 / Appendix A.4: the
 * Lagrangian of the KL-constrained problem divided by eta), in one of the reference's two
 * floating-point forms:
 *
 * - `'trajopt'` (default; reference `AlgorithmTrajOpt.compute_costs`):
 *   fCm_t = Cm_t / (eta + ω) + eta / (eta + ω) · PKLm_t, and likewise fcv_t;
 * - `'mdgps'` (reference `AlgorithmMDGPS.compute_costs`, PKL from the policy linearisation):
 *   fCm_t = (Cm_t + PKLm_t · eta) / (eta + ω), and likewise fcv_t;
 *
 * where ω = `maxEntTraj` and PKL are {@link controllerKlTerms}. Mathematically equal; the
 * form only changes the last bits.
 *
 * @param cost - cv `[T, dX+dU]`, Cm `[T, dX+dU, dX+dU]`
 * @param PKLm - `[T, dX+dU, dX+dU]` from {@link controllerKlTerms}
 * @param PKLv - `[T, dX+dU]`
 * @param maxEntTraj - ω (reference `max_ent_traj`, default 0)
 * @param form - floating-point form, see above
 */
export function controllerKlCost(
  cost: QuadraticCost,
  PKLm: Float64Array,
  PKLv: Float64Array,
  maxEntTraj = 0,
  form: 'trajopt' | 'mdgps' = 'trajopt',
): AugmentedCostFn {
  const Cm = cost.Cm;
  const cv = cost.cv;
  const n = cost.dX + cost.dU;
  const nn = n * n;
  if (form === 'mdgps') {
    const full: AugmentedCostFn = (eta, fCm, fcv) => {
      const d = eta + maxEntTraj;
      for (let i = 0; i < fCm.length; i++) fCm[i] = (Cm[i] + PKLm[i] * eta) / d;
      for (let i = 0; i < fcv.length; i++) fcv[i] = (cv[i] + PKLv[i] * eta) / d;
    };
    full.atStep = (eta, t, Ctt, ct) => {
      const d = eta + maxEntTraj;
      const o = t * nn;
      for (let i = 0; i < nn; i++) Ctt[i] = (Cm[o + i] + PKLm[o + i] * eta) / d;
      const v = t * n;
      for (let i = 0; i < n; i++) ct[i] = (cv[v + i] + PKLv[v + i] * eta) / d;
    };
    return full;
  }
  const full: AugmentedCostFn = (eta, fCm, fcv) => {
    const d = eta + maxEntTraj;
    const w = eta / d;
    for (let i = 0; i < fCm.length; i++) fCm[i] = Cm[i] / d + w * PKLm[i];
    for (let i = 0; i < fcv.length; i++) fcv[i] = cv[i] / d + w * PKLv[i];
  };
  full.atStep = (eta, t, Ctt, ct) => {
    const d = eta + maxEntTraj;
    const w = eta / d;
    const o = t * nn;
    for (let i = 0; i < nn; i++) {
      // 0 / d is 0: skip the division for the (usually many) zero cost entries.
      const c = Cm[o + i];
      Ctt[i] = (c === 0 ? 0 : c / d) + w * PKLm[o + i];
    }
    const v = t * n;
    for (let i = 0; i < n; i++) ct[i] = cv[v + i] / d + w * PKLv[v + i];
  };
  return full;
}

/**
 * BADMM's augmented cost (reference `AlgorithmBADMM.compute_costs`; paper Section 4.1, the
 * Lagrangian with the policy KL weighted by nu_t):
 *
 *   fCm_t = (C̃m_t + TKLm_t · eta + PKLm_t · nu_t) / (eta + nu_t),  likewise fcv_t,
 *
 * where TKL are {@link controllerKlTerms} of the previous controller, PKL those of the policy
 * linearisation (pol_K, pol_k, inv pol_S), and C̃ the cost with the Lagrange multipliers
 * applied ({@link applyLagrangeMultipliers}). Pair it with `hooks.nu = nu` so that the
 * backward pass scales the propagated value by (nu[t+1] + eta) / (nu[t] + eta).
 *
 * @param cost - multiplier-adjusted cost: cv `[T, dX+dU]`, Cm `[T, dX+dU, dX+dU]`
 * @param nu - policy weights `[T]` (reference `pol_wt`)
 */
export function badmmCost(
  cost: QuadraticCost,
  TKLm: Float64Array,
  TKLv: Float64Array,
  PKLm: Float64Array,
  PKLv: Float64Array,
  nu: Float64Array,
): AugmentedCostFn {
  const { T, dX, dU } = cost;
  const n = dX + dU;
  const Cm = cost.Cm;
  const cv = cost.cv;
  const full: AugmentedCostFn = (eta, fCm, fcv) => {
    for (let t = 0; t < T; t++) {
      const wt = nu[t];
      const d = eta + wt;
      for (let i = t * n * n; i < (t + 1) * n * n; i++) {
        fCm[i] = (Cm[i] + TKLm[i] * eta + PKLm[i] * wt) / d;
      }
      for (let i = t * n; i < (t + 1) * n; i++) fcv[i] = (cv[i] + TKLv[i] * eta + PKLv[i] * wt) / d;
    }
  };
  full.atStep = (eta, t, Ctt, ct) => {
    const wt = nu[t];
    const d = eta + wt;
    const o = t * n * n;
    for (let i = 0; i < n * n; i++) Ctt[i] = (Cm[o + i] + TKLm[o + i] * eta + PKLm[o + i] * wt) / d;
    const v = t * n;
    for (let i = 0; i < n; i++) ct[i] = (cv[v + i] + TKLv[v + i] * eta + PKLv[v + i] * wt) / d;
  };
  return full;
}

/**
 * The BADMM Lagrange-multiplier adjustment of a cost (reference `compute_costs`):
 * cv_u −= lambda_k, Cm_ux −= lambda_K, Cm_xu −= lambda_Kᵀ. Returns a new cost.
 *
 * @param lambdaK - `[T, dU, dX]`
 * @param lambdak - `[T, dU]`
 */
export function applyLagrangeMultipliers(
  cost: QuadraticCost,
  lambdaK: Float64Array,
  lambdak: Float64Array,
): QuadraticCost {
  const { T, dX, dU } = cost;
  const n = dX + dU;
  const Cm = cost.Cm.slice();
  const cv = cost.cv.slice();
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < dU; a++) {
      cv[t * n + dX + a] -= lambdak[t * dU + a];
      for (let j = 0; j < dX; j++) {
        const l = lambdaK[(t * dU + a) * dX + j];
        Cm[t * n * n + (dX + a) * n + j] -= l;
        Cm[t * n * n + j * n + dX + a] -= l;
      }
    }
  }
  return { T, dX, dU, cc: cost.cc, cv, Cm };
}

/**
 * Maximum-entropy LQR backward pass with the KL-augmented cost, for scalar eta (paper
 * Section 4.2 and Appendix A.4; reference `TrajOptLQRPython.backward`):
 *
 *   Q_tt = fCm_t + ρ_t Fm_tᵀ Vxx_{t+1} Fm_t,  Q_t = fcv_t + ρ_t Fm_tᵀ (Vx_{t+1} + Vxx_{t+1} fv_t),
 *   K_t = −Q_uu⁻¹ Q_ux,  k_t = −Q_uu⁻¹ Q_u,  polCovar_t = Q_uu⁻¹,  invPolCovar_t = Q_uu,
 *   Vxx_t = Q_xx + Q_xu K_t,  Vx_t = Q_x + Q_xu k_t   (both symmetrised where the reference does),
 *
 * with ρ_t = 1, or (nu[t+1] + eta) / (nu[t] + eta) under BADMM. When Q_uu is not positive
 * definite at some step, eta becomes eta0 + del (del = del0, doubling at each failure) and the
 * whole pass restarts.
 *
 * @param dynamics - Fm `[T, dX, dX+dU]`, fv `[T, dX]`
 * @param cost - raw cost (cv `[T, dX+dU]`, Cm `[T, dX+dU, dX+dU]`), used by the default cost supplier
 * @param prevController - the controller the KL is taken against (and, when
 *   `updateInBwdPass` is false, whose value function is propagated)
 * @param eta - dual variable, > 0
 * @param options - repair schedule and quirk switches ({@link BackwardOptions})
 * @param hooks - custom augmented cost, BADMM nu
 * @param workspace - reusable buffers for (T, dX, dU)
 * @param out - controller to write (default: the workspace's candidate buffer, overwritten by the next call)
 * @throws {@link EtaOutOfBoundsError} when the repair reaches `etaFailBound`
 * @throws {@link NonFiniteDynamicsError} in that case when Fm or fv hold NaN
 */
export function backward(
  dynamics: LinearGaussianDynamics,
  cost: QuadraticCost,
  prevController: LinearGaussianController,
  eta: number,
  options: BackwardOptions = {},
  hooks: BackwardHooks = {},
  workspace?: LqrWorkspace,
  out?: LinearGaussianController,
): BackwardResult {
  const { T, dX, dU } = checkDynamics(dynamics);
  checkCost('cost', cost, T, dX, dU);
  checkController('prevController', prevController, T, dX, dU);
  if (!(eta > 0) || !Number.isFinite(eta))
    throw new InvalidArgumentError('eta', 'a positive finite number', eta);
  const ws = workspace?.fits(T, dX, dU) ? workspace : new LqrWorkspace(T, dX, dU);
  const cfg = resolveBackwardOptions(options);
  let costFn = hooks.augmentedCost;
  if (!costFn) {
    controllerKlTerms(prevController, ws.PKLm, ws.PKLv, ws.KQ);
    costFn = controllerKlCost(cost, ws.PKLm, ws.PKLv, 0);
  }
  if (hooks.nu) checkNu(hooks.nu, T);
  const ctrl = out ?? ws.ctrl;
  ws.prepareDynamics(dynamics.Fm);
  const r = backwardScalarRaw(dynamics, prevController, eta, costFn, hooks.nu, cfg, ws, ctrl);
  return { controller: ctrl, eta: r.eta, retries: r.retries };
}

/** @internal */
export function checkNu(nu: Float64Array, T: number): void {
  if (nu.length !== T) throw new InvalidArgumentError('nu', `a Float64Array of length ${T}`, nu);
}

/**
 * @internal Scalar-eta backward pass without validation; writes `ctrl`.
 */
export function backwardScalarRaw(
  d: LinearGaussianDynamics,
  prev: LinearGaussianController,
  eta: number,
  costFn: AugmentedCostFn,
  nu: Float64Array | undefined,
  cfg: ResolvedBackward,
  ws: LqrWorkspace,
  ctrl: LinearGaussianController,
): { eta: number; retries: number } {
  const eta0 = eta;
  let del = cfg.del0;
  let retries = 0;
  if (!cfg.updateInBwdPass) copyControllerInto(prev, ws.evalCtrl);
  for (;;) {
    if (!costFn.atStep) costFn(eta, ws.fCm, ws.fcv);
    if (!cfg.updateInBwdPass) zeroController(ctrl);
    const fail = backwardSweep(d, prev, ws, ctrl, {
      scalar: true,
      eta,
      etaVec: null,
      nu,
      updateInBwdPass: cfg.updateInBwdPass,
      costAtStep: costFn.atStep,
    });
    if (!cfg.updateInBwdPass) copyControllerInto(ctrl, ws.evalCtrl);
    if (fail.t < 0) return { eta, retries };
    cfg.log?.(`LinAlgError: ${fail.minor}-th leading minor of the array is not positive definite`);
    const old = eta;
    eta = eta0 + del;
    cfg.log?.(`Increasing eta: ${pyF(old)} -> ${pyF(eta)}`);
    del *= 2;
    retries++;
    if (eta >= cfg.etaFailBound) {
      if (anyNonFinite(d.Fm) || anyNonFinite(d.fv)) {
        throw new NonFiniteDynamicsError('NaNs encountered in dynamics!', { eta, t: fail.t });
      }
      throw new EtaOutOfBoundsError(eta, cfg.etaFailBound, fail.t, { retries });
    }
  }
}

/**
 * @internal Per-step-constraint backward pass (reference `cons_per_step=True`): raw cost, and
 * inv_term = Q_uu / eta_t + P̂_t, k_term = Q_u / eta_t − P̂_t k̂_t, K_term = Q_ux / eta_t − P̂_t K̂_t.
 * `eta` `[T]` is updated in place by the repair.
 */
export function backwardPerStepRaw(
  d: LinearGaussianDynamics,
  cost: QuadraticCost,
  prev: LinearGaussianController,
  eta: Float64Array,
  cfg: ResolvedBackward,
  ws: LqrWorkspace,
  ctrl: LinearGaussianController,
): number {
  const eta0 = ws.eta0;
  eta0.set(eta);
  ws.del.fill(cfg.del0);
  let retries = 0;
  ws.fCm.set(cost.Cm);
  ws.fcv.set(cost.cv);
  if (!cfg.updateInBwdPass) copyControllerInto(prev, ws.evalCtrl);
  for (;;) {
    if (!cfg.updateInBwdPass) zeroController(ctrl);
    const fail = backwardSweep(d, prev, ws, ctrl, {
      scalar: false,
      eta: 0,
      etaVec: eta,
      updateInBwdPass: cfg.updateInBwdPass,
    });
    if (!cfg.updateInBwdPass) copyControllerInto(ctrl, ws.evalCtrl);
    if (fail.t < 0) return retries;
    const t = fail.t;
    cfg.log?.(`LinAlgError: ${fail.minor}-th leading minor of the array is not positive definite`);
    if (t === 0 && cfg.perStepFirstStepFailure === 'throw') {
      throw new NotPositiveDefiniteQuuError('backward (per-step constraints)', 0, fail.minor, {
        eta: eta[0],
        reference: 'the reference stops here and returns NaN gains at step 0',
      });
    }
    const old = eta[t];
    eta[t] = (cfg.perStepEtaAliasing ? eta[t] : eta0[t]) + ws.del[t];
    cfg.log?.(`Increasing eta ${t}: ${pyF(old)} -> ${pyF(eta[t])}`);
    ws.del[t] *= 2;
    retries++;
    if (eta[t] >= cfg.etaFailBound) {
      if (anyNonFinite(d.Fm) || anyNonFinite(d.fv)) {
        throw new NonFiniteDynamicsError('NaNs encountered in dynamics!', { eta: eta[t], t });
      }
      throw new EtaOutOfBoundsError(eta[t], cfg.etaFailBound, t, { retries });
    }
  }
}

function zeroController(c: LinearGaussianController): void {
  c.K.fill(0);
  c.k.fill(0);
  c.polCovar.fill(0);
  c.cholPolCovar.fill(0);
  c.invPolCovar.fill(0);
}

/** @internal Options of {@link backwardSweep}. */
export interface SweepOptions {
  /** Scalar-eta mode (augmented cost in ws.fCm); false: per-step mode with `etaVec`. */
  scalar: boolean;
  /** eta (scalar mode; enters only the BADMM multiplier). */
  eta: number;
  etaVec: Float64Array | null;
  nu?: Float64Array;
  updateInBwdPass: boolean;
  /** Added to the diagonal of Q_uu before factorising (iLQG regularisation). */
  quuReg?: number;
  /** Record Vxx `[T, dX, dX]`, Vx `[T, dX]` of every step. */
  storeVxx?: Float64Array;
  storeVx?: Float64Array;
  /** Accumulates [Σ k_tᵀ Q_u, Σ ½ k_tᵀ Q_uu k_t] (iLQG expected reduction). */
  dV?: Float64Array;
  /** Per-step cost supplier (else the cost is read from ws.fCm / ws.fcv). */
  costAtStep?: (eta: number, t: number, Ctt: Float64Array, ct: Float64Array) => void;
}

/**
 * @internal One sweep t = T−1 … 0 over the cost in ws.fCm / ws.fcv. Returns the failing step
 * and minor (t = −1 on success).
 */
export function backwardSweep(
  d: LinearGaussianDynamics,
  prev: LinearGaussianController,
  ws: LqrWorkspace,
  ctrl: LinearGaussianController,
  so: SweepOptions,
): { t: number; minor: number } {
  const { scalar, eta, etaVec, nu } = so;
  const reg = so.quuReg ?? 0;
  const { T, dX, dU } = d;
  const n = dX + dU;
  const { Vxx, Vx, Qtt, Qt, R, invTerm, kTerm, KTerm } = ws;
  const general = !scalar || !so.updateInBwdPass || reg !== 0;
  const evalC = so.updateInBwdPass ? ctrl : ws.evalCtrl;
  for (let t = T - 1; t >= 0; t--) {
    const mult = t < T - 1 && nu ? (nu[t + 1] + eta) / (nu[t] + eta) : 1;
    if (so.costAtStep) so.costAtStep(eta, t, Qtt, Qt);
    assembleQ(d, ws, t, mult, so.costAtStep === undefined);
    // inv_term, k_term, K_term.
    const uo = dX * n + dX;
    if (scalar) {
      for (let a = 0; a < dU; a++) {
        for (let b = 0; b < dU; b++) invTerm[a * dU + b] = Qtt[uo + a * n + b];
        kTerm[a] = Qt[dX + a];
        for (let j = 0; j < dX; j++) KTerm[a * dX + j] = Qtt[(dX + a) * n + j];
      }
    } else {
      const e = etaVec as Float64Array;
      const r = 1.0 / e[t];
      const po = t * dU * dU;
      const ko = t * dU * dX;
      const ip = prev.invPolCovar;
      for (let a = 0; a < dU; a++) {
        for (let b = 0; b < dU; b++)
          invTerm[a * dU + b] = r * Qtt[uo + a * n + b] + ip[po + a * dU + b];
        let s = 0;
        for (let b = 0; b < dU; b++) s += ip[po + a * dU + b] * prev.k[t * dU + b];
        kTerm[a] = r * Qt[dX + a] - s;
        for (let j = 0; j < dX; j++) {
          let s2 = 0;
          for (let b = 0; b < dU; b++) s2 += ip[po + a * dU + b] * prev.K[ko + b * dX + j];
          KTerm[a * dX + j] = r * Qtt[(dX + a) * n + j] - s2;
        }
      }
    }
    if (reg !== 0) for (let a = 0; a < dU; a++) invTerm[a * dU + a] += reg;
    const info = cholUpper(invTerm, 0, dU, dU, R, 0);
    if (info !== 0) return { t, minor: info };
    const po = t * dU * dU;
    const ko = t * dU * dX;
    for (let i = 0; i < dU * dU; i++) ctrl.invPolCovar[po + i] = invTerm[i];
    // polCovar = R⁻¹ (R⁻ᵀ I)
    const pc = ctrl.polCovar;
    for (let a = 0; a < dU; a++) for (let b = 0; b < dU; b++) pc[po + a * dU + b] = a === b ? 1 : 0;
    cholSolveUpper(R, 0, dU, pc, po, dU, dU);
    const info2 = cholUpper(pc, po, dU, dU, ctrl.cholPolCovar, po);
    if (info2 !== 0) {
      throw new NotPositiveDefiniteQuuError('backward (Cholesky of polCovar)', t, info2);
    }
    // k = −solve(k_term), K = −solve(K_term)
    for (let a = 0; a < dU; a++) ctrl.k[t * dU + a] = kTerm[a];
    cholSolveUpper(R, 0, dU, ctrl.k, t * dU, 1, 1);
    for (let a = 0; a < dU; a++) ctrl.k[t * dU + a] = -ctrl.k[t * dU + a];
    for (let i = 0; i < dU * dX; i++) ctrl.K[ko + i] = KTerm[i];
    solveUpperT(R, 0, dU, ctrl.K, ko, dX, dX);
    solveUpper(R, 0, dU, ctrl.K, ko, dX, dX);
    for (let i = 0; i < dU * dX; i++) ctrl.K[ko + i] = -ctrl.K[ko + i];
    // Value function.
    if (!general) {
      // Vxx = Q_xx + Q_xu K, symmetrised, Vx = Q_x + Q_xu k: the reference's form. Not the
      // equal Q_xx − YᵀY (Y = R⁻ᵀ Q_ux): at a large eta Q is dominated by the previous
      // controller's KL terms, Vxx is a cancellation of O(eps·|Q_xx|) residue, and the YᵀY
      // form's residue (through an ill-conditioned R) drives the next Q_uu indefinite long
      // before the reference's does (regression test in large-eta.test.ts).
      symAddProd(Qtt, n, dX, dU, ctrl.K, ko, Vxx, ws.KQ);
      for (let i = 0; i < dX; i++) {
        const qi = i * n;
        let s = 0;
        for (let a = 0; a < dU; a++) s += Qtt[qi + dX + a] * ctrl.k[t * dU + a];
        Vx[i] = Qt[i] + s;
      }
    } else {
      valueGeneral(Qtt, Qt, evalC, t, dX, dU, Vxx, Vx, ws.KQ, ws.UX);
    }
    if (so.storeVxx) so.storeVxx.set(Vxx, t * dX * dX);
    if (so.storeVx) so.storeVx.set(Vx, t * dX);
    if (so.dV) {
      let a1 = 0;
      let a2 = 0;
      for (let a = 0; a < dU; a++) {
        const ka = ctrl.k[t * dU + a];
        a1 += ka * Qt[dX + a];
        let s = 0;
        for (let b = 0; b < dU; b++) s += Qtt[uo + a * n + b] * ctrl.k[t * dU + b];
        a2 += 0.5 * ka * s;
      }
      so.dV[0] += a1;
      so.dV[1] += a2;
    }
  }
  return { t: -1, minor: 0 };
}

/**
 * Q_tt = fCm_t + ρ Fmᵀ Vxx Fm (symmetrised), Q_t = fcv_t + ρ Fmᵀ (Vx + Vxx fv) into ws.Qtt,
 * ws.Qt, from the next step's value function in ws.Vxx, ws.Vx (none at t = T − 1).
 */
function assembleQ(
  d: LinearGaussianDynamics,
  ws: LqrWorkspace,
  t: number,
  mult: number,
  loadCost: boolean,
): void {
  const { T, dX, dU, fv } = d;
  const n = dX + dU;
  const nn = n * n;
  const { Vxx, Vx, Qtt, Qt, W, acc, tv, fCm, fcv } = ws;
  if (loadCost) {
    const co = t * nn;
    for (let i = 0; i < nn; i++) Qtt[i] = fCm[co + i];
    for (let i = 0; i < n; i++) Qt[i] = fcv[t * n + i];
  }
  if (t < T - 1) {
    // Fmᵀ Vxx Fm: through Vxx = Rᵀ R when Vxx is numerically positive definite (fewer
    // operations), else the general product.
    const simd = ws.simd;
    if (simd) {
      if (simd.factorUpper(Vxx) === 0) simd.addSymFromFactor(ws.FmT, t * n * dX, Qtt, 0, mult, t);
      else addSymAtBA(ws.FmT, t * n * dX, dX, n, Vxx, 0, W, Qtt, 0, mult);
    } else if (cholUpperRows(Vxx, dX, ws.RV) === 0) {
      addSymFromChol(ws.FmT, t * n * dX, dX, n, ws.RV, W, Qtt, 0, mult);
    } else {
      addSymAtBA(ws.FmT, t * n * dX, dX, n, Vxx, 0, W, Qtt, 0, mult);
    }
    // tv = Vx + Vxx fv_t (two rows at a time)
    const fvo = t * dX;
    for (let i = 0; i < dX; i++) {
      const vi = i * dX;
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 1 < dX; j += 2) {
        s0 += Vxx[vi + j] * fv[fvo + j];
        s1 += Vxx[vi + j + 1] * fv[fvo + j + 1];
      }
      if (j < dX) s0 += Vxx[vi + j] * fv[fvo + j];
      tv[i] = Vx[i] + (s0 + s1);
    }
    // acc = Fmᵀ tv from the stored transposes (dot form, two rows at a time)
    const FmT = ws.FmT;
    const to = t * n * dX;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const r0 = to + j * dX;
      const r1 = r0 + dX;
      let s0 = 0;
      let s1 = 0;
      for (let i = 0; i < dX; i++) {
        const v = tv[i];
        s0 += FmT[r0 + i] * v;
        s1 += FmT[r1 + i] * v;
      }
      acc[j] = s0;
      acc[j + 1] = s1;
    }
    if (j < n) {
      const r0 = to + j * dX;
      let s0 = 0;
      for (let i = 0; i < dX; i++) s0 += FmT[r0 + i] * tv[i];
      acc[j] = s0;
    }
    if (mult === 1) for (let c = 0; c < n; c++) Qt[c] += acc[c];
    else for (let c = 0; c < n; c++) Qt[c] += mult * acc[c];
  }
  for (let i = 0; i < n; i++) {
    const qi = i * n;
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (Qtt[qi + j] + Qtt[j * n + i]);
      Qtt[qi + j] = v;
      Qtt[j * n + i] = v;
    }
  }
}

/**
 * Value function of an arbitrary linear controller u = K x + k under Q (reference
 * cons_per_step / not update_in_bwd_pass branch):
 * Vxx = Qxx + Kᵀ Quu K + 2 Qxu K (symmetrised), Vx = Qx + Kᵀ Qu + Kᵀ Quu k + Qxu k.
 */
function valueGeneral(
  Qtt: Float64Array,
  Qt: Float64Array,
  c: LinearGaussianController,
  t: number,
  dX: number,
  dU: number,
  Vxx: Float64Array,
  Vx: Float64Array,
  KQ: Float64Array,
  UX: Float64Array,
): void {
  const n = dX + dU;
  const ko = t * dU * dX;
  const K = c.K;
  // KQ = Kᵀ Quu  [dX, dU]
  for (let i = 0; i < dX; i++) {
    for (let b = 0; b < dU; b++) {
      let s = 0;
      for (let a = 0; a < dU; a++) s += K[ko + a * dX + i] * Qtt[(dX + a) * n + dX + b];
      KQ[i * dU + b] = s;
    }
  }
  // UX = Quu k  as a row: (kᵀ Quu) [dU]
  for (let b = 0; b < dU; b++) {
    let s = 0;
    for (let a = 0; a < dU; a++) s += c.k[t * dU + a] * Qtt[(dX + a) * n + dX + b];
    UX[b] = s;
  }
  for (let i = 0; i < dX; i++) {
    for (let j = 0; j < dX; j++) {
      let s1 = 0;
      let s2 = 0;
      for (let b = 0; b < dU; b++) {
        s1 += KQ[i * dU + b] * K[ko + b * dX + j];
        s2 += 2 * Qtt[i * n + dX + b] * K[ko + b * dX + j];
      }
      Vxx[i * dX + j] = Qtt[i * n + j] + s1 + s2;
    }
  }
  for (let i = 0; i < dX; i++) {
    for (let j = i + 1; j < dX; j++) {
      const v = 0.5 * (Vxx[i * dX + j] + Vxx[j * dX + i]);
      Vxx[i * dX + j] = v;
      Vxx[j * dX + i] = v;
    }
  }
  for (let i = 0; i < dX; i++) {
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let a = 0; a < dU; a++) {
      s1 += Qt[dX + a] * K[ko + a * dX + i];
      s2 += UX[a] * K[ko + a * dX + i];
      s3 += Qtt[i * n + dX + a] * c.k[t * dU + a];
    }
    Vx[i] = Qt[i] + s1 + s2 + s3;
  }
}
