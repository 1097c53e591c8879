import type { KindHandler } from '../kinds.js';
import { runScalarTrajOpt } from './lqr-common.js';

/**
 * Kind `lqr_trajopt`: the KL-constrained LQR update with the dual (eta) search
 * (`trajOptUpdate`), its trace and log, forward marginals, per-step KL and cost estimates.
 */
export const handler: KindHandler = {
  implementedBy: '@visuomotor/lqr',
  run(fx, check) {
    runScalarTrajOpt(fx, check);
  },
};
