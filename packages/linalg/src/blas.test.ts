import fc from 'fast-check';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  add,
  axpy,
  gemm,
  Mat,
  outer,
  quadForm,
  symmetrize,
  toMlMatrix,
  trace,
  traceProd,
} from './index.js';
import { maxDiff, randomMat, rng } from './test-utils.js';

describe('gemm', () => {
  it('agrees with ml-matrix for every transpose combination, alpha and beta', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e9 }),
        (m, k, n, tA, tB, seed) => {
          const A = randomMat(tA ? k : m, tA ? m : k, seed);
          const B = randomMat(tB ? n : k, tB ? k : n, seed + 1);
          const C0 = randomMat(m, n, seed + 2);
          const C = C0.clone();
          gemm(A, B, C, tA, tB, 0.7, -1.3);
          const opA = tA ? toMlMatrix(A).transpose() : toMlMatrix(A);
          const opB = tB ? toMlMatrix(B).transpose() : toMlMatrix(B);
          const ref = opA.mmul(opB).mul(0.7).add(toMlMatrix(C0).mul(-1.3));
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) expect(C.get(i, j)).toBeCloseTo(ref.get(i, j), 12);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('works on strided block views without touching entries outside the block', () => {
    const big = randomMat(10, 10, 3);
    const before = big.clone();
    const A = randomMat(4, 3, 4);
    const B = randomMat(3, 5, 5);
    const Cv = big.block(2, 4, 4, 5);
    gemm(A, B, Cv);
    const ref = toMlMatrix(A).mmul(toMlMatrix(B));
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 10; j++) {
        const inside = i >= 2 && i < 6 && j >= 4 && j < 9;
        if (inside) expect(big.get(i, j)).toBeCloseTo(ref.get(i - 2, j - 4), 13);
        else expect(big.get(i, j)).toBe(before.get(i, j));
      }
    }
  });

  it('ignores NaN in C when beta is 0', () => {
    const C = Mat.zeros(2, 2);
    C.data.fill(Number.NaN);
    gemm(Mat.identity(2), Mat.identity(2), C);
    expect(C.toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('rejects mismatched shapes and an output that overlaps an input', () => {
    expect(() => gemm(Mat.zeros(2, 3), Mat.zeros(2, 3), Mat.zeros(2, 3))).toThrow(/gemm/);
    const A = Mat.zeros(3, 3);
    expect(() => gemm(A, Mat.identity(3), A)).toThrow(/overlaps/);
  });
});

describe('vector and elementwise helpers', () => {
  it('axpy, add, outer, traces and quadratic forms match their definitions', () => {
    const r = rng(7);
    const x = Mat.vec(Float64Array.from({ length: 5 }, r));
    const y = Mat.vec(Float64Array.from({ length: 4 }, r));
    const A = randomMat(5, 4, 8);
    const O = Mat.zeros(5, 4);
    outer(x, y, O);
    expect(O.get(3, 2)).toBeCloseTo(x.get(3, 0) * y.get(2, 0), 15);
    expect(quadForm(x, A, y)).toBeCloseTo(
      toMlMatrix(x).transpose().mmul(toMlMatrix(A)).mmul(toMlMatrix(y)).get(0, 0),
      13,
    );
    const S = randomMat(4, 4, 9);
    const T = randomMat(4, 4, 10);
    expect(traceProd(S, T)).toBeCloseTo(
      trace(Mat.from(toMlMatrix(S).mmul(toMlMatrix(T)).to2DArray())),
      13,
    );
    const Y = A.clone();
    axpy(2, A, Y);
    expect(maxDiff(Y, Mat.from(new Matrix(A.toArray()).mul(3).to2DArray()))).toBeLessThan(1e-15);
    const Z = Mat.zeros(5, 4);
    add(A, Y, Z, 1, -1);
    expect(maxDiff(Z, Mat.from(new Matrix(A.toArray()).mul(-2).to2DArray()))).toBeLessThan(1e-15);
    const U = randomMat(4, 4, 11);
    symmetrize(U);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(U.get(i, j)).toBe(U.get(j, i));
  });
});
