/**
 * The supervised phase of guided policy search on TensorFlow.js (paper Section 4.1 and
 * Appendix A.2; cbfinn/gps `PolicyOptTf`).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  assertShape,
  InvalidArgumentError,
  NonFiniteError,
  type PolicyOptimizer,
  type PolicyProb,
  type PolicyTargets,
  type PolicyUpdateReport,
} from '@visuomotor/contracts';
import { type AdamState, HostAdam } from './adam.js';
import { type BackendOptions, initBackend } from './backend.js';
import { NetworkConfigError } from './errors.js';
import {
  type ExportOptions,
  exportPolicy,
  type PolicyFile,
  type PolicySnapshot,
  snapshotPolicy,
} from './io.js';
import { buildNetwork, type NetworkConfig, type PolicyNetwork, VisuomotorCnn } from './networks.js';
import {
  normalizeRows,
  type ObsNormalization,
  type PolicyState,
  policyProb,
  TfPolicy,
} from './policy.js';
import { Rng } from './rng.js';

/** Options of {@link PolicyOptimizerTf}; defaults are cbfinn/gps `POLICY_OPT_TF`. */
export interface PolicyOptTfOptions {
  /** The network, e.g. `mlp({ hidden: [40, 40] })` or `visuomotorCnn({ image: ... })`. */
  network: NetworkConfig;
  /** Adam steps per update (default 20000). */
  iterations?: number;
  /** Minibatch size (default 25). */
  batchSize?: number;
  /** Adam learning rate (default 0.001). */
  lr?: number;
  /** Adam β1 (the reference's `momentum`, default 0.9). */
  beta1?: number;
  /** Adam β2 (default 0.999). */
  beta2?: number;
  /** Adam ε (default 1e-8, TensorFlow's). */
  epsilon?: number;
  /** L2 weight decay λ: the loss gains λ Σ ||θ||² / 2 over kernels and biases (default 0.005). */
  weightDecay?: number;
  /** Policy variance before the first update (default 0.1). */
  initVar?: number;
  /** Entropy regulariser of the closed-form covariance (default 0). */
  entReg?: number;
  /** Seed of the weight initialisation and the minibatch order (default 0). */
  seed?: number;
  /** Sample weights are clipped at `weightClip` times their robust median (default 2). */
  weightClip?: number;
  /** Weights at or below this (after renormalisation) are left out of the robust median (default 1e-2). */
  weightMedianFloor?: number;
  /**
   * Steps that train only the fully connected head on cached head inputs (feature points and
   * state) before the full training, with their own Adam moments (the reference's
   * `fc_only_iterations`; default 0). Ignored for networks without a separate head (MLPs).
   */
  fcOnlyIterations?: number;
  /**
   * Adam learning rate of the weights outside the fully connected head (the convolutions and
   * the spatial softmax's temperature) in the steps through the whole network (default: `lr`).
   * A smaller value fine-tunes pretrained convolutions: Adam moves every weight by about its
   * learning rate per step whatever the size of its gradient, so a few hundred steps at the
   * head's rate can undo pose pretraining. Ignored for networks without a separate head (MLPs).
   */
  convLr?: number;
  /**
   * Initial first-layer filters of a visuomotor CNN (e.g. pretrained ones): kernel
   * `[k, k, C, F]` (HWIO, row-major) and optional bias `[F]`. Applied once, at construction.
   */
  firstLayer?: { kernel: ArrayLike<number>; bias?: ArrayLike<number> };
}

/** Everything besides the policy that a bit-identical resume of training needs. */
export interface TrainingState {
  version: 1;
  /** Adam steps so far. */
  tfIter: number;
  /** Options in effect (the network is stored with the policy). */
  options: Required<Omit<PolicyOptTfOptions, 'network' | 'firstLayer'>>;
  /** State of the generator of minibatch orders. */
  rng: [number, number | null];
  /** The main optimiser (null before its first step). */
  adam: AdamState | null;
  /** The head-only optimiser of `fcOnlyIterations` (null if unused). */
  fcAdam: AdamState | null;
}

/** The weights actually used by an update, after the reference's rescaling. */
export interface NormalizedWeights {
  /** `[N*T]`: w * NT / Σw, clipped at `weightClip` * median, divided by the median. */
  wt: Float64Array;
  /** The robust median (of the renormalised weights above `weightMedianFloor`). */
  median: number;
}

/**
 * Rescale sample weights as cbfinn/gps `PolicyOptTf.update`: w ← w · NT / Σw; m = median of the
 * entries above `floor`; w ← min(w, clip · m) / m (so the robust median is 1).
 *
 * @param tgtWt - `[N*T]` non-negative weights (not modified)
 */
export function normalizeWeights(tgtWt: Float64Array, clip = 2, floor = 1e-2): NormalizedWeights {
  const n = tgtWt.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += tgtWt[i];
  if (!(sum > 0)) throw new InvalidArgumentError('tgtWt', 'a positive sum', sum);
  const wt = new Float64Array(n);
  for (let i = 0; i < n; i++) wt[i] = (tgtWt[i] * n) / sum;
  const above = Array.from(wt).filter((w) => w > floor);
  if (above.length === 0) {
    throw new InvalidArgumentError('tgtWt', `some weights above ${floor} after renormalisation`, 0);
  }
  above.sort((a, b) => a - b);
  const m = above.length >> 1;
  const median = above.length % 2 ? above[m] : 0.5 * (above[m - 1] + above[m]);
  for (let i = 0; i < n; i++) wt[i] = Math.min(wt[i], clip * median) / median;
  return { wt, median };
}

/**
 * Closed-form diagonal covariance of Appendix A.2 as the reference computes it:
 * A = (Σ_nt C_nt⁻¹ + 2 NT·entReg·11ᵀ) / Σ_nt w_nt, var = 1 / diag(A), with the unweighted target
 * precisions and the rescaled weights.
 *
 * @param tgtPrc - `[NT, dU, dU]`
 * @param wt - `[NT]` rescaled weights ({@link normalizeWeights})
 * @returns var `[dU]`
 */
export function closedFormVariance(
  tgtPrc: Float64Array,
  wt: Float64Array,
  dU: number,
  entReg = 0,
): Float64Array {
  const NT = wt.length;
  let wsum = 0;
  for (let i = 0; i < NT; i++) wsum += wt[i];
  const v = new Float64Array(dU);
  for (let i = 0; i < dU; i++) {
    let a = 0;
    for (let nt = 0; nt < NT; nt++) a += tgtPrc[nt * dU * dU + i * dU + i];
    a += 2 * NT * entReg;
    v[i] = wsum / a;
    if (!(v[i] > 0) || !Number.isFinite(v[i])) {
      throw new NonFiniteError(`closed-form policy variance of action ${i} is ${v[i]}`, {
        action: i,
        diagSum: a,
        weightSum: wsum,
      });
    }
  }
  return v;
}

/** Obs normalisation of the reference: scale = 1/max(std, 1e-3), bias = -mean * scale. */
export function fitNormalization(
  obs: Float64Array,
  rows: number,
  dO: number,
  idx: readonly number[],
): ObsNormalization {
  const k = idx.length;
  const mean = new Float64Array(k);
  const sq = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const o = r * dO;
    for (let j = 0; j < k; j++) mean[j] += obs[o + idx[j]];
  }
  for (let j = 0; j < k; j++) mean[j] /= rows;
  for (let r = 0; r < rows; r++) {
    const o = r * dO;
    for (let j = 0; j < k; j++) {
      const d = obs[o + idx[j]] - mean[j];
      sq[j] += d * d;
    }
  }
  const scale = new Float64Array(k);
  const bias = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    scale[j] = 1 / Math.max(Math.sqrt(sq[j] / rows), 1e-3);
    bias[j] = -mean[j] * scale[j];
  }
  return { idx: [...idx], scale, bias };
}

function checkFinite(field: string, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new NonFiniteError(`${field}[${i}] is ${a[i]}`, { field, index: i, value: a[i] });
    }
  }
}

function positiveInt(field: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(field, 'a positive integer', v);
  return v;
}

function nonNegative(field: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v))
    throw new InvalidArgumentError(field, 'a finite number >= 0', v);
  return v;
}

/**
 * {@link PolicyOptimizer} on TensorFlow.js: regresses a network onto the controllers'
 * actions by minimising Σ_b (u*_b − mu(o_b))ᵀ w_b C_b⁻¹ (u*_b − mu(o_b)) / (2B) + λ Σ||θ||²/2 with
 * Adam on minibatches, then sets the diagonal covariance in closed form. Create with
 * {@link createPolicyOptimizer} (which initialises the backend).
 */
export class PolicyOptimizerTf implements PolicyOptimizer {
  readonly dO: number;
  readonly dU: number;
  /** The network (its weights are trained in place). */
  readonly net: PolicyNetwork;
  /** Shared with {@link asPolicy} views. */
  readonly state: PolicyState;
  /** Total Adam steps taken so far. */
  tfIter = 0;
  private readonly opts: Required<Omit<PolicyOptTfOptions, 'network' | 'firstLayer'>>;
  private readonly optimizer: HostAdam;
  private fcOptimizer: HostAdam | undefined;
  private readonly rng: Rng;
  private disposed = false;

  /** Build on an initialised backend (see {@link createPolicyOptimizer}). */
  constructor(
    dO: number,
    dU: number,
    options: PolicyOptTfOptions,
    net?: PolicyNetwork,
    restore?: Pick<PolicyState, 'norm' | 'variance'>,
  ) {
    this.dO = positiveInt('dO', dO);
    this.dU = positiveInt('dU', dU);
    const o = {
      iterations: options.iterations ?? 20000,
      batchSize: options.batchSize ?? 25,
      lr: options.lr ?? 0.001,
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      epsilon: options.epsilon ?? 1e-8,
      weightDecay: options.weightDecay ?? 0.005,
      initVar: options.initVar ?? 0.1,
      entReg: options.entReg ?? 0,
      seed: options.seed ?? 0,
      weightClip: options.weightClip ?? 2,
      weightMedianFloor: options.weightMedianFloor ?? 1e-2,
      fcOnlyIterations: options.fcOnlyIterations ?? 0,
      convLr: options.convLr ?? options.lr ?? 0.001,
    };
    const { firstLayer } = options;
    if (!Number.isInteger(o.fcOnlyIterations) || o.fcOnlyIterations < 0) {
      throw new InvalidArgumentError('fcOnlyIterations', 'an integer >= 0', o.fcOnlyIterations);
    }
    nonNegative('iterations', o.iterations);
    if (!Number.isInteger(o.iterations))
      throw new InvalidArgumentError('iterations', 'an integer', o.iterations);
    positiveInt('batchSize', o.batchSize);
    if (!(o.lr > 0)) throw new InvalidArgumentError('lr', 'a positive number', o.lr);
    if (!(o.convLr > 0 && Number.isFinite(o.convLr))) {
      throw new InvalidArgumentError('convLr', 'a positive number', o.convLr);
    }
    nonNegative('weightDecay', o.weightDecay);
    if (!(o.initVar > 0)) throw new InvalidArgumentError('initVar', 'a positive number', o.initVar);
    nonNegative('entReg', o.entReg);
    if (!(o.weightClip > 0))
      throw new InvalidArgumentError('weightClip', 'a positive number', o.weightClip);
    this.opts = o;
    this.rng = new Rng(o.seed);
    this.net = net ?? buildNetwork(options.network, dO, dU, this.rng.nextSeed());
    if (firstLayer) {
      try {
        if (!(this.net instanceof VisuomotorCnn)) {
          throw new NetworkConfigError(
            'firstLayer: only a visuomotor CNN has first-layer filters',
            {
              kind: this.net.config.kind,
            },
          );
        }
        this.net.setFirstLayer(firstLayer.kernel, firstLayer.bias);
      } catch (e) {
        if (!net) this.net.dispose();
        throw e;
      }
    }
    if (this.net.dO !== dO || this.net.dU !== dU) {
      throw new InvalidArgumentError('net', `a network for dO=${dO}, dU=${dU}`, {
        dO: this.net.dO,
        dU: this.net.dU,
      });
    }
    this.state = {
      net: this.net,
      norm: null,
      variance: new Float64Array(dU).fill(o.initVar),
    };
    if (restore) {
      this.state.norm = restore.norm;
      this.state.variance = Float64Array.from(restore.variance);
    }
    this.optimizer = new HostAdam(this.net.weights, {
      ...this.adamConfig(),
      lrScales: this.wholeNetworkLrScales(),
    });
  }

  /**
   * Multipliers of `lr` for the whole-network optimiser: 1 on the head's weights, `convLr / lr`
   * on the others (undefined when they are all 1).
   */
  private wholeNetworkLrScales(): number[] | undefined {
    const { head, weights } = this.net;
    const { lr, convLr } = this.opts;
    if (!head || convLr === lr) return undefined;
    const inHead = new Set(head.weights.map((w) => w.name));
    return weights.map((w) => (inHead.has(w.name) ? 1 : convLr / lr));
  }

  private adamConfig() {
    const o = this.opts;
    return {
      lr: o.lr,
      beta1: o.beta1,
      beta2: o.beta2,
      epsilon: o.epsilon,
      weightDecay: o.weightDecay,
    };
  }

  /** Options in effect. */
  get options(): Readonly<Required<Omit<PolicyOptTfOptions, 'network' | 'firstLayer'>>> {
    return this.opts;
  }

  /** Observation normalisation (null before the first update). */
  get normalization(): ObsNormalization | null {
    return this.state.norm;
  }

  /** Diagonal of the policy covariance `[dU]`. */
  get variance(): Float64Array {
    return this.state.variance;
  }

  /**
   * Adam moments, step counts and the minibatch generator's state: with the exported policy,
   * what resuming needs to continue exactly as an uninterrupted run.
   */
  getTrainingState(): TrainingState {
    this.checkAlive();
    return {
      version: 1,
      tfIter: this.tfIter,
      options: { ...this.opts },
      rng: this.rng.getState(),
      adam: this.optimizer.iterations > 0 ? this.optimizer.getState() : null,
      fcAdam: this.fcOptimizer ? this.fcOptimizer.getState() : null,
    };
  }

  /** Restore {@link getTrainingState} (on an optimiser with the same network architecture). */
  setTrainingState(st: TrainingState): void {
    this.checkAlive();
    if (st.version !== 1) throw new InvalidArgumentError('trainingState.version', '1', st.version);
    this.tfIter = st.tfIter;
    this.rng.setState(st.rng);
    if (st.adam) this.optimizer.setState(st.adam);
    if (st.fcAdam && this.net.head) {
      this.fcOptimizer ??= new HostAdam(this.net.head.weights, this.adamConfig());
      this.fcOptimizer.setState(st.fcAdam);
    }
  }

  /** Set the entropy regulariser used by the next covariance update. */
  setEntReg(entReg: number): void {
    this.opts.entReg = nonNegative('entReg', entReg);
  }

  /**
   * Regress onto `targets` (`iterations` Adam steps) and set the covariance in closed form.
   *
   * @throws ShapeError, NonFiniteError, InvalidArgumentError for bad targets
   */
  update(targets: PolicyTargets): PolicyUpdateReport {
    this.checkAlive();
    const t0 = performance.now();
    const { N, T, obs, tgtMu, tgtPrc, tgtWt } = targets;
    positiveInt('targets.N', N);
    positiveInt('targets.T', T);
    const { dO, dU } = this;
    if (targets.dO !== dO) throw new InvalidArgumentError('targets.dO', `${dO}`, targets.dO);
    if (targets.dU !== dU) throw new InvalidArgumentError('targets.dU', `${dU}`, targets.dU);
    assertShape('targets.obs', obs, [N, T, dO]);
    assertShape('targets.tgtMu', tgtMu, [N, T, dU]);
    assertShape('targets.tgtPrc', tgtPrc, [N, T, dU, dU]);
    assertShape('targets.tgtWt', tgtWt, [N, T]);
    checkFinite('targets.obs', obs);
    checkFinite('targets.tgtMu', tgtMu);
    checkFinite('targets.tgtPrc', tgtPrc);
    checkFinite('targets.tgtWt', tgtWt);
    for (let i = 0; i < tgtWt.length; i++) {
      if (tgtWt[i] < 0) {
        throw new InvalidArgumentError(`targets.tgtWt[${i}]`, 'a non-negative weight', tgtWt[i]);
      }
    }
    const NT = N * T;
    const { wt } = normalizeWeights(tgtWt, this.opts.weightClip, this.opts.weightMedianFloor);

    if (!this.state.norm) this.state.norm = fitNormalization(obs, NT, dO, this.net.stateIdx);
    const norm = this.state.norm;

    const B = Math.min(this.opts.batchSize, NT);
    const perEpoch = Math.floor(NT / B);
    const order = this.rng.shuffle(Int32Array.from({ length: NT }, (_, i) => i));
    const obsBuf = new Float32Array(B * dO);
    const muBuf = new Float32Array(B * dU);
    const prcBuf = new Float32Array(B * dU * dU);
    const headOnly =
      this.opts.fcOnlyIterations > 0 && this.net.head
        ? this.trainHeadOnly(obs, NT, order, perEpoch, B, tgtMu, tgtPrc, wt)
        : undefined;
    const iters = this.opts.iterations;
    const tail = Math.min(10, iters);
    let initialLoss = Number.NaN;
    let tailSum = 0;

    for (let it = 0; it < iters; it++) {
      const start = (it * B) % (perEpoch * B);
      normalizeRows(obs, dO, norm, obsBuf, B, start, order);
      for (let r = 0; r < B; r++) {
        const s = order[start + r];
        for (let k = 0; k < dU; k++) muBuf[r * dU + k] = tgtMu[s * dU + k];
        const w = wt[s];
        const po = s * dU * dU;
        for (let k = 0; k < dU * dU; k++) prcBuf[r * dU * dU + k] = w * tgtPrc[po + k];
      }
      // Read the loss at the start, every 50 steps (divergence shows early, with its step) and
      // over the last `tail` steps (the reported final loss).
      const report = it === 0 || it >= iters - tail || (it + 1) % 50 === 0;
      const v = this.trainStep(obsBuf, muBuf, prcBuf, B, report);
      if (report) {
        if (!Number.isFinite(v)) {
          throw new NonFiniteError(`policy loss is ${v} at step ${it}`, { step: it, loss: v });
        }
        if (it === 0) initialLoss = v;
        if (it >= iters - tail) tailSum += v;
      }
    }
    this.tfIter += iters;
    this.state.variance = closedFormVariance(tgtPrc, wt, dU, this.opts.entReg);
    return {
      steps: iters,
      initialLoss,
      finalLoss: iters > 0 ? tailSum / tail : Number.NaN,
      ms: performance.now() - t0,
      ...(headOnly ? { headOnly } : {}),
    };
  }

  /**
   * The reference's fc-only phase: cache the head inputs of all samples, train the head on
   * them. Returns the steps and the loss at the first step and over the last 10.
   */
  private trainHeadOnly(
    obs: Float64Array,
    NT: number,
    order: Int32Array,
    perEpoch: number,
    B: number,
    tgtMu: Float64Array,
    tgtPrc: Float64Array,
    wt: Float64Array,
  ): { steps: number; initialLoss: number; finalLoss: number } | undefined {
    const head = this.net.head;
    if (!head) return undefined;
    const { dO, dU } = this;
    const norm = this.state.norm;
    const chunk = 16;
    const buf = new Float32Array(chunk * dO);
    let feats: Float32Array | undefined;
    let dF = 0;
    for (let r0 = 0; r0 < NT; r0 += chunk) {
      const rows = Math.min(chunk, NT - r0);
      normalizeRows(obs, dO, norm, buf, rows, r0);
      const f = tf.tidy(() => head.input(tf.tensor2d(buf.subarray(0, rows * dO), [rows, dO])));
      dF = f.shape[1];
      feats ??= new Float32Array(NT * dF);
      feats.set(f.dataSync(), r0 * dF);
      f.dispose();
    }
    if (!feats) return undefined;
    this.fcOptimizer ??= new HostAdam(head.weights, this.adamConfig());
    const fcOpt = this.fcOptimizer;
    const vars = head.weights.map((w) => w.variable);
    const fBuf = new Float32Array(B * dF);
    const muBuf = new Float32Array(B * dU);
    const prcBuf = new Float32Array(B * dU * dU);
    const iters = this.opts.fcOnlyIterations;
    const tail = Math.min(10, iters);
    let initialLoss = Number.NaN;
    let tailSum = 0;
    for (let it = 0; it < iters; it++) {
      const start = (it * B) % (perEpoch * B);
      for (let r = 0; r < B; r++) {
        const s = order[start + r];
        fBuf.set(feats.subarray(s * dF, (s + 1) * dF), r * dF);
        for (let k = 0; k < dU; k++) muBuf[r * dU + k] = tgtMu[s * dU + k];
        for (let k = 0; k < dU * dU; k++) prcBuf[r * dU * dU + k] = wt[s] * tgtPrc[s * dU * dU + k];
      }
      // The loss is read (a wait for the backend) only at the first and the last steps.
      const report = it === 0 || it >= iters - tail;
      const v = tf.tidy(() => {
        const x = tf.tensor2d(fBuf, [B, dF]);
        const mu = tf.tensor2d(muBuf, [B, dU]);
        const p = tf.tensor3d(prcBuf, [B, dU, dU]);
        const { value, grads } = tf.variableGrads(
          () => this.quadLoss(head.forward(x), mu, p),
          vars,
        );
        fcOpt.step(vars.map((w) => grads[w.name].dataSync()));
        return report ? value.dataSync()[0] : 0;
      });
      if (report) {
        if (!Number.isFinite(v)) {
          throw new NonFiniteError(`policy head-only loss is ${v} at step ${it}`, {
            step: it,
            loss: v,
          });
        }
        if (it === 0) initialLoss = v;
        if (it >= iters - tail) tailSum += v;
      }
    }
    this.tfIter += iters;
    return { steps: iters, initialLoss, finalLoss: tailSum / tail };
  }

  /**
   * One Adam step on a prepared minibatch (what {@link update} repeats; exposed for
   * benchmarks and custom schedules).
   *
   * @param obs - `[B, dO]` float32, state entries already normalised
   * @param tgtMu - `[B, dU]`
   * @param prc - `[B, dU, dU]` precisions with the sample weights folded in
   * @param readLoss - return the objective (loss + weight decay) before the step; otherwise NaN
   *   (reading it waits for the backend)
   */
  trainStep(
    obs: Float32Array,
    tgtMu: Float32Array,
    prc: Float32Array,
    B: number,
    readLoss = false,
  ): number {
    const { dO, dU } = this;
    const vars = this.net.weights.map((w) => w.variable);
    let loss = Number.NaN;
    tf.tidy(() => {
      const o = tf.tensor2d(obs.subarray(0, B * dO), [B, dO]);
      const mu = tf.tensor2d(tgtMu.subarray(0, B * dU), [B, dU]);
      const p = tf.tensor3d(prc.subarray(0, B * dU * dU), [B, dU, dU]);
      const { value, grads } = tf.variableGrads(() => this.dataLoss(o, mu, p), vars);
      // Weight decay enters in the update (λθ added to the gradient on the host).
      const sq = this.optimizer.step(vars.map((v) => grads[v.name].dataSync()));
      if (readLoss) loss = value.dataSync()[0] + (this.opts.weightDecay / 2) * sq;
    });
    return loss;
  }

  /** Precision-weighted quadratic loss of one minibatch: Σ_b d_bᵀ P_b d_b / (2B), d = u* − mu(o). */
  private dataLoss(obs: tf.Tensor2D, tgtMu: tf.Tensor2D, prc: tf.Tensor3D): tf.Scalar {
    return this.quadLoss(this.net.forward(obs), tgtMu, prc);
  }

  /** Σ_b (u*_b − mu_b)ᵀ P_b (u*_b − mu_b) / (2B). */
  private quadLoss(pred: tf.Tensor2D, tgtMu: tf.Tensor2D, prc: tf.Tensor3D): tf.Scalar {
    const B = pred.shape[0];
    const diff = tf.sub(tgtMu, pred); // [B, dU]
    const dP = tf.matMul(tf.expandDims(diff, 1) as tf.Tensor3D, prc); // [B, 1, dU]
    return tf.div(tf.sum(tf.mul(tf.reshape(dP, diff.shape), diff)), 2 * B) as tf.Scalar;
  }

  /**
   * Data loss Σ w (u* − mu)ᵀ C⁻¹ (u* − mu) / (2 NT) of the current network on `targets`
   * (rescaled weights, no weight decay), for diagnostics.
   */
  loss(targets: PolicyTargets): number {
    const { N, T, tgtMu, tgtPrc, tgtWt } = targets;
    const NT = N * T;
    const { dU } = this;
    const { wt } = normalizeWeights(tgtWt, this.opts.weightClip, this.opts.weightMedianFloor);
    const mu = policyProb(this.state, targets.obs, N, T).mu;
    let s = 0;
    for (let nt = 0; nt < NT; nt++) {
      for (let i = 0; i < dU; i++) {
        const di = tgtMu[nt * dU + i] - mu[nt * dU + i];
        for (let j = 0; j < dU; j++) {
          s +=
            wt[nt] *
            di *
            tgtPrc[nt * dU * dU + i * dU + j] *
            (tgtMu[nt * dU + j] - mu[nt * dU + j]);
        }
      }
    }
    return s / (2 * NT);
  }

  /**
   * The policy's action distribution at observations `[N, T, dO]` (batched forward passes;
   * `N = 0` gives empty arrays).
   */
  prob(obs: Float64Array, N: number, T: number): PolicyProb {
    this.checkAlive();
    for (const [f, v] of [
      ['N', N],
      ['T', T],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(f, 'an integer >= 0', v);
    }
    return policyProb(this.state, obs, N, T);
  }

  /** A live {@link TfPolicy} view: it follows later updates of this optimiser. */
  asPolicy(): TfPolicy {
    this.checkAlive();
    return new TfPolicy(this.state, false);
  }

  /**
   * Write the current policy to `dir`: `model.json` + `weights.bin` (TensorFlow.js model format)
   * and `policy.json` (architecture, normalisation, covariance); with `trainingState: true` also
   * the optimiser's state for an exact resume. Load it with {@link loadPolicy} (to run it) or
   * {@link loadPolicyOptimizer} (to train on).
   */
  exportPolicy(dir: string, options: ExportOptions = {}): Promise<PolicyFile> {
    this.checkAlive();
    return exportPolicy(dir, this, options);
  }

  /**
   * The current policy as plain data (weights, normalisation, covariance) for rollout workers:
   * `policyFromSnapshot(snapshot)` rebuilds it synchronously on the other side.
   */
  snapshot(): PolicySnapshot {
    this.checkAlive();
    return snapshotPolicy(this.state);
  }

  /** Release the network's variables. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.net.dispose();
  }

  private checkAlive(): void {
    if (this.disposed)
      throw new InvalidArgumentError('PolicyOptimizerTf', 'a live optimiser', 'disposed');
  }
}

/**
 * Initialise the backend (see {@link initBackend}) and build a {@link PolicyOptimizerTf}.
 *
 * @example
 * ```ts
 * const opt = await createPolicyOptimizer(dO, dU, { network: mlp({ hidden: [40, 40] }), iterations: 2000 });
 * const report = opt.update({ N, T, dO, dU, obs, tgtMu, tgtPrc, tgtWt });
 * ```
 */
export async function createPolicyOptimizer(
  dO: number,
  dU: number,
  options: PolicyOptTfOptions,
  backend: BackendOptions = {},
): Promise<PolicyOptimizerTf> {
  await initBackend(backend);
  return new PolicyOptimizerTf(dO, dU, options);
}
