import type { DynamicsPrior, NiwPrior } from '@visuomotor/contracts';
import { InvalidArgumentError } from '@visuomotor/contracts';
import { GmmStateError } from './errors.js';
import { type EmResult, Gmm, type GmmOptions, type GmmState } from './gmm.js';
import { Xoshiro128 } from './rng.js';
import { assertDims, assertFiniteArray } from './validate.js';

/** Options of {@link GmmDynamicsPrior}. Defaults are the reference's DYN_PRIOR_GMM. */
export interface GmmDynamicsPriorOptions {
  /** Minimum points per cluster: K = max(2, min(maxClusters, floor(points / this))). Default 20. */
  minSamplesPerCluster?: number;
  /** Maximum number of clusters. Default 50. */
  maxClusters?: number;
  /** Size of the window of recent trajectories (see windowKeepsOneLess). Default 20. */
  maxSamples?: number;
  /** Prior strength: scales m, n0 and Phi. Default 1. */
  strength?: number;
  /** EM iterations per update. Default 100. */
  maxIterations?: number;
  /** Seed of the default RNG (ignored when `gmm.rng` is given). Default 0. */
  seed?: number;
  /** Options passed to the mixture (quirks, warm start, rng, logger). */
  gmm?: GmmOptions;
  /**
   * Reference quirk: the window keeps the last `maxSamples − 1` trajectories
   * (`start = max(0, n − maxSamples + 1)`). Default true; false keeps `maxSamples`.
   */
  windowKeepsOneLess?: boolean;
}

/** Checkpoint of a {@link GmmDynamicsPrior}: the mixture and the trajectory window. */
export interface GmmDynamicsPriorState {
  gmm: GmmState | null;
  /** Window of states `[Nw, T, dX]`. */
  X: Float64Array;
  /** Window of actions `[Nw, T, dU]`. */
  U: Float64Array;
  Nw: number;
  T: number;
  dX: number;
  dU: number;
  /** State of the default RNG (when it is a {@link Xoshiro128}). */
  rng?: Uint32Array;
}

/**
 * The GMM dynamics prior (paper Appendix A.3; reference DynamicsPriorGMM): a Gaussian mixture
 * over [x_t, u_t, x_{t+1}] points of a bounded window of recent trajectories, refitted (warm
 * started) at each update. At each step of the dynamics fit it supplies a NIW prior from the
 * clusters that explain that step's points; it also supplies the initial-state prior.
 */
export class GmmDynamicsPrior implements DynamicsPrior {
  /** The mixture over [x_t, u_t, x_{t+1}] points (parameters, EM state). */
  readonly gmm: Gmm;
  /** See {@link GmmDynamicsPriorOptions.minSamplesPerCluster}. */
  readonly minSamplesPerCluster: number;
  /** See {@link GmmDynamicsPriorOptions.maxClusters}. */
  readonly maxClusters: number;
  /** See {@link GmmDynamicsPriorOptions.maxSamples}. */
  readonly maxSamples: number;
  /** See {@link GmmDynamicsPriorOptions.strength}. */
  readonly strength: number;
  /** See {@link GmmDynamicsPriorOptions.windowKeepsOneLess}. */
  readonly windowKeepsOneLess: boolean;
  private X: Float64Array | null = null;
  private U: Float64Array | null = null;
  private Nw = 0;
  private T = 0;
  private dX = 0;
  private dU = 0;
  private xux = new Float64Array(0);
  private pendingCidx: ArrayLike<number> | null = null;
  /** Result of the last EM run (diagnostics). */
  lastEm: EmResult | null = null;

  constructor(options: GmmDynamicsPriorOptions = {}) {
    this.minSamplesPerCluster = options.minSamplesPerCluster ?? 20;
    this.maxClusters = options.maxClusters ?? 50;
    this.maxSamples = options.maxSamples ?? 20;
    this.strength = options.strength ?? 1.0;
    this.windowKeepsOneLess = options.windowKeepsOneLess ?? true;
    const gmmOpts: GmmOptions = { maxIterations: options.maxIterations ?? 100, ...options.gmm };
    if (!gmmOpts.rng) gmmOpts.rng = new Xoshiro128(options.seed ?? 0);
    this.gmm = new Gmm(gmmOpts);
    if (!(this.minSamplesPerCluster > 0)) {
      throw new InvalidArgumentError('minSamplesPerCluster', '> 0', this.minSamplesPerCluster);
    }
    if (!Number.isInteger(this.maxClusters) || this.maxClusters < 1) {
      throw new InvalidArgumentError('maxClusters', 'an integer >= 1', this.maxClusters);
    }
    const minWindow = this.windowKeepsOneLess ? 2 : 1;
    if (!Number.isInteger(this.maxSamples) || this.maxSamples < minWindow) {
      throw new InvalidArgumentError('maxSamples', `an integer >= ${minWindow}`, this.maxSamples);
    }
    if (!(this.strength >= 0)) throw new InvalidArgumentError('strength', '>= 0', this.strength);
  }

  /** Number of trajectories in the window. */
  get windowSize(): number {
    return this.Nw;
  }

  /**
   * Use `cidx` as the initial assignment of the next mixture (re)initialisation (replay of a
   * recorded reference run). `cidx` has one entry per point, `[Nw * (T − 1)]`, point index
   * n·(T−1) + t.
   */
  injectInitAssignment(cidx: ArrayLike<number>): void {
    this.pendingCidx = cidx;
  }

  /**
   * Append N trajectories to the window (dropping the oldest beyond the window size) and
   * refit the mixture on all [x_t, u_t, x_{t+1}] points of the window.
   *
   * @param X - states `[N, T, dX]` row-major
   * @param U - actions `[N, T, dU]` row-major
   */
  update(X: Float64Array, U: Float64Array, N: number, T: number, dX: number, dU: number): void {
    assertDims('GmmDynamicsPrior.update', X, U, N, T, dX, dU);
    if (T < 2) throw new InvalidArgumentError('GmmDynamicsPrior.update: T', 'at least 2', T);
    assertFiniteArray('GmmDynamicsPrior.update', 'X', X);
    assertFiniteArray('GmmDynamicsPrior.update', 'U', U);
    if (this.X && (T !== this.T || dX !== this.dX || dU !== this.dU)) {
      throw new InvalidArgumentError(
        'GmmDynamicsPrior.update',
        `T=${this.T}, dX=${this.dX}, dU=${this.dU} as in earlier updates`,
        { T, dX, dU },
      );
    }
    const total = this.Nw + N;
    const keep = this.windowKeepsOneLess ? this.maxSamples - 1 : this.maxSamples;
    const start = Math.max(0, total - keep);
    const Nw = total - start;
    const nX = new Float64Array(Nw * T * dX);
    const nU = new Float64Array(Nw * T * dU);
    // Concatenate old window and new data, keep rows [start, total).
    let row = 0;
    for (let i = start; i < total; i++, row++) {
      if (i < this.Nw) {
        nX.set(this.X!.subarray(i * T * dX, (i + 1) * T * dX), row * T * dX);
        nU.set(this.U!.subarray(i * T * dU, (i + 1) * T * dU), row * T * dU);
      } else {
        const j = i - this.Nw;
        nX.set(X.subarray(j * T * dX, (j + 1) * T * dX), row * T * dX);
        nU.set(U.subarray(j * T * dU, (j + 1) * T * dU), row * T * dU);
      }
    }
    this.X = nX;
    this.U = nU;
    this.Nw = Nw;
    this.T = T;
    this.dX = dX;
    this.dU = dU;
    this.refit();
  }

  private refit(): void {
    const { Nw, T, dX, dU } = this;
    const X = this.X!;
    const U = this.U!;
    const Tm = T - 1;
    const D = dX + dU + dX;
    const P = Nw * Tm;
    if (this.xux.length !== P * D) this.xux = new Float64Array(P * D);
    const xux = this.xux;
    for (let n = 0; n < Nw; n++) {
      for (let t = 0; t < Tm; t++) {
        const o = (n * Tm + t) * D;
        const xo = (n * T + t) * dX;
        const uo = (n * T + t) * dU;
        for (let a = 0; a < dX; a++) xux[o + a] = X[xo + a];
        for (let a = 0; a < dU; a++) xux[o + dX + a] = U[uo + a];
        for (let a = 0; a < dX; a++) xux[o + dX + dU + a] = X[xo + dX + a];
      }
    }
    const K = chooseK(P, this.minSamplesPerCluster, this.maxClusters);
    const cidx = this.pendingCidx;
    this.pendingCidx = null;
    this.lastEm = this.gmm.update(xux, P, D, K, cidx ?? undefined);
  }

  /**
   * NIW prior for the points of one step: mixture inference, then m and n0 times the
   * strength and Phi times the scaled m.
   *
   * @param pts - `[N, dX+dU+dX]`
   * @param out - optional prior to fill
   */
  eval(pts: Float64Array, N: number, dX: number, dU: number, out?: NiwPrior): NiwPrior {
    if (!this.gmm.isFitted) {
      throw new GmmStateError('GmmDynamicsPrior.eval: call update() first', { op: 'eval' });
    }
    const D = dX + dU + dX;
    if (D !== this.gmm.dim) {
      throw new InvalidArgumentError('GmmDynamicsPrior.eval: dX+dU+dX', String(this.gmm.dim), D);
    }
    if (pts.length !== N * D) throw new InvalidArgumentError('pts', `[${N}, ${D}]`, pts.length);
    const res = this.gmm.inference(
      pts,
      N,
      out && out.mu0.length === D && out.Phi.length === D * D ? out : undefined,
    );
    res.n0 = res.n0 * this.strength;
    res.m = res.m * this.strength;
    const m = res.m;
    const Phi = res.Phi;
    for (let i = 0; i < Phi.length; i++) Phi[i] *= m;
    return res;
  }

  /**
   * Prior on the initial state from the window: mu0 = mean of x_0, Phi = m·diag(var x_0),
   * m = n0 = dX·strength.
   */
  initialState(): NiwPrior {
    if (!this.X) {
      throw new GmmStateError('GmmDynamicsPrior.initialState: call update() first', {
        op: 'initialState',
      });
    }
    const { Nw, T, dX } = this;
    const X = this.X;
    const mu0 = new Float64Array(dX);
    for (let n = 0; n < Nw; n++) for (let a = 0; a < dX; a++) mu0[a] += X[n * T * dX + a];
    for (let a = 0; a < dX; a++) mu0[a] /= Nw;
    const m = dX * this.strength;
    const n0 = dX * this.strength;
    const Phi = new Float64Array(dX * dX);
    for (let a = 0; a < dX; a++) {
      let s = 0;
      for (let n = 0; n < Nw; n++) {
        const d = X[n * T * dX + a] - mu0[a];
        s += d * d;
      }
      Phi[a * dX + a] = (s / Nw) * m;
    }
    return { mu0, Phi, m, n0 };
  }

  /** A deep copy of the mixture and the window, for checkpoints. */
  getState(): GmmDynamicsPriorState {
    const rng = this.gmm.rng;
    return {
      gmm: this.gmm.isFitted ? this.gmm.getState() : null,
      X: this.X ? this.X.slice() : new Float64Array(0),
      U: this.U ? this.U.slice() : new Float64Array(0),
      Nw: this.Nw,
      T: this.T,
      dX: this.dX,
      dU: this.dU,
      ...(rng instanceof Xoshiro128 ? { rng: rng.getState() } : {}),
    };
  }

  /** Restore from {@link getState}: later updates continue bit-identically. */
  setState(s: GmmDynamicsPriorState): void {
    if (s.X.length !== s.Nw * s.T * s.dX || s.U.length !== s.Nw * s.T * s.dU) {
      throw new GmmStateError(
        'GmmDynamicsPrior.setState: window arrays do not match Nw, T, dX, dU',
        {
          Nw: s.Nw,
          T: s.T,
        },
      );
    }
    this.X = s.Nw > 0 ? s.X.slice() : null;
    this.U = s.Nw > 0 ? s.U.slice() : null;
    this.Nw = s.Nw;
    this.T = s.T;
    this.dX = s.dX;
    this.dU = s.dU;
    if (s.gmm) this.gmm.setState(s.gmm);
    if (s.rng && this.gmm.rng instanceof Xoshiro128) this.gmm.rng.setState(s.rng);
  }
}

/** K = max(2, min(maxClusters, floor(points / minSamplesPerCluster))), as the reference. */
export function chooseK(points: number, minSamplesPerCluster: number, maxClusters: number): number {
  return Math.trunc(Math.max(2, Math.min(maxClusters, Math.floor(points / minSamplesPerCluster))));
}

/** The "none" dynamics prior: the fit falls back to ordinary regression at every step. */
export class NoDynamicsPrior implements DynamicsPrior {
  /** Nothing to learn. */
  update(): void {}
  /** No prior at any step. */
  eval(): null {
    return null;
  }
  /** No initial-state prior. */
  initialState(): null {
    return null;
  }
}
