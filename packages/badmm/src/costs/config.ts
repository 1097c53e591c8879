import type { SensorName, VectorLayout } from '@visuomotor/contracts';
import { CostConfigError } from './errors.js';

/**
 * How the position weights of a state or forward-kinematics cost ramp over the horizon
 * (the multiplier w_t applied to `wp` at step t = 0..T-1):
 * - `'constant'`: w_t = 1
 * - `'linear'`: w_t = (t+1)/T
 * - `'quadratic'`: w_t = ((t+1)/T)²
 * - `'final_only'`: w_t = 0 for t < T-1, w_{T-1} = 1
 *
 * In every case the last step is further multiplied by `finalMultiplier`.
 */
export type RampOption = 'constant' | 'linear' | 'quadratic' | 'final_only';

/** Every {@link RampOption}, in the reference's numbering order (1..4). */
export const RAMP_OPTIONS: readonly RampOption[] = [
  'constant',
  'linear',
  'quadratic',
  'final_only',
];

/**
 * Arithmetic of the linear and quadratic ramps. `'float32'` (reference default) rounds
 * (t+1)/T, its square and the final-step product to float32 as the reference does;
 * `'float64'` computes them in double precision (the paper's formula; differs by ~1e-8).
 */
export type RampPrecision = 'float32' | 'float64';

/**
 * Penalty on a weighted distance d (per step, D entries, weights ω = wp_t):
 * - `'l2'`: ½·l2·Σ wp_i d_i² (l1 must be 0)
 * - `'l1l2'`: ½·l2·Σ wp_i d_i² + l1·√(alpha + S)
 * - `'log'`: ½·l2·Σ wp_i d_i² + ½·l1·log(alpha + S) (the paper's PR2 cost)
 *
 * where S = Σ (wp_i d_i)² (see {@link RobustWeight}).
 */
export type PenaltyKind = 'l2' | 'l1l2' | 'log';

/**
 * Hessian of the log penalty. With S = Σ_i ω_i d_i² (ω = wp², or wp under
 * `robustWeight: 'linear'`), the exact Hessian of ½·l1·log(alpha+S) in d is
 * l1·(diag(ω)/(alpha+S) − 2·v vᵀ/(alpha+S)²) with v_i = ω_i d_i. `'reference'` (default)
 * keeps factor 1 instead of 2 on v vᵀ, as the reference does (keeps the Hessian PSD);
 * `'exact'` uses 2.
 */
export type LogHessian = 'reference' | 'exact';

/**
 * How the position weight enters the robust (l1 or log) term. `'squared'` (reference default):
 * S = Σ (wp_i d_i)², while the l2 term uses wp linearly; `'linear'`: S = Σ wp_i d_i², the same
 * weighting as the l2 term.
 */
export type RobustWeight = 'squared' | 'linear';

/** Fields shared by the state and forward-kinematics costs. */
export interface PenaltyOptions {
  /** Penalty shape. Default `'l1l2'` for state costs (with l1 = 0, i.e. pure l2), `'log'` for FK. */
  penalty?: PenaltyKind;
  /** Weight of the robust (l1 or log) term. Default 0. */
  l1?: number;
  /** Weight of the quadratic term. Default 1. */
  l2?: number;
  /** Constant inside the square root or logarithm, > 0. Default 1e-2 (state), 1e-5 (FK). */
  alpha?: number;
  /** Time ramp of the position weights. Default `'constant'`. */
  ramp?: RampOption;
  /** Extra multiplier on the last step's weights. Default 1. */
  finalMultiplier?: number;
  /** Ramp arithmetic. Default `'float32'` (reference). */
  rampPrecision?: RampPrecision;
  /** Log-penalty Hessian. Default `'reference'` (factor 1 on v vᵀ/S²). */
  logHessian?: LogHessian;
  /** Position weight inside the robust term. Default `'squared'` (reference). */
  robustWeight?: RobustWeight;
}

/**
 * Action (torque) cost: l_t = ½ Σ_i wu_i u_{t,i}².
 */
export interface ActionCostConfig {
  type: 'action';
  /** Per-action weights, `[dU]`. */
  wu: ArrayLike<number>;
}

/** One block of x penalised by a {@link StateCostConfig}. */
export interface StateCostTerm {
  /** Sensor whose block of x is penalised; must be in the state layout. */
  sensor: SensorName;
  /** Position weights, `[size of the block]`, each >= 0. */
  wp: ArrayLike<number>;
  /** Target values, `[size of the block]`. */
  target: ArrayLike<number>;
}

/**
 * State cost: for each term, d_t = x_t[block] − target, penalised with weights wp·w_t.
 * Values come from the sample's sensor stream of that name when present (as the reference
 * does), else from the block of X.
 */
export interface StateCostConfig extends PenaltyOptions {
  type: 'state';
  /** Blocks penalised, in order (their costs add up). */
  terms: readonly StateCostTerm[];
}

/**
 * Forward-kinematics cost on end-effector points: d_t = p_t − target with p_t from the
 * `pointsSensor` stream `[T, 3·nPts]`; derivatives are mapped through the Jacobians
 * J_t = ∂p/∂q from `jacobianSensor` `[T, 3·nPts, dQ]` into the `jointSensor` block of x
 * (Gauss–Newton: the second-order term Σ_i ∂ℓ/∂d_i ∇²p_i is dropped, as in the reference).
 */
export interface FkCostConfig extends PenaltyOptions {
  type: 'fk';
  /** Target end-effector points, `[3·nPts]`. */
  target: ArrayLike<number>;
  /** Position weights, `[3·nPts]`, each >= 0. */
  wp: ArrayLike<number>;
  /** Default `'END_EFFECTOR_POINTS'`. */
  pointsSensor?: SensorName;
  /** Default `'END_EFFECTOR_POINT_JACOBIANS'`. */
  jacobianSensor?: SensorName;
  /** Block of x receiving the derivatives. Default `'JOINT_ANGLES'`. */
  jointSensor?: SensorName;
}

/** Weighted sum of costs: l = Σ_k weights_k · l_k (and likewise every derivative). */
export interface SumCostConfig {
  type: 'sum';
  /** The summed costs (at least one). */
  costs: readonly CostConfig[];
  /** One weight per cost. Default all 1. */
  weights?: readonly number[];
}

/** Any cost configuration, discriminated on `type`. */
export type CostConfig = ActionCostConfig | StateCostConfig | FkCostConfig | SumCostConfig;

/** Penalty options with every default filled in. */
export interface ResolvedPenalty {
  penalty: PenaltyKind;
  l1: number;
  l2: number;
  alpha: number;
  ramp: RampOption;
  finalMultiplier: number;
  rampPrecision: RampPrecision;
  logHessian: LogHessian;
  robustWeight: RobustWeight;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers (each error names the field path and the expected value)

/** @internal */
export function fail(field: string, expected: string, got: unknown): never {
  throw new CostConfigError(field, expected, got);
}

/** @internal */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** @internal A finite number (optionally bounded below), else a {@link CostConfigError}. */
export function finiteNumber(field: string, v: unknown, min?: number, strict = false): number {
  const bound = min === undefined ? '' : strict ? ` > ${min}` : ` >= ${min}`;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `a finite number${bound}`, v);
  if (min !== undefined && (strict ? !(v > min) : !(v >= min))) {
    fail(field, `a finite number${bound}`, v);
  }
  return v;
}

/** @internal Copy an array-like of finite numbers into a Float64Array, checking its length. */
export function finiteVector(
  field: string,
  v: unknown,
  length?: number,
  min?: number,
): Float64Array {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') {
    fail(field, length === undefined ? 'an array of numbers' : `an array of ${length} numbers`, v);
  }
  const a = v as ArrayLike<number>;
  if (length !== undefined && a.length !== length) {
    fail(`${field}.length`, String(length), a.length);
  }
  if (a.length === 0) fail(`${field}.length`, 'at least 1', 0);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = finiteNumber(`${field}[${i}]`, a[i], min);
  return out;
}

function oneOf<T extends string>(field: string, v: unknown, options: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    fail(field, `one of ${options.map((o) => `'${o}'`).join(' | ')}`, v);
  }
  return v as T;
}

/** @internal Resolve and validate the penalty/ramp options of a state or FK config. */
export function resolvePenalty(
  path: string,
  c: PenaltyOptions,
  defaults: { penalty: PenaltyKind; alpha: number },
): ResolvedPenalty {
  const penalty = oneOf(`${path}penalty`, c.penalty, ['l2', 'l1l2', 'log'], defaults.penalty);
  const l1 = c.l1 === undefined ? 0 : finiteNumber(`${path}l1`, c.l1, 0);
  if (penalty === 'l2' && l1 !== 0) fail(`${path}l1`, "0 (or unset) with penalty 'l2'", l1);
  return {
    penalty,
    l1,
    l2: c.l2 === undefined ? 1 : finiteNumber(`${path}l2`, c.l2, 0),
    alpha: c.alpha === undefined ? defaults.alpha : finiteNumber(`${path}alpha`, c.alpha, 0, true),
    ramp: oneOf(`${path}ramp`, c.ramp, RAMP_OPTIONS, 'constant'),
    finalMultiplier:
      c.finalMultiplier === undefined
        ? 1
        : finiteNumber(`${path}finalMultiplier`, c.finalMultiplier, 0),
    rampPrecision: oneOf(
      `${path}rampPrecision`,
      c.rampPrecision,
      ['float32', 'float64'],
      'float32',
    ),
    logHessian: oneOf(`${path}logHessian`, c.logHessian, ['reference', 'exact'], 'reference'),
    robustWeight: oneOf(`${path}robustWeight`, c.robustWeight, ['squared', 'linear'], 'squared'),
  };
}

/** @internal The block of `sensor` in `layout`, or a {@link CostConfigError}. */
export function layoutBlock(
  field: string,
  layout: VectorLayout,
  sensor: unknown,
): { offset: number; size: number } {
  if (typeof sensor !== 'string' || sensor.length === 0) fail(field, 'a sensor name', sensor);
  const b = layout.blocks.find((blk) => blk.sensor === sensor);
  if (!b) {
    fail(
      field,
      `a sensor of the state layout (${layout.blocks.map((blk) => blk.sensor).join(', ')})`,
      sensor,
    );
  }
  return { offset: b.offset, size: b.size };
}
