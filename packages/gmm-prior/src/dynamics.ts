import type { DynamicsPrior, LinearGaussianDynamics, NiwPrior } from '@visuomotor/contracts';
import { InvalidArgumentError, NonFiniteError, zeroDynamics } from '@visuomotor/contracts';
import { GaussianConditioner } from '@visuomotor/linalg';
import { UnderdeterminedFitError } from './errors.js';
import { type ConditionalFit, GaussFitJointPrior } from './gauss-fit.js';
import { assertDims } from './validate.js';

/** Reference switches of the dynamics fit. Defaults reproduce the reference. */
export interface DynamicsFitQuirks {
  /**
   * How `regularization` enters the (dX+dU) x (dX+dU) block of the joint covariance.
   * - `'allEntries'` (default, reference): added to EVERY entry of the block (numpy scalar
   *   broadcast on a slice): a rank-one term, not a ridge.
   * - `'diagonal'` (what the paper's "regularization" means): added to its diagonal only.
   */
  regularizationMode: 'allEntries' | 'diagonal';
  /**
   * Mean used to condition in the fit with a prior.
   * - false (default, reference): the empirical mean.
   * - true (NIW MAP): the prior-blended mean (N·mean + m·mu0)/(N + m).
   */
  blendPriorMean: boolean;
  /**
   * When the fit without prior reports that the data cannot determine it
   * ({@link UnderdeterminedFitError}).
   * - `'sampleCount'` (default): whenever N <= dX+dU (the centred [x,u] covariance has rank at
   *   most N−1, so the regression is not identifiable), and on any exactly zero LU pivot.
   *   Deliberate departure: the reference returns meaningless numbers for such N unless a
   *   pivot is exactly zero. Raises in exactly the fixture cases where the reference raised.
   * - `'exactPivot'` (reference): only on an exactly zero LU pivot (numpy.linalg.solve's
   *   `LinAlgError: Singular matrix`).
   */
  noPriorSingular: 'sampleCount' | 'exactPivot';
  /**
   * Initial-state covariance with a prior.
   * - `'reference'` (default): diag(max(var, initialStateVar)) + Phi0
   *   + (N m0/(N + m0)) (x0mu − mu0)(x0mu − mu0)ᵀ / (N + n0) — Phi0 is added without the
   *   1/(N + n0) normalisation.
   * - `'map'`: the NIW MAP covariance (N·diag(max(var, initialStateVar)) + Phi0
   *   + (N m0/(N + m0)) (x0mu − mu0)(x0mu − mu0)ᵀ) / (N + n0).
   */
  initialStateCovariance: 'reference' | 'map';
}

/** Reference defaults of {@link DynamicsFitQuirks}. */
export const DEFAULT_DYNAMICS_FIT_QUIRKS: Readonly<DynamicsFitQuirks> = Object.freeze({
  regularizationMode: 'allEntries',
  blendPriorMean: false,
  noPriorSingular: 'sampleCount',
  initialStateCovariance: 'reference',
});

/** Options of {@link fitDynamics}. */
export interface FitDynamicsOptions {
  /** Number of trajectories. */
  N: number;
  /** Horizon. */
  T: number;
  dX: number;
  dU: number;
  /**
   * Dynamics prior evaluated at each step (already updated with the data, see
   * {@link DynamicsPrior.update}); null or omitted for the fit without prior (ordinary
   * regression). A prior whose `eval` returns null at a step gets the regression there.
   */
  prior?: DynamicsPrior | null;
  /** Regularisation of the (dX+dU) block. Default 1e-6. */
  regularization?: number;
  /** Floor of the initial-state variances. Default 1e-6. */
  initialStateVar?: number;
  /** Reference switches; unspecified fields take {@link DEFAULT_DYNAMICS_FIT_QUIRKS}. */
  quirks?: Partial<DynamicsFitQuirks>;
  /** Dynamics to write into (allocated when omitted). */
  out?: LinearGaussianDynamics;
}

/**
 * Reusable workspaces of the per-step fit for one (N, dX, dU): no allocation inside the time
 * loop. {@link fitDynamics} keeps one per size in a small cache.
 */
export class DynamicsFitWorkspace {
  readonly D: number;
  readonly dXU: number;
  /** Points [x_t, u_t, x_{t+1}] of one step `[N, D]`. */
  readonly Ys: Float64Array;
  readonly dwts: Float64Array;
  readonly sigReg: Float64Array;
  readonly gauss: GaussFitJointPrior;
  readonly gaussBlend: GaussFitJointPrior;
  readonly cond: GaussianConditioner;
  readonly mean: Float64Array;
  readonly sigma: Float64Array;
  readonly prior: NiwPrior;
  readonly fitOut: ConditionalFit;

  constructor(
    readonly N: number,
    readonly dX: number,
    readonly dU: number,
  ) {
    const dXU = dX + dU;
    const D = dXU + dX;
    this.D = D;
    this.dXU = dXU;
    this.Ys = new Float64Array(N * D);
    this.dwts = new Float64Array(N).fill(1.0 / N);
    this.sigReg = new Float64Array(D * D);
    this.gauss = new GaussFitJointPrior(N, dXU, dX, { blendPriorMean: false });
    this.gaussBlend = new GaussFitJointPrior(N, dXU, dX, { blendPriorMean: true });
    this.cond = new GaussianConditioner(dXU, dX);
    this.mean = new Float64Array(D);
    this.sigma = new Float64Array(D * D);
    this.prior = { mu0: new Float64Array(D), Phi: new Float64Array(D * D), m: 0, n0: 0 };
    this.fitOut = {
      W: new Float64Array(dX * dXU),
      c: new Float64Array(dX),
      S: new Float64Array(dX * dX),
    };
  }
}

let cachedWs: DynamicsFitWorkspace | null = null;
function workspace(N: number, dX: number, dU: number): DynamicsFitWorkspace {
  if (!cachedWs || cachedWs.N !== N || cachedWs.dX !== dX || cachedWs.dU !== dU) {
    cachedWs = new DynamicsFitWorkspace(N, dX, dU);
  }
  return cachedWs;
}

/**
 * Fit time-varying linear-Gaussian dynamics p(x_{t+1} | x_t, u_t) = N(Fm_t [x_t; u_t] + fv_t,
 * dynCovar_t) by conditioning, at each step t < T−1, a Gaussian fitted to the N points
 * [x_t, u_t, x_{t+1}] (paper Appendix A.3): with a prior, the NIW MAP fit
 * ({@link GaussFitJointPrior}) with the prior from `prior.eval`; without, the empirical
 * covariance (ordinary least squares). The entries at t = T−1 are zero. Also fits the
 * initial-state distribution (x0mu, x0sigma) from X[:, 0] and `prior.initialState()`.
 *
 * Reference: DynamicsLR.fit / DynamicsLRPrior.fit and Algorithm._update_dynamics.
 *
 * @param X - states `[N, T, dX]` row-major
 * @param U - actions `[N, T, dU]` row-major
 * @throws {@link UnderdeterminedFitError} without prior when the data cannot determine the fit
 *   (see {@link DynamicsFitQuirks.noPriorSingular})
 * @throws NonFiniteError when a step produces NaN or Infinity
 */
export function fitDynamics(
  X: Float64Array,
  U: Float64Array,
  options: FitDynamicsOptions,
): LinearGaussianDynamics {
  const { N, T, dX, dU } = options;
  assertDims('fitDynamics', X, U, N, T, dX, dU);
  if (N < 2) {
    throw new InvalidArgumentError('N', 'at least 2 samples (cannot fit dynamics on 1 sample)', N);
  }
  const q: DynamicsFitQuirks = { ...DEFAULT_DYNAMICS_FIT_QUIRKS, ...(options.quirks ?? {}) };
  const reg = options.regularization ?? 1e-6;
  const isv = options.initialStateVar ?? 1e-6;
  const prior = options.prior ?? null;
  const out = options.out ?? zeroDynamics(T, dX, dU);
  if (out.Fm.length !== T * dX * (dX + dU) || out.fv.length !== T * dX) {
    throw new InvalidArgumentError('out', `dynamics of T=${T}, dX=${dX}, dU=${dU}`, out.Fm.length);
  }
  const ws = workspace(N, dX, dU);
  const { D, dXU, Ys } = ws;
  if (!prior && q.noPriorSingular === 'sampleCount' && N <= dXU) {
    throw new UnderdeterminedFitError(0, N, dXU, 'sampleCount');
  }
  regularizationMatrix(dX, dU, reg, q.regularizationMode, ws.sigReg);
  const gauss = q.blendPriorMean ? ws.gaussBlend : ws.gauss;
  const fo = ws.fitOut;
  out.Fm.fill(0);
  out.fv.fill(0);
  out.dynCovar.fill(0);
  for (let t = 0; t < T - 1; t++) {
    // Ys = [X[:, t], U[:, t], X[:, t+1]]
    for (let n = 0; n < N; n++) {
      const yo = n * D;
      const xo = (n * T + t) * dX;
      const uo = (n * T + t) * dU;
      for (let a = 0; a < dX; a++) Ys[yo + a] = X[xo + a];
      for (let a = 0; a < dU; a++) Ys[yo + dX + a] = U[uo + a];
      for (let a = 0; a < dX; a++) Ys[yo + dXU + a] = X[xo + dX + a];
    }
    const p = prior ? prior.eval(Ys, N, dX, dU, ws.prior) : null;
    if (p) {
      gauss.fit(Ys, p, ws.dwts, ws.sigReg, fo, t);
    } else {
      regressionStep(ws, q, reg, t);
    }
    const fmo = t * dX * dXU;
    for (let i = 0; i < dX * dXU; i++) out.Fm[fmo + i] = fo.W[i];
    for (let i = 0; i < dX; i++) out.fv[t * dX + i] = fo.c[i];
    for (let i = 0; i < dX * dX; i++) out.dynCovar[t * dX * dX + i] = fo.S[i];
    assertFiniteStep(out, t, dX, dXU);
  }
  initialStateInto(X, N, T, dX, prior, isv, q, out.x0mu, out.x0sigma);
  return out;
}

/**
 * The regularisation added to the joint covariance of [x_t, u_t, x_{t+1}] (the reference's
 * `sig_reg`): `reg` on the (dX+dU) x (dX+dU) block, on every entry (`'allEntries'`, reference)
 * or on the diagonal only.
 *
 * @param out - `[D, D]`, D = 2dX+dU (allocated when omitted)
 */
export function regularizationMatrix(
  dX: number,
  dU: number,
  reg: number,
  mode: DynamicsFitQuirks['regularizationMode'] = 'allEntries',
  out?: Float64Array,
): Float64Array {
  const dXU = dX + dU;
  const D = dXU + dX;
  const m = out ?? new Float64Array(D * D);
  m.fill(0);
  for (let a = 0; a < dXU; a++) {
    if (mode === 'allEntries') for (let b = 0; b < dXU; b++) m[a * D + b] = reg;
    else m[a * D + a] = reg;
  }
  return m;
}

/**
 * The fit without prior (ordinary regression at each step; the reference's DynamicsLR.fit):
 * {@link fitDynamics} with `prior: null`.
 *
 * @param X - states `[N, T, dX]`
 * @param U - actions `[N, T, dU]`
 * @throws {@link UnderdeterminedFitError} when the data cannot determine the fit
 */
export function fitDynamicsNoPrior(
  X: Float64Array,
  U: Float64Array,
  options: Omit<FitDynamicsOptions, 'prior'>,
): LinearGaussianDynamics {
  return fitDynamics(X, U, { ...options, prior: null });
}

/** Ordinary regression step (no prior): the reference's DynamicsLR. */
function regressionStep(
  ws: DynamicsFitWorkspace,
  q: DynamicsFitQuirks,
  reg: number,
  t: number,
): void {
  const { N, D, dXU, Ys, mean, sigma } = ws;
  mean.fill(0);
  for (let n = 0; n < N; n++) {
    const o = n * D;
    for (let a = 0; a < D; a++) mean[a] += Ys[o + a];
  }
  for (let a = 0; a < D; a++) mean[a] /= N;
  sigma.fill(0);
  const z = ws.prior.mu0; // scratch [D]
  for (let n = 0; n < N; n++) {
    const o = n * D;
    for (let a = 0; a < D; a++) z[a] = Ys[o + a] - mean[a];
    for (let a = 0; a < D; a++) {
      const za = z[a];
      const ro = a * D;
      for (let b = a; b < D; b++) sigma[ro + b] += za * z[b];
    }
  }
  for (let a = 0; a < D; a++) {
    for (let b = a; b < D; b++) {
      const v = sigma[a * D + b] / N;
      sigma[a * D + b] = v;
      sigma[b * D + a] = v;
    }
  }
  for (let a = 0; a < dXU; a++) {
    if (q.regularizationMode === 'allEntries')
      for (let b = 0; b < dXU; b++) sigma[a * D + b] += reg;
    else sigma[a * D + a] += reg;
  }
  const fo = ws.fitOut;
  const info = ws.cond.conditionFlat(mean, sigma, fo.W, fo.c, fo.S);
  if (info !== 0) throw new UnderdeterminedFitError(t, N, dXU, 'singular', info - 1);
}

function assertFiniteStep(out: LinearGaussianDynamics, t: number, dX: number, dXU: number): void {
  checkFinite(out.Fm, t * dX * dXU, dX * dXU, 'Fm', t);
  checkFinite(out.fv, t * dX, dX, 'fv', t);
  checkFinite(out.dynCovar, t * dX * dX, dX * dX, 'dynCovar', t);
}

function checkFinite(arr: Float64Array, off: number, n: number, field: string, t: number): void {
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(arr[off + i])) {
      throw new NonFiniteError(`fitDynamics: ${field} at t=${t} is not finite (entry ${i})`, {
        timeStep: t,
        field,
        entry: i,
      });
    }
  }
}

/**
 * Initial-state distribution: x0mu = mean of X[:, 0], x0sigma = diag(max(var, initialStateVar))
 * plus the prior's contribution (see {@link DynamicsFitQuirks.initialStateCovariance}).
 *
 * @param X - states `[N, T, dX]`
 * @param x0mu - `[dX]` (written)
 * @param x0sigma - `[dX, dX]` (written)
 */
export function initialStateInto(
  X: Float64Array,
  N: number,
  T: number,
  dX: number,
  prior: DynamicsPrior | null,
  initialStateVar: number,
  quirks: Partial<DynamicsFitQuirks>,
  x0mu: Float64Array,
  x0sigma: Float64Array,
): void {
  const q = { ...DEFAULT_DYNAMICS_FIT_QUIRKS, ...quirks };
  x0mu.fill(0);
  for (let n = 0; n < N; n++) {
    const o = n * T * dX;
    for (let a = 0; a < dX; a++) x0mu[a] += X[o + a];
  }
  for (let a = 0; a < dX; a++) x0mu[a] /= N;
  x0sigma.fill(0);
  for (let a = 0; a < dX; a++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const d = X[n * T * dX + a] - x0mu[a];
      s += d * d;
    }
    x0sigma[a * dX + a] = Math.max(s / N, initialStateVar);
  }
  const p = prior ? prior.initialState() : null;
  if (!p) return;
  const { mu0, Phi, m, n0 } = p;
  if (mu0.length !== dX || Phi.length !== dX * dX) {
    throw new InvalidArgumentError(
      'prior.initialState()',
      `mu0 [${dX}], Phi [${dX}, ${dX}]`,
      mu0.length,
    );
  }
  const k1 = (N * m) / (N + m);
  const den = N + n0;
  for (let a = 0; a < dX; a++) {
    const ea = x0mu[a] - mu0[a];
    for (let b = 0; b < dX; b++) {
      const o = ea * (x0mu[b] - mu0[b]);
      const i = a * dX + b;
      if (q.initialStateCovariance === 'reference') {
        x0sigma[i] += Phi[i] + (k1 * o) / den;
      } else {
        x0sigma[i] = (N * x0sigma[i] + Phi[i] + k1 * o) / den;
      }
    }
  }
}
