/**
 * Helpers shared by the gmm, dynfit and policy_prior handlers (@visuomotor/gmm-prior).
 */
import type { Gmm, Rng } from '@visuomotor/gmm-prior';
import type { Checker, Tolerance } from '../check.js';
import { arr, type FixtureValue, isNDArray, num, obj } from '../fixture.js';

/** An RNG that records how often it was asked (the reference's `randint_calls`). */
export class CountingRng implements Rng {
  calls = 0;
  nextInt(n: number): number {
    this.calls++;
    return this.calls % n;
  }
}

/** Time-step keys `t0`, `t9`, ... of an object, in numeric order. */
export function stepKeys(o: { [k: string]: FixtureValue }): string[] {
  return Object.keys(o)
    .filter((k) => /^t\d+$/.test(k))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** Transpose a `[rows, cols]` row-major array. */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/** Compare the fitted mixture parameters with `prefix.{mu,sigma,logmass[,mass][,N]}`. */
export function checkGmmParams(
  check: Checker,
  gmm: Gmm,
  root: FixtureValue,
  names: { mu: string; sigma: string; logmass: string; mass?: string; N?: string },
  tol: Tolerance,
  label: string,
): void {
  const p = gmm.params;
  check.close(`${label}.mu`, p.mu, arr(root, names.mu), tol);
  check.close(`${label}.sigma`, p.sigma, arr(root, names.sigma), tol);
  check.close(`${label}.logmass`, p.logmass, arr(root, names.logmass), tol);
  if (names.mass) check.close(`${label}.mass`, p.mass, arr(root, names.mass), tol);
  if (names.N) check.equal(`${label}.N`, gmm.sampleCount, num(root, names.N));
}

/** The recorded EM log lines' "itr i/MAX" maximum, or `fallback`. */
export function maxIterationsFromLog(lines: FixtureValue[], fallback = 100): number {
  for (const l of lines) {
    const m = typeof l === 'string' ? /itr \d+\/(\d+)/.exec(l) : null;
    if (m) return Number(m[1]);
  }
  return fallback;
}

/**
 * Compare the EM log: the lines exactly with the printed log-likelihoods masked (same
 * iterations, same stop reason and iteration), then the log-likelihoods numerically against
 * the printed 6-decimal values (printing rounds: up to 5e-7 off, plus 1e-9 relative, plus
 * ten times the rounding floor of the log-likelihoods when given).
 */
export function checkEmLog(
  check: Checker,
  label: string,
  result: { log: readonly string[]; logLikelihoods: readonly number[] },
  expected: FixtureValue[],
  prefix = 'gmm: ',
  floor = 0,
): void {
  const ours = result.log;
  const re = /Log likelihood: (-?[\d.]+|nan|inf|-inf)/;
  const mask = (l: string) => l.replace(re, 'Log likelihood: <ll>');
  const exp = expected.map(String);
  check.equal(
    `${label}.log(lines, ll masked)`,
    ours.map((l) => mask(prefix + l)),
    exp.map(mask),
  );
  const e: number[] = [];
  for (const l of exp) {
    const me = re.exec(l);
    if (me) e.push(Number(me[1]));
  }
  const a = result.logLikelihoods.slice(0, e.length);
  check.close(`${label}.log(ll values)`, a, e, {
    rtol: 1e-9,
    atol: 5.000001e-7 + 10 * floor,
  });
}

/** True when `v` is an object with fixture arrays (not an NDArray). */
export function isObj(v: FixtureValue | undefined): v is { [k: string]: FixtureValue } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !isNDArray(v);
}

export { obj };

/**
 * Tolerance from the measured conditioning of a computation: re-run it on inputs perturbed
 * by one ulp (a few patterns) and take the largest change of each output ("rounding floor").
 * An output then passes when |ours − reference| <= max(rtol·max|reference|, factor·floor) + rtol·|reference|:
 * i.e. it agrees with the reference to within what a 1-ulp change of the inputs does to
 * the reference's own result. Long EM runs and covariance differences that cancel
 * (dynCovar = Σbb − WΣaaWᵀ ≈ 1e-6 from O(1) terms) need this; well-conditioned outputs keep
 * the plain 1e-9 relative tolerance because their floor is far below it.
 */
export function ulpFloors<T extends Record<string, Float64Array>>(
  base: T,
  rerun: (perturb: (a: Float64Array) => Float64Array) => T,
  patterns = 3,
): Record<keyof T, number> {
  const floors = {} as Record<keyof T, number>;
  for (const k of Object.keys(base) as (keyof T)[]) floors[k] = 0;
  for (let p = 0; p < patterns; p++) {
    const out = rerun((a) => {
      const b = a.slice();
      for (let i = p; i < b.length; i += patterns) b[i] *= i % 2 ? 1 + 2 ** -52 : 1 - 2 ** -53;
      return b;
    });
    for (const k of Object.keys(base) as (keyof T)[]) {
      const x = base[k];
      const y = out[k];
      let m = 0;
      for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
      floors[k] = Math.max(floors[k], m);
    }
  }
  return floors;
}

/** {rtol, atol} for an output with rounding floor `floor` (see {@link ulpFloors}). */
export function floorTol(
  expected: ArrayLike<number>,
  floor: number,
  rtol = 1e-9,
  factor = 10,
): Tolerance {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  return { rtol, atol: Math.max(rtol * scale, factor * floor) };
}
