import { describe, expect, it } from 'vitest';
import { parseEncoded, stringifyEncoded } from './codec.js';
import { TrainerRng } from './rng.js';

function bits(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

describe('checkpoint codec', () => {
  it('round-trips typed arrays bit for bit', () => {
    const rng = new TrainerRng(3);
    const f = new Float64Array(257);
    for (let i = 0; i < f.length; i++)
      f[i] = (rng.nextUint32() / 7) * (i % 2 ? -1 : 1) * 1e-300 ** (i % 3);
    f[0] = Number.NaN;
    f[1] = -0;
    f[2] = Number.POSITIVE_INFINITY;
    f[3] = Number.MIN_VALUE;
    const value = {
      f,
      sub: f.subarray(10, 20),
      i32: Int32Array.of(-1, 2, 2 ** 31 - 1),
      u32: Uint32Array.of(0, 2 ** 32 - 1),
      f32: Float32Array.of(0.1, -3.5),
      u8: Uint8Array.of(0, 255),
      nested: [{ x: [f.subarray(0, 2)] }],
    };
    const back = parseEncoded(stringifyEncoded(value)) as typeof value;
    expect(back.f).toBeInstanceOf(Float64Array);
    expect(bits(back.f)).toBe(bits(f));
    expect(bits(back.sub)).toBe(bits(f.subarray(10, 20)));
    expect(Array.from(back.i32)).toEqual([-1, 2, 2 ** 31 - 1]);
    expect(Array.from(back.u32)).toEqual([0, 2 ** 32 - 1]);
    expect(back.f32).toBeInstanceOf(Float32Array);
    expect(Array.from(back.f32)).toEqual(Array.from(Float32Array.of(0.1, -3.5)));
    expect(Array.from(back.u8)).toEqual([0, 255]);
    expect(bits(back.nested[0].x[0] as Float64Array)).toBe(bits(f.subarray(0, 2)));
  });

  it('keeps numbers JSON cannot hold', () => {
    const v = {
      a: Number.NaN,
      b: -0,
      c: Number.NEGATIVE_INFINITY,
      d: [Number.POSITIVE_INFINITY, 1.5],
    };
    const back = parseEncoded(stringifyEncoded(v)) as typeof v;
    expect(back.a).toBeNaN();
    expect(Object.is(back.b, -0)).toBe(true);
    expect(back.c).toBe(Number.NEGATIVE_INFINITY);
    expect(back.d).toEqual([Number.POSITIVE_INFINITY, 1.5]);
  });

  it('uses the fixtures encoding (base64 little-endian, C order)', () => {
    const enc = JSON.parse(stringifyEncoded(Float64Array.of(1))) as Record<string, unknown>;
    expect(enc).toEqual({
      __ndarray__: true,
      dtype: 'float64',
      shape: [1],
      order: 'C',
      b64: 'AAAAAAAA8D8=',
    });
  });

  it('restores the trainer RNG stream', () => {
    const a = new TrainerRng(42);
    a.nextUint32();
    const b = new TrainerRng(0);
    b.setState(a.getState());
    for (let i = 0; i < 10; i++) expect(b.nextUint32()).toBe(a.nextUint32());
  });
});
