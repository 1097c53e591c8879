import { SingularMatrixError } from './errors.js';
import { copy, Mat } from './mat.js';

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
  private readonly lu: Float64Array;
  private readonly piv: Int32Array;
  private readonly rhs: Float64Array;
  private readonly tmp: Float64Array;
  /** Contiguous copies for strided {@link condition} arguments. */
  private flat: {
    mu: Float64Array;
    sigma: Float64Array;
    W: Float64Array;
    c: Float64Array;
    S: Float64Array;
  } | null = null;

  constructor(
    readonly nA: number,
    readonly nB: number,
  ) {
    this.lu = new Float64Array(nA * nA);
    this.piv = new Int32Array(nA);
    this.rhs = new Float64Array(nA * nB);
    this.tmp = new Float64Array(nB * nA);
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
    const { nA, nB } = this;
    const n = nA + nB;
    if (Sigma.rows !== n || Sigma.cols !== n) {
      throw new RangeError(`condition: Sigma is ${Sigma.rows}x${Sigma.cols}, expected ${n}x${n}`);
    }
    if (mu.rows * mu.cols !== n || W.rows !== nB || W.cols !== nA || c.rows * c.cols !== nB) {
      throw new RangeError(`condition: mu [${n}], W [${nB}, ${nA}] and c [${nB}] expected`);
    }
    if (S.rows !== nB || S.cols !== nB) {
      throw new RangeError(`condition: S is ${S.rows}x${S.cols}, expected ${nB}x${nB}`);
    }
    if (!this.flat) {
      this.flat = {
        mu: new Float64Array(n),
        sigma: new Float64Array(n * n),
        W: new Float64Array(nB * nA),
        c: new Float64Array(nB),
        S: new Float64Array(nB * nB),
      };
    }
    const f = this.flat;
    copy(mu.cols === 1 ? mu : new Mat(mu.data, n, 1, mu.offset, 1), Mat.vec(f.mu));
    copy(Sigma, new Mat(f.sigma, n, n));
    const info = this.conditionFlat(f.mu, f.sigma, f.W, f.c, f.S);
    if (info !== 0) throw new SingularMatrixError('GaussianConditioner.condition', info - 1, nA);
    copy(new Mat(f.W, nB, nA), W);
    copy(Mat.vec(f.c), c.cols === 1 ? c : new Mat(c.data, nB, 1, c.offset, 1));
    copy(new Mat(f.S, nB, nB), S);
  }

  /**
   * The kernel of {@link condition} on contiguous row-major arrays, without allocating or
   * throwing: the hot path of the per-step dynamics and policy fits.
   *
   * LU with partial pivoting (numpy.linalg.solve's order) gives Sigma_aa⁻¹ Sigma_ab; then
   * W = its transpose, c = mu_b − W mu_a, S = Sigma_bb − (W Sigma_aa) Wᵀ symmetrised. Loops are
   * unrolled with independent accumulators, each entry still summed in index order.
   *
   * @param mu - `[nA+nB]`
   * @param sigma - `[nA+nB, nA+nB]` row-major
   * @param W - `[nB, nA]` (written)
   * @param c - `[nB]` (written)
   * @param S - `[nB, nB]` (written)
   * @returns 0, or 1 + the column of an exactly zero pivot (outputs then unspecified)
   */
  conditionFlat(
    mu: Float64Array,
    sigma: Float64Array,
    W: Float64Array,
    c: Float64Array,
    S: Float64Array,
  ): number {
    const { nA, nB, lu, piv, rhs, tmp } = this;
    const n = nA + nB;
    for (let i = 0; i < nA; i++) {
      const so = i * n;
      const lo = i * nA;
      const ro = i * nB;
      for (let j = 0; j < nA; j++) lu[lo + j] = sigma[so + j];
      for (let j = 0; j < nB; j++) rhs[ro + j] = sigma[so + nA + j];
    }
    // LU with partial pivoting (first entry of largest magnitude), in place.
    for (let k = 0; k < nA; k++) {
      let p = k;
      let best = Math.abs(lu[k * nA + k]);
      for (let i = k + 1; i < nA; i++) {
        const v = Math.abs(lu[i * nA + k]);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      piv[k] = p;
      if (best === 0) return k + 1;
      const rk = k * nA;
      if (p !== k) {
        const rp = p * nA;
        for (let j = 0; j < nA; j++) {
          const t = lu[rk + j];
          lu[rk + j] = lu[rp + j];
          lu[rp + j] = t;
        }
      }
      const inv = 1 / lu[rk + k];
      for (let i = k + 1; i < nA; i++) {
        const ri = i * nA;
        const lik = lu[ri + k] * inv;
        lu[ri + k] = lik;
        if (lik === 0) continue;
        for (let j = k + 1; j < nA; j++) lu[ri + j] -= lik * lu[rk + j];
      }
    }
    // Solve Sigma_aa X = Sigma_ab: row swaps, unit lower, then upper.
    for (let i = 0; i < nA; i++) {
      const p = piv[i];
      if (p !== i) {
        const ri = i * nB;
        const rp = p * nB;
        for (let j = 0; j < nB; j++) {
          const t = rhs[ri + j];
          rhs[ri + j] = rhs[rp + j];
          rhs[rp + j] = t;
        }
      }
    }
    // Unit lower solve; two rows j at a time (each entry still updated in j order; a zero
    // multiplier only ever adds ±0, which leaves finite values unchanged).
    for (let i = 0; i < nA; i++) {
      const ri = i * nB;
      const li = i * nA;
      let j = 0;
      for (; j + 1 < i; j += 2) {
        const l0 = lu[li + j];
        const l1 = lu[li + j + 1];
        const r0 = j * nB;
        const r1 = r0 + nB;
        for (let q = 0; q < nB; q++)
          rhs[ri + q] = rhs[ri + q] - l0 * rhs[r0 + q] - l1 * rhs[r1 + q];
      }
      for (; j < i; j++) {
        const l = lu[li + j];
        const rj = j * nB;
        for (let q = 0; q < nB; q++) rhs[ri + q] -= l * rhs[rj + q];
      }
    }
    for (let i = nA - 1; i >= 0; i--) {
      const ri = i * nB;
      const li = i * nA;
      let j = i + 1;
      for (; j + 1 < nA; j += 2) {
        const u0 = lu[li + j];
        const u1 = lu[li + j + 1];
        const r0 = j * nB;
        const r1 = r0 + nB;
        for (let q = 0; q < nB; q++)
          rhs[ri + q] = rhs[ri + q] - u0 * rhs[r0 + q] - u1 * rhs[r1 + q];
      }
      for (; j < nA; j++) {
        const u = lu[li + j];
        const rj = j * nB;
        for (let q = 0; q < nB; q++) rhs[ri + q] -= u * rhs[rj + q];
      }
      const inv = 1 / lu[li + i];
      for (let q = 0; q < nB; q++) rhs[ri + q] *= inv;
    }
    // W = rhsᵀ; c = mu_b − W mu_a.
    for (let i = 0; i < nB; i++) {
      const wi = i * nA;
      for (let j = 0; j < nA; j++) W[wi + j] = rhs[j * nB + i];
      let v = mu[nA + i];
      for (let j = 0; j < nA; j++) v -= W[wi + j] * mu[j];
      c[i] = v;
    }
    // tmp = W Sigma_aa (rows of Sigma_aa accumulated in order, skipping exact zeros of W).
    tmp.fill(0);
    for (let i = 0; i < nB; i++) {
      const ti = i * nA;
      const wi = i * nA;
      let p = 0;
      for (; p + 1 < nA; p += 2) {
        const a0 = W[wi + p];
        const a1 = W[wi + p + 1];
        const s0 = p * n;
        const s1 = s0 + n;
        for (let j = 0; j < nA; j++)
          tmp[ti + j] = tmp[ti + j] + a0 * sigma[s0 + j] + a1 * sigma[s1 + j];
      }
      for (; p < nA; p++) {
        const a = W[wi + p];
        const sp = p * n;
        for (let j = 0; j < nA; j++) tmp[ti + j] += a * sigma[sp + j];
      }
    }
    // S = Sigma_bb − tmp Wᵀ, each entry a sequential dot product, four at a time.
    for (let i = 0; i < nB; i++) {
      const ti = i * nA;
      const si = i * nB;
      const sb = (nA + i) * n + nA;
      let j = 0;
      for (; j + 3 < nB; j += 4) {
        const w0 = j * nA;
        const w1 = w0 + nA;
        const w2 = w1 + nA;
        const w3 = w2 + nA;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let p = 0; p < nA; p++) {
          const t = tmp[ti + p];
          s0 += t * W[w0 + p];
          s1 += t * W[w1 + p];
          s2 += t * W[w2 + p];
          s3 += t * W[w3 + p];
        }
        S[si + j] = sigma[sb + j] + -1 * s0;
        S[si + j + 1] = sigma[sb + j + 1] + -1 * s1;
        S[si + j + 2] = sigma[sb + j + 2] + -1 * s2;
        S[si + j + 3] = sigma[sb + j + 3] + -1 * s3;
      }
      for (; j < nB; j++) {
        const w0 = j * nA;
        let s0 = 0;
        for (let p = 0; p < nA; p++) s0 += tmp[ti + p] * W[w0 + p];
        S[si + j] = sigma[sb + j] + -1 * s0;
      }
    }
    for (let i = 0; i < nB; i++) {
      for (let j = i + 1; j < nB; j++) {
        const v = 0.5 * (S[i * nB + j] + S[j * nB + i]);
        S[i * nB + j] = v;
        S[j * nB + i] = v;
      }
    }
    return 0;
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
