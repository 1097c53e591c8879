import type { NiwPrior } from '@visuomotor/contracts';
import { InvalidArgumentError } from '@visuomotor/contracts';
import { GaussianConditioner } from '@visuomotor/linalg';
import { SingularFitError } from './errors.js';

/** Reference switches of {@link gaussFitJointPrior}. */
export interface GaussFitQuirks {
  /**
   * Mean of the conditioned Gaussian.
   * - false (default, reference): the weighted empirical mean; the prior mean mu0 only
   *   enters through the covariance term.
   * - true (the MAP estimate under the NIW prior): (N·mean + m·mu0)/(N + m).
   */
  blendPriorMean: boolean;
}

/** Reference defaults of {@link GaussFitQuirks}. */
export const DEFAULT_GAUSS_FIT_QUIRKS: Readonly<GaussFitQuirks> = Object.freeze({
  blendPriorMean: false,
});

/** Result buffers of a joint fit conditioned on the first nA entries. */
export interface ConditionalFit {
  /** Regression matrix `[nB, nA]` (Fm, pol_K...). */
  W: Float64Array;
  /** Offset `[nB]` (fv, pol_k...). */
  c: Float64Array;
  /** Conditional covariance `[nB, nB]` (dynCovar, pol_S...). */
  S: Float64Array;
}

/**
 * MAP fit of a joint Gaussian to weighted points under a normal-inverse-Wishart prior, then
 * conditioning on the first nA coordinates (paper Appendix A.3; reference
 * algorithm_utils.gauss_fit_joint_prior):
 *
 *   mean  = Σ_i w_i y_i,   E = Σ_i w_i (y_i − mean)(y_i − mean)ᵀ  (symmetrised),
 *   Sigma = (N E + Phi + (N m/(N + m)) (mean − mu0)(mean − mu0)ᵀ) / (N + n0)  (symmetrised)
 *           + sigReg,
 *   W = Sigma_ba Sigma_aa⁻¹, c = mean_b − W mean_a, S = Sigma_bb − W Sigma_aa Wᵀ,
 *
 * with N the number of points (not Σ w). Holds its workspaces: one instance per (N, nA, nB)
 * fits any number of steps without allocating.
 */
export class GaussFitJointPrior {
  readonly D: number;
  readonly quirks: Readonly<GaussFitQuirks>;
  private readonly mean: Float64Array;
  private readonly diff: Float64Array;
  private readonly dw: Float64Array;
  private readonly emp: Float64Array;
  private readonly sigma: Float64Array;
  private readonly cond: GaussianConditioner;
  /** The regularised MAP covariance of the last fit `[D, D]` (a view, overwritten by the next fit). */
  get lastSigma(): Float64Array {
    return this.sigma;
  }
  /** The mean used by the last fit `[D]` (a view). */
  get lastMean(): Float64Array {
    return this.mean;
  }

  /**
   * @param N - number of points
   * @param nA - size of the conditioning block (dX+dU for dynamics, dX for a policy)
   * @param nB - size of the predicted block (dX for dynamics, dU for a policy)
   */
  constructor(
    readonly N: number,
    readonly nA: number,
    readonly nB: number,
    quirks: Partial<GaussFitQuirks> = {},
  ) {
    if (!Number.isInteger(N) || N < 1) throw new InvalidArgumentError('N', 'an integer >= 1', N);
    const D = nA + nB;
    this.D = D;
    this.quirks = Object.freeze({ ...DEFAULT_GAUSS_FIT_QUIRKS, ...quirks });
    this.mean = new Float64Array(D);
    this.diff = new Float64Array(N * D);
    this.dw = new Float64Array(N * D);
    this.emp = new Float64Array(D * D);
    this.sigma = new Float64Array(D * D);
    this.cond = new GaussianConditioner(nA, nB);
  }

  /**
   * @param pts - points `[N, D]` row-major (D = nA + nB)
   * @param prior - NIW prior (mu0 `[D]`, Phi `[D, D]`, m, n0)
   * @param dwts - weights `[N]` (the reference uses 1/N each)
   * @param sigReg - `[D, D]` added to the MAP covariance, or null
   * @param out - W `[nB, nA]`, c `[nB]`, S `[nB, nB]` (written)
   * @param timeStep - reported in errors
   * @throws {@link SingularFitError} when Sigma_aa has an exactly zero pivot
   */
  fit(
    pts: Float64Array,
    prior: NiwPrior,
    dwts: Float64Array,
    sigReg: Float64Array | null,
    out: ConditionalFit,
    timeStep = -1,
  ): ConditionalFit {
    const { N, D, nA, nB, mean, diff, emp, sigma } = this;
    if (pts.length !== N * D) throw new InvalidArgumentError('pts', `[${N}, ${D}]`, pts.length);
    if (dwts.length !== N) throw new InvalidArgumentError('dwts', `[${N}]`, dwts.length);
    if (prior.mu0.length !== D || prior.Phi.length !== D * D) {
      throw new InvalidArgumentError('prior', `mu0 [${D}], Phi [${D}, ${D}]`, prior.mu0.length);
    }
    if (out.W.length !== nB * nA || out.c.length !== nB || out.S.length !== nB * nB) {
      throw new InvalidArgumentError(
        'out',
        `W [${nB}, ${nA}], c [${nB}], S [${nB}, ${nB}]`,
        out.W.length,
      );
    }
    if (sigReg && sigReg.length !== D * D) {
      throw new InvalidArgumentError('sigReg', `[${D}, ${D}]`, sigReg.length);
    }
    // mun = Σ_i w_i y_i (sequential over points).
    mean.fill(0);
    for (let i = 0; i < N; i++) {
      const w = dwts[i];
      const o = i * D;
      for (let a = 0; a < D; a++) mean[a] += pts[o + a] * w;
    }
    for (let i = 0; i < N; i++) {
      const o = i * D;
      for (let a = 0; a < D; a++) diff[o + a] = pts[o + a] - mean[a];
    }
    // empsig = diffᵀ diag(w) diff, upper triangle then mirrored (= symmetrised): entry (a, b)
    // is Σ_i (diff_ia·w_i)·diff_ib summed over i in order from 0, four entries of a row at a
    // time with the sums in registers.
    const dw = this.dw;
    for (let i = 0; i < N; i++) {
      const o = i * D;
      const w = dwts[i];
      for (let a = 0; a < D; a++) dw[o + a] = diff[o + a] * w;
    }
    for (let a = 0; a < D; a++) {
      const ro = a * D;
      let b = a;
      for (; b + 3 < D; b += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let o = 0; o < N * D; o += D) {
          const da = dw[o + a];
          s0 += da * diff[o + b];
          s1 += da * diff[o + b + 1];
          s2 += da * diff[o + b + 2];
          s3 += da * diff[o + b + 3];
        }
        emp[ro + b] = s0;
        emp[ro + b + 1] = s1;
        emp[ro + b + 2] = s2;
        emp[ro + b + 3] = s3;
      }
      for (; b < D; b++) {
        let s0 = 0;
        for (let o = 0; o < N * D; o += D) s0 += dw[o + a] * diff[o + b];
        emp[ro + b] = s0;
      }
    }
    const { mu0, Phi, m, n0 } = prior;
    const k1 = (N * m) / (N + m);
    const den = N + n0;
    for (let a = 0; a < D; a++) {
      const ea = mean[a] - mu0[a];
      for (let b = a; b < D; b++) {
        const eb = mean[b] - mu0[b];
        const pab = Phi[a * D + b];
        const pba = Phi[b * D + a];
        const e = emp[a * D + b];
        const sab = (N * e + pab + k1 * (ea * eb)) / den;
        // With a symmetric Phi the mirrored entry is identical and 0.5·(s + s) = s exactly.
        const v = pab === pba ? sab : 0.5 * (sab + (N * e + pba + k1 * (eb * ea)) / den);
        sigma[a * D + b] = v;
        sigma[b * D + a] = v;
      }
    }
    if (sigReg) for (let i = 0; i < D * D; i++) sigma[i] += sigReg[i];
    if (this.quirks.blendPriorMean) {
      for (let a = 0; a < D; a++) mean[a] = (N * mean[a] + m * mu0[a]) / (N + m);
    }
    const info = this.cond.conditionFlat(mean, sigma, out.W, out.c, out.S);
    if (info !== 0) {
      throw new SingularFitError(
        `Gaussian conditioning${timeStep >= 0 ? ` at t=${timeStep}` : ''}: singular matrix (zero pivot in column ${info - 1} of ${nA}) with N=${N}`,
        { timeStep, N, nA, pivot: info - 1 },
      );
    }
    return out;
  }
}

/**
 * One-off {@link GaussFitJointPrior.fit} that allocates its outputs (the reference's
 * `gauss_fit_joint_prior(pts, mu0, Phi, m, n0, dwts, nA, nB, sig_reg)`).
 *
 * @param pts - `[N, nA+nB]`
 * @returns W `[nB, nA]`, c `[nB]`, S `[nB, nB]`
 */
export function gaussFitJointPrior(
  pts: Float64Array,
  N: number,
  prior: NiwPrior,
  dwts: Float64Array,
  nA: number,
  nB: number,
  sigReg: Float64Array | null = null,
  quirks: Partial<GaussFitQuirks> = {},
): ConditionalFit {
  const out: ConditionalFit = {
    W: new Float64Array(nB * nA),
    c: new Float64Array(nB),
    S: new Float64Array(nB * nB),
  };
  return new GaussFitJointPrior(N, nA, nB, quirks).fit(pts, prior, dwts, sigReg, out);
}
