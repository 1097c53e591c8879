/**
 * Kind `gmm`: EM from the recorded initial assignment (fitted means, covariances, masses, the
 * EM log), inference at the stored time steps, and the warm-started second fit.
 */
import { Gmm } from '@visuomotor/gmm-prior';
import type { Tolerance } from '../check.js';
import { arr, list, num, obj } from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import {
  CountingRng,
  checkEmLog,
  checkGmmParams,
  maxIterationsFromLog,
  stepKeys,
  transpose,
} from './gmm-common.js';

const TOL: Tolerance = { rtol: 1e-9 };

export const handler: KindHandler = {
  implementedBy: '@visuomotor/gmm-prior',
  run(fx, check) {
    const K = num(fx, 'K');
    const data = arr(fx, 'data');
    const [N, D] = data.shape;
    const log1 = list(fx, 'update1.log');
    const rng = new CountingRng();
    const gmm = new Gmm({ warmStart: true, maxIterations: maxIterationsFromLog(log1), rng });
    check.note(
      'quirks: reference defaults (stopRule=reference, collapsedCluster=reference, warmStartUpdatesN=false, initCovariance=scatterOverK)',
    );
    const r1 = gmm.update(data.data, N, D, K, arr(fx, 'init_cidx').data);
    check.equal('update1.randomDraws', rng.calls, 0);
    checkEmLog(check, 'update1', r1, log1);
    checkGmmParams(
      check,
      gmm,
      fx,
      {
        mu: 'update1.mu',
        sigma: 'update1.sigma',
        logmass: 'update1.logmass',
        mass: 'update1.mass',
        N: 'update1.N',
      },
      TOL,
      'update1',
    );

    const inf = obj(fx, 'inference_after_update1');
    for (const key of stepKeys(inf)) {
      const base = `inference_after_update1.${key}`;
      const pts = arr(fx, `${base}.pts`);
      const n = pts.shape[0];
      const lo = new Float64Array(K * n);
      const lw = new Float64Array(K);
      gmm.estep(pts.data, n, lo);
      check.close(
        `${base}.estep_logobs`,
        transpose(lo, K, n),
        arr(fx, `${base}.estep_logobs`),
        TOL,
      );
      gmm.clusterWeights(pts.data, n, lw);
      check.close(`${base}.clusterwts_logwts`, lw, arr(fx, `${base}.clusterwts_logwts`), TOL);
      const p = gmm.inference(pts.data, n);
      check.close(`${base}.mu0`, p.mu0, arr(fx, `${base}.mu0`), TOL);
      check.close(`${base}.Phi`, p.Phi, arr(fx, `${base}.Phi`), TOL);
      check.close(`${base}.m`, p.m, num(fx, `${base}.m`), TOL);
      check.close(`${base}.n0`, p.n0, num(fx, `${base}.n0`), TOL);
    }

    const data2 = arr(fx, 'data2');
    const before = rng.calls;
    const r2 = gmm.update(data2.data, data2.shape[0], data2.shape[1], K);
    check.equal('update2_warmstart.initialized', r2.initialized, false);
    check.equal(
      'update2_warmstart.randint_calls',
      rng.calls - before,
      num(fx, 'update2_warmstart.randint_calls'),
    );
    checkEmLog(check, 'update2_warmstart', r2, list(fx, 'update2_warmstart.log'));
    checkGmmParams(
      check,
      gmm,
      fx,
      {
        mu: 'update2_warmstart.mu',
        sigma: 'update2_warmstart.sigma',
        logmass: 'update2_warmstart.logmass',
        mass: 'update2_warmstart.mass',
        N: 'update2_warmstart.N',
      },
      TOL,
      'update2_warmstart',
    );
  },
};
