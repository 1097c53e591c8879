/**
 * Kind `mdgps`: the MDGPS policy linearisation (GMM policy prior, recorded assignment), the
 * policy linearisation as a controller (`pol_info.traj_distr()`), the C-step (the KL-constrained
 * update against that controller with the MDGPS cost form) and the S-step regression targets.
 *
 * The file stores no sample states; the policy fit and the target means need them. They are
 * read from the file itself when present (`samples_X` / `inputs.X`), else from the sibling
 * `dynfit_<size>_N<N>.json` the fixtures chain from (fixture README, "Inputs chain"), looked up in
 * $GPS_FIXTURES and the default fixture directory; without it those checks are skipped with a note.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  conditionTargets,
  fitPolicyInfo,
  mdgpsAugmentedCost,
  policyLinearizationController,
} from '@visuomotor/badmm';
import { arr, type Fixture, has, loadFixture, num, obj, str } from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import {
  checkPolicyFit,
  HELPER_TOL,
  policyInfoFromFixture,
  policyPriorFromFixture,
  runHookedUpdate,
} from './badmm.js';
import {
  checkController,
  controllerFromFixture,
  costFromFixture,
  dynamicsFromFixture,
  SEARCH_TOL,
} from './lqr-common.js';

function fixtureDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.GPS_FIXTURES) dirs.push(process.env.GPS_FIXTURES);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
  dirs.push(resolve(repoRoot, '../shared/fixtures/gps-reference'));
  return dirs;
}

/** Sample states `[N, T, dX]` for an mdgps file: its own, else the chained dynfit file's. */
function sampleStates(
  fx: Fixture,
  file: string,
  N: number,
  T: number,
  dX: number,
): { X: Float64Array; source: string } | null {
  for (const key of ['samples_X', 'inputs.X', 'inputs.samples_X']) {
    if (has(fx, key)) return { X: arr(fx, key).data, source: key };
  }
  const m = /^mdgps_(.+?)\.json$/.exec(file);
  if (!m) return null;
  const name = `dynfit_${m[1]}_N${N}.json`;
  for (const d of fixtureDirs()) {
    const p = resolve(d, name);
    if (!existsSync(p)) continue;
    const X = arr(loadFixture(p), 'X');
    if (X.shape[0] === N && X.shape[1] === T && X.shape[2] === dX)
      return { X: X.data, source: name };
  }
  return null;
}

export const handler: KindHandler = {
  implementedBy: '@visuomotor/badmm',
  run(fx, check, file) {
    const dyn = dynamicsFromFixture(obj(fx, 'inputs.traj_info'));
    const { T, dX, dU } = dyn;
    const piRoot = obj(fx, 'inputs.pol_info');
    const pi = policyInfoFromFixture(piRoot, T, dX, dU);
    const polMuA = arr(piRoot, 'pol_mu');
    const N = polMuA.shape[0];
    const polMu = polMuA.data;
    const polSig = arr(piRoot, 'pol_sig').data;

    // Policy linearisation as a controller (PolicyInfo.traj_distr()).
    const policy = policyLinearizationController(pi);
    if (has(fx, 'inputs.pol_info_traj_distr')) {
      checkController(check, policy, fx, 'inputs.pol_info_traj_distr', HELPER_TOL);
    }

    const states = sampleStates(fx, file, N, T, dX);
    if (!states) {
      check.note(
        'no sample states found (no samples_X, no chained dynfit file): policy fit and tgt_mu not checked',
      );
    } else {
      check.note(`sample states from ${states.source}`);
      const X = states.X;
      if (has(fx, 'inputs.policy_prior_init_cidx')) {
        const hpKey = 'mdgps_hyperparams';
        const prior = policyPriorFromFixture(fx, hpKey);
        const mode =
          has(fx, `${hpKey}.policy_sample_mode`) && str(fx, `${hpKey}.policy_sample_mode`) === 'add'
            ? 'add'
            : 'replace';
        prior.injectInitAssignment(arr(fx, 'inputs.policy_prior_init_cidx').data);
        // The stored policy means stand in for evaluating the (fixed) policy; the observations
        // only size the window.
        prior.update(X, X, N, T, dX, dX, dU, () => polMu.slice(), mode);
        const info = policyInfoFromFixture(piRoot, T, dX, dU);
        fitPolicyInfo(info, prior, X, polMu, polSig, N, 'allEntries');
        checkPolicyFit(check, info, fx, 'inputs.pol_info', HELPER_TOL);
      }
    }

    // C-step: constrained against the policy linearisation, MDGPS cost form.
    const cost = costFromFixture(obj(fx, 'inputs.traj_info'), dX, dU);
    const maxEnt = has(fx, 'inputs.max_ent_traj') ? num(fx, 'inputs.max_ent_traj') : 0;
    const aug = mdgpsAugmentedCost(cost, pi, maxEnt);
    const klStep = num(fx, 'inputs.kl_step_total');
    if (has(fx, 'inputs.base_kl_step') && has(fx, 'inputs.step_mult')) {
      check.close(
        'inputs.kl_step_total',
        num(fx, 'inputs.base_kl_step') * num(fx, 'inputs.step_mult') * T,
        klStep,
        { rtol: 0 },
      );
    }
    const res = runHookedUpdate(
      fx,
      check,
      dyn,
      cost,
      aug.policy,
      { augmentedCost: aug.augmentedCost },
      klStep,
    );

    // S-step targets from the new controller.
    const b = 'outputs.update_policy_targets';
    if (has(fx, b)) {
      const Xs = states?.X ?? new Float64Array(N * T * dX);
      const tg = conditionTargets(res.controller, Xs, Xs, N, dX, pi.nu, null);
      if (states) check.close(`${b}.tgt_mu`, tg.tgtMu, arr(fx, `${b}.tgt_mu`), SEARCH_TOL);
      check.close(`${b}.tgt_wt`, tg.tgtWt, arr(fx, `${b}.tgt_wt`), HELPER_TOL);
      if (has(fx, `${b}.tgt_prc`)) {
        check.close(`${b}.tgt_prc`, tg.tgtPrc, arr(fx, `${b}.tgt_prc`), SEARCH_TOL);
      }
    }
    if (has(fx, 'inputs.cur_traj_distr_lg')) {
      // Only its dimensions enter the reference's MDGPS compute_costs; check they agree.
      const lg = controllerFromFixture(obj(fx, 'inputs.cur_traj_distr_lg'));
      check.equal('inputs.cur_traj_distr_lg.dims', [lg.T, lg.dX, lg.dU], [T, dX, dU]);
    }
    if (has(fx, 'algorithm')) check.equal('algorithm', str(fx, 'algorithm'), 'AlgorithmMDGPS');
  },
};
