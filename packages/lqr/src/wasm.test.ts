import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import { assembleWatBase64 } from '../../../scripts/wat-to-ts.mjs';
import { forwardRaw } from './forward.js';
import { backward, controllerKlCost, controllerKlTerms, forward, forwardScratch } from './index.js';
import { addSymFromChol, cholUpperRows, symABAt, transposeInto } from './kernels.js';
import { klScratch, klSelfAt } from './kl.js';
import { makeRandn, pr2Problem, randomSpd } from './pr2-problem.js';
import { KlConstrainedLqr } from './trajopt.js';
import { type LqrKernels, setLqrKernels, simdKernels, wasmSimdAvailable } from './wasm.js';
import { LQR_WASM_BASE64 } from './wasm-kernels-bytes.js';
import { LqrWorkspace, zeroMarginals } from './workspace.js';

const randn = makeRandn(11);
const rand = (len: number) => Float64Array.from({ length: len }, randn);

const spd = (m: number) => randomSpd(m, randn);

function maxAbs(a: Float64Array): number {
  let s = 0;
  for (const v of a) s = Math.max(s, Math.abs(v));
  return s;
}

// Odd and even dX, dU (the kernel pads every dimension to 2 or 4 with zeros).
const sizes: [number, number][] = [
  [1, 1],
  [2, 1],
  [3, 2],
  [5, 3],
  [7, 4],
  [8, 5],
  [26, 7],
  [27, 6],
];

it('the committed module is wasm/kernels.wat assembled (run `pnpm build:wasm` after editing it)', async () => {
  const pkgDir = fileURLToPath(new URL('..', import.meta.url));
  expect(await assembleWatBase64(pkgDir, 'wasm/kernels.wat')).toBe(LQR_WASM_BASE64);
});

describe.skipIf(!wasmSimdAvailable())('WebAssembly SIMD kernels', () => {
  for (const [dX, dU] of sizes) {
    const n = dX + dU;
    it(`Fmᵀ (Rᵀ R) Fm: wasm, JS and the naive product agree (dX=${dX}, dU=${dU})`, () => {
      const simd = simdKernels(dX, dU)!;
      const Fm = rand(dX * n);
      const V = spd(dX);
      const R = new Float64Array(dX * dX);
      expect(cholUpperRows(V, dX, R)).toBe(0);
      // AT at an offset, as the workspace stores Fm_tᵀ of every step.
      const off = 3 * n * dX;
      const AT = new Float64Array(off + n * dX + 5);
      transposeInto(Fm, 0, dX, n, AT, off);
      // symmetric n x n block at offset 7 (then the result is exactly symmetric too)
      const base = rand(n * n + 7);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < i; j++) base[7 + i * n + j] = base[7 + j * n + i];
      const alpha = 0.75;
      const ref = base.slice();
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < dX; k++)
            for (let l = 0; l < dX; l++) s += Fm[k * n + i] * V[k * dX + l] * Fm[l * n + j];
          ref[7 + i * n + j] += alpha * s;
        }
      const oJs = base.slice();
      addSymFromChol(AT, off, dX, n, R, new Float64Array(n * dX), oJs, 7, alpha);
      const oWasm = base.slice();
      simd.addSymFromChol(AT, off, R, oWasm, 7, alpha);
      const scale = maxAbs(ref);
      for (let i = 0; i < ref.length; i++) {
        expect(Math.abs(oWasm[i] - ref[i])).toBeLessThan(1e-12 * scale);
        expect(Math.abs(oWasm[i] - oJs[i])).toBeLessThan(1e-12 * scale);
      }
      // the added term is exactly symmetric
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) expect(oWasm[7 + i * n + j]).toBe(oWasm[7 + j * n + i]);
      // the untouched margins stay untouched
      for (let i = 0; i < 7; i++) expect(oWasm[i]).toBe(base[i]);
    });

    it(`Fm Σ Fmᵀ: wasm, JS and the naive product agree (dX=${dX}, dU=${dU})`, () => {
      const simd = simdKernels(dX, dU)!;
      const aOff = 5;
      const A = rand(aOff + dX * n);
      const bOff = 2;
      const B = new Float64Array(bOff + n * n);
      B.set(spd(n), bOff);
      const ref = new Float64Array(dX * dX);
      for (let i = 0; i < dX; i++)
        for (let j = 0; j < dX; j++) {
          let s = 0;
          for (let k = 0; k < n; k++)
            for (let l = 0; l < n; l++)
              s += A[aOff + i * n + k] * B[bOff + k * n + l] * A[aOff + j * n + l];
          ref[i * dX + j] = s;
        }
      // out inside a larger matrix (row stride n + 1, offset), as sigma_{t+1}'s state block
      const stride = n + 1;
      const oOff = 4;
      const oJs = new Float64Array(oOff + dX * stride).fill(-1);
      symABAt(A, aOff, dX, n, B, bOff, new Float64Array(dX * n), oJs, oOff, stride);
      const oWasm = new Float64Array(oOff + dX * stride).fill(-1);
      simd.symABAt(A, aOff, B, bOff, oWasm, oOff, stride);
      const scale = maxAbs(ref);
      for (let i = 0; i < dX; i++)
        for (let j = 0; j < dX; j++) {
          const w = oWasm[oOff + i * stride + j];
          // upper triangle computed, lower mirrored
          const r = ref[Math.min(i, j) * dX + Math.max(i, j)];
          expect(Math.abs(w - r)).toBeLessThan(1e-12 * scale);
          expect(Math.abs(w - oJs[oOff + i * stride + j])).toBeLessThan(1e-12 * scale);
          expect(w).toBe(oWasm[oOff + j * stride + i]);
        }
      for (let i = 0; i < oOff; i++) expect(oWasm[i]).toBe(-1);
      for (let i = 0; i < dX; i++) expect(oWasm[oOff + i * stride + dX]).toBe(-1);
    });
  }

  for (const m of [1, 2, 3, 5, 8, 26, 27]) {
    it(`the Cholesky factor equals cholUpperRows' bit for bit, and the products from it agree (m=${m})`, () => {
      const dU = 3;
      const n = m + dU;
      const simd = simdKernels(m, dU)!;
      const V = spd(m);
      const Rjs = new Float64Array(m * m);
      expect(cholUpperRows(V, m, Rjs)).toBe(0);
      const Rw = new Float64Array(m * m);
      expect(simd.factorUpper(V, Rw)).toBe(0);
      expect(Rw).toEqual(Rjs);
      const AT = rand(n * m);
      const o1 = new Float64Array(n * n);
      simd.addSymFromChol(AT, 0, Rjs, o1, 0, 1.5);
      const o2 = new Float64Array(n * n);
      simd.factorUpper(V);
      simd.addSymFromFactor(AT, 0, o2, 0, 1.5);
      expect(o2).toEqual(o1);
      // not positive definite: the same failing minor as cholUpperRows
      const W = V.slice();
      const k = Math.floor(m / 2);
      W[k * m + k] = -1;
      expect(simd.factorUpper(W)).toBe(cholUpperRows(W, m, new Float64Array(m * m)));
      expect(simd.factorUpper(W)).toBe(k + 1);
    });
  }

  for (const [dX, dU] of sizes) {
    it(`forward pass: wasm and JS kernels agree (dX=${dX}, dU=${dU})`, () => {
      const T = 6;
      const n = dX + dU;
      const Fm = rand(T * dX * n).map((v) => 0.4 * v);
      const dynCovar = new Float64Array(T * dX * dX);
      for (let t = 0; t < T; t++) dynCovar.set(spd(dX), t * dX * dX);
      const polCovar = new Float64Array(T * dU * dU);
      for (let t = 0; t < T; t++) polCovar.set(spd(dU), t * dU * dU);
      const controller = {
        T,
        dX,
        dU,
        K: rand(T * dU * dX),
        k: rand(T * dU),
        polCovar,
        cholPolCovar: new Float64Array(T * dU * dU),
        invPolCovar: new Float64Array(T * dU * dU),
      };
      const dynamics = {
        T,
        dX,
        dU,
        Fm,
        fv: rand(T * dX),
        dynCovar,
        x0mu: rand(dX),
        x0sigma: spd(dX),
      };
      const scW = forwardScratch(dX, dU);
      expect(scW.simd).not.toBeNull();
      // twice, so that the second pass starts with the state the first one left
      forward(controller, dynamics, zeroMarginals(T, dX, dU), scW);
      const mW = forward(controller, dynamics, zeroMarginals(T, dX, dU), scW);
      const mJ = forward(controller, dynamics, zeroMarginals(T, dX, dU), {
        G: new Float64Array(dX * n),
        simd: null,
      });
      const s = maxAbs(mJ.sigma);
      for (let i = 0; i < mJ.sigma.length; i++) {
        expect(Math.abs(mW.sigma[i] - mJ.sigma[i])).toBeLessThan(1e-12 * s);
      }
      const sm = maxAbs(mJ.mu);
      for (let i = 0; i < mJ.mu.length; i++) {
        expect(Math.abs(mW.mu[i] - mJ.mu[i])).toBeLessThan(1e-12 * sm);
      }
    });
  }

  for (const [dX, dU] of sizes) {
    it(`per-step KL inside the forward pass: wasm and JS agree (dX=${dX}, dU=${dU})`, () => {
      const T = 5;
      const n = dX + dU;
      const ctrl = () => {
        const polCovar = new Float64Array(T * dU * dU);
        const chol = new Float64Array(T * dU * dU);
        const R = new Float64Array(dU * dU);
        for (let t = 0; t < T; t++) {
          const P = spd(dU);
          polCovar.set(P, t * dU * dU);
          cholUpperRows(P, dU, R);
          chol.set(R, t * dU * dU);
        }
        return {
          T,
          dX,
          dU,
          K: rand(T * dU * dX),
          k: rand(T * dU),
          polCovar,
          cholPolCovar: chol,
          invPolCovar: new Float64Array(T * dU * dU),
        };
      };
      const newC = ctrl();
      const prevC = ctrl();
      const Fm = rand(T * dX * n).map((v) => 0.4 * v);
      const dynCovar = new Float64Array(T * dX * dX);
      for (let t = 0; t < T; t++) dynCovar.set(spd(dX), t * dX * dX);
      const d = { T, dX, dU, Fm, fv: rand(T * dX), dynCovar, x0mu: rand(dX), x0sigma: spd(dX) };
      const run = (useSimd: boolean) => {
        const m = zeroMarginals(T, dX, dU);
        const sc = useSimd ? forwardScratch(dX, dU) : { G: new Float64Array(dX * n), simd: null };
        const kl = new Float64Array(T);
        const ks = klScratch(dX, dU);
        forwardRaw(newC, d, m.mu, m.sigma, sc, T, dX, dU, (t) => {
          kl[t] = klSelfAt(t, m, newC, prevC, ks, undefined, sc.simd);
        });
        return kl;
      };
      const kW = run(true);
      const kJ = run(false);
      for (let t = 0; t < T; t++)
        expect(Math.abs(kW[t] - kJ[t])).toBeLessThan(1e-11 * Math.abs(kJ[t]));
    });
  }

  it('repeated calls of one instance give identical results (the zero padding stays zero)', () => {
    const dX = 5;
    const dU = 2;
    const n = dX + dU;
    const simd = simdKernels(dX, dU)!;
    const A = rand(dX * n);
    const B = rand(n * n);
    const o1 = new Float64Array(dX * dX);
    simd.symABAt(A, 0, B, 0, o1, 0, dX);
    // other sizes' and other products' calls in between
    simdKernels(3, 2)!.symABAt(rand(15), 0, rand(25), 0, new Float64Array(9), 0, 3);
    const R = new Float64Array(dX * dX);
    cholUpperRows(spd(dX), dX, R);
    simd.addSymFromChol(rand(n * dX), 0, R, new Float64Array(n * n), 0, 1);
    const o2 = new Float64Array(dX * dX);
    simd.symABAt(A, 0, B, 0, o2, 0, dX);
    expect(o2).toEqual(o1);
  });

  it('backward, forward and the whole update agree between the wasm and JS kernels (PR2 size)', () => {
    const p = pr2Problem(3);
    const { T, dX, dU } = p.dynamics;
    const n = dX + dU;
    const wsW = new LqrWorkspace(T, dX, dU);
    const wsJ = new LqrWorkspace(T, dX, dU);
    expect(wsW.simd).not.toBeNull();
    wsJ.simd = null;
    const PKLm = new Float64Array(T * n * n);
    const PKLv = new Float64Array(T * n);
    controllerKlTerms(p.controller, PKLm, PKLv);
    const augmentedCost = controllerKlCost(p.cost, PKLm, PKLv);
    const bW = backward(p.dynamics, p.cost, p.controller, 0.5, {}, { augmentedCost }, wsW);
    const bJ = backward(p.dynamics, p.cost, p.controller, 0.5, {}, { augmentedCost }, wsJ);
    const close = (a: Float64Array, b: Float64Array, tol: number) => {
      const s = Math.max(maxAbs(a), 1e-300);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol * s);
    };
    close(bW.controller.K, bJ.controller.K, 1e-10);
    close(bW.controller.k, bJ.controller.k, 1e-10);
    close(bW.controller.polCovar, bJ.controller.polCovar, 1e-10);

    const scW = forwardScratch(dX, dU);
    expect(scW.simd).not.toBeNull();
    const mW = forward(p.controller, p.dynamics, zeroMarginals(T, dX, dU), scW);
    const mJ = forward(p.controller, p.dynamics, zeroMarginals(T, dX, dU), {
      G: new Float64Array(dX * n),
      simd: null,
    });
    close(mW.mu, mJ.mu, 1e-10);
    close(mW.sigma, mJ.sigma, 1e-10);

    const input = {
      dynamics: p.dynamics,
      cost: p.cost,
      prevController: p.controller,
      eta0: 1,
      klStep: p.klStep,
    };
    const lW = new KlConstrainedLqr(T, dX, dU);
    const lJ = new KlConstrainedLqr(T, dX, dU);
    lJ.workspace.simd = null;
    lJ.workspace.fwd.simd = null;
    const uW = lW.update(input);
    const uJ = lJ.update(input);
    expect(uW.backwardCalls).toBe(uJ.backwardCalls);
    expect(uW.eta).toBe(uJ.eta);
    expect(uW.trace.map((e) => e.etaIn)).toEqual(uJ.trace.map((e) => e.etaIn));
    for (let i = 0; i < uW.trace.length; i++) {
      expect(Math.abs((uW.trace[i].kl as number) - (uJ.trace[i].kl as number))).toBeLessThan(
        1e-9 * Math.abs(uJ.trace[i].kl as number),
      );
    }
    close(uW.controller.K, uJ.controller.K, 1e-9);
    close(uW.marginals.sigma, uJ.marginals.sigma, 1e-9);
  });
});

describe('setLqrKernels', () => {
  it('chooses the kernels of new workspaces and names the field on a bad choice', () => {
    try {
      setLqrKernels('js');
      expect(new LqrWorkspace(3, 4, 2).simd).toBeNull();
      setLqrKernels('auto');
      expect(new LqrWorkspace(3, 4, 2).simd === null).toBe(!wasmSimdAvailable());
      if (wasmSimdAvailable()) {
        setLqrKernels('wasm');
        expect(new LqrWorkspace(3, 4, 2).simd).not.toBeNull();
      } else {
        expect(() => setLqrKernels('wasm')).toThrow(InvalidArgumentError);
      }
      expect(() => setLqrKernels('gpu' as LqrKernels)).toThrow(
        /kernels: expected 'auto', 'js' or 'wasm', got "gpu"/,
      );
      expect(() => setLqrKernels('gpu' as LqrKernels)).toThrow(InvalidArgumentError);
    } finally {
      setLqrKernels('auto');
    }
  });
});
