import {
  type CostConfig,
  fail,
  isObject,
  type PenaltyKind,
  type PenaltyOptions,
  RAMP_OPTIONS,
  type RampOption,
} from './config.js';

/**
 * A cost configuration in the reference's format (github.com/cbfinn/gps, `cost/config.py`):
 * `{type: 'CostAction', wu}`, `{type: 'CostState', data_types: {SENSOR: {wp, target_state}},
 * l1?, l2?, alpha?, ramp_option?, wp_final_multiplier?}`, `{type: 'CostFK',
 * target_end_effector, wp, l1?, l2?, alpha?, ramp_option?, wp_final_multiplier?, evalnorm?}`,
 * `{type: 'CostSum', costs, weights}`. Arrays may be array-likes or decoded fixture arrays
 * (`{data: Float64Array}`); `ramp_option` is `'RAMP_CONSTANT'`…`'RAMP_FINAL_ONLY'` or 1…4;
 * `evalnorm` names `evall1l2term` or `evallogl2term` (default, as in the reference).
 */
export type ReferenceCostConfig = Record<string, unknown>;

const RAMP_NAMES: Record<string, RampOption> = {
  RAMP_CONSTANT: 'constant',
  RAMP_LINEAR: 'linear',
  RAMP_QUADRATIC: 'quadratic',
  RAMP_FINAL_ONLY: 'final_only',
};

/**
 * Translate a reference cost configuration into this package's typed {@link CostConfig}
 * (recursively for `CostSum`). Fields the reference leaves at their defaults stay unset, so
 * this package's defaults (which equal the reference's: state l1 0, l2 1, alpha 1e-2,
 * l1-l2 norm; FK l1 0, l2 1, alpha 1e-5, log norm; constant ramp, final multiplier 1, and
 * the reference-compatible quirk switches) apply.
 *
 * @param ref - the reference config
 * @param path - field path prefix used in error messages
 * @throws {@link CostConfigError} for an unknown `type`, ramp or norm, or a missing field
 */
export function fromReferenceConfig(ref: ReferenceCostConfig, path = ''): CostConfig {
  if (!isObject(ref)) fail(path || 'config', 'a reference cost config object', ref);
  switch (ref.type) {
    case 'CostAction':
      return { type: 'action', wu: vec(`${path}wu`, ref.wu) };
    case 'CostState': {
      const dt = ref.data_types;
      if (!isObject(dt) || Object.keys(dt).length === 0) {
        fail(`${path}data_types`, 'an object {SENSOR: {wp, target_state}}', dt);
      }
      return {
        type: 'state',
        ...penaltyOf(ref, path, 'l1l2'),
        terms: Object.entries(dt).map(([sensor, v]) => {
          if (!isObject(v)) fail(`${path}data_types.${sensor}`, 'an object {wp, target_state}', v);
          return {
            sensor,
            wp: vec(`${path}data_types.${sensor}.wp`, v.wp),
            target: vec(`${path}data_types.${sensor}.target_state`, v.target_state),
          };
        }),
      };
    }
    case 'CostFK': {
      if (ref.use_jacobian === false) {
        fail(`${path}use_jacobian`, 'true (FK costs need the point Jacobians)', false);
      }
      let norm: PenaltyKind = 'log';
      if (ref.evalnorm !== undefined) {
        const n = String(ref.evalnorm);
        if (/logl2/.test(n)) norm = 'log';
        else if (/l1l2/.test(n)) norm = 'l1l2';
        else fail(`${path}evalnorm`, "'evall1l2term' | 'evallogl2term'", ref.evalnorm);
      }
      return {
        type: 'fk',
        ...penaltyOf(ref, path, norm),
        target: vec(`${path}target_end_effector`, ref.target_end_effector),
        wp: vec(`${path}wp`, ref.wp),
      };
    }
    case 'CostSum': {
      const costs = ref.costs;
      if (!Array.isArray(costs)) fail(`${path}costs`, 'a list of reference cost configs', costs);
      const weights = ref.weights === undefined ? undefined : vec(`${path}weights`, ref.weights);
      return {
        type: 'sum',
        costs: costs.map((c, k) =>
          fromReferenceConfig(c as ReferenceCostConfig, `${path}costs[${k}].`),
        ),
        weights: weights ? Array.from(weights) : undefined,
      };
    }
    default:
      return fail(`${path}type`, "'CostAction' | 'CostState' | 'CostFK' | 'CostSum'", ref.type);
  }
}

function penaltyOf(
  ref: Record<string, unknown>,
  path: string,
  penalty: PenaltyKind,
): PenaltyOptions {
  const o: PenaltyOptions = { penalty };
  if (ref.l1 !== undefined) o.l1 = scalar(`${path}l1`, ref.l1);
  if (ref.l2 !== undefined) o.l2 = scalar(`${path}l2`, ref.l2);
  if (ref.alpha !== undefined) o.alpha = scalar(`${path}alpha`, ref.alpha);
  if (ref.wp_final_multiplier !== undefined) {
    o.finalMultiplier = scalar(`${path}wp_final_multiplier`, ref.wp_final_multiplier);
  }
  if (ref.ramp_option !== undefined) o.ramp = rampOf(`${path}ramp_option`, ref.ramp_option);
  return o;
}

/**
 * The {@link RampOption} of a reference `ramp_option` (`'RAMP_LINEAR'` etc., or 1…4).
 *
 * @param field - field name for errors
 * @param v - the reference value
 */
export function rampOf(field: string, v: unknown): RampOption {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 4) return RAMP_OPTIONS[v - 1];
  if (typeof v === 'string' && v in RAMP_NAMES) return RAMP_NAMES[v];
  return fail(
    field,
    "'RAMP_CONSTANT' | 'RAMP_LINEAR' | 'RAMP_QUADRATIC' | 'RAMP_FINAL_ONLY' | 1..4",
    v,
  );
}

function vec(field: string, v: unknown): ArrayLike<number> {
  if (isObject(v) && v.data !== undefined) return v.data as ArrayLike<number>;
  if (v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number') {
    return v as ArrayLike<number>;
  }
  return fail(field, 'an array of numbers', v);
}

function scalar(field: string, v: unknown): number {
  if (typeof v === 'number') return v;
  const a = isObject(v) && v.data !== undefined ? (v.data as ArrayLike<number>) : undefined;
  if (a && a.length === 1) return a[0];
  return fail(field, 'a number', v);
}
