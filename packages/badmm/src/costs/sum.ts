import type { Cost, CostDerivatives, Sample } from '@visuomotor/contracts';

/**
 * Weighted sum of costs (reference `CostSum`): every output is Σ_k weights_k · (output of
 * cost k), accumulated in order as l = l_0·w_0, then l = l + l_k·w_k.
 */
export class SumCost implements Cost {
  /**
   * @param costs - the summed costs (at least one)
   * @param weights - one weight per cost
   */
  constructor(
    readonly costs: readonly Cost[],
    readonly weights: Float64Array,
  ) {}

  /** Evaluate every cost on `sample` and combine. */
  eval(sample: Sample): CostDerivatives {
    const out = this.costs[0].eval(sample);
    const w0 = this.weights[0];
    const keys = ['l', 'lx', 'lu', 'lxx', 'luu', 'lux'] as const;
    for (const k of keys) {
      const a = out[k];
      for (let i = 0; i < a.length; i++) a[i] *= w0;
    }
    for (let c = 1; c < this.costs.length; c++) {
      const part = this.costs[c].eval(sample);
      const w = this.weights[c];
      for (const k of keys) {
        const a = out[k];
        const b = part[k];
        for (let i = 0; i < a.length; i++) a[i] = a[i] + b[i] * w;
      }
    }
    return out;
  }
}
