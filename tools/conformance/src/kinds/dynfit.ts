/**
 * Kind `dynfit`: linear-Gaussian dynamics fit without prior (or the reference's singular-matrix
 * error) and with the GMM prior (mixture from the recorded assignment, prior evaluation at the
 * stored steps, initial-state prior, Fm / fv / dynCovar / x0mu / x0sigma).
 */
import {
  fitDynamics,
  GmmDynamicsPrior,
  regularizationMatrix,
  UnderdeterminedFitError,
} from '@visuomotor/gmm-prior';
import type { Tolerance } from '../check.js';
import { arr, has, num, obj, str } from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import { CountingRng, floorTol, stepKeys, ulpFloors } from './gmm-common.js';

const TOL: Tolerance = { rtol: 1e-9 };

export const handler: KindHandler = {
  implementedBy: '@visuomotor/gmm-prior',
  run(fx, check) {
    const N = num(fx, 'N');
    const T = num(fx, 'T');
    const dX = num(fx, 'dX');
    const dU = num(fx, 'dU');
    const X = arr(fx, 'X').data;
    const U = arr(fx, 'U').data;
    const reg = num(fx, 'regularization');
    const D = 2 * dX + dU;

    // --- Without prior.
    if (has(fx, 'noprior.reference_error')) {
      const expected = str(fx, 'noprior.reference_error');
      for (const mode of ['sampleCount', 'exactPivot'] as const) {
        let err: unknown = null;
        try {
          fitDynamics(X, U, {
            N,
            T,
            dX,
            dU,
            regularization: reg,
            quirks: { noPriorSingular: mode },
          });
        } catch (e) {
          err = e;
        }
        const ok = err instanceof UnderdeterminedFitError;
        check.ok(
          `noprior.error[${mode}] (reference: ${expected})`,
          ok,
          ok
            ? undefined
            : `expected UnderdeterminedFitError, got ${err ? String(err) : 'no error'}`,
        );
        if (ok) check.note(`noprior[${mode}]: ${(err as Error).message}`);
      }
    } else {
      // The reference produced a fit. With N <= dX+dU (not identifiable) our default rule
      // raises on purpose; the reference's own rule (exactPivot) then gives its numbers.
      const underdetermined = N <= dX + dU;
      if (underdetermined) {
        let raised = false;
        try {
          fitDynamics(X, U, { N, T, dX, dU, regularization: reg });
        } catch (e) {
          raised = e instanceof UnderdeterminedFitError;
        }
        check.ok('noprior[sampleCount] raises for N <= dX+dU', raised);
      }
      const mode = underdetermined ? 'exactPivot' : 'sampleCount';
      const run = (Xs: Float64Array, Us: Float64Array) => {
        const d = fitDynamics(Xs, Us, {
          N,
          T,
          dX,
          dU,
          regularization: reg,
          quirks: { noPriorSingular: mode },
        });
        return { Fm: d.Fm, fv: d.fv, dyn_covar: d.dynCovar };
      };
      const np = run(X, U);
      const npFloors = ulpFloors(np, (perturb) => run(perturb(X), perturb(U)));
      for (const f of ['Fm', 'fv', 'dyn_covar'] as const) {
        const e = arr(fx, `noprior.${f}`);
        check.close(`noprior.${f}`, np[f], e, floorTol(e.data, npFloors[f]));
      }
      if (!underdetermined) {
        const exact = fitDynamics(X, U, {
          N,
          T,
          dX,
          dU,
          regularization: reg,
          quirks: { noPriorSingular: 'exactPivot' },
        });
        check.close('noprior[exactPivot].Fm', exact.Fm, np.Fm, { rtol: 0, atol: 0 });
      }
      check.note(
        `noprior rounding floors: ${Object.entries(npFloors)
          .map(([k, v]) => `${k} ${v.toExponential(1)}`)
          .join(', ')}`,
      );
    }

    // --- With the GMM prior.
    const g = 'gmm_prior';
    const hp = obj(fx, `${g}.prior_hyperparams`);
    const cidx = arr(fx, `${g}.gmm_init_cidx`).data;
    const evals = obj(fx, `${g}.prior_eval`);
    const keys = stepKeys(evals);
    const steps = keys.map((k) => num(fx, `${g}.prior_eval.${k}.t`));
    const isv = num(fx, `${g}.initial_state_var`);
    const makePrior = (rng?: CountingRng) =>
      new GmmDynamicsPrior({
        maxClusters: num(hp, 'max_clusters'),
        minSamplesPerCluster: num(hp, 'min_samples_per_cluster'),
        maxSamples: num(hp, 'max_samples'),
        strength: num(hp, 'strength'),
        maxIterations: 100,
        gmm: rng ? { rng } : {},
      });
    const stepPoints = (Xs: Float64Array, Us: Float64Array, t: number) => {
      const ys = new Float64Array(N * D);
      for (let n = 0; n < N; n++) {
        for (let a = 0; a < dX; a++) ys[n * D + a] = Xs[(n * T + t) * dX + a];
        for (let a = 0; a < dU; a++) ys[n * D + dX + a] = Us[(n * T + t) * dU + a];
        for (let a = 0; a < dX; a++) ys[n * D + dX + dU + a] = Xs[(n * T + t + 1) * dX + a];
      }
      return ys;
    };
    // The whole pipeline as a function of the inputs, so that its rounding floor can be measured.
    const pipeline = (Xs: Float64Array, Us: Float64Array, prior = makePrior()) => {
      prior.injectInitAssignment(cidx);
      prior.update(Xs, Us, N, T, dX, dU);
      const out: Record<string, Float64Array> = {
        gmm_mu: prior.gmm.params.mu.slice(),
        gmm_sigma: prior.gmm.params.sigma.slice(),
        gmm_logmass: prior.gmm.params.logmass.slice(),
      };
      steps.forEach((t, i) => {
        const p = prior.eval(stepPoints(Xs, Us, t), N, dX, dU);
        out[`${keys[i]}.mu0`] = p.mu0.slice();
        out[`${keys[i]}.Phi`] = p.Phi.slice();
      });
      const dyn = fitDynamics(Xs, Us, {
        N,
        T,
        dX,
        dU,
        prior,
        regularization: reg,
        initialStateVar: isv,
      });
      out.Fm = dyn.Fm;
      out.fv = dyn.fv;
      out.dyn_covar = dyn.dynCovar;
      out.x0mu = dyn.x0mu;
      out.x0sigma = dyn.x0sigma;
      return out;
    };
    const rng = new CountingRng();
    const prior = makePrior(rng);
    check.note(
      'quirks: regularizationMode=allEntries, blendPriorMean=false, windowKeepsOneLess=true, initialStateCovariance=reference, GMM reference defaults',
    );
    const ours = pipeline(X, U, prior);
    const floors = ulpFloors(ours, (perturb) => pipeline(perturb(X), perturb(U)));
    const tol = (name: string, expected: Float64Array) => floorTol(expected, floors[name]);
    check.note(
      `rounding floors (max change under 1-ulp input perturbations): ${Object.entries(floors)
        .map(([k, v]) => `${k} ${v.toExponential(1)}`)
        .join(', ')}`,
    );
    check.equal(`${g}.randomDraws`, rng.calls, 0);
    check.equal(`${g}.prior_X_used`, prior.windowSize, num(fx, `${g}.prior_X_used`));
    check.equal(`${g}.gmm_K`, prior.gmm.clusters, num(fx, `${g}.gmm_K`));
    check.equal(`${g}.gmm_N`, prior.gmm.sampleCount, num(fx, `${g}.gmm_N`));
    for (const [ours_, ref] of [
      ['gmm_mu', 'gmm_mu'],
      ['gmm_sigma', 'gmm_sigma'],
      ['gmm_logmass', 'gmm_logmass'],
    ] as const) {
      const e = arr(fx, `${g}.${ref}`);
      check.close(`${g}.${ref}`, ours[ours_], e, tol(ours_, e.data));
    }

    const sigReg = regularizationMatrix(dX, dU, reg);
    keys.forEach((key, i) => {
      const b = `${g}.prior_eval.${key}`;
      const t = steps[i];
      const ys = stepPoints(X, U, t);
      check.close(`${b}.Ys`, ys, arr(fx, `${b}.Ys`), { rtol: 0, atol: 0 });
      const p = prior.eval(ys, N, dX, dU);
      for (const f of ['mu0', 'Phi'] as const) {
        const e = arr(fx, `${b}.${f}`);
        check.close(`${b}.${f}`, p[f], e, tol(`${key}.${f}`, e.data));
      }
      check.close(`${b}.m`, p.m, num(fx, `${b}.m`), TOL);
      check.close(`${b}.n0`, p.n0, num(fx, `${b}.n0`), TOL);
      check.close(`${b}.sig_reg`, sigReg, arr(fx, `${b}.sig_reg`), { rtol: 0, atol: 0 });
      check.close(`${b}.dwts`, new Float64Array(N).fill(1.0 / N), arr(fx, `${b}.dwts`), {
        rtol: 0,
        atol: 0,
      });
    });

    const is = prior.initialState();
    check.close(`${g}.initial_state.mu0`, is.mu0, arr(fx, `${g}.initial_state.mu0`), TOL);
    check.close(`${g}.initial_state.Phi`, is.Phi, arr(fx, `${g}.initial_state.Phi`), TOL);
    check.close(`${g}.initial_state.m`, is.m, num(fx, `${g}.initial_state.m`), TOL);
    check.close(`${g}.initial_state.n0`, is.n0, num(fx, `${g}.initial_state.n0`), TOL);

    for (const f of ['Fm', 'fv', 'dyn_covar', 'x0mu', 'x0sigma'] as const) {
      const e = arr(fx, `${g}.${f}`);
      check.close(`${g}.${f}`, ours[f], e, tol(f, e.data));
    }
  },
};
