import {
  type Cost,
  type CostDerivatives,
  type Sample,
  type VectorLayout,
  zeroCostDerivatives,
} from '@visuomotor/contracts';
import {
  fail,
  finiteVector,
  layoutBlock,
  type ResolvedPenalty,
  resolvePenalty,
  type StateCostConfig,
} from './config.js';
import { PenaltyEvaluator } from './penalty.js';
import { rampMultiplier } from './ramp.js';
import { blockSource, checkSampleDims } from './sample-access.js';

interface ResolvedTerm {
  sensor: string;
  offset: number;
  size: number;
  wp: Float64Array;
  target: Float64Array;
  pen: PenaltyEvaluator;
}

/**
 * State cost (reference `CostState`): for each term k with block b_k of x,
 * d_t = x_t[b_k] − target_k, weights wp_k·w_t, l_t = Σ_k penalty(d_t; wp_k·w_t), with
 * lx_t[b_k] = ∂penalty/∂d and lxx_t[b_k, b_k] = ∂²penalty/∂d² (identity Jacobian);
 * lu, luu, lux = 0.
 */
export class StateCost implements Cost {
  /** Penalty options with defaults filled in. */
  readonly options: ResolvedPenalty;
  private readonly terms: ResolvedTerm[];

  /**
   * @param config - `{type: 'state', terms, ...penalty options}`
   * @param layout - state layout (blocks of x by sensor)
   * @param path - field path prefix used in error messages
   */
  constructor(
    config: StateCostConfig,
    readonly layout: VectorLayout,
    path = '',
  ) {
    if (config.type !== 'state') fail(`${path}type`, "'state'", config.type);
    this.options = resolvePenalty(path, config, { penalty: 'l1l2', alpha: 1e-2 });
    if (!Array.isArray(config.terms) || config.terms.length === 0) {
      fail(`${path}terms`, 'a non-empty array of {sensor, wp, target}', config.terms);
    }
    const seen = new Set<string>();
    this.terms = config.terms.map((term, k) => {
      const p = `${path}terms[${k}].`;
      const blk = layoutBlock(`${p}sensor`, layout, term?.sensor);
      if (seen.has(term.sensor)) fail(`${p}sensor`, 'a sensor not already penalised', term.sensor);
      seen.add(term.sensor);
      return {
        sensor: term.sensor,
        offset: blk.offset,
        size: blk.size,
        wp: finiteVector(`${p}wp`, term.wp, blk.size, 0),
        target: finiteVector(`${p}target`, term.target, blk.size),
        pen: new PenaltyEvaluator(blk.size, this.options),
      };
    });
  }

  /** Evaluate on a sample with `X [T, dX]` (dX = layout size) and optional sensor streams. */
  eval(sample: Sample): CostDerivatives {
    checkSampleDims(sample, this.layout.size, undefined);
    const { T, dX, dU } = sample;
    const out = zeroCostDerivatives(T, dX, dU);
    const o = this.options;
    const ramp = rampMultiplier(o.ramp, T, o.finalMultiplier, o.rampPrecision);
    for (const term of this.terms) {
      const { offset, size: D, wp, target, pen } = term;
      const src = blockSource(sample, term.sensor, offset, D);
      for (let t = 0; t < T; t++) {
        const xo = src.base + t * src.stride;
        for (let i = 0; i < D; i++) {
          pen.d[i] = src.data[xo + i] - target[i];
          pen.wp[i] = wp[i] * ramp[t];
        }
        out.l[t] += pen.step();
        const lo = t * dX + offset;
        for (let i = 0; i < D; i++) out.lx[lo + i] = pen.grad[i];
        const ho = t * dX * dX + offset * dX + offset;
        for (let i = 0; i < D; i++) {
          for (let j = 0; j < D; j++) out.lxx[ho + i * dX + j] = pen.hess[i * D + j];
        }
      }
    }
    return out;
  }
}
