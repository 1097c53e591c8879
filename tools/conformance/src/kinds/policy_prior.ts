/**
 * Kind `policy_prior`: the GMM policy prior (mixture over [x_t, policy mean] from the recorded
 * assignment, prior evaluation at the stored steps, pol_K / pol_k / pol_S) and the constant
 * policy prior.
 */
import { PolicyPriorConstant, PolicyPriorGmm } from '@visuomotor/gmm-prior';
import type { Tolerance } from '../check.js';
import { arr, has, num, obj, str } from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import { CountingRng, floorTol, stepKeys, ulpFloors } from './gmm-common.js';

const TOL: Tolerance = { rtol: 1e-9 };

export const handler: KindHandler = {
  implementedBy: '@visuomotor/gmm-prior',
  run(fx, check) {
    const Xa = arr(fx, 'X');
    const [N, T, dX] = Xa.shape;
    const X = Xa.data;
    const obsA = arr(fx, 'obs');
    const dO = obsA.shape[2];
    const polMu = arr(fx, 'pol_mu');
    const dU = polMu.shape[2];
    const polSig = arr(fx, 'pol_sig').data;

    // --- GMM policy prior.
    const g = 'gmm_prior';
    const hp = obj(fx, `${g}.hyperparams`);
    const mode = has(fx, `${g}.mode`) ? (str(fx, `${g}.mode`) as 'add' | 'replace') : 'add';
    const cidx = arr(fx, `${g}.init_cidx`).data;
    const evals = obj(fx, `${g}.eval`);
    const keys = stepKeys(evals);
    const make = (rng?: CountingRng) =>
      new PolicyPriorGmm({
        maxClusters: num(hp, 'max_clusters'),
        minSamplesPerCluster: num(hp, 'min_samples_per_cluster'),
        maxSamples: num(hp, 'max_samples'),
        strength: num(hp, 'strength'),
        gmm: rng ? { rng } : {},
      });
    const stepArrays = (Xs: Float64Array, Ms: Float64Array, t: number) => {
      const Ts = new Float64Array(N * dX);
      const Ps = new Float64Array(N * dU);
      for (let n = 0; n < N; n++) {
        Ts.set(Xs.subarray((n * T + t) * dX, (n * T + t + 1) * dX), n * dX);
        Ps.set(Ms.subarray((n * T + t) * dU, (n * T + t + 1) * dU), n * dU);
      }
      return { Ts, Ps };
    };
    const pipeline = (Xs: Float64Array, Ms: Float64Array, prior = make()) => {
      prior.injectInitAssignment(cidx);
      // The stored policy means stand in for evaluating the (fixed) policy on the window.
      prior.update(Xs, obsA.data, N, T, dX, dO, dU, () => Ms, mode);
      const out: Record<string, Float64Array> = {
        gmm_mu: prior.gmm.params.mu.slice(),
        gmm_sigma: prior.gmm.params.sigma.slice(),
        gmm_logmass: prior.gmm.params.logmass.slice(),
      };
      for (const k of keys) {
        const { Ts, Ps } = stepArrays(Xs, Ms, Number(k.slice(1)));
        const p = prior.eval(Ts, Ps, N, dX, dU);
        out[`${k}.mu0`] = p.mu0.slice();
        out[`${k}.Phi`] = p.Phi.slice();
      }
      const lin = prior.fit(Xs, Ms, polSig, N, T, dX, dU);
      out.pol_K = lin.polK;
      out.pol_k = lin.polk;
      out.pol_S = lin.polS;
      return out;
    };
    const rng = new CountingRng();
    const prior = make(rng);
    check.note(
      'quirks: firstStepRegularizationMode=allEntries (1e-8 on every entry of the x block at t=0), GMM reference defaults',
    );
    const ours = pipeline(X, polMu.data, prior);
    const floors = ulpFloors(ours, (perturb) => pipeline(perturb(X), perturb(polMu.data)));
    check.note(
      `rounding floors: ${Object.entries(floors)
        .map(([k, v]) => `${k} ${v.toExponential(1)}`)
        .join(', ')}`,
    );
    const tol = (name: string, e: Float64Array) => floorTol(e, floors[name]);
    check.equal(`${g}.randomDraws`, rng.calls, 0);
    check.equal(`${g}.K`, prior.gmm.clusters, num(fx, `${g}.K`));
    check.equal(`${g}.gmm_N`, prior.gmm.sampleCount, num(fx, `${g}.gmm_N`));
    for (const f of ['gmm_mu', 'gmm_sigma', 'gmm_logmass'] as const) {
      const e = arr(fx, `${g}.${f}`);
      check.close(`${g}.${f}`, ours[f], e, tol(f, e.data));
    }
    for (const k of keys) {
      const b = `${g}.eval.${k}`;
      for (const f of ['mu0', 'Phi'] as const) {
        const e = arr(fx, `${b}.${f}`);
        check.close(`${b}.${f}`, ours[`${k}.${f}`], e, tol(`${k}.${f}`, e.data));
      }
      const { Ts, Ps } = stepArrays(X, polMu.data, Number(k.slice(1)));
      const p = prior.eval(Ts, Ps, N, dX, dU);
      check.close(`${b}.m`, p.m, num(fx, `${b}.m`), TOL);
      check.close(`${b}.n0`, p.n0, num(fx, `${b}.n0`), TOL);
    }
    for (const f of ['pol_K', 'pol_k', 'pol_S'] as const) {
      const e = arr(fx, `${g}.${f}`);
      check.close(`${g}.${f}`, ours[f], e, tol(f, e.data));
    }

    // --- Constant prior.
    const c = 'constant_prior';
    const cp = new PolicyPriorConstant(num(fx, `${c}.strength`));
    const lin = cp.fit(X, polMu.data, polSig, N, T, dX, dU);
    const cfloors = ulpFloors({ pol_K: lin.polK, pol_k: lin.polk, pol_S: lin.polS }, (perturb) => {
      const l = cp.fit(perturb(X), perturb(polMu.data), polSig, N, T, dX, dU);
      return { pol_K: l.polK, pol_k: l.polk, pol_S: l.polS };
    });
    for (const [f, a] of [
      ['pol_K', lin.polK],
      ['pol_k', lin.polk],
      ['pol_S', lin.polS],
    ] as const) {
      const e = arr(fx, `${c}.${f}`);
      check.close(`${c}.${f}`, a, e, floorTol(e.data, cfloors[f]));
    }
  },
};
