import { describe, expect, it } from 'vitest';
import { gaussianKernel, generateNoise, Rng } from './noise.js';

describe('Rng', () => {
  it('repeats a stream for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 100 }, () => a.normal());
    const xb = Array.from({ length: 100 }, () => b.normal());
    const xc = Array.from({ length: 100 }, () => c.normal());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('draws standard normals', () => {
    const r = new Rng(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });

  it('draws uniforms in [0, 1)', () => {
    const r = new Rng(1);
    for (let i = 0; i < 10_000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });
});

describe('generateNoise', () => {
  it('builds the scipy gaussian_filter1d kernel (truncate 4)', () => {
    const w = gaussianKernel(2);
    expect(w.length).toBe(17); // radius int(4*2 + 0.5) = 8
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    // scipy.ndimage._gaussian_kernel1d(2, 0, 8)[8] = 0.19947...
    expect(w[8]).toBeCloseTo(0.199474, 5);
    expect(w[0]).toBeCloseTo(w[16], 15);
  });

  it('without smoothing is the raw normal stream', () => {
    const n = generateNoise(5, 2, new Rng(3), { smooth: false });
    const r = new Rng(3);
    for (let i = 0; i < 10; i++) expect(n[i]).toBe(r.normal());
  });

  it('smooths over time and renormalises each dimension to unit variance', () => {
    const T = 100;
    const dU = 3;
    const n = generateNoise(T, dU, new Rng(11));
    for (let j = 0; j < dU; j++) {
      let m = 0;
      for (let t = 0; t < T; t++) m += n[t * dU + j];
      m /= T;
      let v = 0;
      for (let t = 0; t < T; t++) v += (n[t * dU + j] - m) ** 2;
      expect(v / T).toBeCloseTo(1, 10);
      // Smoothed noise is strongly correlated from one step to the next.
      let c = 0;
      for (let t = 0; t + 1 < T; t++) c += (n[t * dU + j] - m) * (n[(t + 1) * dU + j] - m);
      expect(c / (T - 1) / (v / T)).toBeGreaterThan(0.7);
    }
  });

  it('reflects at the boundaries like scipy (constant input stays constant)', () => {
    // A constant column filtered with mode "reflect" stays constant (no edge fall-off).
    const r = { normal: () => 1 } as unknown as Rng;
    const n = generateNoise(6, 1, r, { smoothVar: 2, renormalize: false });
    for (const v of n) expect(v).toBeCloseTo(1, 14);
  });
});
