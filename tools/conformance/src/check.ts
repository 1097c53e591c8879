import { isNDArray, type NDArray } from './fixture.js';

/** Tolerance of one comparison: pass when |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tolerance {
  rtol: number;
  /**
   * Absolute floor. Default: `rtol · max|expected|`, i.e. entries far below the array's scale
   * (exact zeros of a triangular factor, say) are judged against the array's magnitude.
   */
  atol?: number;
}

/** The result of one comparison. */
export interface CheckRecord {
  name: string;
  pass: boolean;
  maxAbsErr: number;
  maxRelErr: number;
  rtol?: number;
  atol?: number;
  /** Number of compared entries. */
  size: number;
  message?: string;
}

/** Default tolerance where a kind does not say otherwise (fixture README: 1e-9 relative). */
export const DEFAULT_TOL: Tolerance = { rtol: 1e-9 };

/**
 * Collects the comparisons of one fixture file. Kind handlers call {@link close} for each
 * stored output they reproduce; the runner reports the worst errors and pass/fail.
 */
export class Checker {
  readonly records: CheckRecord[] = [];
  readonly notes: string[] = [];

  /**
   * Compare numbers element-wise.
   *
   * @param name - what is compared, e.g. `"outputs.controller.K"`
   * @param actual - computed values (a number or array-like)
   * @param expected - stored values (a number or decoded array)
   */
  close(
    name: string,
    actual: ArrayLike<number> | number,
    expected: NDArray | ArrayLike<number> | number,
    tol: Tolerance = DEFAULT_TOL,
  ): CheckRecord {
    const a = typeof actual === 'number' ? [actual] : actual;
    const e =
      typeof expected === 'number' ? [expected] : isNDArray(expected) ? expected.data : expected;
    if (a.length !== e.length) {
      return this.push({
        name,
        pass: false,
        maxAbsErr: Number.POSITIVE_INFINITY,
        maxRelErr: Number.POSITIVE_INFINITY,
        size: e.length,
        message: `length ${a.length}, expected ${e.length}`,
      });
    }
    let scale = 0;
    for (let i = 0; i < e.length; i++) scale = Math.max(scale, Math.abs(e[i]));
    const atol = tol.atol ?? tol.rtol * scale;
    let maxAbs = 0;
    let maxRel = 0;
    let pass = true;
    let worst = -1;
    for (let i = 0; i < e.length; i++) {
      const d = Math.abs(a[i] - e[i]);
      if (!Number.isFinite(a[i]) && a[i] !== e[i]) {
        pass = false;
        maxAbs = Number.POSITIVE_INFINITY;
        worst = i;
        continue;
      }
      if (!(d <= maxAbs)) maxAbs = d;
      if (e[i] !== 0) maxRel = Math.max(maxRel, d / Math.abs(e[i]));
      if (!(d <= atol + tol.rtol * Math.abs(e[i]))) {
        if (pass) worst = i;
        pass = false;
      }
    }
    return this.push({
      name,
      pass,
      maxAbsErr: maxAbs,
      maxRelErr: maxRel,
      rtol: tol.rtol,
      atol,
      size: e.length,
      message: pass
        ? undefined
        : `first failing entry ${worst}: got ${a[worst]}, expected ${e[worst]}`,
    });
  }

  /** Exact equality of numbers or strings (counts, bracket paths, error messages). */
  equal(name: string, actual: unknown, expected: unknown): CheckRecord {
    const pass = JSON.stringify(actual) === JSON.stringify(expected);
    return this.push({
      name,
      pass,
      maxAbsErr: 0,
      maxRelErr: 0,
      size: 1,
      message: pass ? undefined : `got ${short(actual)}, expected ${short(expected)}`,
    });
  }

  /** A boolean condition (e.g. "the fit without prior throws SingularMatrixError"). */
  ok(name: string, condition: boolean, message?: string): CheckRecord {
    return this.push({ name, pass: condition, maxAbsErr: 0, maxRelErr: 0, size: 1, message });
  }

  /** A free-form note shown with `--verbose` (quirk switches used, skipped parts). */
  note(text: string): void {
    this.notes.push(text);
  }

  /** Worst errors over all records. */
  summary(): { pass: boolean; maxAbsErr: number; maxRelErr: number; checks: number } {
    let maxAbsErr = 0;
    let maxRelErr = 0;
    let pass = true;
    for (const r of this.records) {
      pass &&= r.pass;
      if (!(r.maxAbsErr <= maxAbsErr)) maxAbsErr = r.maxAbsErr;
      if (!(r.maxRelErr <= maxRelErr)) maxRelErr = r.maxRelErr;
    }
    return { pass, maxAbsErr, maxRelErr, checks: this.records.length };
  }

  private push(r: CheckRecord): CheckRecord {
    this.records.push(r);
    return r;
  }
}

function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s && s.length > 120 ? `${s.slice(0, 117)}...` : String(s);
}
