import type { RampOption, RampPrecision } from './config.js';
import { fail, finiteNumber } from './config.js';

/**
 * Time-varying multiplier of the position weights, `[T]` (see {@link RampOption}).
 *
 * With `precision = 'float32'` (reference default) the linear and quadratic ramps are computed
 * as the reference does: q_t = fround(fround(t+1)/T), squared and rounded to float32 for the
 * quadratic ramp, and the last entry becomes fround(q_{T-1}·finalMultiplier). Constant and
 * final-only ramps are float64 in both modes.
 *
 * @param ramp - ramp shape
 * @param T - horizon (integer >= 1)
 * @param finalMultiplier - extra multiplier on the last step (default 1)
 * @param precision - `'float32'` (default, reference) or `'float64'`
 * @param out - optional output `[T]` (filled and returned)
 * @returns w, `[T]`
 */
export function rampMultiplier(
  ramp: RampOption,
  T: number,
  finalMultiplier = 1,
  precision: RampPrecision = 'float32',
  out: Float64Array = new Float64Array(T),
): Float64Array {
  if (!Number.isInteger(T) || T < 1) fail('T', 'an integer >= 1', T);
  finiteNumber('finalMultiplier', finalMultiplier);
  if (out.length !== T) fail('out.length', String(T), out.length);
  const f32 = precision === 'float32';
  if (precision !== 'float32' && precision !== 'float64') {
    fail('rampPrecision', "'float32' | 'float64'", precision);
  }
  switch (ramp) {
    case 'constant':
      out.fill(1);
      out[T - 1] *= finalMultiplier;
      return out;
    case 'final_only':
      out.fill(0);
      out[T - 1] = finalMultiplier;
      return out;
    case 'linear':
    case 'quadratic': {
      const sq = ramp === 'quadratic';
      for (let t = 0; t < T; t++) {
        let q = f32 ? Math.fround((t + 1) / T) : (t + 1) / T;
        if (sq) q = f32 ? Math.fround(q * q) : q * q;
        out[t] = q;
      }
      const last = out[T - 1] * finalMultiplier;
      out[T - 1] = f32 ? Math.fround(last) : last;
      return out;
    }
    default:
      return fail('ramp', "'constant' | 'linear' | 'quadratic' | 'final_only'", ramp);
  }
}
