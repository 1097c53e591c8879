import type {
  LinearGaussianController,
  LinearGaussianDynamics,
  QuadraticCost,
} from '@visuomotor/contracts';
import { Mat, solve } from '@visuomotor/linalg';
import { describe, expect, it } from 'vitest';
import {
  applyLagrangeMultipliers,
  badmmCost,
  controllerKlCost,
  controllerKlTerms,
} from './backward.js';
import { type Fx, hasFixture, loadFixture, relErr, scalar } from './fixtures.test-helper.js';
import { trajOptUpdate } from './trajopt.js';

function dyn(ti: Fx): LinearGaussianDynamics {
  const [T, dX, n] = ti.Fm.shape;
  return {
    T,
    dX,
    dU: n - dX,
    Fm: ti.Fm,
    fv: ti.fv,
    dynCovar: ti.dyn_covar,
    x0mu: ti.x0mu,
    x0sigma: ti.x0sigma,
  };
}
function cost(ti: Fx, dX: number, dU: number): QuadraticCost {
  return { T: ti.cc.length, dX, dU, cc: ti.cc, cv: ti.cv, Cm: ti.Cm };
}
function ctrl(c: Fx): LinearGaussianController {
  const [T, dU, dX] = c.K.shape;
  return {
    T,
    dX,
    dU,
    K: c.K,
    k: c.k,
    polCovar: c.pol_covar,
    cholPolCovar: c.chol_pol_covar,
    invPolCovar: c.inv_pol_covar,
  };
}
/** inv(pol_S) as the reference forms it: solve(chol, solve(cholᵀ, I)) by LU. */
function invFromChol(chol: Float64Array, T: number, dU: number): Float64Array {
  const out = new Float64Array(T * dU * dU);
  for (let t = 0; t < T; t++) {
    const R = new Mat(chol.slice(t * dU * dU, (t + 1) * dU * dU), dU, dU);
    const I = Mat.identity(dU);
    const Y = solve(R.transpose(), I);
    out.set(solve(R, Y).data, t * dU * dU);
  }
  return out;
}

const tol = 1e-9;

describe.skipIf(!hasFixture('badmm_small.json'))(
  'hooks reproduce the BADMM and MDGPS trajectory updates',
  () => {
    for (const size of ['small', 'mid']) {
      it(`BADMM (${size}): augmented cost, nu multiplier, full dual search`, () => {
        const fx = loadFixture(`badmm_${size}.json`);
        const d = dyn(fx.inputs.traj_info);
        const { T, dX, dU } = d;
        const n = dX + dU;
        const prev = ctrl(fx.inputs.prev_controller);
        const pi = fx.inputs.pol_info;
        const policy: LinearGaussianController = {
          T,
          dX,
          dU,
          K: pi.pol_K,
          k: pi.pol_k,
          polCovar: pi.pol_S,
          cholPolCovar: pi.chol_pol_S,
          invPolCovar: invFromChol(pi.chol_pol_S, T, dU),
        };
        const TKLm = new Float64Array(T * n * n);
        const TKLv = new Float64Array(T * n);
        const PKLm = new Float64Array(T * n * n);
        const PKLv = new Float64Array(T * n);
        controllerKlTerms(prev, TKLm, TKLv);
        controllerKlTerms(policy, PKLm, PKLv);
        const c = applyLagrangeMultipliers(
          cost(fx.inputs.traj_info, dX, dU),
          pi.lambda_K,
          pi.lambda_k,
        );
        const augmentedCost = badmmCost(c, TKLm, TKLv, PKLm, PKLv, pi.pol_wt);
        const fCm = new Float64Array(T * n * n);
        const fcv = new Float64Array(T * n);
        augmentedCost(scalar(fx.inputs.eta0), fCm, fcv);
        expect(relErr(fCm, fx.inputs.compute_costs_at_eta0.fCm)).toBeLessThan(tol);
        expect(relErr(fcv, fx.inputs.compute_costs_at_eta0.fcv)).toBeLessThan(tol);
        const log: string[] = [];
        const r = trajOptUpdate({
          dynamics: d,
          cost: c,
          prevController: prev,
          eta0: scalar(fx.inputs.eta0),
          klStep: scalar(fx.inputs.base_kl_step) * scalar(fx.inputs.step_mult) * T,
          hooks: { augmentedCost, nu: pi.pol_wt },
          options: { log: (l) => log.push(`traj_opt_lqr_python: ${l}`) },
        });
        expect(log).toEqual(fx.outputs.log);
        expect(r.eta).toBe(scalar(fx.outputs.eta));
        expect(r.backwardCalls).toBe(fx.outputs.n_backward_calls);
        expect(relErr(r.controller.K, fx.outputs.controller.K)).toBeLessThan(1e-8);
        expect(relErr(r.controller.k, fx.outputs.controller.k)).toBeLessThan(1e-8);
        expect(relErr(r.controller.polCovar, fx.outputs.controller.pol_covar)).toBeLessThan(1e-8);
        expect(relErr(r.klPerStep, fx.outputs.kl_per_t_traj_distr_kl)).toBeLessThan(1e-8);
      });

      it(`MDGPS (${size}): constrained against the policy linearisation`, () => {
        const fx = loadFixture(`mdgps_${size}.json`);
        const d = dyn(fx.inputs.traj_info);
        const { T, dX, dU } = d;
        const n = dX + dU;
        const policy = ctrl(fx.inputs.pol_info_traj_distr);
        const PKLm = new Float64Array(T * n * n);
        const PKLv = new Float64Array(T * n);
        controllerKlTerms(policy, PKLm, PKLv);
        const c = cost(fx.inputs.traj_info, dX, dU);
        const augmentedCost = controllerKlCost(
          c,
          PKLm,
          PKLv,
          scalar(fx.inputs.max_ent_traj),
          'mdgps',
        );
        const fCm = new Float64Array(T * n * n);
        const fcv = new Float64Array(T * n);
        augmentedCost(scalar(fx.inputs.eta0), fCm, fcv);
        expect(relErr(fCm, fx.inputs.compute_costs_at_eta0.fCm)).toBeLessThan(tol);
        expect(relErr(fcv, fx.inputs.compute_costs_at_eta0.fcv)).toBeLessThan(tol);
        const log: string[] = [];
        const r = trajOptUpdate({
          dynamics: d,
          cost: c,
          prevController: policy,
          eta0: scalar(fx.inputs.eta0),
          klStep: scalar(fx.inputs.kl_step_total),
          hooks: { augmentedCost },
          options: { log: (l) => log.push(`traj_opt_lqr_python: ${l}`) },
        });
        expect(log).toEqual(fx.outputs.log);
        expect(r.eta).toBe(scalar(fx.outputs.eta));
        expect(relErr(r.controller.K, fx.outputs.controller.K)).toBeLessThan(1e-8);
        expect(relErr(r.controller.invPolCovar, fx.outputs.controller.inv_pol_covar)).toBeLessThan(
          1e-8,
        );
        expect(relErr(r.klPerStep, fx.outputs.kl_per_t_traj_distr_kl)).toBeLessThan(1e-8);
      });
    }
  },
);
