/**
 * Dense float64 linear algebra on row-major strided views, fast on small matrices
 * (2 to 60 rows): products into caller-provided outputs, Cholesky and LU factorisations that
 * report failure without throwing, triangular and SPD solves, log-determinants, Gaussian
 * conditioning, and eigen/SVD/pseudo-inverse through ml-matrix behind the same API.
 *
 * @packageDocumentation
 */

export {
  add,
  addDiagonal,
  allFinite,
  axpy,
  dot,
  fill,
  gemm,
  matmul,
  maxAbs,
  normFro,
  outer,
  quadForm,
  scale,
  setIdentity,
  sub,
  symmetrize,
  trace,
  traceProd,
} from './blas.js';
export {
  cholesky,
  choleskyOrThrow,
  choleskySolve,
  invFromCholesky,
  logDetFromCholesky,
  logDetSpd,
  solveTriangular,
  spdInverse,
  spdInverseOrThrow,
} from './cholesky.js';
export { cond, eig, fromMlMatrix, pinv, singularValues, symEig, toMlMatrix } from './dense.js';
export { NotPositiveDefiniteError, SingularMatrixError } from './errors.js';
export { conditionGaussian, GaussianConditioner } from './gaussian.js';
export { det, luFactor, luSolve, solve } from './lu.js';
export { Batch, copy, Mat } from './mat.js';
export { npMean, npSum } from './summation.js';
export {
  compileWasmModule,
  decodeBase64,
  type WasmApi,
  type WasmMemory,
  type WasmModule,
  wasmApi,
} from './wasm.js';
