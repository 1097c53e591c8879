/**
 * Helpers shared by the lqr_trajopt, lqr_nonpd, lqr_cons_per_step and lin_gauss_init handlers
 * (@visuomotor/lqr).
 */
import type {
  LinearGaussianController,
  LinearGaussianDynamics,
  QuadraticCost,
} from '@visuomotor/contracts';
import {
  controllerKlCost,
  controllerKlTerms,
  estimateCost,
  forward,
  type TrajOptOptions,
  trajDistrKl,
  trajDistrKlAlt,
  trajOptUpdate,
} from '@visuomotor/lqr';
import type { Checker, Tolerance } from '../check.js';
import { arr, type Fixture, type FixtureValue, has, list, num, obj } from '../fixture.js';

/** Outputs computed before the eta search (pure functions of the inputs): 1e-9 relative. */
export const LQR_TOL: Tolerance = { rtol: 1e-9 };
/**
 * Outputs after the eta search (same bracket path; the final eta is reproduced exactly, the
 * controller through up to ~50 repaired or bracketed backward passes): 1e-8 relative.
 */
export const SEARCH_TOL: Tolerance = { rtol: 1e-8 };

/** Linear-Gaussian dynamics from `root.{Fm, fv, dyn_covar, x0mu, x0sigma}`. */
export function dynamicsFromFixture(root: FixtureValue): LinearGaussianDynamics {
  const Fm = arr(root, 'Fm');
  const [T, dX, dXU] = Fm.shape;
  return {
    T,
    dX,
    dU: dXU - dX,
    Fm: Fm.data,
    fv: arr(root, 'fv').data,
    dynCovar: arr(root, 'dyn_covar').data,
    x0mu: arr(root, 'x0mu').data,
    x0sigma: arr(root, 'x0sigma').data,
  };
}

/** Quadratic cost from `root.{cc, cv, Cm}`. */
export function costFromFixture(root: FixtureValue, dX: number, dU: number): QuadraticCost {
  const cc = arr(root, 'cc');
  return {
    T: cc.shape[0],
    dX,
    dU,
    cc: cc.data,
    cv: arr(root, 'cv').data,
    Cm: arr(root, 'Cm').data,
  };
}

/** Controller from `root.{K, k, pol_covar, chol_pol_covar, inv_pol_covar}`. */
export function controllerFromFixture(root: FixtureValue): LinearGaussianController {
  const K = arr(root, 'K');
  const [T, dU, dX] = K.shape;
  return {
    T,
    dX,
    dU,
    K: K.data,
    k: arr(root, 'k').data,
    polCovar: arr(root, 'pol_covar').data,
    cholPolCovar: arr(root, 'chol_pol_covar').data,
    invPolCovar: arr(root, 'inv_pol_covar').data,
  };
}

/** Compare every field of a controller with `prefix.{K, k, pol_covar, chol_pol_covar, inv_pol_covar}`. */
export function checkController(
  check: Checker,
  c: LinearGaussianController,
  fx: FixtureValue,
  prefix: string,
  tol: Tolerance,
): void {
  check.close(`${prefix}.K`, c.K, arr(fx, `${prefix}.K`), tol);
  check.close(`${prefix}.k`, c.k, arr(fx, `${prefix}.k`), tol);
  check.close(`${prefix}.pol_covar`, c.polCovar, arr(fx, `${prefix}.pol_covar`), tol);
  check.close(`${prefix}.chol_pol_covar`, c.cholPolCovar, arr(fx, `${prefix}.chol_pol_covar`), tol);
  check.close(`${prefix}.inv_pol_covar`, c.invPolCovar, arr(fx, `${prefix}.inv_pol_covar`), tol);
}

/** The reference's `TRAJ_OPT_LQR` hyperparameters as options (fixture values where stored). */
export function trajOptOptions(fx: Fixture, log: (l: string) => void): TrajOptOptions {
  const o: TrajOptOptions = { log };
  if (has(fx, 'inputs.traj_opt_hyperparams')) {
    const h = obj(fx, 'inputs.traj_opt_hyperparams');
    if (typeof h.del0 === 'number') o.del0 = h.del0;
    if (typeof h.min_eta === 'number') o.minEta = h.min_eta;
    if (typeof h.max_eta === 'number') o.maxEta = h.max_eta;
    if (typeof h.use_prev_distr === 'boolean') o.usePrevDistr = h.use_prev_distr;
    if (typeof h.update_in_bwd_pass === 'boolean') o.updateInBwdPass = h.update_in_bwd_pass;
  }
  if (has(fx, 'inputs.max_ent_traj')) o.maxEntTraj = num(fx, 'inputs.max_ent_traj');
  return o;
}

const PREFIX = 'traj_opt_lqr_python: ';

/** Rows `idx` of a `[T, n, n]` array. */
function pickSteps(a: Float64Array, nn: number, idx: readonly number[]): Float64Array {
  const out = new Float64Array(idx.length * nn);
  idx.forEach((t, i) => {
    out.set(a.subarray(t * nn, (t + 1) * nn), i * nn);
  });
  return out;
}

/** Compare forward marginals; pr2-sized files store sigma only at t ∈ {0, T/2, T−1}. */
function checkMarginals(
  check: Checker,
  fx: Fixture,
  key: string,
  m: { mu: Float64Array; sigma: Float64Array },
  T: number,
  n: number,
  tol: Tolerance,
): void {
  check.close(`${key}.mu`, m.mu, arr(fx, `${key}.mu`), tol);
  const s = arr(fx, `${key}.sigma`);
  const sig = s.shape[0] === T ? m.sigma : pickSteps(m.sigma, n * n, [0, Math.floor(T / 2), T - 1]);
  check.close(`${key}.sigma`, sig, s, tol);
}

/**
 * The scalar-eta KL-constrained update (lqr_trajopt, lqr_nonpd): controller, eta, the whole
 * eta/KL trace, the log (same bracket path, same repair path), forward marginals, per-step KL
 * and cost estimates.
 */
export function runScalarTrajOpt(fx: Fixture, check: Checker): void {
  const dyn = dynamicsFromFixture(obj(fx, 'inputs.traj_info'));
  const { T, dX, dU } = dyn;
  const n = dX + dU;
  const cost = costFromFixture(obj(fx, 'inputs.traj_info'), dX, dU);
  const prev = controllerFromFixture(obj(fx, 'inputs.prev_controller'));
  const eta0 = num(fx, 'inputs.eta0');
  const klStep = num(fx, 'inputs.base_kl_step') * num(fx, 'inputs.step_mult') * T;
  if (has(fx, 'inputs.kl_step_total')) {
    check.close('inputs.kl_step_total', klStep, num(fx, 'inputs.kl_step_total'), { rtol: 0 });
  }
  const log: string[] = [];
  const options = trajOptOptions(fx, (l) => log.push(PREFIX + l));
  if (has(fx, 'inputs.compute_costs_at_eta0')) {
    const PKLm = new Float64Array(T * n * n);
    const PKLv = new Float64Array(T * n);
    controllerKlTerms(prev, PKLm, PKLv);
    const fCm = new Float64Array(T * n * n);
    const fcv = new Float64Array(T * n);
    controllerKlCost(cost, PKLm, PKLv, options.maxEntTraj ?? 0)(eta0, fCm, fcv);
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
  }
  const res = trajOptUpdate({ dynamics: dyn, cost, prevController: prev, eta0, klStep, options });
  checkController(check, res.controller, fx, 'outputs.controller', SEARCH_TOL);
  check.close('outputs.eta', res.eta as number, num(fx, 'outputs.eta'), SEARCH_TOL);
  check.equal('outputs.n_backward_calls', res.backwardCalls, num(fx, 'outputs.n_backward_calls'));
  const tr = list(fx, 'outputs.dgd_trace');
  check.equal('outputs.dgd_trace.length', res.trace.length, tr.length);
  const m = Math.min(tr.length, res.trace.length);
  const etaIn = new Float64Array(m);
  const etaOut = new Float64Array(m);
  const kl = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    etaIn[i] = res.trace[i].etaIn as number;
    etaOut[i] = res.trace[i].etaOut as number;
    kl[i] = res.trace[i].kl as number;
  }
  const col = (k: string) =>
    Float64Array.from(tr.slice(0, m), (_, i) => num(fx, `outputs.dgd_trace.${i}.${k}`));
  check.close('outputs.dgd_trace.eta_in', etaIn, col('eta_in'), SEARCH_TOL);
  check.close('outputs.dgd_trace.eta_out', etaOut, col('eta_out'), SEARCH_TOL);
  check.close('outputs.dgd_trace.kl', kl, col('kl'), SEARCH_TOL);
  if (has(fx, 'outputs.log')) check.equal('outputs.log', log, list(fx, 'outputs.log'));
  // Functions of the returned controller.
  const fNew = forward(res.controller, dyn);
  const fPrev = forward(prev, dyn);
  checkMarginals(check, fx, 'outputs.forward_new', fNew, T, n, SEARCH_TOL);
  checkMarginals(check, fx, 'outputs.forward_prev', fPrev, T, n, LQR_TOL);
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
  check.close(
    'outputs.estimate_cost_new',
    estimateCost(res.controller, dyn, cost),
    arr(fx, 'outputs.estimate_cost_new'),
    SEARCH_TOL,
  );
  check.close(
    'outputs.estimate_cost_prev',
    estimateCost(prev, dyn, cost),
    arr(fx, 'outputs.estimate_cost_prev'),
    LQR_TOL,
  );
  check.note(`eta path: ${Array.from(etaIn, (e) => e.toPrecision(6)).join(' -> ')}`);
}
