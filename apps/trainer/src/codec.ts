/**
 * JSON codec for checkpoints: typed arrays become `{"__ndarray__": true, "dtype", "shape",
 * "order": "C", "b64"}` (base64 of little-endian bytes, the reference fixtures' encoding), and
 * numbers JSON cannot hold (NaN, ±Infinity, -0) become `{"__number__": "NaN" | "Infinity" |
 * "-Infinity" | "-0"}`, so every state round-trips bit for bit.
 *
 * @packageDocumentation
 */
import { RunDirError } from './errors.js';

type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

const DTYPES = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
} as const;
type Dtype = keyof typeof DTYPES;

function dtypeOf(a: ArrayBufferView): Dtype | null {
  for (const [name, ctor] of Object.entries(DTYPES)) {
    if (a instanceof ctor) return name as Dtype;
  }
  return null;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toLittleEndianBytes(a: TypedArray): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  const w = a.BYTES_PER_ELEMENT;
  if (!littleEndian && w > 1) {
    for (let i = 0; i < bytes.length; i += w) bytes.subarray(i, i + w).reverse();
  }
  return bytes;
}

/** Encode a value (plain JSON plus typed arrays and non-finite numbers at any depth). */
export function encodeValue(v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { __number__: 'NaN' };
    if (v === Number.POSITIVE_INFINITY) return { __number__: 'Infinity' };
    if (v === Number.NEGATIVE_INFINITY) return { __number__: '-Infinity' };
    if (Object.is(v, -0)) return { __number__: '-0' };
    return v;
  }
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) {
    const dtype = dtypeOf(v);
    if (!dtype) throw new RunDirError(`cannot encode ${v.constructor.name} in a checkpoint`);
    const a = v as TypedArray;
    return {
      __ndarray__: true,
      dtype,
      shape: [a.length],
      order: 'C',
      b64: Buffer.from(toLittleEndianBytes(a)).toString('base64'),
    };
  }
  if (Array.isArray(v)) return v.map(encodeValue);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeValue(x);
  return out;
}

/** Decode what {@link encodeValue} produced. */
export function decodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  const o = v as Record<string, unknown>;
  if (o.__ndarray__ === true) {
    const ctor = DTYPES[o.dtype as Dtype];
    if (!ctor || typeof o.b64 !== 'string') {
      throw new RunDirError(`checkpoint array with unknown dtype ${String(o.dtype)}`);
    }
    const bytes = Buffer.from(o.b64, 'base64');
    const w = ctor.BYTES_PER_ELEMENT;
    if (bytes.length % w !== 0) {
      throw new RunDirError(`checkpoint array: ${bytes.length} bytes is not a multiple of ${w}`);
    }
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    if (!littleEndian && w > 1) {
      for (let i = 0; i < copy.length; i += w) copy.subarray(i, i + w).reverse();
    }
    return new ctor(copy.buffer, 0, copy.length / w);
  }
  if (typeof o.__number__ === 'string' && Object.keys(o).length === 1) {
    switch (o.__number__) {
      case 'NaN':
        return Number.NaN;
      case 'Infinity':
        return Number.POSITIVE_INFINITY;
      case '-Infinity':
        return Number.NEGATIVE_INFINITY;
      case '-0':
        return -0;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x);
  return out;
}

/** `JSON.stringify` of {@link encodeValue}. */
export function stringifyEncoded(v: unknown, indent?: number): string {
  return JSON.stringify(encodeValue(v), null, indent);
}

/** {@link decodeValue} of `JSON.parse`. */
export function parseEncoded(text: string): unknown {
  return decodeValue(JSON.parse(text));
}
