/**
 * Kind `gauss_fit_joint_prior`: the NIW MAP joint fit with sample weights and conditioning,
 * every case under `cases`.
 */
import { gaussFitJointPrior } from '@visuomotor/gmm-prior';
import type { Tolerance } from '../check.js';
import { arr, num, obj } from '../fixture.js';
import type { KindHandler } from '../kinds.js';

const TOL: Tolerance = { rtol: 1e-9 };

export const handler: KindHandler = {
  implementedBy: '@visuomotor/gmm-prior',
  run(fx, check) {
    const cases = obj(fx, 'cases');
    check.note('quirks: blendPriorMean=false (reference: empirical mean)');
    for (const name of Object.keys(cases).sort()) {
      const c = `cases.${name}`;
      const pts = arr(fx, `${c}.pts`);
      const N = pts.shape[0];
      const nA = num(fx, `${c}.dX_split`);
      const nB = num(fx, `${c}.dU_split`);
      const prior = {
        mu0: arr(fx, `${c}.mu0`).data,
        Phi: arr(fx, `${c}.Phi`).data,
        m: num(fx, `${c}.m`),
        n0: num(fx, `${c}.n0`),
      };
      const r = gaussFitJointPrior(
        pts.data,
        N,
        prior,
        arr(fx, `${c}.dwts`).data,
        nA,
        nB,
        arr(fx, `${c}.sig_reg`).data,
      );
      check.close(`${c}.fd`, r.W, arr(fx, `${c}.fd`), TOL);
      check.close(`${c}.fc`, r.c, arr(fx, `${c}.fc`), TOL);
      check.close(`${c}.dynsig`, r.S, arr(fx, `${c}.dynsig`), TOL);
    }
  },
};
