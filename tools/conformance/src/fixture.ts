import { readFileSync } from 'node:fs';

/** A decoded `{"__ndarray__": true, ...}` array of a fixture. */
export interface NDArray {
  readonly dtype: 'float64' | 'int64';
  readonly shape: readonly number[];
  /** Row-major values; int64 arrays are converted to numbers (exact below 2^53). */
  readonly data: Float64Array;
}

/** A decoded fixture value: arrays become {@link NDArray}, the rest stays JSON. */
export type FixtureValue =
  | NDArray
  | string
  | number
  | boolean
  | null
  | FixtureValue[]
  | { [key: string]: FixtureValue };

/** A decoded fixture file. */
export type Fixture = { [key: string]: FixtureValue };

/** True when `v` is a decoded array. */
export function isNDArray(v: unknown): v is NDArray {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as NDArray).data instanceof Float64Array &&
    Array.isArray((v as NDArray).shape)
  );
}

/** Decode one encoded array: base64 of little-endian, C-order bytes. */
export function decodeNDArray(enc: {
  dtype: string;
  shape: number[];
  order?: string;
  b64: string;
}): NDArray {
  if (enc.order !== undefined && enc.order !== 'C') {
    throw new Error(`fixture array: order ${enc.order} is not supported (expected "C")`);
  }
  const bytes = Buffer.from(enc.b64, 'base64');
  const n = enc.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== n * 8) {
    throw new Error(
      `fixture array: shape [${enc.shape}] needs ${n * 8} bytes, base64 holds ${bytes.length}`,
    );
  }
  const data = new Float64Array(n);
  if (enc.dtype === 'float64') {
    for (let i = 0; i < n; i++) data[i] = bytes.readDoubleLE(i * 8);
  } else if (enc.dtype === 'int64') {
    for (let i = 0; i < n; i++) data[i] = Number(bytes.readBigInt64LE(i * 8));
  } else {
    throw new Error(`fixture array: dtype ${enc.dtype} is not supported`);
  }
  return { dtype: enc.dtype, shape: enc.shape, data };
}

/** Recursively decode every encoded array in a parsed JSON value. */
export function decodeValue(v: unknown): FixtureValue {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.__ndarray__ === true) return decodeNDArray(o as never);
    const out: { [k: string]: FixtureValue } = {};
    for (const [k, val] of Object.entries(o)) out[k] = decodeValue(val);
    return out;
  }
  return v as FixtureValue;
}

/** Read and decode a fixture file. */
export function loadFixture(path: string): Fixture {
  const parsed = JSON.parse(readFileSync(path, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${path}: a fixture must be one JSON object`);
  }
  return decodeValue(parsed) as Fixture;
}

/**
 * Typed access into a fixture by path, with errors that name the missing or mistyped key.
 * `get(fx, 'inputs.traj_info.Fm')` returns the NDArray or throws.
 */
export function arr(root: FixtureValue, path: string): NDArray {
  const v = at(root, path);
  if (!isNDArray(v)) throw new Error(`fixture: ${path} is not an array`);
  return v;
}

/** A number at `path` (a 1-element array counts as a number). */
export function num(root: FixtureValue, path: string): number {
  const v = at(root, path);
  if (typeof v === 'number') return v;
  if (isNDArray(v) && v.data.length === 1) return v.data[0];
  throw new Error(`fixture: ${path} is not a number`);
}

/** A string at `path`. */
export function str(root: FixtureValue, path: string): string {
  const v = at(root, path);
  if (typeof v !== 'string') throw new Error(`fixture: ${path} is not a string`);
  return v;
}

/** An object at `path`. */
export function obj(root: FixtureValue, path: string): { [key: string]: FixtureValue } {
  const v = at(root, path);
  if (!v || typeof v !== 'object' || Array.isArray(v) || isNDArray(v)) {
    throw new Error(`fixture: ${path} is not an object`);
  }
  return v as { [key: string]: FixtureValue };
}

/** A list at `path`. */
export function list(root: FixtureValue, path: string): FixtureValue[] {
  const v = at(root, path);
  if (!Array.isArray(v)) throw new Error(`fixture: ${path} is not a list`);
  return v;
}

/** True when `path` exists. */
export function has(root: FixtureValue, path: string): boolean {
  try {
    at(root, path);
    return true;
  } catch {
    return false;
  }
}

/** The value at a dotted path; list indices are numbers (`dgd_trace.0.eta_in`). */
export function at(root: FixtureValue, path: string): FixtureValue {
  let cur: FixtureValue = root;
  if (path === '') return cur;
  for (const key of path.split('.')) {
    if (Array.isArray(cur)) {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) {
        throw new Error(`fixture: ${path}: index ${key} is out of range`);
      }
      cur = cur[i];
    } else if (cur && typeof cur === 'object' && !isNDArray(cur) && key in cur) {
      cur = (cur as { [k: string]: FixtureValue })[key];
    } else {
      throw new Error(`fixture: ${path}: no key "${key}"`);
    }
  }
  return cur;
}
