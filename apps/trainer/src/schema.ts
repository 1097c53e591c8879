/**
 * A tiny schema validator for experiment definitions: each checker receives a value and its
 * field path and either returns the value (typed) or throws an {@link ExperimentConfigError}
 * naming the path and the expected value.
 *
 * @packageDocumentation
 */
import { ExperimentConfigError } from './errors.js';

/** A checker: validates `value` found at `path` and returns it typed. */
export type Check<T> = (value: unknown, path: string) => T;

/** Throw an {@link ExperimentConfigError} for `path`. */
export function fail(path: string, expected: string, got: unknown): never {
  throw new ExperimentConfigError(path, expected, got);
}

/** True for a plain object (not an array, not a typed array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** Options of {@link num}. */
export interface NumberRule {
  /** Require an integer. */
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  gt?: number;
  /** Inclusive upper bound. */
  max?: number;
}

function describeNumber(rule: NumberRule): string {
  const kind = rule.integer ? 'integer' : 'number';
  if (rule.gt === 0 && rule.max === undefined) return `a positive ${kind}`;
  if (rule.min === 0 && rule.max === undefined) return `a non-negative ${kind}`;
  const parts: string[] = [];
  if (rule.gt !== undefined) parts.push(`> ${rule.gt}`);
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return `${rule.integer ? 'an integer' : 'a finite number'}${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

/** A finite number obeying `rule`. */
export function num(rule: NumberRule = {}): Check<number> {
  const expected = describeNumber(rule);
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, expected, v);
    if (rule.integer && !Number.isInteger(v)) fail(path, expected, v);
    if (rule.min !== undefined && v < rule.min) fail(path, expected, v);
    if (rule.gt !== undefined && !(v > rule.gt)) fail(path, expected, v);
    if (rule.max !== undefined && v > rule.max) fail(path, expected, v);
    return v;
  };
}

/** A non-empty string. */
export function str(): Check<string> {
  return (v, path) => {
    if (typeof v !== 'string' || v.length === 0) fail(path, 'a non-empty string', v);
    return v;
  };
}

/** A boolean. */
export function bool(): Check<boolean> {
  return (v, path) => {
    if (typeof v !== 'boolean') fail(path, 'true or false', v);
    return v;
  };
}

/** One of the given string literals. */
export function literal<const T extends string>(...options: T[]): Check<T> {
  const expected =
    options.length === 1 ? `'${options[0]}'` : `one of ${options.map((o) => `'${o}'`).join(' | ')}`;
  return (v, path) => {
    if (typeof v !== 'string' || !(options as string[]).includes(v)) fail(path, expected, v);
    return v as T;
  };
}

/** An array whose items pass `item`, with optional length bounds. */
export function arr<T>(
  item: Check<T>,
  opts: { minLength?: number; length?: number } = {},
): Check<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) {
      fail(path, opts.length !== undefined ? `an array of ${opts.length} items` : 'an array', v);
    }
    if (opts.length !== undefined && v.length !== opts.length) {
      fail(`${path}.length`, String(opts.length), v.length);
    }
    if (opts.minLength !== undefined && v.length < opts.minLength) {
      fail(`${path}.length`, `at least ${opts.minLength}`, v.length);
    }
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
}

/** Marks a field optional in {@link obj}: `undefined` passes through. */
export interface OptionalCheck<T> {
  readonly optional: true;
  readonly check: Check<T>;
}

/** An optional field. */
export function opt<T>(check: Check<T>): OptionalCheck<T> {
  return { optional: true, check };
}

type Shape = Record<string, Check<unknown> | OptionalCheck<unknown>>;
type Out<S extends Shape> = {
  [K in keyof S as S[K] extends OptionalCheck<unknown> ? never : K]: S[K] extends Check<infer T>
    ? T
    : never;
} & {
  [K in keyof S as S[K] extends OptionalCheck<unknown> ? K : never]?: S[K] extends OptionalCheck<
    infer T
  >
    ? T
    : never;
};

/**
 * An object with exactly the fields of `shape` (unknown fields are errors, so typos are caught:
 * `experiment.algorithm.klstep: expected no such field (known: type, klStep, ...)`).
 */
export function obj<S extends Shape>(shape: S): Check<Out<S>> {
  const known = Object.keys(shape);
  return (v, path) => {
    if (!isRecord(v)) fail(path, 'an object', v);
    for (const k of Object.keys(v)) {
      if (!(k in shape)) fail(`${path}.${k}`, `no such field (known: ${known.join(', ')})`, v[k]);
    }
    const out: Record<string, unknown> = {};
    for (const k of known) {
      const c = shape[k];
      const value = v[k];
      if (typeof c === 'function') {
        if (value === undefined) fail(`${path}.${k}`, 'a value (required field)', value);
        out[k] = c(value, `${path}.${k}`);
      } else if (value !== undefined) {
        out[k] = c.check(value, `${path}.${k}`);
      }
    }
    return out as Out<S>;
  };
}

/** A union discriminated by the string field `key`. */
export function tagged<T>(key: string, variants: Record<string, Check<T>>): Check<T> {
  const tags = Object.keys(variants);
  return (v, path) => {
    if (!isRecord(v))
      fail(path, `an object with ${key}: ${tags.map((t) => `'${t}'`).join(' | ')}`, v);
    const tag = v[key];
    if (typeof tag !== 'string' || !(tag in variants)) {
      fail(`${path}.${key}`, `one of ${tags.map((t) => `'${t}'`).join(' | ')}`, tag);
    }
    return variants[tag](v, path);
  };
}

/** A JSON value (plain objects, arrays, strings, finite numbers, booleans, null). */
export function json(): Check<unknown> {
  const walk = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) fail(path, 'a finite number', v);
      return v;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (isRecord(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, `${path}.${k}`);
      return out;
    }
    return fail(path, 'a JSON value', v);
  };
  return walk;
}
