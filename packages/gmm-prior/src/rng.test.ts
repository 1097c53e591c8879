import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from './rng.js';

describe('Xoshiro128', () => {
  it('is deterministic per seed, uniform enough, and checkpointable', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const c = new Xoshiro128(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(sa);
    const counts = new Array(5).fill(0);
    const r = new Xoshiro128(1);
    for (let i = 0; i < 50_000; i++) counts[r.nextInt(5)]++;
    for (const k of counts) expect(Math.abs(k - 10_000)).toBeLessThan(400);
    const s = r.getState();
    const next = Array.from({ length: 10 }, () => r.nextInt(7));
    const r2 = new Xoshiro128(999);
    r2.setState(s);
    expect(Array.from({ length: 10 }, () => r2.nextInt(7))).toEqual(next);
    expect(() => r.nextInt(0)).toThrow(RangeError);
  });
});
