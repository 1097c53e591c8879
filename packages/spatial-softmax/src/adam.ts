/**
 * Adam on the host, as TensorFlow 1.x's `AdamOptimizer` (the reference's solver):
 *
 * m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) g²,
 * lr_t = lr √(1 − β2ᵗ) / (1 − β1ᵗ),  θ ← θ − lr_t m / (√v + ε),
 *
 * with L2 weight decay λ Σ||θ||²/2 entering the gradient as λθ. The gradients come from the
 * backend (`tf.variableGrads`); the update itself runs in JavaScript on float32 arrays: one
 * read and one write per variable instead of the ~14 small kernels per variable of tfjs-core's
 * Adam, which dominated the step time of small networks. The state (moments, step count) is
 * plain arrays, so it serialises exactly.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@visuomotor/contracts';
import type { NamedWeight } from './networks.js';

/** Adam's moments and step count. */
export interface AdamState {
  /** Steps taken. */
  iterations: number;
  /** First and second moments, one per variable, in the weight order of the optimiser. */
  m: Float32Array[];
  v: Float32Array[];
}

/** Hyper-parameters of {@link HostAdam}. */
export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 weight decay λ (applies to weights with `decay: true`). */
  weightDecay: number;
  /**
   * Per-weight multipliers of `lr`, in the optimiser's weight order (default 1 for every
   * weight): weight i steps with `lr * lrScales[i]`. A multiplier of 0 freezes a weight.
   */
  lrScales?: readonly number[];
}

/** Adam over a fixed list of named weights. */
export class HostAdam {
  private t = 0;
  private m: Float32Array[];
  private v: Float32Array[];

  constructor(
    readonly weights: readonly NamedWeight[],
    readonly config: AdamConfig,
  ) {
    const { lrScales } = config;
    if (lrScales) {
      if (lrScales.length !== weights.length) {
        throw new InvalidArgumentError(
          'lrScales',
          `one multiplier per weight (${weights.length})`,
          lrScales.length,
        );
      }
      lrScales.forEach((s, i) => {
        if (!(s >= 0 && Number.isFinite(s))) {
          throw new InvalidArgumentError(
            `lrScales[${i}] (${weights[i].name})`,
            'a finite number >= 0',
            s,
          );
        }
      });
    }
    this.m = weights.map((w) => new Float32Array(w.variable.size));
    this.v = weights.map((w) => new Float32Array(w.variable.size));
  }

  /** Steps taken. */
  get iterations(): number {
    return this.t;
  }

  /**
   * Apply one update.
   *
   * @param grads - gradient of the data loss for each weight, in weight order
   * @returns Σ||θ||² over the decayed weights before the update (for reporting the objective)
   */
  step(grads: readonly ArrayLike<number>[]): number {
    const { lr, beta1, beta2, epsilon, weightDecay, lrScales } = this.config;
    this.t += 1;
    const lrT0 = (lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    let sq = 0;
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i];
      const g = grads[i];
      const lrT = lrScales ? lrT0 * lrScales[i] : lrT0;
      const theta = Float32Array.from(w.variable.dataSync() as Float32Array);
      const m = this.m[i];
      const v = this.v[i];
      const lambda = w.decay ? weightDecay : 0;
      for (let k = 0; k < theta.length; k++) {
        const th = theta[k];
        if (w.decay) sq += th * th;
        const gk = g[k] + lambda * th;
        m[k] = beta1 * m[k] + (1 - beta1) * gk;
        v[k] = beta2 * v[k] + (1 - beta2) * gk * gk;
        theta[k] = th - (lrT * m[k]) / (Math.sqrt(v[k]) + epsilon);
      }
      tf.tidy(() => w.variable.assign(tf.tensor(theta, w.variable.shape)));
    }
    return sq;
  }

  /** A copy of the state. */
  getState(): AdamState {
    return { iterations: this.t, m: this.m.map((x) => x.slice()), v: this.v.map((x) => x.slice()) };
  }

  /** Restore {@link getState} (for the same weight shapes). */
  setState(st: AdamState): void {
    const n = this.weights.length;
    if (st.m.length !== n || st.v.length !== n) {
      throw new InvalidArgumentError('adam state', `moments for ${n} weights`, st.m.length);
    }
    for (let i = 0; i < n; i++) {
      const size = this.weights[i].variable.size;
      if (st.m[i].length !== size || st.v[i].length !== size) {
        throw new InvalidArgumentError(
          `adam state of ${this.weights[i].name}`,
          `${size} entries`,
          st.m[i].length,
        );
      }
    }
    this.t = st.iterations;
    this.m = st.m.map((x) => Float32Array.from(x));
    this.v = st.v.map((x) => Float32Array.from(x));
  }
}
