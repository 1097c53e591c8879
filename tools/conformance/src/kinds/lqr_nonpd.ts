import type { KindHandler } from '../kinds.js';
import { runScalarTrajOpt } from './lqr-common.js';

/**
 * Kind `lqr_nonpd`: the same update where Q_uu is not positive definite at eta0, so the
 * backward pass's repair (eta = eta0 + del, del from 1e-4 doubling) runs; every increase is
 * compared through the log and the trace's eta_out.
 */
export const handler: KindHandler = {
  implementedBy: '@visuomotor/lqr',
  run(fx, check) {
    runScalarTrajOpt(fx, check);
  },
};
