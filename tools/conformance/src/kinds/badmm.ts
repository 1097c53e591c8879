/**
 * Kind `badmm`: the BADMM helpers (policy linearisation with the GMM policy prior, interpolated
 * schedules, Monte-Carlo policy KL, the dual step under the three ν schedules, regression
 * targets, Laplace cost/KL estimates, the step-size rule) and the full trajectory update with
 * Lagrange multipliers and value multipliers through `trajOptUpdate` hooks.
 */
import {
  badmmAugmentedCost,
  badmmEstimateCost,
  conditionTargets,
  createPolicyInfo,
  fitPolicyInfo,
  interpSchedule,
  type NuSchedule,
  newStepMultiplier,
  type PolicyInfo,
  type PolicyMoments,
  policyDualStep,
  policyKl,
} from '@visuomotor/badmm';
import type { LinearGaussianController, LinearGaussianDynamics } from '@visuomotor/contracts';
import { PolicyPriorGmm } from '@visuomotor/gmm-prior';
import { Mat, spdInverseOrThrow } from '@visuomotor/linalg';
import {
  type AugmentedCostFn,
  forward,
  type TrajOptResult,
  trajDistrKl,
  trajDistrKlAlt,
  trajOptUpdate,
} from '@visuomotor/lqr';
import type { Checker, Tolerance } from '../check.js';
import {
  arr,
  type Fixture,
  type FixtureValue,
  has,
  isNDArray,
  list,
  num,
  obj,
  str,
} from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import {
  checkController,
  controllerFromFixture,
  costFromFixture,
  dynamicsFromFixture,
  LQR_TOL,
  SEARCH_TOL,
} from './lqr-common.js';

/** Helpers computed from the stored inputs without a search: 1e-9 relative. */
export const HELPER_TOL: Tolerance = { rtol: 1e-9 };
const PREFIX = 'traj_opt_lqr_python: ';

/** Policy moments from stored means and covariances: prec = Σ⁻¹, detSigma = det Σ. */
export function momentsFromSigma(mu: Float64Array, sigma: Float64Array, dU: number): PolicyMoments {
  const NT = mu.length / dU;
  const prec = new Float64Array(sigma.length);
  const detSigma = new Float64Array(NT);
  const inv = Mat.zeros(dU, dU);
  for (let p = 0; p < NT; p++) {
    const S = new Mat(sigma, dU, dU, p * dU * dU);
    spdInverseOrThrow(S, inv);
    prec.set(inv.data, p * dU * dU);
    // det through a plain LU-free product for diagonal covariances, else Cholesky.
    let diagonal = true;
    for (let a = 0; a < dU && diagonal; a++)
      for (let b = 0; b < dU; b++)
        if (a !== b && sigma[p * dU * dU + a * dU + b] !== 0) diagonal = false;
    if (diagonal) {
      let d = 1;
      for (let a = 0; a < dU; a++) d *= sigma[p * dU * dU + a * dU + a];
      detSigma[p] = d;
    } else {
      const L = Mat.zeros(dU, dU);
      for (let a = 0; a < dU * dU; a++) L.data[a] = sigma[p * dU * dU + a];
      let ld = 0;
      for (let j = 0; j < dU; j++) {
        let v = L.data[j * dU + j];
        for (let k = 0; k < j; k++) v -= L.data[k * dU + j] ** 2;
        const r = Math.sqrt(v);
        L.data[j * dU + j] = r;
        for (let i = j + 1; i < dU; i++) {
          let w = L.data[j * dU + i];
          for (let k = 0; k < j; k++) w -= L.data[k * dU + j] * L.data[k * dU + i];
          L.data[j * dU + i] = w / r;
        }
        ld += 2 * Math.log(r);
      }
      detSigma[p] = Math.exp(ld);
    }
  }
  return { mu, prec, detSigma };
}

/** A {@link PolicyInfo} from `root.{pol_K, pol_k, pol_S, chol_pol_S, lambda_K, lambda_k, pol_wt, pol_mu, pol_sig}`. */
export function policyInfoFromFixture(
  root: FixtureValue,
  T: number,
  dX: number,
  dU: number,
): PolicyInfo {
  const info = createPolicyInfo(T, dX, dU, 0);
  info.polK = arr(root, 'pol_K').data;
  info.polk = arr(root, 'pol_k').data;
  info.polS = arr(root, 'pol_S').data;
  info.cholPolS = arr(root, 'chol_pol_S').data;
  if (has(root, 'lambda_K')) info.lambdaK = arr(root, 'lambda_K').data;
  if (has(root, 'lambda_k')) info.lambdak = arr(root, 'lambda_k').data;
  if (has(root, 'pol_wt')) info.nu = arr(root, 'pol_wt').data.slice();
  if (has(root, 'pol_mu')) info.polMu = arr(root, 'pol_mu').data;
  if (has(root, 'pol_sig')) info.polSig = arr(root, 'pol_sig').data;
  return info;
}

/** Policy-prior hyperparameters: stored ones, else the reference examples' (mjc_*_example). */
export function policyPriorFromFixture(fx: Fixture, hpKey: string): PolicyPriorGmm {
  const h = has(fx, `${hpKey}.policy_prior`) ? obj(fx, `${hpKey}.policy_prior`) : {};
  const n = (k: string, d: number) => (typeof h[k] === 'number' ? (h[k] as number) : d);
  return new PolicyPriorGmm({
    maxClusters: n('max_clusters', 20),
    minSamplesPerCluster: n('min_samples_per_cluster', 40),
    maxSamples: n('max_samples', 20),
    strength: n('strength', 1),
  });
}

/** Compare a policy linearisation with `prefix.{pol_K, pol_k, pol_S, chol_pol_S}`. */
export function checkPolicyFit(
  check: Checker,
  info: PolicyInfo,
  fx: FixtureValue,
  prefix: string,
  tol: Tolerance,
): void {
  check.close(`${prefix}.pol_K`, info.polK, arr(fx, `${prefix}.pol_K`), tol);
  check.close(`${prefix}.pol_k`, info.polk, arr(fx, `${prefix}.pol_k`), tol);
  check.close(`${prefix}.pol_S`, info.polS, arr(fx, `${prefix}.pol_S`), tol);
  if (has(fx, `${prefix}.chol_pol_S`)) {
    check.close(`${prefix}.chol_pol_S`, info.cholPolS, arr(fx, `${prefix}.chol_pol_S`), tol);
  }
}

/**
 * The trajectory update with custom hooks and every output of `outputs` (the same fields as
 * lqr_trajopt): controller, eta, trace, log, marginals, per-step KL against `prev`, cost
 * estimates, plus the augmented cost at eta0.
 */
export function runHookedUpdate(
  fx: Fixture,
  check: Checker,
  dyn: LinearGaussianDynamics,
  cost: Parameters<typeof trajOptUpdate>[0]['cost'],
  prev: LinearGaussianController,
  hooks: { augmentedCost: AugmentedCostFn; nu?: Float64Array },
  klStep: number,
): TrajOptResult {
  const { T, dX, dU } = dyn;
  const n = dX + dU;
  const eta0 = num(fx, 'inputs.eta0');
  const fCm = new Float64Array(T * n * n);
  const fcv = new Float64Array(T * n);
  hooks.augmentedCost(eta0, fCm, fcv);
  check.close(
    'compute_costs_at_eta0.fCm',
    fCm,
    arr(fx, 'inputs.compute_costs_at_eta0.fCm'),
    LQR_TOL,
  );
  check.close(
    'compute_costs_at_eta0.fcv',
    fcv,
    arr(fx, 'inputs.compute_costs_at_eta0.fcv'),
    LQR_TOL,
  );
  const log: string[] = [];
  const res = trajOptUpdate({
    dynamics: dyn,
    cost,
    prevController: prev,
    eta0,
    klStep,
    hooks,
    options: { log: (l) => log.push(PREFIX + l) },
  });
  checkController(check, res.controller, fx, 'outputs.controller', SEARCH_TOL);
  check.close('outputs.eta', res.eta as number, num(fx, 'outputs.eta'), SEARCH_TOL);
  check.equal('outputs.n_backward_calls', res.backwardCalls, num(fx, 'outputs.n_backward_calls'));
  const tr = list(fx, 'outputs.dgd_trace');
  check.equal('outputs.dgd_trace.length', res.trace.length, tr.length);
  const m = Math.min(tr.length, res.trace.length);
  for (const key of ['eta_in', 'eta_out', 'kl'] as const) {
    const ours = Float64Array.from({ length: m }, (_, i) => {
      const e = res.trace[i];
      return (key === 'eta_in' ? e.etaIn : key === 'eta_out' ? e.etaOut : e.kl) as number;
    });
    const exp = Float64Array.from({ length: m }, (_, i) =>
      num(fx, `outputs.dgd_trace.${i}.${key}`),
    );
    check.close(`outputs.dgd_trace.${key}`, ours, exp, SEARCH_TOL);
  }
  if (has(fx, 'outputs.log')) check.equal('outputs.log', log, list(fx, 'outputs.log'));
  const fNew = forward(res.controller, dyn);
  const fPrev = forward(prev, dyn);
  const marg = (key: string, mg: { mu: Float64Array; sigma: Float64Array }, tol: Tolerance) => {
    check.close(`${key}.mu`, mg.mu, arr(fx, `${key}.mu`), tol);
    const s = arr(fx, `${key}.sigma`);
    if (s.shape[0] === T) check.close(`${key}.sigma`, mg.sigma, s, tol);
    else {
      const idx = [0, Math.floor(T / 2), T - 1];
      const pick = new Float64Array(idx.length * n * n);
      idx.forEach((t, i) => {
        pick.set(mg.sigma.subarray(t * n * n, (t + 1) * n * n), i * n * n);
      });
      check.close(`${key}.sigma`, pick, s, tol);
    }
  };
  marg('outputs.forward_new', fNew, SEARCH_TOL);
  marg('outputs.forward_prev', fPrev, LQR_TOL);
  check.close(
    'outputs.kl_per_t_traj_distr_kl',
    trajDistrKl(fNew, res.controller, prev),
    arr(fx, 'outputs.kl_per_t_traj_distr_kl'),
    SEARCH_TOL,
  );
  check.close(
    'outputs.kl_per_t_traj_distr_kl_alt_under_prev',
    trajDistrKlAlt(fPrev, res.controller, prev),
    arr(fx, 'outputs.kl_per_t_traj_distr_kl_alt_under_prev'),
    SEARCH_TOL,
  );
  const rawCost = costFromFixture(obj(fx, 'inputs.traj_info'), dX, dU);
  const est = (c: LinearGaussianController) => {
    const mg = forward(c, dyn);
    const out = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      let s = 0;
      let q = 0;
      let l = 0;
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let j = 0; j < n; j++) {
          s += mg.sigma[t * n * n + i * n + j] * rawCost.Cm[t * n * n + i * n + j];
          r += mg.mu[t * n + j] * rawCost.Cm[t * n * n + j * n + i];
        }
        q += r * mg.mu[t * n + i];
        l += mg.mu[t * n + i] * rawCost.cv[t * n + i];
      }
      out[t] = rawCost.cc[t] + 0.5 * (s + q) + l;
    }
    return out;
  };
  check.close(
    'outputs.estimate_cost_new',
    est(res.controller),
    arr(fx, 'outputs.estimate_cost_new'),
    SEARCH_TOL,
  );
  check.close(
    'outputs.estimate_cost_prev',
    est(prev),
    arr(fx, 'outputs.estimate_cost_prev'),
    LQR_TOL,
  );
  check.note(`eta path: ${res.trace.map((e) => (e.etaIn as number).toPrecision(6)).join(' -> ')}`);
  return res;
}

const MODES: Record<number, NuSchedule> = { 0: 'dgd', 1: 'fixed', 2: 'ratio', 3: 'mean-std' };

export const handler: KindHandler = {
  implementedBy: '@visuomotor/badmm',
  run(fx, check) {
    const hpKey = 'badmm_hyperparams';
    const hp = obj(fx, hpKey);
    const dyn = dynamicsFromFixture(obj(fx, 'inputs.traj_info'));
    const { T, dX, dU } = dyn;
    const Xa = arr(fx, 'samples_X');
    const N = Xa.shape[0];
    const X = Xa.data;
    const obsA = arr(fx, 'samples_obs');
    const dO = obsA.shape[2];
    const obs = obsA.data;
    const prev = controllerFromFixture(obj(fx, 'inputs.prev_controller'));
    const piRoot = obj(fx, 'inputs.pol_info');
    const pi = policyInfoFromFixture(piRoot, T, dX, dU);
    const polMu = arr(piRoot, 'pol_mu').data;
    const polSig = arr(piRoot, 'pol_sig').data;
    const moments = momentsFromSigma(polMu, polSig, dU);
    const h = 'helpers';

    // Policy linearisation with the GMM policy prior (first fit: the window is these samples).
    if (has(fx, `${h}.update_policy_fit_init`)) {
      const prior = policyPriorFromFixture(fx, hpKey);
      prior.injectInitAssignment(arr(fx, `${h}.update_policy_fit_init.init_cidx`).data);
      prior.update(X, obs, N, T, dX, dO, dU, () => polMu.slice(), 'replace');
      const info = createPolicyInfo(T, dX, dU, 0);
      fitPolicyInfo(info, prior, X, polMu, polSig, N, 'allEntries');
      checkPolicyFit(check, info, fx, `${h}.update_policy_fit_init`, HELPER_TOL);
      check.note('policy fit: 1e-8 on every entry of the t=0 state block (reference)');
    }

    // Interpolated schedules.
    const iterations = num(hp, 'iterations');
    const sched = (k: string): number | Float64Array => {
      const v = hp[k];
      return isNDArray(v) ? v.data : (v as number);
    };
    let lgStep0 = Number.NaN;
    if (has(fx, `${h}.set_interp_values`)) {
      const rows = list(fx, `${h}.set_interp_values`);
      const lg = new Float64Array(rows.length);
      const ent = new Float64Array(rows.length);
      const eLg = new Float64Array(rows.length);
      const eEnt = new Float64Array(rows.length);
      rows.forEach((r, i) => {
        const it = num(r, 'iteration_count');
        lg[i] = interpSchedule(sched('lg_step_schedule'), it, iterations);
        ent[i] = interpSchedule(sched('ent_reg_schedule'), it, iterations);
        eLg[i] = num(r, 'lg_step');
        eEnt[i] = num(r, 'ent_reg');
        if (it === 0) lgStep0 = eLg[i];
      });
      check.close(`${h}.set_interp_values.lg_step`, lg, eLg, HELPER_TOL);
      check.close(`${h}.set_interp_values.ent_reg`, ent, eEnt, HELPER_TOL);
    }
    if (Number.isNaN(lgStep0)) lgStep0 = interpSchedule(sched('lg_step_schedule'), 0, iterations);

    const checkKl = (key: string, lambda: { K: Float64Array; k: Float64Array } | null) => {
      const r = policyKl(X, N, prev, moments, lambda);
      check.close(`${key}.kl_m`, r.klMean, arr(fx, `${key}.kl_m`), HELPER_TOL);
      check.close(`${key}.kl`, r.kl, arr(fx, `${key}.kl`), HELPER_TOL);
      check.close(`${key}.kl_lm`, r.klLagrangeMean, arr(fx, `${key}.kl_lm`), HELPER_TOL);
      check.close(`${key}.kl_l`, r.klLagrange, arr(fx, `${key}.kl_l`), HELPER_TOL);
    };
    if (has(fx, `${h}.policy_kl_initial`)) checkKl(`${h}.policy_kl_initial`, null);

    // Dual steps: each mode from lambda = 0, nu = init_pol_wt.
    if (has(fx, `${h}.policy_dual_step`)) {
      const modes = obj(fx, `${h}.policy_dual_step`);
      for (const key of Object.keys(modes)) {
        const mm = /^fixed_lg_step_(\d+)$/.exec(key);
        if (!mm) continue;
        const schedule = MODES[Number(mm[1])];
        if (!schedule) {
          check.ok(`${h}.policy_dual_step.${key}`, false, `unknown fixed_lg_step ${mm[1]}`);
          continue;
        }
        const info = createPolicyInfo(T, dX, dU, num(hp, 'init_pol_wt'));
        info.polK = pi.polK;
        info.polMu = polMu;
        list(fx, `${h}.policy_dual_step.${key}`).forEach((c, i) => {
          const b = `${h}.policy_dual_step.${key}.${i}`;
          const step = (c as { step: boolean }).step === true;
          policyDualStep(info, X, N, prev, prev, moments, {
            step,
            dualRate: num(hp, 'policy_dual_rate'),
            dualRateCovar: has(hp, 'policy_dual_rate_covar')
              ? num(hp, 'policy_dual_rate_covar')
              : 0,
            lgStep: lgStep0,
            nuSchedule: schedule,
            nuThresholds: 'reference',
          });
          check.close(`${b}.lambda_k`, info.lambdak, arr(c, 'lambda_k'), HELPER_TOL);
          check.close(`${b}.lambda_K`, info.lambdaK, arr(c, 'lambda_K'), HELPER_TOL);
          check.close(`${b}.pol_wt`, info.nu, arr(c, 'pol_wt'), HELPER_TOL);
          const pk = (c as { prev_kl: FixtureValue }).prev_kl;
          if (pk === null) check.ok(`${b}.prev_kl`, info.prevKl === null);
          else check.close(`${b}.prev_kl`, info.prevKl ?? [], arr(c, 'prev_kl'), HELPER_TOL);
        });
      }
      check.note(
        `dual step: lg_step ${lgStep0} (iteration 0), precision-scaled (reference), thresholds mean+0.5sd / mean-1.0sd`,
      );
    }

    if (has(fx, `${h}.update_policy_targets`)) {
      const tg = conditionTargets(prev, X, obs, N, dO, pi.nu, {
        K: pi.lambdaK,
        k: pi.lambdak,
        shift: 'reference',
      });
      const b = `${h}.update_policy_targets`;
      check.close(`${b}.tgt_mu`, tg.tgtMu, arr(fx, `${b}.tgt_mu`), HELPER_TOL);
      check.close(`${b}.tgt_prc`, tg.tgtPrc, arr(fx, `${b}.tgt_prc`), HELPER_TOL);
      check.close(`${b}.tgt_wt`, tg.tgtWt, arr(fx, `${b}.tgt_wt`), HELPER_TOL);
    }
    if (has(fx, `${h}.policy_kl_after_dual`)) {
      checkKl(`${h}.policy_kl_after_dual`, { K: pi.lambdaK, k: pi.lambdak });
    }

    const cost = costFromFixture(obj(fx, 'inputs.traj_info'), dX, dU);
    if (has(fx, `${h}.estimate_cost`)) {
      const e = badmmEstimateCost(prev, dyn, cost, pi);
      const b = `${h}.estimate_cost`;
      check.close(
        `${b}.predicted_cost`,
        e.predictedCost,
        arr(fx, `${b}.predicted_cost`),
        HELPER_TOL,
      );
      check.close(`${b}.predicted_kl`, e.predictedKl, arr(fx, `${b}.predicted_kl`), HELPER_TOL);
    }
    if (has(fx, `${h}.set_new_mult`)) {
      const rows = list(fx, `${h}.set_new_mult`);
      const ours = Float64Array.from(rows, (r) =>
        newStepMultiplier(
          num(r, 'predicted_impr'),
          num(r, 'actual_impr'),
          num(r, 'old_step_mult'),
          {
            minStepMult: num(r, 'min_step_mult'),
            maxStepMult: num(r, 'max_step_mult'),
          },
        ),
      );
      check.close(
        `${h}.set_new_mult.new_step_mult`,
        ours,
        Float64Array.from(rows, (r) => num(r, 'new_step_mult')),
        { rtol: 0, atol: 0 },
      );
    }

    // Full trajectory update: Lagrange multipliers in the cost, nu value multipliers.
    const klStep = num(fx, 'inputs.base_kl_step') * num(fx, 'inputs.step_mult') * T;
    if (has(fx, 'inputs.kl_step_total')) {
      check.close('inputs.kl_step_total', klStep, num(fx, 'inputs.kl_step_total'), { rtol: 0 });
    }
    const aug = badmmAugmentedCost(cost, prev, pi);
    runHookedUpdate(
      fx,
      check,
      dyn,
      aug.cost,
      prev,
      { augmentedCost: aug.augmentedCost, nu: aug.nu },
      klStep,
    );
    if (has(fx, 'algorithm')) check.equal('algorithm', str(fx, 'algorithm'), 'AlgorithmBADMM');
  },
};
