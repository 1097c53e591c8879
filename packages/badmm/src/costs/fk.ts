import {
  type Cost,
  type CostDerivatives,
  type Sample,
  type VectorLayout,
  zeroCostDerivatives,
} from '@visuomotor/contracts';
import {
  type FkCostConfig,
  fail,
  finiteVector,
  layoutBlock,
  type ResolvedPenalty,
  resolvePenalty,
} from './config.js';
import { PenaltyEvaluator } from './penalty.js';
import { rampMultiplier } from './ramp.js';
import { checkSampleDims, requireSensor } from './sample-access.js';

/**
 * Forward-kinematics cost (reference `CostFK`): d_t = p_t − target for the end-effector
 * points p_t `[D = 3·nPts]`, l_t = penalty(d_t; wp·w_t), and with the point Jacobians
 * J_t `[D, dQ]`: lx_t[q] = J_tᵀ ∂ℓ/∂d, lxx_t[q, q] = J_tᵀ (∂²ℓ/∂d²) J_t (the second-order
 * term Σ_i ∂ℓ/∂d_i ∇²p_i is dropped, as in the reference), where q is the joint block of x.
 * lu, luu, lux = 0.
 */
export class FkCost implements Cost {
  /** Penalty options with defaults filled in. */
  readonly options: ResolvedPenalty;
  /** Target points, `[D]`. */
  readonly target: Float64Array;
  /** Position weights, `[D]`. */
  readonly wp: Float64Array;
  /** Sensor of the end-effector points, `[T, D]`. */
  readonly pointsSensor: string;
  /** Sensor of the point Jacobians, `[T, D, dQ]`. */
  readonly jacobianSensor: string;
  /** Block of x (size dQ) receiving lx and lxx. */
  readonly jointSensor: string;
  private readonly qOffset: number;
  private readonly dQ: number;
  private readonly pen: PenaltyEvaluator;
  private readonly acc: Float64Array;

  /**
   * @param config - `{type: 'fk', target, wp, ...penalty options}`
   * @param layout - state layout; must contain `jointSensor`
   * @param path - field path prefix used in error messages
   */
  constructor(
    config: FkCostConfig,
    readonly layout: VectorLayout,
    path = '',
  ) {
    if (config.type !== 'fk') fail(`${path}type`, "'fk'", config.type);
    this.options = resolvePenalty(path, config, { penalty: 'log', alpha: 1e-5 });
    this.target = finiteVector(`${path}target`, config.target);
    this.wp = finiteVector(`${path}wp`, config.wp, this.target.length, 0);
    this.pointsSensor = config.pointsSensor ?? 'END_EFFECTOR_POINTS';
    this.jacobianSensor = config.jacobianSensor ?? 'END_EFFECTOR_POINT_JACOBIANS';
    this.jointSensor = config.jointSensor ?? 'JOINT_ANGLES';
    const blk = layoutBlock(`${path}jointSensor`, layout, this.jointSensor);
    this.qOffset = blk.offset;
    this.dQ = blk.size;
    this.pen = new PenaltyEvaluator(this.target.length, this.options);
    this.acc = new Float64Array(this.dQ * this.dQ);
  }

  /**
   * Evaluate on a sample with sensors `pointsSensor [T, D]` and `jacobianSensor [T, D, dQ]`.
   */
  eval(sample: Sample): CostDerivatives {
    checkSampleDims(sample, this.layout.size, undefined);
    const { T, dX, dU } = sample;
    const { pen, target, wp, dQ, qOffset: q0, acc } = this;
    const D = target.length;
    const pts = requireSensor(sample, this.pointsSensor, [D]);
    const jac = requireSensor(sample, this.jacobianSensor, [D, dQ]);
    const out = zeroCostDerivatives(T, dX, dU);
    const o = this.options;
    const ramp = rampMultiplier(o.ramp, T, o.finalMultiplier, o.rampPrecision);
    for (let t = 0; t < T; t++) {
      const po = t * D;
      for (let i = 0; i < D; i++) {
        pen.d[i] = pts[po + i] - target[i];
        pen.wp[i] = wp[i] * ramp[t];
      }
      out.l[t] = pen.step();
      const jo = t * D * dQ;
      const g = pen.grad;
      const h = pen.hess;
      // lx[q] = Σ_i J[i, a]·g[i], summed in i order.
      const lo = t * dX + q0;
      for (let a = 0; a < dQ; a++) {
        let s = 0;
        for (let i = 0; i < D; i++) s += jac[jo + i * dQ + a] * g[i];
        out.lx[lo + a] = s;
      }
      // lxx[q, q][a, b] = Σ_j Σ_i (J[i, a]·J[j, b])·H[i, j], inner sum over i first.
      acc.fill(0);
      for (let j = 0; j < D; j++) {
        for (let a = 0; a < dQ; a++) {
          for (let b = 0; b < dQ; b++) {
            const jjb = jac[jo + j * dQ + b];
            let s = 0;
            for (let i = 0; i < D; i++) s += jac[jo + i * dQ + a] * jjb * h[i * D + j];
            acc[a * dQ + b] += s;
          }
        }
      }
      const ho = t * dX * dX + q0 * dX + q0;
      for (let a = 0; a < dQ; a++) {
        for (let b = 0; b < dQ; b++) out.lxx[ho + a * dX + b] = acc[a * dQ + b];
      }
    }
    return out;
  }
}
