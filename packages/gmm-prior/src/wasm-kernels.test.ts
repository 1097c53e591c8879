import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assembleWatBase64 } from '../../../scripts/wat-to-ts.mjs';
import { GmmDynamicsPrior } from './dynamics-prior-gmm.js';
import { Gmm } from './gmm.js';
import { Xoshiro128 } from './rng.js';
import { Normal } from './test-helpers.js';
import { kernelModule, WasmKernels, wasmSimdAvailable } from './wasm-kernels.js';
import { WASM_KERNELS_BASE64 } from './wasm-kernels-bytes.js';

/** Random lower-triangular factor with a positive diagonal, K of them `[K, D, D]`. */
function factors(K: number, D: number, rnd: Normal): Float64Array {
  const L = new Float64Array(K * D * D);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < i; j++) L[k * D * D + i * D + j] = 0.3 * rnd.next();
      L[k * D * D + i * D + i] = 0.5 + Math.abs(rnd.next());
      for (let j = i + 1; j < D; j++) L[k * D * D + i * D + j] = 99; // never read
    }
  }
  return L;
}

/** Plain forward substitution, the operation order of both kernels. */
function naiveSs(
  L: Float64Array,
  mu: Float64Array,
  x: Float64Array,
  k: number,
  p: number,
  D: number,
) {
  const z = new Float64Array(D);
  let ss = 0;
  for (let i = 0; i < D; i++) {
    let s = x[p * D + i] - mu[k * D + i];
    for (let j = 0; j < i; j++) s -= L[k * D * D + i * D + j] * z[j];
    z[i] = s / L[k * D * D + i * D + i];
    ss += z[i] * z[i];
  }
  return ss;
}

describe('WebAssembly SIMD kernels', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    kernelModule(true);
  });

  it('the committed module is wasm/kernels.wat assembled (run `pnpm build:wasm` after editing it)', async () => {
    const pkgDir = fileURLToPath(new URL('..', import.meta.url));
    expect(await assembleWatBase64(pkgDir, 'wasm/kernels.wat')).toBe(WASM_KERNELS_BASE64);
  });

  it('are available on this Node', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('substitution equals plain forward substitution bit for bit (odd and even sizes)', () => {
    const rnd = new Normal(11);
    for (const D of [1, 2, 3, 7, 12, 59]) {
      for (const n of [1, 2, 3, 5, 8, 9, 11, 13, 16, 17, 23]) {
        const K = 1 + ((D + n) % 3);
        const L = factors(K, D, rnd);
        const mu = rnd.fill(K * D);
        const x = rnd.fill(n * D, 2);
        const w = WasmKernels.create()!;
        w.layout(K, D, n);
        w.uploadFactors(w, L, mu, 1);
        const { off, ldx } = w.substitution(x, n);
        const got: number[] = [];
        const want: number[] = [];
        for (let k = 0; k < K; k++) {
          for (let p = 0; p < n; p++) {
            got.push(w.f64[off + k * ldx + p]);
            want.push(naiveSs(L, mu, x, k, p, D));
          }
        }
        expect(got).toEqual(want);
      }
    }
  });

  it('scatter equals the sequential sums of products bit for bit', () => {
    const rnd = new Normal(12);
    for (const D of [1, 2, 3, 8, 9, 17, 59]) {
      for (const m of [0, 1, 2, 7, 40]) {
        const w = WasmKernels.create()!;
        w.layout(2, D, Math.max(m, 1));
        const Dp = D + (D & 1);
        const V = rnd.fill(m * D);
        const f = w.f64;
        for (let r = 0; r < m; r++) {
          for (let a = 0; a < D; a++) f[w.vOffset + r * Dp + a] = V[r * D + a];
          if (Dp > D) f[w.vOffset + r * Dp + D] = 0;
        }
        const at = w.scatter(m);
        const got: number[] = [];
        const want: number[] = [];
        for (let a = 0; a < D; a++) {
          for (let b = a; b < D; b++) {
            let s = 0;
            for (let r = 0; r < m; r++) s += V[r * D + a] * V[r * D + b];
            got.push(f[at + a * Dp + b]);
            want.push(s);
          }
        }
        expect(got).toEqual(want);
      }
    }
  });

  it('weighted points: mean and sqrt(w)-scaled rows of the nonzero weights, bit for bit', () => {
    const rnd = new Normal(13);
    for (const D of [1, 2, 5, 59]) {
      for (const n of [1, 3, 8, 21]) {
        const w = WasmKernels.create()!;
        w.layout(2, D, n);
        const x = rnd.fill(n * D, 3);
        const wts = new Float64Array(n + 2);
        for (let p = 0; p < n; p++)
          wts[p + 2] = p % 3 === 1 ? (p % 2 ? 0 : -0) : Math.abs(rnd.next());
        w.uploadPoints(x, n);
        const m = w.weightedPoints(wts, 2, n);
        const mu = new Float64Array(D);
        const rows: number[] = [];
        for (let p = 0; p < n; p++) {
          const wt = wts[p + 2];
          if (wt === 0) continue;
          for (let a = 0; a < D; a++) {
            mu[a] += wt * x[p * D + a];
            rows.push(x[p * D + a] * Math.sqrt(wt));
          }
        }
        expect(m).toBe(rows.length / D);
        expect(Array.from(w.f64.subarray(w.muOffset, w.muOffset + D))).toEqual(Array.from(mu));
        const Dp = D + (D & 1);
        const got: number[] = [];
        for (let r = 0; r < m; r++) {
          for (let a = 0; a < D; a++) got.push(w.f64[w.vOffset + r * Dp + a]);
        }
        expect(got).toEqual(rows);
      }
    }
  });

  it('EM and inference give bit-identical results with the JavaScript and the wasm kernels', () => {
    for (const [D, n, K] of [
      [5, 37, 3],
      [59, 101, 4],
      [8, 16, 2],
      [1, 9, 2],
    ]) {
      const rnd = new Normal(D * 100 + n);
      const data = new Float64Array(n * D);
      for (let p = 0; p < n; p++) {
        const c = p % K;
        for (let a = 0; a < D; a++) data[p * D + a] = 3 * c * ((a % 3) - 1) + rnd.next();
      }
      const js = new Gmm({ rng: new Xoshiro128(5), kernels: 'js' });
      const wa = new Gmm({ rng: new Xoshiro128(5), kernels: 'wasm' });
      expect(js.usesWasm).toBe(false);
      expect(wa.usesWasm).toBe(true);
      const rj = js.update(data, n, D, K);
      const rw = wa.update(data, n, D, K);
      expect(rw.logLikelihoods).toEqual(rj.logLikelihoods);
      expect(wa.params.mu).toEqual(js.params.mu);
      expect(wa.params.sigma).toEqual(js.params.sigma);
      expect(wa.params.logmass).toEqual(js.params.logmass);
      // moments with one cluster of weight exactly 0 (skipped by both paths)
      const lw = new Float64Array(K).fill(Math.log(1 / (K - 1 || 1)));
      lw[K - 1] = Number.NEGATIVE_INFINITY;
      const m0 = [new Float64Array(D), new Float64Array(D)];
      const P0 = [new Float64Array(D * D), new Float64Array(D * D)];
      js.moments(lw, m0[0], P0[0]);
      wa.moments(lw, m0[1], P0[1]);
      expect(m0[1]).toEqual(m0[0]);
      expect(P0[1]).toEqual(P0[0]);
      for (const q of [1, 2, 5, 9]) {
        const pts = data.subarray(0, q * D).slice();
        const ij = js.inference(pts, q);
        const iw = wa.inference(pts, q);
        expect(iw.mu0).toEqual(ij.mu0);
        expect(iw.Phi).toEqual(ij.Phi);
      }
    }
  });

  it("mixtures sharing the kernel instance never see each other's uploads", () => {
    const mk = (D: number, n: number, K: number, seed: number, kernels: 'js' | 'wasm') => {
      const rnd = new Normal(seed);
      const data = rnd.fill(n * D, 2);
      const g = new Gmm({ rng: new Xoshiro128(seed), kernels });
      g.update(data, n, D, K);
      return { g, pts: data.subarray(0, 3 * D).slice() };
    };
    const cases: [number, number, number, number][] = [
      [7, 40, 3, 1],
      [7, 40, 3, 2],
      [4, 30, 2, 3],
    ];
    const js = cases.map(([D, n, K, seed]) => mk(D, n, K, seed, 'js'));
    const wa = cases.map(([D, n, K, seed]) => mk(D, n, K, seed, 'wasm'));
    for (let round = 0; round < 3; round++) {
      for (let c = 0; c < cases.length; c++) {
        const a = js[c].g.inference(js[c].pts, 3);
        const b = wa[c].g.inference(wa[c].pts, 3);
        expect(b.Phi).toEqual(a.Phi);
        expect(b.mu0).toEqual(a.mu0);
      }
    }
  });

  it('falls back to the JavaScript kernels when WebAssembly SIMD is unavailable', () => {
    // A WebAssembly without SIMD rejects the module.
    vi.stubGlobal('WebAssembly', { validate: () => false });
    expect(kernelModule(true)).toBeNull();
    expect(new Gmm().usesWasm).toBe(false);
    vi.stubGlobal('WebAssembly', undefined);
    expect(kernelModule(true)).toBeNull();
    const g = new Gmm();
    expect(g.usesWasm).toBe(false);
    expect(() => new Gmm({ kernels: 'wasm' })).toThrow(/not available/);
    const prior = new GmmDynamicsPrior({ minSamplesPerCluster: 5, maxClusters: 3, seed: 1 });
    const rnd = new Normal(3);
    const [N, T, dX, dU] = [3, 6, 2, 1];
    prior.update(rnd.fill(N * T * dX), rnd.fill(N * T * dU), N, T, dX, dU);
    expect(prior.eval(rnd.fill(2 * (2 * dX + dU)), 2, dX, dU).Phi.every(Number.isFinite)).toBe(
      true,
    );
  });
});
