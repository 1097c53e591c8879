import {
  type Cost,
  type CostDerivatives,
  type Sample,
  zeroCostDerivatives,
} from '@visuomotor/contracts';
import { type ActionCostConfig, fail, finiteVector } from './config.js';
import { pairwiseSum } from './numeric.js';
import { checkSampleDims } from './sample-access.js';

/**
 * Action (torque) cost l_t = ½ Σ_i wu_i u_{t,i}²: lu_t = wu ∘ u_t, luu_t = diag(wu),
 * lx, lxx, lux = 0. Reference: `CostAction`.
 */
export class ActionCost implements Cost {
  /** Weights, `[dU]`. */
  readonly wu: Float64Array;
  private readonly tmp: Float64Array;

  /**
   * @param config - `{type: 'action', wu}`
   * @param dX - state dimension the cost is evaluated on
   * @param path - field path prefix used in error messages
   */
  constructor(
    config: ActionCostConfig,
    readonly dX: number,
    path = '',
  ) {
    if (config.type !== 'action') fail(`${path}type`, "'action'", config.type);
    this.wu = finiteVector(`${path}wu`, config.wu);
    this.tmp = new Float64Array(this.wu.length);
  }

  /** Evaluate on a sample `X [T, dX]`, `U [T, dU]` (dU must equal wu.length). */
  eval(sample: Sample): CostDerivatives {
    const dU = this.wu.length;
    checkSampleDims(sample, this.dX, dU, 'wu.length');
    const { T, dX } = sample;
    const out = zeroCostDerivatives(T, dX, dU);
    const { wu, tmp } = this;
    const U = sample.U;
    for (let t = 0; t < T; t++) {
      const o = t * dU;
      for (let i = 0; i < dU; i++) {
        const u = U[o + i];
        tmp[i] = wu[i] * (u * u);
        out.lu[o + i] = wu[i] * u;
        out.luu[t * dU * dU + i * dU + i] = wu[i];
      }
      out.l[t] = 0.5 * pairwiseSum(tmp, 0, dU);
    }
    return out;
  }
}
