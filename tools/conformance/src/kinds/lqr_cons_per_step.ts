import { trajOptUpdate } from '@visuomotor/lqr';
import { arr, has, isNDArray, list, num, obj } from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import {
  checkController,
  controllerFromFixture,
  costFromFixture,
  dynamicsFromFixture,
  SEARCH_TOL,
  trajOptOptions,
} from './lqr-common.js';

/**
 * Kind `lqr_cons_per_step`: per-time-step KL constraints (vector eta; bracketing, then Adam
 * on eta[0..T−2]): controller, eta[T], per-step KL, number of backward passes and the log tail.
 */
export const handler: KindHandler = {
  implementedBy: '@visuomotor/lqr',
  run(fx, check) {
    const dyn = dynamicsFromFixture(obj(fx, 'inputs.traj_info'));
    const { T, dX, dU } = dyn;
    const cost = costFromFixture(obj(fx, 'inputs.traj_info'), dX, dU);
    const prev = controllerFromFixture(obj(fx, 'inputs.prev_controller'));
    const e0 = obj(fx, 'inputs').eta0;
    const eta0 = isNDArray(e0) && e0.data.length > 1 ? e0.data.slice() : num(fx, 'inputs.eta0');
    const stepMult = num(fx, 'inputs.step_mult');
    const base = obj(fx, 'inputs').base_kl_step;
    const klStep =
      typeof base === 'number'
        ? base * stepMult
        : Float64Array.from(arr(fx, 'inputs.base_kl_step').data, (b) => b * stepMult);
    const log: string[] = [];
    const options = trajOptOptions(fx, (l) => log.push(`traj_opt_lqr_python: ${l}`));
    const res = trajOptUpdate({
      dynamics: dyn,
      cost,
      prevController: prev,
      eta0,
      klStep,
      perStep: true,
      options,
    });
    checkController(check, res.controller, fx, 'outputs.controller', SEARCH_TOL);
    check.close('outputs.eta', res.eta as Float64Array, arr(fx, 'outputs.eta'), SEARCH_TOL);
    check.close('outputs.kl_per_t', res.klPerStep, arr(fx, 'outputs.kl_per_t'), SEARCH_TOL);
    check.equal('outputs.n_backward_calls', res.backwardCalls, num(fx, 'outputs.n_backward_calls'));
    if (has(fx, 'outputs.log_tail')) {
      const tail = list(fx, 'outputs.log_tail');
      check.equal('outputs.log_tail', log.slice(-tail.length), tail);
    }
    check.note(`backward passes: ${res.backwardCalls}, T = ${T}`);
  },
};
