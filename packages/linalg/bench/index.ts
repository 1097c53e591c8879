import { runBenchmarks } from '@visuomotor/bench';
import { cholesky, gemm, Mat } from '@visuomotor/linalg';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** Deterministic pseudo-random fill (xorshift), so every run times the same inputs. */
function randomMat(rows: number, cols: number, seed: number): Mat {
  const m = Mat.zeros(rows, cols);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < m.data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    m.data[i] = (s >>> 0) / 4294967296 - 0.5;
  }
  return m;
}

function randomSpd(n: number, seed: number): Mat {
  const A = randomMat(n, n, seed);
  const S = Mat.zeros(n, n);
  gemm(A, A, S, false, true);
  for (let i = 0; i < n; i++) S.data[i * n + i] += n;
  return S;
}

function toMl(A: Mat): Matrix {
  return new Matrix(A.toArray());
}

const gemmCase = (n: number) => {
  const A = randomMat(n, n, 1);
  const B = randomMat(n, n, 2);
  const C = Mat.zeros(n, n);
  return { A, B, C, mA: toMl(A), mB: toMl(B) };
};
const cholCase = (n: number) => {
  const A = randomSpd(n, 3);
  return { A, out: Mat.zeros(n, n), mA: toMl(A) };
};
type G = ReturnType<typeof gemmCase>;
type C = ReturnType<typeof cholCase>;

const inner = 200; // repetitions per timed run: single calls are too short to time
const perCall = (r: { median_ms: number; min_ms: number }) => ({
  calls_per_run: inner,
  median_us_per_call: (r.median_ms * 1000) / inner,
});

const results = await runBenchmarks([
  {
    name: 'linalg.gemm.33',
    setup: () => gemmCase(33),
    run: (s) => {
      const { A, B, C } = s as G;
      for (let i = 0; i < inner; i++) gemm(A, B, C);
    },
    extra: perCall,
  },
  {
    name: 'linalg.gemm.33.ml-matrix',
    setup: () => gemmCase(33),
    run: (s) => {
      const { mA, mB } = s as G;
      for (let i = 0; i < inner; i++) mA.mmul(mB);
    },
    extra: perCall,
  },
  {
    name: 'linalg.cholesky.7',
    setup: () => cholCase(7),
    run: (s) => {
      const { A, out } = s as C;
      for (let i = 0; i < inner; i++) cholesky(A, out);
    },
    extra: perCall,
  },
  {
    name: 'linalg.cholesky.7.ml-matrix',
    setup: () => cholCase(7),
    run: (s) => {
      const { mA } = s as C;
      for (let i = 0; i < inner; i++) new CholeskyDecomposition(mA);
    },
    extra: perCall,
  },
  {
    name: 'linalg.cholesky.59',
    setup: () => cholCase(59),
    run: (s) => {
      const { A, out } = s as C;
      for (let i = 0; i < inner; i++) cholesky(A, out);
    },
    extra: perCall,
  },
  {
    name: 'linalg.cholesky.59.ml-matrix',
    setup: () => cholCase(59),
    run: (s) => {
      const { mA } = s as C;
      for (let i = 0; i < inner; i++) new CholeskyDecomposition(mA);
    },
    extra: perCall,
  },
]);

// Speed-up of our kernels over ml-matrix, as one more JSON line / table row.
const byName = new Map(results.map((r) => [r.name, r]));
const ratios: Record<string, number> = {};
for (const base of ['linalg.gemm.33', 'linalg.cholesky.7', 'linalg.cholesky.59']) {
  const ours = byName.get(base);
  const theirs = byName.get(`${base}.ml-matrix`);
  if (ours && theirs) ratios[base] = theirs.median_ms / ours.median_ms;
}
if (Object.keys(ratios).length > 0 && !process.argv.includes('--json')) {
  console.log('speed-up over ml-matrix:', ratios);
}
