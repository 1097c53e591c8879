/**
 * A trained neural policy pi(u | o) = N(mu_theta(o), diag(var)) for rollouts and evaluation,
 * independent of the optimiser (an optimiser's live view or a policy loaded from disk).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  assertShape,
  InvalidArgumentError,
  NonFiniteError,
  type Policy,
  type PolicyProb,
  ShapeError,
} from '@visuomotor/contracts';
import type { PolicyNetwork, VisuomotorCnn } from './networks.js';

/**
 * Observation normalisation o' = o * scale + bias on the robot-state entries (`idx`); image
 * entries pass through unchanged. Fitted once, on the first policy update.
 */
export interface ObsNormalization {
  /** Observation entries normalised, ascending. */
  idx: number[];
  /** `[idx.length]` */
  scale: Float64Array;
  /** `[idx.length]` */
  bias: Float64Array;
}

/** What a policy needs besides its network; shared (and mutated) by the optimiser. */
export interface PolicyState {
  net: PolicyNetwork;
  /** `null` until the first update: observations are used as they are. */
  norm: ObsNormalization | null;
  /** Diagonal of the action covariance `[dU]`. */
  variance: Float64Array;
}

/**
 * Copy `rows` observations of length `dO` from `src` (starting at row `srcRow`, or at the rows
 * listed in `rowIdx`) into `dst` as float32, normalising the state entries.
 */
export function normalizeRows(
  src: Float64Array | Float32Array,
  dO: number,
  norm: ObsNormalization | null,
  dst: Float32Array,
  rows: number,
  srcRow = 0,
  rowIdx?: ArrayLike<number>,
): void {
  for (let r = 0; r < rows; r++) {
    const s = (rowIdx ? rowIdx[srcRow + r] : srcRow + r) * dO;
    const d = r * dO;
    for (let k = 0; k < dO; k++) dst[d + k] = src[s + k];
    if (norm) {
      const { idx, scale, bias } = norm;
      for (let j = 0; j < idx.length; j++) {
        dst[d + idx[j]] = src[s + idx[j]] * scale[j] + bias[j];
      }
    }
  }
}

/** Default rows per forward pass when evaluating many observations. */
export function defaultEvalBatch(net: PolicyNetwork): number {
  return net.config.kind === 'mlp' ? 1024 : 16;
}

/**
 * Mean actions at observations `[B, dO]` → `[B, dU]` (float64), in chunks of `chunk` rows.
 */
export function meanActions(
  state: PolicyState,
  obs: Float64Array | Float32Array,
  B: number,
  chunk = defaultEvalBatch(state.net),
): Float64Array {
  const { net, norm } = state;
  const { dO, dU } = net;
  const out = new Float64Array(B * dU);
  const buf = new Float32Array(Math.min(chunk, B) * dO);
  for (let r0 = 0; r0 < B; r0 += chunk) {
    const rows = Math.min(chunk, B - r0);
    normalizeRows(obs, dO, norm, buf, rows, r0);
    const mu = tf.tidy(() => net.forward(tf.tensor2d(buf.subarray(0, rows * dO), [rows, dO])));
    const v = mu.dataSync();
    mu.dispose();
    for (let i = 0; i < rows * dU; i++) out[r0 * dU + i] = v[i];
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new NonFiniteError(`policy mean is not finite at row ${Math.floor(i / dU)}`, {
        row: Math.floor(i / dU),
        action: i % dU,
        value: out[i],
      });
    }
  }
  return out;
}

/** The Gaussian of {@link PolicyProb} for observations `[N, T, dO]`. */
export function policyProb(
  state: PolicyState,
  obs: Float64Array,
  N: number,
  T: number,
): PolicyProb {
  const { dO, dU } = state.net;
  assertShape('obs', obs, [N, T, dO]);
  const mu = meanActions(state, obs, N * T);
  const v = state.variance;
  const sigma = new Float64Array(N * T * dU * dU);
  const prec = new Float64Array(N * T * dU * dU);
  const detSigma = new Float64Array(N * T);
  let det = 1;
  for (let i = 0; i < dU; i++) det *= v[i];
  for (let nt = 0; nt < N * T; nt++) {
    const o = nt * dU * dU;
    for (let i = 0; i < dU; i++) {
      sigma[o + i * dU + i] = v[i];
      prec[o + i * dU + i] = 1 / v[i];
    }
    detSigma[nt] = det;
  }
  return { mu, sigma, prec, detSigma };
}

/**
 * A neural policy u = mu_theta(o) + chol(Sigma)ᵀ ε with a diagonal Sigma: implements the agents'
 * {@link Policy} contract (synchronous `act`), plus batched means and distributions.
 */
export class TfPolicy implements Policy {
  readonly dU: number;
  readonly dO: number;
  private readonly row: Float32Array;

  constructor(
    /** Shared state: an optimiser's live state, or a loaded snapshot. */
    readonly state: PolicyState,
    private readonly owns = false,
  ) {
    this.dU = state.net.dU;
    this.dO = state.net.dO;
    this.row = new Float32Array(this.dO);
  }

  /**
   * u = mu(obs) + sqrt(var) ⊙ noise.
   *
   * @param _x - state `[dX]` (unused: the policy sees observations only)
   * @param obs - observation `[dO]` (images channels first, see the package README)
   * @param _t - time step (unused)
   * @param noise - standard normal `[dU]`
   * @param out - action `[dU]` (written)
   */
  act(
    _x: Float64Array,
    obs: Float64Array,
    _t: number,
    noise: Float64Array,
    out: Float64Array,
  ): void {
    const { net, norm, variance } = this.state;
    if (!obs || obs.length !== this.dO) throw new ShapeError('obs', [this.dO], obs?.length);
    if (!out || out.length !== this.dU) throw new ShapeError('out', [this.dU], out?.length);
    normalizeRows(obs, this.dO, norm, this.row, 1);
    const mu = tf.tidy(() => net.forward(tf.tensor2d(this.row, [1, this.dO])));
    const m = mu.dataSync();
    mu.dispose();
    for (let i = 0; i < this.dU; i++) {
      const e = noise ? noise[i] : 0;
      out[i] = m[i] + Math.sqrt(variance[i]) * e;
      if (!Number.isFinite(out[i])) {
        throw new NonFiniteError(`policy action ${i} is not finite`, { action: i, value: out[i] });
      }
    }
  }

  /** Mean actions `[B, dU]` at observations `[B, dO]`. */
  mean(obs: Float64Array | Float32Array, B: number): Float64Array {
    assertShape('obs', obs, [B, this.dO]);
    return meanActions(this.state, obs, B);
  }

  /**
   * Feature points of a visuomotor CNN policy at observations `[B, dO]`: `[B, 2F]`, interleaved
   * (x, y) in the network's image coordinates (see `coords`). Throws for networks without
   * feature points (MLPs).
   */
  featurePoints(obs: Float64Array | Float32Array, B: number): Float64Array {
    const net = this.state.net as Partial<VisuomotorCnn>;
    if (typeof net.featurePoints !== 'function') {
      throw new InvalidArgumentError(
        'policy network',
        'a visuomotor CNN',
        this.state.net.config.kind,
      );
    }
    assertShape('obs', obs, [B, this.dO]);
    const chunk = defaultEvalBatch(this.state.net);
    const buf = new Float32Array(Math.min(chunk, B) * this.dO);
    let out: Float64Array | undefined;
    for (let r0 = 0; r0 < B; r0 += chunk) {
      const rows = Math.min(chunk, B - r0);
      normalizeRows(obs, this.dO, this.state.norm, buf, rows, r0);
      const fp = tf.tidy(() =>
        (net as VisuomotorCnn).featurePoints(
          tf.tensor2d(buf.subarray(0, rows * this.dO), [rows, this.dO]),
        ),
      );
      const k = fp.shape[1];
      out ??= new Float64Array(B * k);
      out.set(fp.dataSync(), r0 * k);
      fp.dispose();
    }
    return out ?? new Float64Array(0);
  }

  /** The action distribution at observations `[N, T, dO]`. */
  prob(obs: Float64Array, N: number, T: number): PolicyProb {
    return policyProb(this.state, obs, N, T);
  }

  /** Release the network if this policy owns it (loaded policies do; optimiser views do not). */
  dispose(): void {
    if (this.owns) this.state.net.dispose();
  }
}
