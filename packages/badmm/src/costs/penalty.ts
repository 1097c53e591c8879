import type { ResolvedPenalty } from './config.js';
import { cube, pairwiseSum } from './numeric.js';

/**
 * Per-step evaluator of a penalty on a D-vector d with weights wp (one step's `wp·w_t`).
 * Holds its scratch, so {@link PenaltyEvaluator.step} allocates nothing.
 *
 * Writes the value, the gradient `grad = ∂ℓ/∂d` `[D]` and the Hessian `hess = ∂²ℓ/∂d²`
 * `[D, D]` (see {@link PenaltyKind}, {@link LogHessian}, {@link RobustWeight}). The
 * arithmetic follows the reference's operation order term by term.
 */
export class PenaltyEvaluator {
  /** Distance d, `[D]` (the caller fills it before {@link step}). */
  readonly d: Float64Array;
  /** Weights wp for this step, `[D]` (the caller fills it before {@link step}). */
  readonly wp: Float64Array;
  /** ∂ℓ/∂d after {@link step}, `[D]`. */
  readonly grad: Float64Array;
  /** ∂²ℓ/∂d² after {@link step}, `[D, D]` row-major. */
  readonly hess: Float64Array;
  private readonly sq: Float64Array;
  private readonly v: Float64Array;
  private readonly omega: Float64Array;

  /**
   * @param D - length of d
   * @param opts - resolved penalty options
   */
  constructor(
    readonly D: number,
    readonly opts: ResolvedPenalty,
  ) {
    this.d = new Float64Array(D);
    this.wp = new Float64Array(D);
    this.grad = new Float64Array(D);
    this.hess = new Float64Array(D * D);
    this.sq = new Float64Array(D);
    this.v = new Float64Array(D);
    this.omega = new Float64Array(D);
  }

  /** Evaluate at the current `d`, `wp`; returns ℓ and fills `grad`, `hess`. */
  step(): number {
    const { D, d, wp, grad, hess, sq, v, omega } = this;
    const { penalty, l1, l2, alpha, logHessian, robustWeight } = this.opts;
    const squared = robustWeight === 'squared';
    // Quadratic part: ½·l2·Σ (d·√wp)².
    for (let i = 0; i < D; i++) {
      const s = d[i] * Math.sqrt(wp[i]);
      sq[i] = s * s;
    }
    const s1 = pairwiseSum(sq, 0, D);
    // Robust part: S = Σ u_i², v_i = ω_i d_i with ω = wp² (squared) or wp (linear).
    for (let i = 0; i < D; i++) {
      const w = squared ? wp[i] * wp[i] : wp[i];
      omega[i] = w;
      v[i] = d[i] * w;
      const u = squared ? d[i] * wp[i] : d[i] * Math.sqrt(wp[i]);
      sq[i] = u * u;
    }
    const s2 = squared ? pairwiseSum(sq, 0, D) : s1;
    const isLog = penalty === 'log';
    // g: denominator of the gradient; h: of the rank-one Hessian term; c: its factor.
    let l: number;
    let g: number;
    let h: number;
    let c: number;
    if (isLog) {
      g = alpha + s2;
      l = 0.5 * s1 * l2 + 0.5 * Math.log(g) * l1;
      h = g * g;
      c = logHessian === 'exact' ? 2 : 1;
    } else {
      g = Math.sqrt(alpha + s2);
      l = 0.5 * s1 * l2 + g * l1;
      h = cube(g);
      c = 1;
    }
    for (let i = 0; i < D; i++) grad[i] = d[i] * wp[i] * l2 + (v[i] / g) * l1;
    for (let i = 0; i < D; i++) {
      const row = i * D;
      for (let j = 0; j < D; j++) {
        const rank1 = c === 1 ? (v[j] * v[i]) / h : (c * (v[j] * v[i])) / h;
        if (i === j) hess[row + j] = l1 * (omega[j] / g - rank1) + l2 * wp[i];
        else hess[row + j] = l1 * -rank1;
      }
    }
    return l;
  }
}
