/**
 * Kind `gmm`: EM from the recorded initial assignment (fitted means, covariances, masses, the
 * EM log), inference at the stored time steps, and the warm-started second fit.
 *
 * Tolerance: 1e-9 relative, widened only where the computation's own rounding floor (the
 * largest change under 1-ulp input perturbations, see `ulpFloors`) is larger — long EM runs
 * amplify last-bit differences.
 */
import { Gmm } from '@visuomotor/gmm-prior';
import type { Tolerance } from '../check.js';
import { arr, list, num, obj } from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import {
  CountingRng,
  checkEmLog,
  floorTol,
  maxIterationsFromLog,
  stepKeys,
  transpose,
  ulpFloors,
} from './gmm-common.js';

const TOL: Tolerance = { rtol: 1e-9 };

export const handler: KindHandler = {
  implementedBy: '@visuomotor/gmm-prior',
  run(fx, check) {
    const K = num(fx, 'K');
    const data = arr(fx, 'data');
    const [N, D] = data.shape;
    const data2 = arr(fx, 'data2');
    const cidx = arr(fx, 'init_cidx').data;
    const log1 = list(fx, 'update1.log');
    const maxIterations = maxIterationsFromLog(log1);
    const inf = obj(fx, 'inference_after_update1');
    const keys = stepKeys(inf);
    const ptsOf = (key: string) => arr(fx, `inference_after_update1.${key}.pts`);
    check.note(
      'quirks: reference defaults (stopRule=reference, collapsedCluster=reference, warmStartUpdatesN=false, initCovariance=scatterOverK)',
    );

    const pipeline = (
      d1: Float64Array,
      d2: Float64Array,
      pts: (key: string) => Float64Array,
      rng = new CountingRng(),
    ) => {
      const gmm = new Gmm({ warmStart: true, maxIterations, rng });
      const r1 = gmm.update(d1, N, D, K, cidx);
      const draws1 = rng.calls;
      const p = gmm.params;
      const out: Record<string, Float64Array> = {
        'update1.mu': p.mu.slice(),
        'update1.sigma': p.sigma.slice(),
        'update1.logmass': p.logmass.slice(),
        'update1.mass': p.mass.slice(),
        'update1.ll': Float64Array.from(r1.logLikelihoods),
      };
      const N1 = gmm.sampleCount;
      for (const key of keys) {
        const q = pts(key);
        const n = q.length / D;
        const lo = new Float64Array(K * n);
        gmm.estep(q, n, lo);
        out[`${key}.estep_logobs`] = transpose(lo, K, n);
        const lw = new Float64Array(K);
        gmm.clusterWeights(q, n, lw);
        out[`${key}.clusterwts_logwts`] = lw;
        const pr = gmm.inference(q, n);
        out[`${key}.mu0`] = pr.mu0;
        out[`${key}.Phi`] = pr.Phi;
        out[`${key}.m`] = Float64Array.of(pr.m);
        out[`${key}.n0`] = Float64Array.of(pr.n0);
      }
      const r2 = gmm.update(d2, data2.shape[0], data2.shape[1], K);
      const p2 = gmm.params;
      out['update2_warmstart.mu'] = p2.mu.slice();
      out['update2_warmstart.sigma'] = p2.sigma.slice();
      out['update2_warmstart.logmass'] = p2.logmass.slice();
      out['update2_warmstart.mass'] = p2.mass.slice();
      out['update2_warmstart.ll'] = Float64Array.from(r2.logLikelihoods);
      return { out, r1, r2, draws1, draws2: rng.calls - draws1, N1, N2: gmm.sampleCount };
    };

    const base = pipeline(data.data, data2.data, (k) => ptsOf(k).data);
    const floors = ulpFloors(
      base.out,
      (perturb) =>
        pipeline(perturb(data.data), perturb(data2.data), (k) => perturb(ptsOf(k).data)).out,
    );
    check.note(
      `rounding floors: ${Object.entries(floors)
        .map(([k, v]) => `${k} ${v.toExponential(1)}`)
        .join(', ')}`,
    );
    const cmp = (name: string, key: string) => {
      const e = arr(fx, name);
      check.close(name, base.out[key], e, floorTol(e.data, floors[key]));
    };

    check.equal('update1.randomDraws', base.draws1, 0);
    checkEmLog(check, 'update1', base.r1, log1, 'gmm: ', floors['update1.ll']);
    for (const f of ['mu', 'sigma', 'logmass', 'mass']) cmp(`update1.${f}`, `update1.${f}`);
    check.equal('update1.N', base.N1, num(fx, 'update1.N'));

    for (const key of keys) {
      const b = `inference_after_update1.${key}`;
      for (const f of ['estep_logobs', 'clusterwts_logwts', 'mu0', 'Phi'])
        cmp(`${b}.${f}`, `${key}.${f}`);
      check.close(`${b}.m`, base.out[`${key}.m`][0], num(fx, `${b}.m`), TOL);
      check.close(`${b}.n0`, base.out[`${key}.n0`][0], num(fx, `${b}.n0`), TOL);
    }

    check.equal('update2_warmstart.initialized', base.r2.initialized, false);
    check.equal(
      'update2_warmstart.randint_calls',
      base.draws2,
      num(fx, 'update2_warmstart.randint_calls'),
    );
    checkEmLog(
      check,
      'update2_warmstart',
      base.r2,
      list(fx, 'update2_warmstart.log'),
      'gmm: ',
      floors['update2_warmstart.ll'],
    );
    for (const f of ['mu', 'sigma', 'logmass', 'mass']) {
      cmp(`update2_warmstart.${f}`, `update2_warmstart.${f}`);
    }
    check.equal('update2_warmstart.N', base.N2, num(fx, 'update2_warmstart.N'));
  },
};
