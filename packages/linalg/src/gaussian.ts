import { gemm, symmetrize } from './blas.js';
import { SingularMatrixError } from './errors.js';
import { luFactor, luSolve } from './lu.js';
import { Mat } from './mat.js';

/**
 * Conditioning of a joint Gaussian N(mu, Sigma) over y = [a; b] (a: first nA entries,
 * b: the remaining nB) on the block a:
 *
 *   p(b | a) = N(W a + c, S),
 *   W = Sigma_ba Sigma_aa⁻¹,  c = mu_b − W mu_a,  S = Sigma_bb − W Sigma_aa Wᵀ (symmetrised).
 *
 * This is the regression that turns a fitted Gaussian over [x_t; u_t; x_{t+1}] into
 * linear-Gaussian dynamics (paper Appendix A.3: Fm = W, fv = c, dynCovar = S). Sigma_aa⁻¹ is
 * applied by LU with partial pivoting, as numpy.linalg.solve does in the reference.
 *
 * Holds its scratch space so that repeated calls (one per time step) do not allocate.
 */
export class GaussianConditioner {
  private readonly lu: Mat;
  private readonly piv: Int32Array;
  private readonly rhs: Mat;
  private readonly tmp: Mat;

  constructor(
    readonly nA: number,
    readonly nB: number,
  ) {
    this.lu = Mat.zeros(nA, nA);
    this.piv = new Int32Array(nA);
    this.rhs = Mat.zeros(nA, nB);
    this.tmp = Mat.zeros(nB, nA);
  }

  /**
   * @param mu - `[nA+nB]` joint mean (vector view)
   * @param Sigma - `[nA+nB, nA+nB]` joint covariance
   * @param W - `[nB, nA]` regression matrix (written)
   * @param c - `[nB]` offset (vector view, written)
   * @param S - `[nB, nB]` conditional covariance (written)
   * @throws {@link SingularMatrixError} when Sigma_aa has an exactly zero pivot
   */
  condition(mu: Mat, Sigma: Mat, W: Mat, c: Mat, S: Mat): void {
    const { nA, nB, lu, piv, rhs, tmp } = this;
    const n = nA + nB;
    if (Sigma.rows !== n || Sigma.cols !== n) {
      throw new RangeError(`condition: Sigma is ${Sigma.rows}x${Sigma.cols}, expected ${n}x${n}`);
    }
    const s = Sigma.data;
    const so = Sigma.offset;
    const ss = Sigma.stride;
    for (let i = 0; i < nA; i++) {
      for (let j = 0; j < nA; j++) lu.data[i * nA + j] = s[so + i * ss + j];
      for (let j = 0; j < nB; j++) rhs.data[i * nB + j] = s[so + i * ss + nA + j];
    }
    const info = luFactor(lu, piv);
    if (info !== 0) throw new SingularMatrixError('GaussianConditioner.condition', info - 1, nA);
    // rhs <- Sigma_aa⁻¹ Sigma_ab  [nA, nB];  W = rhsᵀ.
    luSolve(lu, piv, rhs);
    for (let i = 0; i < nB; i++) {
      for (let j = 0; j < nA; j++) W.data[W.offset + i * W.stride + j] = rhs.data[j * nB + i];
    }
    // c = mu_b - W mu_a
    const m = mu.data;
    const ms = mu.cols === 1 ? mu.stride : 1;
    const cs = c.cols === 1 ? c.stride : 1;
    for (let i = 0; i < nB; i++) {
      let v = m[mu.offset + (nA + i) * ms];
      for (let j = 0; j < nA; j++) v -= W.data[W.offset + i * W.stride + j] * m[mu.offset + j * ms];
      c.data[c.offset + i * cs] = v;
    }
    // S = Sigma_bb - (W Sigma_aa) Wᵀ
    const Saa = new Mat(s, nA, nA, so, ss);
    gemm(W, Saa, tmp);
    for (let i = 0; i < nB; i++) {
      for (let j = 0; j < nB; j++)
        S.data[S.offset + i * S.stride + j] = s[so + (nA + i) * ss + nA + j];
    }
    gemm(tmp, W, S, false, true, -1, 1);
    symmetrize(S);
  }
}

/** One-off {@link GaussianConditioner.condition}, allocating its outputs. */
export function conditionGaussian(mu: Mat, Sigma: Mat, nA: number): { W: Mat; c: Mat; S: Mat } {
  const nB = Sigma.rows - nA;
  const W = Mat.zeros(nB, nA);
  const c = Mat.zeros(nB, 1);
  const S = Mat.zeros(nB, nB);
  new GaussianConditioner(nA, nB).condition(mu, Sigma, W, c, S);
  return { W, c, S };
}
