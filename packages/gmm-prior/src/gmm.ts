import type { NiwPrior } from '@visuomotor/contracts';
import { InvalidArgumentError, NonFiniteError } from '@visuomotor/contracts';
import { cholesky, Mat } from '@visuomotor/linalg';
import { ClusterCovarianceError, GmmStateError } from './errors.js';
import { logSumExp, npSum } from './numeric.js';
import { type Rng, Xoshiro128 } from './rng.js';

/**
 * Switches for the places where the reference mixture (gps/utility/gmm.py) departs from a
 * textbook EM. Defaults reproduce the reference.
 */
export interface GmmQuirks {
  /**
   * When EM stops.
   * - `'reference'` (default): stop when the log-likelihood falls, or when
   *   |ll − prev| < convergenceTol·prev. The second test can never pass while prev < 0, so a
   *   fit with negative log-likelihood runs until it decreases or hits maxIterations.
   * - `'relative'`: stop when it falls or when |ll − prev| < convergenceTol·|prev|.
   */
  stopRule: 'reference' | 'relative';
  /** Relative tolerance of the stop rule. Default 1e-5. */
  convergenceTol: number;
  /**
   * What happens to a cluster whose (normalised) mass falls below collapseThreshold/K.
   * - `'reference'` (default): its responsibilities over all N points are set to 1/N, so its
   *   mean and covariance become those of the whole data set, but its mass keeps the
   *   collapsed value.
   * - `'resetMass'`: as the reference, and its mass is also reset to 1/K (all masses then
   *   renormalised), i.e. a true re-initialisation of the cluster.
   */
  collapsedCluster: 'reference' | 'resetMass';
  /** Collapse threshold, multiplied by 1/K. Default 1e-4. */
  collapseThreshold: number;
  /**
   * On a warm-started fit, set the sample count N used by {@link Gmm.inference} (n0 = (N − 2 − D)/N)
   * to the new number of points. Default false: the reference keeps the N of the last
   * (re)initialisation.
   */
  warmStartUpdatesN: boolean;
  /**
   * Initial covariance of cluster i from its assigned points.
   * - `'scatterOverK'` (default, reference): (1/K)·Σ (x − mean)(x − mean)ᵀ + initJitter·I
   *   (note 1/K, not 1/n_i).
   * - `'sampleCovariance'`: (1/n_i)·scatter + initJitter·I.
   */
  initCovariance: 'scatterOverK' | 'sampleCovariance';
  /** Diagonal added to the initial covariances. Default 2e-6. */
  initJitter: number;
  /** Diagonal added to every M-step covariance ("quick and dirty" regularisation). Default 1e-6. */
  covRegularization: number;
  /**
   * A cluster that receives no point in the initial assignment. The reference takes the mean
   * of an empty set (NaN) and the fit turns to NaN; this implementation never does that.
   * - `'wholeData'` (default): start it from the mean of all points and the initial covariance
   *   rule applied to all points.
   * - `'throw'`: throw {@link GmmStateError}.
   */
  emptyInitCluster: 'wholeData' | 'throw';
}

/** Reference-compatible defaults of {@link GmmQuirks}. */
export const DEFAULT_GMM_QUIRKS: Readonly<GmmQuirks> = Object.freeze({
  stopRule: 'reference',
  convergenceTol: 1e-5,
  collapsedCluster: 'reference',
  collapseThreshold: 1e-4,
  warmStartUpdatesN: false,
  initCovariance: 'scatterOverK',
  initJitter: 2e-6,
  covRegularization: 1e-6,
  emptyInitCluster: 'wholeData',
});

/** Options of a {@link Gmm}. */
export interface GmmOptions {
  /** Reuse the previous clusters as the starting point when K and D are unchanged. Default true. */
  warmStart?: boolean;
  /** Maximum EM iterations per update. Default 100. */
  maxIterations?: number;
  /** Source of the random initial assignment. Default `new Xoshiro128(0)`. */
  rng?: Rng;
  /** Reference quirks (see {@link GmmQuirks}); unspecified fields take the defaults. */
  quirks?: Partial<GmmQuirks>;
  /** Receives the EM log lines (same text as the reference's debug log). */
  logger?: (line: string) => void;
}

/** Plain, typed-array state of a mixture, for checkpoints. */
export interface GmmState {
  /** Number of clusters. */
  K: number;
  /** Point dimension. */
  D: number;
  /** Sample count of the last (re)initialisation, used by inference. */
  N: number;
  /** Means `[K, D]`. */
  mu: Float64Array;
  /** Covariances `[K, D, D]`. */
  sigma: Float64Array;
  /** Log masses `[K]` (normalised). */
  logmass: Float64Array;
  /** Masses `[K]` = exp(logmass). */
  mass: Float64Array;
}

/** What one {@link Gmm.update} did. */
export interface EmResult {
  K: number;
  /** Number of points fitted. */
  N: number;
  /** True when the clusters were (re)initialised rather than warm-started. */
  initialized: boolean;
  /** Log-likelihood of each E-step, in order (one per iteration started). */
  logLikelihoods: number[];
  /** Why EM stopped. */
  stop: 'converged' | 'decreased' | 'maxIterations';
  /** Number of M-steps performed. */
  mSteps: number;
  /** Clusters rebooted at each M-step (indices), for diagnostics. */
  rebooted: number[][];
  /** The log lines, as the reference prints them (without the logger-name prefix). */
  log: string[];
}

/** Points per block of the E-step. */
const ESTEP_BLOCK = 128;

/**
 * Gaussian mixture model fitted by EM, with warm starts across updates, a seeded (or
 * injected) initial assignment, log-sum-exp numerics, covariance regularisation and
 * collapsed-cluster reboots; and inference of a normal-inverse-Wishart prior for a set of
 * query points (paper Appendix A.3; reference gps/utility/gmm.py).
 *
 * All buffers are preallocated per problem size and reused across EM iterations and
 * inference calls.
 */
export class Gmm {
  /** Effective quirk settings. */
  readonly quirks: Readonly<GmmQuirks>;
  readonly warmStart: boolean;
  readonly maxIterations: number;
  /** The random source of the initial assignment. */
  rng: Rng;
  private readonly logger?: (line: string) => void;

  private K = 0;
  private D = 0;
  private N = 0;
  private mu = new Float64Array(0);
  private sigma = new Float64Array(0);
  private logmass = new Float64Array(0);
  private mass = new Float64Array(0);
  private fitted = false;

  // Cholesky factors (lower) of sigma and Σ log diag, valid while sigma is unchanged.
  private chol = new Float64Array(0);
  private halfLogDet = new Float64Array(0);
  private cholValid = false;

  // Work buffers.
  private logobs = new Float64Array(0); // [K, n] cluster-major
  private rowLse = new Float64Array(0); // [n]
  private colTmp = new Float64Array(0); // [max(n, K)]
  private z = new Float64Array(0); // [D]
  private v = new Float64Array(0); // [D]
  private xt = new Float64Array(0); // [D, block] transposed points
  private zb = new Float64Array(0); // [D, block] substitution
  private readonly ssb = new Float64Array(ESTEP_BLOCK);
  private vt = new Float64Array(0); // [D, N] sqrt(w)-scaled points of one cluster (M-step)
  private pendingCidx: Int32Array | null = null;
  private infLogwts = new Float64Array(0);

  constructor(options: GmmOptions = {}) {
    this.quirks = Object.freeze({ ...DEFAULT_GMM_QUIRKS, ...(options.quirks ?? {}) });
    this.warmStart = options.warmStart ?? true;
    this.maxIterations = options.maxIterations ?? 100;
    if (!Number.isInteger(this.maxIterations) || this.maxIterations < 0) {
      throw new InvalidArgumentError('maxIterations', 'a non-negative integer', this.maxIterations);
    }
    this.rng = options.rng ?? new Xoshiro128(0);
    this.logger = options.logger;
  }

  /** Number of clusters (0 before the first update). */
  get clusters(): number {
    return this.K;
  }

  /** Point dimension (0 before the first update). */
  get dim(): number {
    return this.D;
  }

  /** Sample count used by inference (N of the last initialisation, see quirks). */
  get sampleCount(): number {
    return this.N;
  }

  /** True once fitted (or restored). */
  get isFitted(): boolean {
    return this.fitted;
  }

  /** Read-only views of the parameters: mu `[K, D]`, sigma `[K, D, D]`, logmass `[K]`, mass `[K]`. */
  get params(): {
    mu: Float64Array;
    sigma: Float64Array;
    logmass: Float64Array;
    mass: Float64Array;
  } {
    return { mu: this.mu, sigma: this.sigma, logmass: this.logmass, mass: this.mass };
  }

  /**
   * Use `cidx` as the initial assignment the next time the clusters are (re)initialised,
   * instead of drawing one from the RNG (replays the reference's recorded `init_cidx`).
   *
   * @param cidx - `[N]` cluster index in [0, K) of each point of the next update
   */
  injectInitAssignment(cidx: ArrayLike<number>): void {
    this.pendingCidx = Int32Array.from(cidx as ArrayLike<number>);
  }

  /**
   * Run EM on `data`, warm-starting from the current clusters when allowed
   * (warmStart, same K and D) and initialising from a random (or injected) assignment
   * otherwise.
   *
   * @param data - points `[N, D]` row-major
   * @param N - number of points
   * @param D - point dimension
   * @param K - number of clusters
   * @param initCidx - optional initial assignment `[N]` (overrides the RNG and any injected one)
   */
  update(
    data: Float64Array,
    N: number,
    D: number,
    K: number,
    initCidx?: ArrayLike<number>,
  ): EmResult {
    if (!Number.isInteger(N) || N < 1) throw new InvalidArgumentError('N', 'an integer >= 1', N);
    if (!Number.isInteger(D) || D < 1) throw new InvalidArgumentError('D', 'an integer >= 1', D);
    if (!Number.isInteger(K) || K < 1) throw new InvalidArgumentError('K', 'an integer >= 1', K);
    if (data.length !== N * D) {
      throw new InvalidArgumentError('data', `[${N}, ${D}] (${N * D} entries)`, data.length);
    }
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new NonFiniteError(`Gmm.update: data entry ${i} is ${data[i]}`, {
          index: i,
          point: Math.floor(i / D),
        });
      }
    }
    const log: string[] = [];
    const say = (line: string) => {
      log.push(line);
      this.logger?.(line);
    };
    say(`Fitting GMM with ${K} clusters on ${N} points`);
    this.ensureWork(N, D, K);
    const reinit = !this.warmStart || !this.fitted || K !== this.K || D !== this.D;
    if (reinit) {
      say('Initializing GMM.');
      const cidx = initCidx ? Int32Array.from(initCidx) : this.pendingCidx;
      this.pendingCidx = null;
      this.initialize(data, N, D, K, cidx);
    } else if (this.quirks.warmStartUpdatesN) {
      this.N = N;
    }
    const q = this.quirks;
    const lls: number[] = [];
    const rebooted: number[][] = [];
    let stop: EmResult['stop'] = 'maxIterations';
    let mSteps = 0;
    let prevll = Number.NEGATIVE_INFINITY;
    for (let itr = 0; itr < this.maxIterations; itr++) {
      this.estep(data, N, this.logobs);
      // Row log-sum-exp (over clusters) and the total log-likelihood.
      const lo = this.logobs;
      for (let p = 0; p < N; p++) this.rowLse[p] = logSumExp(lo, p, K, N, false, this.colTmp);
      const ll = npSum(this.rowLse, 0, N, 1);
      lls.push(ll);
      say(`GMM itr ${itr}/${this.maxIterations}. Log likelihood: ${formatF(ll)}`);
      if (Number.isNaN(ll)) {
        throw new NonFiniteError(`Gmm.update: log-likelihood is NaN at iteration ${itr}`, {
          iteration: itr,
        });
      }
      if (ll < prevll) {
        say(`Log-likelihood decreased! Ending on itr=${itr}/${this.maxIterations}`);
        stop = 'decreased';
        break;
      }
      const bound =
        q.stopRule === 'reference'
          ? q.convergenceTol * prevll
          : q.convergenceTol * Math.abs(prevll);
      if (Math.abs(ll - prevll) < bound) {
        say(`GMM converged on itr=${itr}/${this.maxIterations}`);
        stop = 'converged';
        break;
      }
      prevll = ll;
      rebooted.push(this.mstep(data, N));
      mSteps++;
    }
    this.fitted = true;
    return { K, N, initialized: reinit, logLikelihoods: lls, stop, mSteps, rebooted, log };
  }

  private ensureWork(N: number, D: number, K: number): void {
    if (this.logobs.length < N * K) this.logobs = new Float64Array(N * K);
    if (this.rowLse.length < N) this.rowLse = new Float64Array(N);
    const m = Math.max(N, K);
    if (this.colTmp.length < m) this.colTmp = new Float64Array(m);
    if (this.z.length < D) {
      this.z = new Float64Array(D);
      this.v = new Float64Array(D);
    }
  }

  private allocParams(K: number, D: number): void {
    if (this.K !== K || this.D !== D || this.mu.length !== K * D) {
      this.mu = new Float64Array(K * D);
      this.sigma = new Float64Array(K * D * D);
      this.logmass = new Float64Array(K);
      this.mass = new Float64Array(K);
      this.chol = new Float64Array(K * D * D);
      this.halfLogDet = new Float64Array(K);
      this.infLogwts = new Float64Array(K);
    }
    this.K = K;
    this.D = D;
    this.cholValid = false;
  }

  private initialize(
    data: Float64Array,
    N: number,
    D: number,
    K: number,
    cidx: Int32Array | null,
  ): void {
    if (cidx) {
      if (cidx.length !== N) {
        throw new GmmStateError(
          `Gmm: the initial assignment has ${cidx.length} entries, the data has ${N} points`,
          { expected: N, got: cidx.length },
        );
      }
      for (let p = 0; p < N; p++) {
        if (!(cidx[p] >= 0 && cidx[p] < K)) {
          throw new GmmStateError(
            `Gmm: initial assignment ${cidx[p]} of point ${p} is not in [0, ${K})`,
            {
              point: p,
              value: cidx[p],
              K,
            },
          );
        }
      }
    } else {
      cidx = new Int32Array(N);
      for (let p = 0; p < N; p++) cidx[p] = this.rng.nextInt(K);
    }
    this.allocParams(K, D);
    this.N = N;
    const lm = Math.log(1.0 / K);
    this.logmass.fill(lm);
    this.mass.fill(1.0 / K);
    this.mu.fill(0);
    this.sigma.fill(0);
    const q = this.quirks;
    const z = this.z;
    for (let i = 0; i < K; i++) {
      let ni = 0;
      for (let p = 0; p < N; p++) if (cidx[p] === i) ni++;
      let all = false;
      if (ni === 0) {
        if (q.emptyInitCluster === 'throw') {
          throw new GmmStateError(`Gmm: cluster ${i} receives no point in the initial assignment`, {
            cluster: i,
            K,
            N,
          });
        }
        all = true;
        ni = N;
      }
      const mo = i * D;
      // Mean: sequential sum over points, then divide (np.mean along axis 0).
      for (let p = 0; p < N; p++) {
        if (!all && cidx[p] !== i) continue;
        const po = p * D;
        for (let a = 0; a < D; a++) this.mu[mo + a] += data[po + a];
      }
      for (let a = 0; a < D; a++) this.mu[mo + a] /= ni;
      // Scatter (upper triangle, mirrored).
      const so = i * D * D;
      const S = this.sigma;
      for (let p = 0; p < N; p++) {
        if (!all && cidx[p] !== i) continue;
        const po = p * D;
        for (let a = 0; a < D; a++) z[a] = data[po + a] - this.mu[mo + a];
        for (let a = 0; a < D; a++) {
          const za = z[a];
          const ro = so + a * D;
          for (let b = a; b < D; b++) S[ro + b] += za * z[b];
        }
      }
      const scale = q.initCovariance === 'scatterOverK' ? 1.0 / K : 1.0 / ni;
      for (let a = 0; a < D; a++) {
        for (let b = a; b < D; b++) {
          const v = scale * S[so + a * D + b];
          S[so + a * D + b] = v;
          S[so + b * D + a] = v;
        }
        S[so + a * D + a] += q.initJitter;
      }
    }
  }

  /** Factor every cluster covariance (lower Cholesky), caching the result. */
  private factor(): void {
    if (this.cholValid) return;
    const { K, D } = this;
    const S = new Mat(this.sigma, D, D);
    const L = new Mat(this.chol, D, D);
    for (let k = 0; k < K; k++) {
      S.offset = k * D * D;
      L.offset = k * D * D;
      const info = cholesky(S, L, false);
      if (info !== 0) {
        throw new ClusterCovarianceError(
          `Gmm: covariance of cluster ${k} is not positive definite (leading minor ${info} of ${D})`,
          { cluster: k, minor: info, D },
        );
      }
      // np.sum(np.log(np.diag(L)))
      const c = this.chol;
      const o = k * D * D;
      for (let a = 0; a < D; a++) this.colTmp[a] = Math.log(c[o + a * D + a]);
      this.halfLogDet[k] = npSum(this.colTmp, 0, D, 1);
    }
    this.cholValid = true;
  }

  /**
   * Log observation probabilities log(mass_k N(x_p; mu_k, sigma_k)) of `n` points.
   *
   * @param pts - `[n, D]`
   * @param out - `[K, n]` (cluster-major: out[k * n + p]); written
   */
  estep(pts: Float64Array, n: number, out: Float64Array): void {
    const { K, D } = this;
    if (this.colTmp.length < D) this.colTmp = new Float64Array(Math.max(D, n, K));
    if (this.z.length < D) {
      this.z = new Float64Array(D);
      this.v = new Float64Array(D);
    }
    const B = ESTEP_BLOCK;
    if (this.xt.length < D * B) {
      this.xt = new Float64Array(D * B);
      this.zb = new Float64Array(D * B);
    }
    this.factor();
    const c0 = -0.5 * D * Math.log(2 * Math.PI);
    const L = this.chol;
    const mu = this.mu;
    const xt = this.xt;
    const zb = this.zb;
    const ss = this.ssb;
    // Points are processed in blocks, transposed to [D, nb], so that the forward substitution
    // z = L⁻¹ (x − mu) runs along contiguous rows of the block. Per point the operations and
    // their order are those of the plain substitution s = d_i − L_i0 z_0 − L_i1 z_1 − ...,
    // z_i = s / L_ii (so results do not depend on the block size).
    for (let p0 = 0; p0 < n; p0 += B) {
      const nb = Math.min(B, n - p0);
      for (let q = 0; q < nb; q++) {
        const po = (p0 + q) * D;
        for (let i = 0; i < D; i++) xt[i * nb + q] = pts[po + i];
      }
      for (let k = 0; k < K; k++) {
        const lo = k * D * D;
        const mo = k * D;
        for (let q = 0; q < nb; q++) ss[q] = 0;
        for (let i = 0; i < D; i++) {
          const ri = lo + i * D;
          const zi = i * nb;
          const m = mu[mo + i];
          for (let q = 0; q < nb; q++) zb[zi + q] = xt[zi + q] - m;
          let j = 0;
          for (; j + 3 < i; j += 4) {
            const l0 = L[ri + j];
            const l1 = L[ri + j + 1];
            const l2 = L[ri + j + 2];
            const l3 = L[ri + j + 3];
            const z0 = j * nb;
            const z1 = z0 + nb;
            const z2 = z1 + nb;
            const z3 = z2 + nb;
            for (let q = 0; q < nb; q++) {
              zb[zi + q] =
                zb[zi + q] - l0 * zb[z0 + q] - l1 * zb[z1 + q] - l2 * zb[z2 + q] - l3 * zb[z3 + q];
            }
          }
          for (; j < i; j++) {
            const l0 = L[ri + j];
            const z0 = j * nb;
            for (let q = 0; q < nb; q++) zb[zi + q] = zb[zi + q] - l0 * zb[z0 + q];
          }
          const lii = L[ri + i];
          for (let q = 0; q < nb; q++) {
            const z = zb[zi + q] / lii;
            zb[zi + q] = z;
            ss[q] += z * z;
          }
        }
        const base = c0 - this.halfLogDet[k];
        const lmk = this.logmass[k];
        const ok = k * n + p0;
        for (let q = 0; q < nb; q++) out[ok + q] = base - 0.5 * ss[q] + lmk;
      }
    }
  }

  /** One M-step from this.logobs and this.rowLse; returns the rebooted clusters. */
  private mstep(data: Float64Array, N: number): number[] {
    const { K, D } = this;
    const q = this.quirks;
    const lo = this.logobs;
    // logw = logobs - rowLse (in place); column log-sum-exp over points (sequential).
    for (let k = 0; k < K; k++) {
      const o = k * N;
      for (let p = 0; p < N; p++) lo[o + p] -= this.rowLse[p];
    }
    const lm = this.logmass;
    for (let k = 0; k < K; k++) lm[k] = logSumExp(lo, k * N, N, 1, true, this.colTmp);
    // w = exp(logw - colLse) in place.
    for (let k = 0; k < K; k++) {
      const o = k * N;
      const c = lm[k];
      for (let p = 0; p < N; p++) lo[o + p] = Math.exp(lo[o + p] - c);
    }
    const tot = logSumExp(lm, 0, K, 1, false, this.colTmp);
    for (let k = 0; k < K; k++) {
      lm[k] -= tot;
      this.mass[k] = Math.exp(lm[k]);
    }
    const rebooted: number[] = [];
    const thr = (1.0 / K) * q.collapseThreshold;
    for (let k = 0; k < K; k++) {
      if (this.mass[k] < thr) {
        rebooted.push(k);
        lo.fill(1.0 / N, k * N, k * N + N);
      }
    }
    if (rebooted.length > 0 && q.collapsedCluster === 'resetMass') {
      for (const k of rebooted) lm[k] = Math.log(1.0 / K);
      const t2 = logSumExp(lm, 0, K, 1, false, this.colTmp);
      for (let k = 0; k < K; k++) {
        lm[k] -= t2;
        this.mass[k] = Math.exp(lm[k]);
      }
    }
    // Means and covariances. Points with an exactly zero weight contribute exactly nothing
    // and are skipped; the others are scaled by sqrt(w) into a [D, m] block so that every
    // entry of Σ_p w_p x_p x_pᵀ is a contiguous dot product (summed in point order).
    const mu = this.mu;
    const S = this.sigma;
    mu.fill(0);
    if (this.vt.length < D * N) this.vt = new Float64Array(D * N);
    const vt = this.vt;
    const reg = q.covRegularization;
    for (let k = 0; k < K; k++) {
      const wo = k * N;
      const mo = k * D;
      const so = k * D * D;
      let m = 0;
      for (let p = 0; p < N; p++) if (lo[wo + p] !== 0) m++;
      let c = 0;
      for (let p = 0; p < N; p++) {
        const w = lo[wo + p];
        if (w === 0) continue;
        const po = p * D;
        const sw = Math.sqrt(w);
        for (let a = 0; a < D; a++) {
          const x = data[po + a];
          mu[mo + a] += w * x;
          vt[a * m + c] = x * sw;
        }
        c++;
      }
      for (let a = 0; a < D; a++) {
        const va = a * m;
        let b = a;
        for (; b + 3 < D; b += 4) {
          const v0 = b * m;
          const v1 = v0 + m;
          const v2 = v1 + m;
          const v3 = v2 + m;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let r = 0; r < m; r++) {
            const x = vt[va + r];
            s0 += x * vt[v0 + r];
            s1 += x * vt[v1 + r];
            s2 += x * vt[v2 + r];
            s3 += x * vt[v3 + r];
          }
          S[so + a * D + b] = s0;
          S[so + a * D + b + 1] = s1;
          S[so + a * D + b + 2] = s2;
          S[so + a * D + b + 3] = s3;
        }
        for (; b < D; b++) {
          const v0 = b * m;
          let s0 = 0;
          for (let r = 0; r < m; r++) s0 += vt[va + r] * vt[v0 + r];
          S[so + a * D + b] = s0;
        }
      }
      for (let a = 0; a < D; a++) {
        const ma = mu[mo + a];
        for (let b = a; b < D; b++) {
          const val = S[so + a * D + b] - ma * mu[mo + b];
          S[so + a * D + b] = val;
          S[so + b * D + a] = val;
        }
        S[so + a * D + a] += reg;
      }
    }
    this.cholValid = false;
    return rebooted;
  }

  /**
   * Average posterior log-weight of each cluster over `n` query points:
   * log( (1/n) Σ_p p(k | x_p) ).
   *
   * @param pts - `[n, D]`
   * @param out - `[K]` (written)
   * @param logobs - optional `[K, n]` scratch that receives the E-step log-probabilities
   */
  clusterWeights(
    pts: Float64Array,
    n: number,
    out: Float64Array,
    logobs?: Float64Array,
  ): Float64Array {
    this.assertFitted('clusterWeights');
    const { K } = this;
    if (pts.length !== n * this.D) {
      throw new InvalidArgumentError('pts', `[${n}, ${this.D}]`, pts.length);
    }
    const lo = logobs ?? this.inferenceScratch(n);
    this.estep(pts, n, lo);
    if (this.colTmp.length < Math.max(n, K)) this.colTmp = new Float64Array(Math.max(n, K));
    for (let p = 0; p < n; p++) {
      const l = logSumExp(lo, p, K, n, false, this.colTmp);
      for (let k = 0; k < K; k++) lo[k * n + p] -= l;
    }
    const ln = Math.log(n);
    for (let k = 0; k < K; k++) out[k] = logSumExp(lo, k * n, n, 1, true, this.colTmp) - ln;
    return out;
  }

  private infScratch = new Float64Array(0);
  private inferenceScratch(n: number): Float64Array {
    if (this.infScratch.length < n * this.K) this.infScratch = new Float64Array(n * this.K);
    return this.infScratch;
  }

  /**
   * Mean and covariance of the mixture re-weighted by exp(logwts):
   * mu = Σ_k w_k mu_k, Phi = Σ_k w_k (sigma_k + (mu_k − mu)(mu_k − mu)ᵀ).
   *
   * @param logwts - `[K]`
   * @param mu0 - `[D]` (written)
   * @param Phi - `[D, D]` (written)
   */
  moments(logwts: Float64Array, mu0: Float64Array, Phi: Float64Array): void {
    const { K, D } = this;
    const v = this.v;
    mu0.fill(0);
    for (let k = 0; k < K; k++) {
      const w = Math.exp(logwts[k]);
      for (let a = 0; a < D; a++) mu0[a] += this.mu[k * D + a] * w;
    }
    Phi.fill(0);
    for (let k = 0; k < K; k++) {
      const w = Math.exp(logwts[k]);
      const mo = k * D;
      const so = k * D * D;
      for (let a = 0; a < D; a++) v[a] = this.mu[mo + a] - mu0[a];
      for (let a = 0; a < D; a++) {
        const va = v[a];
        const ro = a * D;
        for (let b = 0; b < D; b++) Phi[ro + b] += (this.sigma[so + ro + b] + va * v[b]) * w;
      }
    }
  }

  /**
   * The normal-inverse-Wishart prior for a set of query points: cluster weights averaged over
   * the points, mixture moments under those weights, m = 1 and n0 = (N − 2 − D)/N (both
   * normalised by the sample count N). The caller scales by its prior strength.
   *
   * @param pts - `[n, D]`
   * @param out - optional prior to write into (its arrays must be `[D]` and `[D, D]`)
   */
  inference(pts: Float64Array, n: number, out?: NiwPrior): NiwPrior {
    this.assertFitted('inference');
    const D = this.D;
    const res: NiwPrior = out ?? {
      mu0: new Float64Array(D),
      Phi: new Float64Array(D * D),
      m: 0,
      n0: 0,
    };
    if (res.mu0.length !== D || res.Phi.length !== D * D) {
      throw new InvalidArgumentError('out', `mu0 [${D}] and Phi [${D}, ${D}]`, res.mu0.length);
    }
    this.clusterWeights(pts, n, this.infLogwts);
    this.moments(this.infLogwts, res.mu0, res.Phi);
    const N = this.N;
    res.m = N / N;
    res.n0 = (N - 2 - D) / N;
    return res;
  }

  /** The cluster log-weights of the last {@link inference} call `[K]` (a view). */
  get lastInferenceLogWeights(): Float64Array {
    return this.infLogwts;
  }

  /** A deep copy of the parameters, for checkpoints. */
  getState(): GmmState {
    this.assertFitted('getState');
    return {
      K: this.K,
      D: this.D,
      N: this.N,
      mu: this.mu.slice(),
      sigma: this.sigma.slice(),
      logmass: this.logmass.slice(),
      mass: this.mass.slice(),
    };
  }

  /** Restore parameters from {@link getState} (copies). */
  setState(s: GmmState): void {
    const { K, D } = s;
    if (
      s.mu.length !== K * D ||
      s.sigma.length !== K * D * D ||
      s.logmass.length !== K ||
      s.mass.length !== K
    ) {
      throw new GmmStateError(`Gmm.setState: arrays do not match K=${K}, D=${D}`, { K, D });
    }
    this.allocParams(K, D);
    this.N = s.N;
    this.mu.set(s.mu);
    this.sigma.set(s.sigma);
    this.logmass.set(s.logmass);
    this.mass.set(s.mass);
    this.fitted = true;
    this.ensureWork(1, D, K);
  }

  private assertFitted(op: string): void {
    if (!this.fitted) throw new GmmStateError(`Gmm.${op}: the mixture has not been fitted`, { op });
  }
}

/** Python's `'%f' % x`: fixed notation with 6 decimals. */
export function formatF(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  return x.toFixed(6);
}
