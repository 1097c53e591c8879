import type { NiwPrior } from '@visuomotor/contracts';
import { InvalidArgumentError, NonFiniteError } from '@visuomotor/contracts';
import { cholesky, Mat } from '@visuomotor/linalg';
import { ClusterCovarianceError, GmmStateError } from './errors.js';
import { logSumExp, npSum } from './numeric.js';
import { type Rng, Xoshiro128 } from './rng.js';
import { type GmmKernels, WasmKernels } from './wasm-kernels.js';

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
  /**
   * Kernels of the E-step substitutions and the M-step scatter: `'auto'` (default) uses
   * WebAssembly SIMD when available and JavaScript otherwise, `'js'` always JavaScript,
   * `'wasm'` always WebAssembly SIMD (throws {@link GmmStateError} when unavailable). Both give
   * bit-identical results.
   */
  kernels?: GmmKernels;
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
  /** See {@link GmmOptions.warmStart}. */
  readonly warmStart: boolean;
  /** See {@link GmmOptions.maxIterations}. */
  readonly maxIterations: number;
  /** The random source of the initial assignment. */
  rng: Rng;
  private readonly logger?: (line: string) => void;
  /** See {@link GmmOptions.kernels}. */
  readonly kernels: GmmKernels;
  private wasm: WasmKernels | null | undefined;
  private cholVersion = 0;
  /** Incremented whenever mu or sigma may have changed (see the wasm uploads). */
  private paramsVersion = 0;
  private momK = new Int32Array(0);
  private momV = new Float64Array(0);
  private momW = new Float64Array(0);

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
  private zb = new Float64Array(0); // [8, D] substitutions of up to eight points
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
    this.kernels = options.kernels ?? 'auto';
    if (this.kernels === 'wasm' && !this.simd()) {
      throw new GmmStateError('Gmm: WebAssembly SIMD kernels are not available here', {
        kernels: 'wasm',
      });
    }
  }

  /** The WebAssembly SIMD kernels in use, or null for the JavaScript kernels. */
  private simd(): WasmKernels | null {
    if (this.wasm === undefined) this.wasm = this.kernels === 'js' ? null : WasmKernels.shared();
    return this.wasm;
  }

  /** True when this mixture runs the WebAssembly SIMD kernels. */
  get usesWasm(): boolean {
    return this.simd() !== null;
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
    const wk = this.simd();
    if (wk) {
      wk.layout(K, D, N);
      wk.uploadPoints(data, N);
    }
    for (let itr = 0; itr < this.maxIterations; itr++) {
      this.estepInto(data, N, this.logobs, wk !== null);
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
    this.paramsVersion++;
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
      const wk = this.simd();
      if (wk) {
        // The centred points as rows of V; Vᵀ V has the same sequential sums.
        wk.layout(K, D, N);
        const f = wk.f64;
        const Dp = D + (D & 1);
        let c = 0;
        for (let p = 0; p < N; p++) {
          if (!all && cidx[p] !== i) continue;
          const po = p * D;
          const ro = wk.vOffset + c * Dp;
          for (let a = 0; a < D; a++) f[ro + a] = data[po + a] - this.mu[mo + a];
          if (Dp > D) f[ro + D] = 0;
          c++;
        }
        const at = wk.scatter(c);
        for (let a = 0; a < D; a++) {
          for (let b = a; b < D; b++) S[so + a * D + b] = f[at + a * Dp + b];
        }
      }
      for (let p = 0; p < N && !wk; p++) {
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
    this.cholVersion++;
  }

  /**
   * Log observation probabilities log(mass_k N(x_p; mu_k, sigma_k)) of `n` points.
   *
   * @param pts - `[n, D]`
   * @param out - `[K, n]` (cluster-major: out[k * n + p]); written
   */
  estep(pts: Float64Array, n: number, out: Float64Array): void {
    this.estepInto(pts, n, out, false);
  }

  /** {@link estep}; `resident`: the points are those of the last `uploadPoints` (wasm only). */
  private estepInto(pts: Float64Array, n: number, out: Float64Array, resident: boolean): void {
    const { K, D } = this;
    if (this.colTmp.length < D) this.colTmp = new Float64Array(Math.max(D, n, K));
    if (this.z.length < D) {
      this.z = new Float64Array(D);
      this.v = new Float64Array(D);
    }
    if (this.zb.length < 8 * D) this.zb = new Float64Array(8 * D);
    this.factor();
    const c0 = -0.5 * D * Math.log(2 * Math.PI);
    const w = this.simd();
    if (w) this.estepWasm(w, resident ? null : pts, n, out, c0);
    else this.estepRows(pts, n, out, c0);
  }

  /** {@link estepRows} with the WebAssembly SIMD substitutions (bit-identical). */
  private estepWasm(
    w: WasmKernels,
    pts: Float64Array | null,
    n: number,
    out: Float64Array,
    c0: number,
  ): void {
    const { K } = this;
    w.layout(K, this.D, n);
    if (!w.hasFactors(this, this.cholVersion)) {
      w.uploadFactors(this, this.chol, this.mu, this.cholVersion);
    }
    const { off, ldx } = w.substitution(pts, n);
    const ss = w.f64;
    for (let k = 0; k < K; k++) {
      const base = c0 - this.halfLogDet[k];
      const lmk = this.logmass[k];
      const ok = k * n;
      const so = off + k * ldx;
      for (let p = 0; p < n; p++) out[ok + p] = base - 0.5 * ss[so + p] + lmk;
    }
  }

  /**
   * Forward substitution z = L⁻¹ (x − mu) and ||z||², eight (then four, then one) points side
   * by side so that their independent recurrences overlap. Per point the operations and their
   * order are those of the plain substitution s = d_i − L_i0 z_0 − L_i1 z_1 − ...,
   * z_i = s / L_ii, ss += z_i² (as scipy's solve_triangular then a sum over rows).
   */
  private estepRows(pts: Float64Array, n: number, out: Float64Array, c0: number): void {
    const { K, D } = this;
    const L = this.chol;
    const z = this.zb; // four rows of D: the substitutions of four points side by side
    const mu = this.mu;
    for (let k = 0; k < K; k++) {
      const lo = k * D * D;
      const mo = k * D;
      const base = c0 - this.halfLogDet[k];
      const lmk = this.logmass[k];
      const ok = k * n;
      let p = 0;
      for (; p + 7 < n; p += 8) {
        const p0 = p * D;
        let ss0 = 0;
        let ss1 = 0;
        let ss2 = 0;
        let ss3 = 0;
        let ss4 = 0;
        let ss5 = 0;
        let ss6 = 0;
        let ss7 = 0;
        for (let i = 0; i < D; i++) {
          const ri = lo + i * D;
          const m = mu[mo + i];
          let s0 = pts[p0 + i] - m;
          let s1 = pts[p0 + D + i] - m;
          let s2 = pts[p0 + 2 * D + i] - m;
          let s3 = pts[p0 + 3 * D + i] - m;
          let s4 = pts[p0 + 4 * D + i] - m;
          let s5 = pts[p0 + 5 * D + i] - m;
          let s6 = pts[p0 + 6 * D + i] - m;
          let s7 = pts[p0 + 7 * D + i] - m;
          for (let j = 0; j < i; j++) {
            const l = L[ri + j];
            const zj = 8 * j;
            s0 -= l * z[zj];
            s1 -= l * z[zj + 1];
            s2 -= l * z[zj + 2];
            s3 -= l * z[zj + 3];
            s4 -= l * z[zj + 4];
            s5 -= l * z[zj + 5];
            s6 -= l * z[zj + 6];
            s7 -= l * z[zj + 7];
          }
          const lii = L[ri + i];
          const zi = 8 * i;
          const z0 = s0 / lii;
          const z1 = s1 / lii;
          const z2 = s2 / lii;
          const z3 = s3 / lii;
          const z4 = s4 / lii;
          const z5 = s5 / lii;
          const z6 = s6 / lii;
          const z7 = s7 / lii;
          z[zi] = z0;
          z[zi + 1] = z1;
          z[zi + 2] = z2;
          z[zi + 3] = z3;
          z[zi + 4] = z4;
          z[zi + 5] = z5;
          z[zi + 6] = z6;
          z[zi + 7] = z7;
          ss0 += z0 * z0;
          ss1 += z1 * z1;
          ss2 += z2 * z2;
          ss3 += z3 * z3;
          ss4 += z4 * z4;
          ss5 += z5 * z5;
          ss6 += z6 * z6;
          ss7 += z7 * z7;
        }
        const o = ok + p;
        out[o] = base - 0.5 * ss0 + lmk;
        out[o + 1] = base - 0.5 * ss1 + lmk;
        out[o + 2] = base - 0.5 * ss2 + lmk;
        out[o + 3] = base - 0.5 * ss3 + lmk;
        out[o + 4] = base - 0.5 * ss4 + lmk;
        out[o + 5] = base - 0.5 * ss5 + lmk;
        out[o + 6] = base - 0.5 * ss6 + lmk;
        out[o + 7] = base - 0.5 * ss7 + lmk;
      }
      for (; p + 3 < n; p += 4) {
        const p0 = p * D;
        const p1 = p0 + D;
        const p2 = p1 + D;
        const p3 = p2 + D;
        let ss0 = 0;
        let ss1 = 0;
        let ss2 = 0;
        let ss3 = 0;
        for (let i = 0; i < D; i++) {
          const ri = lo + i * D;
          const m = mu[mo + i];
          let s0 = pts[p0 + i] - m;
          let s1 = pts[p1 + i] - m;
          let s2 = pts[p2 + i] - m;
          let s3 = pts[p3 + i] - m;
          for (let j = 0; j < i; j++) {
            const l = L[ri + j];
            s0 -= l * z[j];
            s1 -= l * z[D + j];
            s2 -= l * z[2 * D + j];
            s3 -= l * z[3 * D + j];
          }
          const lii = L[ri + i];
          const z0 = s0 / lii;
          const z1 = s1 / lii;
          const z2 = s2 / lii;
          const z3 = s3 / lii;
          z[i] = z0;
          z[D + i] = z1;
          z[2 * D + i] = z2;
          z[3 * D + i] = z3;
          ss0 += z0 * z0;
          ss1 += z1 * z1;
          ss2 += z2 * z2;
          ss3 += z3 * z3;
        }
        out[ok + p] = base - 0.5 * ss0 + lmk;
        out[ok + p + 1] = base - 0.5 * ss1 + lmk;
        out[ok + p + 2] = base - 0.5 * ss2 + lmk;
        out[ok + p + 3] = base - 0.5 * ss3 + lmk;
      }
    }
    // The remaining points (fewer than four), four (point, cluster) pairs side by side.
    const n4 = n - (n % 4);
    if (n4 < n) this.estepPairs(pts, n, out, c0, n4);
  }

  /** E-step of the points [p0, n) against every cluster, four (point, cluster) pairs at a time. */
  private estepPairs(
    pts: Float64Array,
    n: number,
    out: Float64Array,
    c0: number,
    p0: number,
  ): void {
    const { K, D } = this;
    const L = this.chol;
    const z = this.zb;
    const mu = this.mu;
    const hl = this.halfLogDet;
    const lm = this.logmass;
    const total = (n - p0) * K;
    let idx = 0;
    for (; idx + 3 < total; idx += 4) {
      const pa = p0 + Math.floor(idx / K);
      const ka = idx % K;
      const pb = p0 + Math.floor((idx + 1) / K);
      const kb = (idx + 1) % K;
      const pc = p0 + Math.floor((idx + 2) / K);
      const kc = (idx + 2) % K;
      const pd = p0 + Math.floor((idx + 3) / K);
      const kd = (idx + 3) % K;
      const la = ka * D * D;
      const lb = kb * D * D;
      const lc = kc * D * D;
      const ld = kd * D * D;
      let ssa = 0;
      let ssb = 0;
      let ssc = 0;
      let ssd = 0;
      for (let i = 0; i < D; i++) {
        const iD = i * D;
        let sa = pts[pa * D + i] - mu[ka * D + i];
        let sb = pts[pb * D + i] - mu[kb * D + i];
        let sc = pts[pc * D + i] - mu[kc * D + i];
        let sd = pts[pd * D + i] - mu[kd * D + i];
        const ra = la + iD;
        const rb = lb + iD;
        const rc = lc + iD;
        const rd = ld + iD;
        for (let j = 0; j < i; j++) {
          sa -= L[ra + j] * z[j];
          sb -= L[rb + j] * z[D + j];
          sc -= L[rc + j] * z[2 * D + j];
          sd -= L[rd + j] * z[3 * D + j];
        }
        const za = sa / L[ra + i];
        const zb = sb / L[rb + i];
        const zc = sc / L[rc + i];
        const zd = sd / L[rd + i];
        z[i] = za;
        z[D + i] = zb;
        z[2 * D + i] = zc;
        z[3 * D + i] = zd;
        ssa += za * za;
        ssb += zb * zb;
        ssc += zc * zc;
        ssd += zd * zd;
      }
      out[ka * n + pa] = c0 - hl[ka] - 0.5 * ssa + lm[ka];
      out[kb * n + pb] = c0 - hl[kb] - 0.5 * ssb + lm[kb];
      out[kc * n + pc] = c0 - hl[kc] - 0.5 * ssc + lm[kc];
      out[kd * n + pd] = c0 - hl[kd] - 0.5 * ssd + lm[kd];
    }
    for (; idx < total; idx++) {
      const p = p0 + Math.floor(idx / K);
      const k = idx % K;
      const lo = k * D * D;
      const po = p * D;
      const mo = k * D;
      let ss = 0;
      for (let i = 0; i < D; i++) {
        const ri = lo + i * D;
        let s = pts[po + i] - mu[mo + i];
        for (let j = 0; j < i; j++) s -= L[ri + j] * z[j];
        const zi = s / L[ri + i];
        z[i] = zi;
        ss += zi * zi;
      }
      out[k * n + p] = c0 - hl[k] - 0.5 * ss + lm[k];
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
    const wk = this.simd(); // points uploaded by update()
    for (let k = 0; k < K; k++) {
      const wo = k * N;
      const mo = k * D;
      const so = k * D * D;
      if (wk) {
        this.scatterWasm(wk, N, k);
        continue;
      }
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
      // Upper triangle of Vᵀ-products, two rows x four columns at a time (each entry is still a
      // plain sequential sum over the points).
      let a = 0;
      for (; a + 1 < D; a += 2) {
        const va = a * m;
        const vb = va + m;
        // entry (a, a+1) and (a, a) and (a+1, a+1) first
        let saa = 0;
        let sab = 0;
        let sbb = 0;
        for (let r = 0; r < m; r++) {
          const x = vt[va + r];
          const y = vt[vb + r];
          saa += x * x;
          sab += x * y;
          sbb += y * y;
        }
        S[so + a * D + a] = saa;
        S[so + a * D + a + 1] = sab;
        S[so + (a + 1) * D + a + 1] = sbb;
        let b = a + 2;
        for (; b + 3 < D; b += 4) {
          const v0 = b * m;
          const v1 = v0 + m;
          const v2 = v1 + m;
          const v3 = v2 + m;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let t0 = 0;
          let t1 = 0;
          let t2 = 0;
          let t3 = 0;
          for (let r = 0; r < m; r++) {
            const x = vt[va + r];
            const y = vt[vb + r];
            const w0 = vt[v0 + r];
            const w1 = vt[v1 + r];
            const w2 = vt[v2 + r];
            const w3 = vt[v3 + r];
            s0 += x * w0;
            s1 += x * w1;
            s2 += x * w2;
            s3 += x * w3;
            t0 += y * w0;
            t1 += y * w1;
            t2 += y * w2;
            t3 += y * w3;
          }
          const ra = so + a * D + b;
          const rb = ra + D;
          S[ra] = s0;
          S[ra + 1] = s1;
          S[ra + 2] = s2;
          S[ra + 3] = s3;
          S[rb] = t0;
          S[rb + 1] = t1;
          S[rb + 2] = t2;
          S[rb + 3] = t3;
        }
        for (; b < D; b++) {
          const v0 = b * m;
          let s0 = 0;
          let t0 = 0;
          for (let r = 0; r < m; r++) {
            const w0 = vt[v0 + r];
            s0 += vt[va + r] * w0;
            t0 += vt[vb + r] * w0;
          }
          S[so + a * D + b] = s0;
          S[so + (a + 1) * D + b] = t0;
        }
      }
      for (; a < D; a++) {
        const va = a * m;
        for (let b = a; b < D; b++) {
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
    this.paramsVersion++;
    return rebooted;
  }

  /**
   * Mean and covariance of cluster k from the weights in this.logobs (as {@link mstep}): the
   * sqrt(w)-scaled points of nonzero weight as rows of V `[m, Dp]` in wasm memory, Vᵀ V by the
   * SIMD kernel (each entry the same sequential sum over the points).
   */
  private scatterWasm(w: WasmKernels, N: number, k: number): void {
    const D = this.D;
    const Dp = D + (D & 1);
    const mu = this.mu;
    const S = this.sigma;
    const mo = k * D;
    const so = k * D * D;
    const f = w.f64;
    const m = w.weightedPoints(this.logobs, k * N, N);
    const muo = w.muOffset;
    for (let a = 0; a < D; a++) mu[mo + a] = f[muo + a];
    const at = w.scatter(m);
    const reg = this.quirks.covRegularization;
    for (let a = 0; a < D; a++) {
      const ma = mu[mo + a];
      const ro = at + a * Dp;
      for (let b = a; b < D; b++) {
        const val = f[ro + b] - ma * mu[mo + b];
        S[so + a * D + b] = val;
        S[so + b * D + a] = val;
      }
      S[so + a * D + a] += reg;
    }
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
    const S = this.sigma;
    mu0.fill(0);
    for (let k = 0; k < K; k++) {
      const w = Math.exp(logwts[k]);
      for (let a = 0; a < D; a++) mu0[a] += this.mu[k * D + a] * w;
    }
    // Upper triangle, mirrored: the covariances are exactly symmetric, so each mirrored entry
    // equals the one the full sum would give. A cluster of weight exactly 0 adds exactly 0.
    const wk = this.simd();
    if (wk) {
      this.momentsWasm(wk, logwts, mu0, Phi);
      return;
    }
    Phi.fill(0);
    for (let k = 0; k < K; k++) {
      const w = Math.exp(logwts[k]);
      if (w === 0) continue;
      const mo = k * D;
      const so = k * D * D;
      for (let a = 0; a < D; a++) v[a] = this.mu[mo + a] - mu0[a];
      for (let a = 0; a < D; a++) {
        const va = v[a];
        const ro = a * D;
        for (let b = a; b < D; b++) Phi[ro + b] += (S[so + ro + b] + va * v[b]) * w;
      }
    }
    for (let a = 0; a < D; a++) for (let b = a + 1; b < D; b++) Phi[b * D + a] = Phi[a * D + b];
  }

  /** The Phi of {@link moments} by the SIMD kernel (same sums, same order). */
  private momentsWasm(
    w: WasmKernels,
    logwts: Float64Array,
    mu0: Float64Array,
    Phi: Float64Array,
  ): void {
    const { K, D } = this;
    w.layout(K, D, 1);
    if (!w.hasSigma(this, this.paramsVersion)) {
      w.uploadSigma(this, this.sigma, this.paramsVersion);
    }
    if (this.momK.length < K) {
      this.momK = new Int32Array(K);
      this.momW = new Float64Array(K);
      this.momV = new Float64Array(K * D);
    }
    const ks = this.momK;
    const ws = this.momW;
    const vs = this.momV;
    let nk = 0;
    for (let k = 0; k < K; k++) {
      const wt = Math.exp(logwts[k]);
      if (wt === 0) continue;
      ks[nk] = k;
      ws[nk] = wt;
      for (let a = 0; a < D; a++) vs[nk * D + a] = this.mu[k * D + a] - mu0[a];
      nk++;
    }
    const at = w.moments(ks, vs, ws, nk);
    const f = w.f64;
    const Dp = D + (D & 1);
    for (let a = 0; a < D; a++) {
      const ro = at + a * Dp;
      for (let b = a; b < D; b++) {
        const val = f[ro + b];
        Phi[a * D + b] = val;
        Phi[b * D + a] = val;
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
