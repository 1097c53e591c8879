import type { NiwPrior } from '@visuomotor/contracts';
import { InvalidArgumentError, NonFiniteError, ShapeError } from '@visuomotor/contracts';
import { chooseK } from './dynamics-prior-gmm.js';
import { GmmStateError } from './errors.js';
import { type ConditionalFit, GaussFitJointPrior } from './gauss-fit.js';
import { type EmResult, Gmm, type GmmOptions, type GmmState } from './gmm.js';
import { Xoshiro128 } from './rng.js';
import { assertFiniteArray } from './validate.js';

/** Linearisation of a policy around samples: u ~ N(polK_t x + polk_t, polS_t). */
export interface PolicyLinearization {
  /** Gains `[T, dU, dX]`. */
  polK: Float64Array;
  /** Offsets `[T, dU]`. */
  polk: Float64Array;
  /** Covariances `[T, dU, dU]`. */
  polS: Float64Array;
}

/** Reference switches of the policy linearisation. */
export interface PolicyFitQuirks {
  /**
   * The 1e-8 regularisation of the x block at t = 0.
   * - `'allEntries'` (default, reference): `sig_reg[:dX, :dX] = 1e-8` sets EVERY entry.
   * - `'diagonal'`: the diagonal only.
   */
  firstStepRegularizationMode: 'allEntries' | 'diagonal';
  /** The value of that regularisation. Default 1e-8. */
  firstStepRegularization: number;
}

/** Reference defaults of {@link PolicyFitQuirks}. */
export const DEFAULT_POLICY_FIT_QUIRKS: Readonly<PolicyFitQuirks> = Object.freeze({
  firstStepRegularizationMode: 'allEntries',
  firstStepRegularization: 1e-8,
});

/** What a policy prior provides: a NIW prior on [x_t; u_t] for the points of one step. */
export interface PolicyPrior {
  /**
   * @param Ts - states `[N, dX]`
   * @param Ps - policy means `[N, dU]`
   * @param out - optional prior (mu0 `[dX+dU]`, Phi `[dX+dU, dX+dU]`) to fill and return
   */
  eval(
    Ts: Float64Array,
    Ps: Float64Array,
    N: number,
    dX: number,
    dU: number,
    out?: NiwPrior,
  ): NiwPrior;
  /**
   * Fit the policy linearisation with this prior.
   *
   * @param X - states `[N, T, dX]`
   * @param polMu - policy means `[N, T, dU]`
   * @param polSig - policy covariances `[N, T, dU, dU]`
   */
  fit(
    X: Float64Array,
    polMu: Float64Array,
    polSig: Float64Array,
    N: number,
    T: number,
    dX: number,
    dU: number,
  ): PolicyLinearization;
}

/**
 * Per step t: NIW MAP fit of [x_t; pi(x_t)] over the N samples with the prior's
 * (mu0, Phi, m, n0), conditioned on x (reference PolicyPrior.fit / PolicyPriorGMM.fit);
 * then polS_t += mean over samples of polSig_t.
 */
export function fitPolicyLinearization(
  prior: Pick<PolicyPrior, 'eval'>,
  X: Float64Array,
  polMu: Float64Array,
  polSig: Float64Array,
  N: number,
  T: number,
  dX: number,
  dU: number,
  quirks: Partial<PolicyFitQuirks> = {},
): PolicyLinearization {
  for (const [name, v] of [
    ['N', N],
    ['T', T],
    ['dX', dX],
    ['dU', dU],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(name, 'an integer >= 1', v);
  }
  if (N < 2) throw new InvalidArgumentError('N', 'at least 2 samples (cannot fit on 1 sample)', N);
  if (X.length !== N * T * dX) throw new ShapeError('X', [N, T, dX], X.length);
  if (polMu.length !== N * T * dU) throw new ShapeError('polMu', [N, T, dU], polMu.length);
  if (polSig.length !== N * T * dU * dU)
    throw new ShapeError('polSig', [N, T, dU, dU], polSig.length);
  const q = { ...DEFAULT_POLICY_FIT_QUIRKS, ...quirks };
  const D = dX + dU;
  const out: PolicyLinearization = {
    polK: new Float64Array(T * dU * dX),
    polk: new Float64Array(T * dU),
    polS: new Float64Array(T * dU * dU),
  };
  const gauss = new GaussFitJointPrior(N, dX, dU);
  const Ys = new Float64Array(N * D);
  const Ts = new Float64Array(N * dX);
  const Ps = new Float64Array(N * dU);
  const dwts = new Float64Array(N).fill(1.0 / N);
  const sigReg0 = new Float64Array(D * D);
  for (let a = 0; a < dX; a++) {
    if (q.firstStepRegularizationMode === 'allEntries') {
      for (let b = 0; b < dX; b++) sigReg0[a * D + b] = q.firstStepRegularization;
    } else sigReg0[a * D + a] = q.firstStepRegularization;
  }
  const pw: NiwPrior = { mu0: new Float64Array(D), Phi: new Float64Array(D * D), m: 0, n0: 0 };
  const fo: ConditionalFit = {
    W: new Float64Array(dU * dX),
    c: new Float64Array(dU),
    S: new Float64Array(dU * dU),
  };
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < N; n++) {
      const xo = (n * T + t) * dX;
      const uo = (n * T + t) * dU;
      for (let a = 0; a < dX; a++) {
        Ys[n * D + a] = X[xo + a];
        Ts[n * dX + a] = X[xo + a];
      }
      for (let a = 0; a < dU; a++) {
        Ys[n * D + dX + a] = polMu[uo + a];
        Ps[n * dU + a] = polMu[uo + a];
      }
    }
    const p = prior.eval(Ts, Ps, N, dX, dU, pw);
    gauss.fit(Ys, p, dwts, t === 0 ? sigReg0 : null, fo, t);
    out.polK.set(fo.W, t * dU * dX);
    out.polk.set(fo.c, t * dU);
    // polS = S + mean_n polSig[n, t]
    for (let i = 0; i < dU * dU; i++) {
      let s = 0;
      for (let n = 0; n < N; n++) s += polSig[(n * T + t) * dU * dU + i];
      out.polS[t * dU * dU + i] = fo.S[i] + s / N;
    }
    for (const [name, arr, off, len] of [
      ['polK', out.polK, t * dU * dX, dU * dX],
      ['polk', out.polk, t * dU, dU],
      ['polS', out.polS, t * dU * dU, dU * dU],
    ] as const) {
      for (let i = 0; i < len; i++) {
        if (!Number.isFinite(arr[off + i])) {
          throw new NonFiniteError(`policy linearisation: ${name} at t=${t} is not finite`, {
            timeStep: t,
            field: name,
          });
        }
      }
    }
  }
  return out;
}

/**
 * The constant policy prior (reference PolicyPrior): mu0 = 0,
 * Phi = strength·blockdiag(I_dX, 1e-5·I_dU), m = 0, n0 = strength.
 */
export class PolicyPriorConstant implements PolicyPrior {
  /** @param strength - default 1e-4 */
  constructor(
    readonly strength = 1e-4,
    readonly quirks: Partial<PolicyFitQuirks> = {},
  ) {}

  /** Nothing to update for a constant prior. */
  update(): void {}

  eval(
    _Ts: Float64Array,
    _Ps: Float64Array,
    _N: number,
    dX: number,
    dU: number,
    out?: NiwPrior,
  ): NiwPrior {
    const D = dX + dU;
    const res =
      out && out.mu0.length === D && out.Phi.length === D * D
        ? out
        : { mu0: new Float64Array(D), Phi: new Float64Array(D * D), m: 0, n0: 0 };
    res.mu0.fill(0);
    res.Phi.fill(0);
    for (let a = 0; a < dX; a++) res.Phi[a * D + a] = this.strength * 1;
    for (let a = dX; a < D; a++) res.Phi[a * D + a] = this.strength * 1e-5;
    res.m = 0;
    res.n0 = this.strength;
    return res;
  }

  fit(
    X: Float64Array,
    polMu: Float64Array,
    polSig: Float64Array,
    N: number,
    T: number,
    dX: number,
    dU: number,
  ): PolicyLinearization {
    return fitPolicyLinearization(this, X, polMu, polSig, N, T, dX, dU, this.quirks);
  }
}

/** Evaluates the current policy: means `[N, T, dU]` for observations `[N, T, dO]`. */
export type PolicyMeanFn = (obs: Float64Array, N: number, T: number) => Float64Array;

/** Options of {@link PolicyPriorGmm}. Defaults are the reference's POLICY_PRIOR_GMM. */
export interface PolicyPriorGmmOptions {
  /** Default 20. */
  minSamplesPerCluster?: number;
  /** Default 50. */
  maxClusters?: number;
  /** Window of trajectories (the last maxSamples are kept, no off-by-one here). Default 20. */
  maxSamples?: number;
  /** Default 1. */
  strength?: number;
  /** Default 100. */
  maxIterations?: number;
  /** Seed of the default RNG. Default 0. */
  seed?: number;
  gmm?: GmmOptions;
  quirks?: Partial<PolicyFitQuirks>;
}

/** Checkpoint of a {@link PolicyPriorGmm}. */
export interface PolicyPriorGmmState {
  gmm: GmmState | null;
  /** `[Nw, T, dX]`. */
  X: Float64Array;
  /** `[Nw, T, dO]`. */
  obs: Float64Array;
  Nw: number;
  T: number;
  dX: number;
  dO: number;
  rng?: Uint32Array;
}

/**
 * The GMM policy prior (reference PolicyPriorGMM): a mixture over [x_t, pi(o_t)] points of a
 * window of recent samples (all T steps), used to linearise a neural policy around the
 * samples (paper Section 4 / Appendix: the policy linearisation of BADMM).
 */
export class PolicyPriorGmm implements PolicyPrior {
  /** The mixture over [x_t, policy mean] points. */
  readonly gmm: Gmm;
  /** See {@link PolicyPriorGmmOptions.minSamplesPerCluster}. */
  readonly minSamplesPerCluster: number;
  /** See {@link PolicyPriorGmmOptions.maxClusters}. */
  readonly maxClusters: number;
  /** See {@link PolicyPriorGmmOptions.maxSamples}. */
  readonly maxSamples: number;
  /** See {@link PolicyPriorGmmOptions.strength}. */
  readonly strength: number;
  /** Switches of the linearisation (see {@link PolicyFitQuirks}). */
  readonly quirks: Partial<PolicyFitQuirks>;
  private X: Float64Array | null = null;
  private obs: Float64Array | null = null;
  private Nw = 0;
  private T = 0;
  private dX = 0;
  private dO = 0;
  private pendingCidx: ArrayLike<number> | null = null;
  private pts = new Float64Array(0);
  /** Result of the last EM run. */
  lastEm: EmResult | null = null;

  constructor(options: PolicyPriorGmmOptions = {}) {
    this.minSamplesPerCluster = options.minSamplesPerCluster ?? 20;
    this.maxClusters = options.maxClusters ?? 50;
    this.maxSamples = options.maxSamples ?? 20;
    this.strength = options.strength ?? 1.0;
    this.quirks = options.quirks ?? {};
    const gmmOpts: GmmOptions = { maxIterations: options.maxIterations ?? 100, ...options.gmm };
    if (!gmmOpts.rng) gmmOpts.rng = new Xoshiro128(options.seed ?? 0);
    this.gmm = new Gmm(gmmOpts);
  }

  /** Initial assignment `[Nw * T]` for the next (re)initialisation (point index n·T + t). */
  injectInitAssignment(cidx: ArrayLike<number>): void {
    this.pendingCidx = cidx;
  }

  /**
   * Add samples to the window (mode `'add'`, keeping the last maxSamples) or replace it
   * (`'replace'`), evaluate the current policy on the window's observations, and refit the
   * mixture on the [x_t, mean action] points.
   *
   * @param X - states `[N, T, dX]`
   * @param obs - observations `[N, T, dO]`
   * @param policyMean - the current policy's mean actions for a window of observations
   */
  update(
    X: Float64Array,
    obs: Float64Array,
    N: number,
    T: number,
    dX: number,
    dO: number,
    dU: number,
    policyMean: PolicyMeanFn,
    mode: 'add' | 'replace' = 'add',
  ): void {
    if (X.length !== N * T * dX) throw new ShapeError('X', [N, T, dX], X.length);
    if (obs.length !== N * T * dO) throw new ShapeError('obs', [N, T, dO], obs.length);
    assertFiniteArray('PolicyPriorGmm.update', 'X', X);
    if (!this.X || mode === 'replace') {
      this.X = X.slice();
      this.obs = obs.slice();
      this.Nw = N;
    } else if (N > 0) {
      if (T !== this.T || dX !== this.dX || dO !== this.dO) {
        throw new InvalidArgumentError(
          'PolicyPriorGmm.update',
          'the dimensions of earlier updates',
          {
            T,
            dX,
            dO,
          },
        );
      }
      const total = this.Nw + N;
      const start = total > this.maxSamples ? total - this.maxSamples : 0;
      const Nw = total - start;
      const nX = new Float64Array(Nw * T * dX);
      const nO = new Float64Array(Nw * T * dO);
      let row = 0;
      for (let i = start; i < total; i++, row++) {
        const fromOld = i < this.Nw;
        const j = fromOld ? i : i - this.Nw;
        const sx = fromOld ? this.X : X;
        const so = fromOld ? this.obs! : obs;
        nX.set(sx.subarray(j * T * dX, (j + 1) * T * dX), row * T * dX);
        nO.set(so.subarray(j * T * dO, (j + 1) * T * dO), row * T * dO);
      }
      this.X = nX;
      this.obs = nO;
      this.Nw = Nw;
    }
    this.T = T;
    this.dX = dX;
    this.dO = dO;
    const Nw = this.Nw;
    const U = policyMean(this.obs!.slice(), Nw, T);
    if (U.length !== Nw * T * dU) throw new ShapeError('policyMean(obs)', [Nw, T, dU], U.length);
    assertFiniteArray('PolicyPriorGmm.update', 'policy means', U);
    const D = dX + dU;
    const P = Nw * T;
    const XU = new Float64Array(P * D);
    const Xw = this.X!;
    for (let p = 0; p < P; p++) {
      for (let a = 0; a < dX; a++) XU[p * D + a] = Xw[p * dX + a];
      for (let a = 0; a < dU; a++) XU[p * D + dX + a] = U[p * dU + a];
    }
    const K = chooseK(P, this.minSamplesPerCluster, this.maxClusters);
    const cidx = this.pendingCidx;
    this.pendingCidx = null;
    this.lastEm = this.gmm.update(XU, P, D, K, cidx ?? undefined);
  }

  /** NIW prior for the points [Ts, Ps] of one step (inference, then strength scaling). */
  eval(
    Ts: Float64Array,
    Ps: Float64Array,
    N: number,
    dX: number,
    dU: number,
    out?: NiwPrior,
  ): NiwPrior {
    if (!this.gmm.isFitted) throw new GmmStateError('PolicyPriorGmm.eval: call update() first');
    const D = dX + dU;
    if (D !== this.gmm.dim)
      throw new InvalidArgumentError('PolicyPriorGmm.eval: dX+dU', String(this.gmm.dim), D);
    if (this.pts.length !== N * D) this.pts = new Float64Array(N * D);
    const pts = this.pts;
    for (let n = 0; n < N; n++) {
      for (let a = 0; a < dX; a++) pts[n * D + a] = Ts[n * dX + a];
      for (let a = 0; a < dU; a++) pts[n * D + dX + a] = Ps[n * dU + a];
    }
    const res = this.gmm.inference(
      pts,
      N,
      out && out.mu0.length === D && out.Phi.length === D * D ? out : undefined,
    );
    res.n0 *= this.strength;
    res.m *= this.strength;
    for (let i = 0; i < res.Phi.length; i++) res.Phi[i] *= res.m;
    return res;
  }

  /**
   * Fit the policy linearisation with this prior (see {@link fitPolicyLinearization}).
   *
   * @param X - states `[N, T, dX]`
   * @param polMu - policy means `[N, T, dU]`
   * @param polSig - policy covariances `[N, T, dU, dU]`
   */
  fit(
    X: Float64Array,
    polMu: Float64Array,
    polSig: Float64Array,
    N: number,
    T: number,
    dX: number,
    dU: number,
  ): PolicyLinearization {
    return fitPolicyLinearization(this, X, polMu, polSig, N, T, dX, dU, this.quirks);
  }

  /** Checkpoint of the mixture and window. */
  getState(): PolicyPriorGmmState {
    const rng = this.gmm.rng;
    return {
      gmm: this.gmm.isFitted ? this.gmm.getState() : null,
      X: this.X ? this.X.slice() : new Float64Array(0),
      obs: this.obs ? this.obs.slice() : new Float64Array(0),
      Nw: this.Nw,
      T: this.T,
      dX: this.dX,
      dO: this.dO,
      ...(rng instanceof Xoshiro128 ? { rng: rng.getState() } : {}),
    };
  }

  /** Restore from {@link getState}. */
  setState(s: PolicyPriorGmmState): void {
    this.X = s.Nw > 0 ? s.X.slice() : null;
    this.obs = s.Nw > 0 ? s.obs.slice() : null;
    this.Nw = s.Nw;
    this.T = s.T;
    this.dX = s.dX;
    this.dO = s.dO;
    if (s.gmm) this.gmm.setState(s.gmm);
    if (s.rng && this.gmm.rng instanceof Xoshiro128) this.gmm.rng.setState(s.rng);
  }
}
