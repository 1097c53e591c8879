import fc from 'fast-check';
import { CholeskyDecomposition, determinant, inverse } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  Batch,
  cholesky,
  choleskyOrThrow,
  choleskySolve,
  cond,
  conditionGaussian,
  det,
  GaussianConditioner,
  gemm,
  logDetSpd,
  luFactor,
  luSolve,
  Mat,
  NotPositiveDefiniteError,
  pinv,
  SingularMatrixError,
  solve,
  solveTriangular,
  spdInverse,
  symEig,
  toMlMatrix,
} from './index.js';
import { maxDiff, randomMat, randomSpd, sizeAndSeed } from './test-utils.js';

/** ‖A B − C‖∞ / (‖A‖∞ ‖B‖∞) style residual, relative to the inputs' scale. */
function residual(A: Mat, X: Mat, B: Mat): number {
  const AX = Mat.zeros(B.rows, B.cols);
  gemm(A, X, AX);
  let num = 0;
  let scale = 0;
  for (let i = 0; i < B.rows; i++) {
    for (let j = 0; j < B.cols; j++) {
      num = Math.max(num, Math.abs(AX.get(i, j) - B.get(i, j)));
      scale = Math.max(scale, Math.abs(B.get(i, j)));
    }
  }
  return num / Math.max(scale, 1e-300);
}

describe('cholesky', () => {
  for (const condition of [10, 1e8]) {
    it(`reconstructs A from both factors (condition ~${condition})`, () => {
      fc.assert(
        fc.property(sizeAndSeed(60), ({ n, seed }) => {
          const A = randomSpd(n, seed, condition);
          const R = Mat.zeros(n, n);
          expect(cholesky(A, R, true)).toBe(0);
          const RtR = Mat.zeros(n, n);
          gemm(R, R, RtR, true, false);
          expect(maxDiff(RtR, A)).toBeLessThan(1e-12 * condition);
          const L = Mat.zeros(n, n);
          expect(cholesky(A, L, false)).toBe(0);
          const LLt = Mat.zeros(n, n);
          gemm(L, L, LLt, false, true);
          expect(maxDiff(LLt, A)).toBeLessThan(1e-12 * condition);
          // the factors are each other's transpose, and triangular
          expect(maxDiff(L, R.transpose())).toBeLessThan(1e-13 * condition);
          for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(R.get(i, j)).toBe(0);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('agrees with ml-matrix', () => {
    const A = randomSpd(9, 42, 100);
    const L = Mat.zeros(9, 9);
    cholesky(A, L, false);
    const ref = new CholeskyDecomposition(toMlMatrix(A)).lowerTriangularMatrix;
    expect(maxDiff(L, Mat.from(ref.to2DArray()))).toBeLessThan(1e-13);
  });

  it('factors in place', () => {
    const A = randomSpd(6, 5);
    const R = Mat.zeros(6, 6);
    cholesky(A, R, true);
    const B = A.clone();
    expect(cholesky(B, B, true)).toBe(0);
    expect(maxDiff(B, R)).toBe(0);
  });

  it('reports the first leading minor that is not positive definite, without throwing', () => {
    // diag(1, 2, -1, 3): the third leading minor fails
    const A = Mat.from([
      [1, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, -1, 0],
      [0, 0, 0, 3],
    ]);
    expect(cholesky(A, Mat.zeros(4, 4), true)).toBe(3);
    expect(cholesky(A, Mat.zeros(4, 4), false)).toBe(3);
    // indefinite with positive diagonal: [[1, 2], [2, 1]] fails at order 2
    expect(
      cholesky(
        Mat.from([
          [1, 2],
          [2, 1],
        ]),
        Mat.zeros(2, 2),
      ),
    ).toBe(2);
    // a NaN entry is reported, not propagated
    expect(cholesky(Mat.from([[Number.NaN]]), Mat.zeros(1, 1))).toBe(1);
    try {
      choleskyOrThrow(A);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NotPositiveDefiniteError);
      expect((e as NotPositiveDefiniteError).minor).toBe(3);
    }
  });
});

describe('triangular and SPD solves', () => {
  it('solveTriangular handles all four lower/trans cases', () => {
    const A = randomSpd(7, 3, 50);
    const L = Mat.zeros(7, 7);
    cholesky(A, L, false);
    const R = L.transpose();
    const B = randomMat(7, 3, 4);
    for (const [T, lower] of [
      [L, true],
      [R, false],
    ] as const) {
      for (const trans of [false, true]) {
        const X = B.clone();
        solveTriangular(T, X, lower, trans);
        expect(residual(trans ? T.transpose() : T, X, B)).toBeLessThan(1e-12);
      }
    }
  });

  it('choleskySolve and spdInverse have small residuals, well- and ill-conditioned', () => {
    fc.assert(
      fc.property(sizeAndSeed(40), fc.constantFrom(10, 1e6), ({ n, seed }, condition) => {
        const A = randomSpd(n, seed, condition);
        const B = randomMat(n, 2, seed + 1);
        const F = Mat.zeros(n, n);
        for (const upper of [true, false]) {
          cholesky(A, F, upper);
          const X = B.clone();
          choleskySolve(F, X, upper);
          expect(residual(A, X, B)).toBeLessThan(1e-14 * condition * n);
        }
        const Ainv = Mat.zeros(n, n);
        expect(spdInverse(A, Ainv)).toBe(0);
        const I = Mat.zeros(n, n);
        gemm(A, Ainv, I);
        expect(maxDiff(I, Mat.identity(n))).toBeLessThan(1e-14 * condition * n);
      }),
      { numRuns: 60 },
    );
  });

  it('spdInverse agrees with ml-matrix inverse, logDetSpd with its determinant', () => {
    const A = randomSpd(8, 11, 1e3);
    const Ainv = Mat.zeros(8, 8);
    spdInverse(A, Ainv);
    const ref = inverse(toMlMatrix(A));
    expect(maxDiff(Ainv, Mat.from(ref.to2DArray()))).toBeLessThan(1e-10);
    expect(logDetSpd(A)).toBeCloseTo(Math.log(determinant(toMlMatrix(A))), 10);
  });

  it('spdInverse returns the failing minor on an indefinite matrix', () => {
    expect(
      spdInverse(
        Mat.from([
          [1, 0],
          [0, -1],
        ]),
        Mat.zeros(2, 2),
      ),
    ).toBe(2);
  });
});

describe('LU and general solve', () => {
  it('solves random systems with small residuals', () => {
    fc.assert(
      fc.property(sizeAndSeed(40), ({ n, seed }) => {
        const A = randomMat(n, n, seed);
        for (let i = 0; i < n; i++) A.set(i, i, A.get(i, i) + n); // keep well conditioned
        const B = randomMat(n, 3, seed + 1);
        const X = solve(A, B);
        expect(residual(A, X, B)).toBeLessThan(1e-13 * n);
        const LU = A.clone();
        const piv = new Int32Array(n);
        expect(luFactor(LU, piv)).toBe(0);
        const Y = B.clone();
        luSolve(LU, piv, Y);
        expect(maxDiff(X, Y)).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with ml-matrix on the determinant', () => {
    const A = randomMat(6, 6, 99);
    expect(det(A)).toBeCloseTo(determinant(toMlMatrix(A)), 12);
  });

  it('throws SingularMatrixError on an exactly singular matrix', () => {
    const A = Mat.from([
      [1, 2, 3],
      [2, 4, 6],
      [1, 0, 1],
    ]);
    expect(() => solve(A, Mat.identity(3))).toThrow(SingularMatrixError);
    expect(det(A)).toBe(0);
  });
});

describe('ml-matrix backed decompositions', () => {
  it('symEig reconstructs A = V diag(λ) Vᵀ with ascending λ', () => {
    const A = randomSpd(7, 5, 1e4);
    const { values, vectors } = symEig(A);
    for (let i = 1; i < 7; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    const VD = Mat.zeros(7, 7);
    const D = Mat.zeros(7, 7);
    for (let i = 0; i < 7; i++) D.set(i, i, values[i]);
    gemm(vectors, D, VD);
    const R = Mat.zeros(7, 7);
    gemm(VD, vectors, R, false, true);
    expect(maxDiff(R, A)).toBeLessThan(1e-9);
    expect(cond(A)).toBeCloseTo(1e4, 4);
  });

  it('pinv satisfies the Moore-Penrose condition A A⁺ A = A', () => {
    const A = randomMat(5, 3, 17);
    const P = pinv(A);
    const AP = Mat.zeros(5, 5);
    gemm(A, P, AP);
    const APA = Mat.zeros(5, 3);
    gemm(AP, A, APA);
    expect(maxDiff(APA, A)).toBeLessThan(1e-12);
  });
});

describe('Gaussian conditioning', () => {
  it('matches the regression formulas and the empirical least-squares fit', () => {
    const n = 9;
    const nA = 6;
    const Sigma = randomSpd(n, 21, 100);
    const mu = Mat.vec(Float64Array.from({ length: n }, (_, i) => i - 3));
    const { W, c, S } = conditionGaussian(mu, Sigma, nA);
    // W Sigma_aa = Sigma_ba
    const WS = Mat.zeros(n - nA, nA);
    gemm(W, Sigma.block(0, 0, nA, nA), WS);
    expect(maxDiff(WS, Sigma.block(nA, 0, n - nA, nA))).toBeLessThan(1e-12);
    // S = Sigma_bb - Sigma_ba Sigma_aa⁻¹ Sigma_ab (Schur complement) and symmetric
    const inv = Mat.from(inverse(toMlMatrix(Sigma.block(0, 0, nA, nA))).to2DArray());
    const t1 = Mat.zeros(n - nA, nA);
    gemm(Sigma.block(nA, 0, n - nA, nA), inv, t1);
    const schur = Sigma.block(nA, nA, n - nA, n - nA).clone();
    gemm(t1, Sigma.block(0, nA, nA, n - nA), schur, false, false, -1, 1);
    expect(maxDiff(S, schur)).toBeLessThan(1e-12);
    for (let i = 0; i < n - nA; i++) {
      let v = mu.get(nA + i, 0);
      for (let j = 0; j < nA; j++) v -= W.get(i, j) * mu.get(j, 0);
      expect(c.get(i, 0)).toBeCloseTo(v, 13);
    }
  });

  it('reuses its scratch across calls and throws on a singular block', () => {
    const cond1 = new GaussianConditioner(2, 1);
    const out = { W: Mat.zeros(1, 2), c: Mat.zeros(1, 1), S: Mat.zeros(1, 1) };
    const singular = Mat.from([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    expect(() => cond1.condition(Mat.zeros(3, 1), singular, out.W, out.c, out.S)).toThrow(
      SingularMatrixError,
    );
  });
});

describe('Batch views', () => {
  it('walks [T, n, m] slices without copying, reusing one view', () => {
    const b = Batch.zeros(4, 2, 3);
    const v = b.at(0);
    for (let t = 0; t < 4; t++) {
      expect(b.at(t, v)).toBe(v);
      v.set(1, 2, t + 1);
    }
    expect(Array.from({ length: 4 }, (_, t) => b.data[t * 6 + 5])).toEqual([1, 2, 3, 4]);
    expect(() => b.at(4)).toThrow(RangeError);
  });
});
