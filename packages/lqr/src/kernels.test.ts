import { describe, expect, it } from 'vitest';
import {
  addSymAtBA,
  addSymFromChol,
  cholUpperRows,
  npSum,
  symABAt,
  symAddProd,
  transposeInto,
} from './kernels.js';
import { makeRandn, randomSpd } from './pr2-problem.js';

const randn = makeRandn(5);

function naiveAtBA(A: Float64Array, m: number, n: number, B: Float64Array): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++)
        for (let l = 0; l < m; l++) s += A[k * n + i] * B[k * m + l] * A[l * n + j];
      out[i * n + j] = s;
    }
  return out;
}

describe('kernels', () => {
  for (const [m, n] of [
    [3, 4],
    [5, 7],
    [26, 33],
    [1, 2],
  ]) {
    it(`Aᵀ B A two ways equal the naive product (m=${m}, n=${n})`, () => {
      const A = Float64Array.from({ length: m * n }, randn);
      const B = randomSpd(m, randn);
      const ref = naiveAtBA(A, m, n, B);
      const AT = new Float64Array(n * m);
      transposeInto(A, 0, m, n, AT, 0);
      const o1 = new Float64Array(n * n);
      addSymAtBA(AT, 0, m, n, B, 0, new Float64Array(n * m), o1, 0, 1);
      const R = new Float64Array(m * m);
      expect(cholUpperRows(B, m, R)).toBe(0);
      const o2 = new Float64Array(n * n);
      addSymFromChol(AT, 0, m, n, R, new Float64Array(n * m), o2, 0, 1);
      const scale = Math.max(...ref.map(Math.abs));
      for (let i = 0; i < n * n; i++) {
        expect(Math.abs(o1[i] - ref[i])).toBeLessThan(1e-12 * scale);
        expect(Math.abs(o2[i] - ref[i])).toBeLessThan(1e-12 * scale);
      }
      // A B Aᵀ with the roles swapped: (Aᵀ)ᵀ... use A' = Aᵀ [n, m], B [m, m]
      const o3 = new Float64Array(n * n);
      symABAt(AT, 0, n, m, B, 0, new Float64Array(n * m), o3, 0, n);
      for (let i = 0; i < n * n; i++) expect(Math.abs(o3[i] - ref[i])).toBeLessThan(1e-12 * scale);
    });
  }

  it('cholUpperRows reports the failing minor', () => {
    const B = Float64Array.from([1, 2, 2, 1]);
    expect(cholUpperRows(B, 2, new Float64Array(4))).toBe(2);
  });

  it('symAddProd gives ½(W + Wᵀ), W = Q_xx + Q_xu K, entry by entry as numpy forms it', () => {
    for (const [m, k] of [
      [5, 3],
      [4, 2],
      [26, 7],
      [1, 1],
    ]) {
      const s = m + k + 1;
      const Q = Float64Array.from({ length: (m + k) * s }, randn);
      const K = Float64Array.from({ length: 2 + k * m }, randn);
      const V = new Float64Array(m * m);
      symAddProd(Q, s, m, k, K, 2, V, new Float64Array(m * k));
      const W = (i: number, j: number) => {
        let p = 0;
        for (let a = 0; a < k; a++) p += Q[i * s + m + a] * K[2 + a * m + j];
        return Q[i * s + j] + p;
      };
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) expect(V[i * m + j]).toBe(0.5 * (W(i, j) + W(j, i)));
    }
  });

  it('npSum is numpy’s pairwise summation', () => {
    // 0.1 summed 10 times: sequential gives 0.9999999999999999, pairwise (8 lanes) gives 1.
    const a = new Float64Array(10).fill(0.1);
    let seq = 0;
    for (const v of a) seq += v;
    expect(seq).toBe(0.9999999999999999);
    expect(npSum(a)).toBe(0.1 + 0.1 + (0.1 + 0.1) + (0.1 + 0.1 + (0.1 + 0.1)) + 0.1 + 0.1);
    expect(npSum(new Float64Array([1, 2, 3]))).toBe(6);
    const big = Float64Array.from({ length: 1000 }, (_, i) => 1 / (i + 1));
    let s = 0;
    for (const v of big) s += v;
    expect(Math.abs(npSum(big) - s)).toBeLessThan(1e-12);
  });
});
