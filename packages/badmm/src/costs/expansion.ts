import type { Cost, QuadraticCost, Sample } from '@visuomotor/contracts';
import { CostConfigError } from './errors.js';
import { pairwiseSum } from './numeric.js';

/**
 * The sample-averaged quadratic cost expansion and per-sample costs
 * (the reference's `Algorithm._eval_cost`).
 */
export interface CostExpansion extends QuadraticCost {
  /** Number of samples. */
  readonly N: number;
  /** True cost of every sample and step, `[N, T]`. */
  cs: Float64Array;
}

/**
 * Evaluate `cost` on every sample and average its second-order expansion, re-centred at
 * y = [x; u] = 0. For sample n with expansion point ŷ_t = [x_t; u_t], gradient
 * g_t = [lx_t; lu_t] and Hessian H_t = [[lxx_t, lux_tᵀ], [lux_t, luu_t]], with r = −ŷ_t:
 *
 *   Cm_t = H_t,  cv_t = g_t + H_tᵀ r,  cc_t = l_t + rᵀ g_t + ½ rᵀ (H_tᵀ r)
 *
 * so that cc_t + cv_tᵀ y + ½ yᵀ Cm_t y equals the expansion around ŷ_t; cc, cv, Cm are the
 * means over samples (sum in sample order, divided by N).
 *
 * @param cost - the cost
 * @param samples - N >= 1 samples of equal T, dX, dU
 * @returns cs `[N, T]`, cc `[T]`, cv `[T, dX+dU]`, Cm `[T, dX+dU, dX+dU]`
 */
export function evalCostExpansion(cost: Cost, samples: readonly Sample[]): CostExpansion {
  const N = samples.length;
  if (N === 0) throw new CostConfigError('samples.length', 'at least 1', 0);
  const { T, dX, dU } = samples[0];
  const dY = dX + dU;
  const cs = new Float64Array(N * T);
  const cc = new Float64Array(T);
  const cv = new Float64Array(T * dY);
  const Cm = new Float64Array(T * dY * dY);
  // Per-step scratch.
  const r = new Float64Array(dY);
  const g = new Float64Array(dY);
  const H = new Float64Array(dY * dY);
  const upd = new Float64Array(dY);
  const prod = new Float64Array(dY);
  for (let n = 0; n < N; n++) {
    const s = samples[n];
    if (s.T !== T || s.dX !== dX || s.dU !== dU) {
      throw new CostConfigError(
        `samples[${n}]`,
        `dims T=${T} dX=${dX} dU=${dU} (those of samples[0])`,
        `T=${s.T} dX=${s.dX} dU=${s.dU}`,
      );
    }
    const d = cost.eval(s);
    for (let t = 0; t < T; t++) {
      // Assemble g, H and r = −ŷ.
      for (let i = 0; i < dX; i++) {
        g[i] = d.lx[t * dX + i];
        r[i] = -s.X[t * dX + i];
        for (let j = 0; j < dX; j++) H[i * dY + j] = d.lxx[t * dX * dX + i * dX + j];
        for (let j = 0; j < dU; j++) H[i * dY + dX + j] = d.lux[t * dU * dX + j * dX + i];
      }
      for (let i = 0; i < dU; i++) {
        g[dX + i] = d.lu[t * dU + i];
        r[dX + i] = -s.U[t * dU + i];
        for (let j = 0; j < dX; j++) H[(dX + i) * dY + j] = d.lux[t * dU * dX + i * dX + j];
        for (let j = 0; j < dU; j++) H[(dX + i) * dY + dX + j] = d.luu[t * dU * dU + i * dU + j];
      }
      // upd_j = Σ_i H[i, j]·r_i (in i order).
      upd.fill(0);
      for (let i = 0; i < dY; i++) {
        const ri = r[i];
        for (let j = 0; j < dY; j++) upd[j] += H[i * dY + j] * ri;
      }
      for (let i = 0; i < dY; i++) prod[i] = r[i] * g[i];
      const rg = pairwiseSum(prod, 0, dY);
      for (let i = 0; i < dY; i++) prod[i] = r[i] * upd[i];
      const rHr = pairwiseSum(prod, 0, dY);
      const l = d.l[t];
      cs[n * T + t] = l;
      cc[t] += l + (rg + 0.5 * rHr);
      const vo = t * dY;
      for (let i = 0; i < dY; i++) cv[vo + i] += g[i] + upd[i];
      const mo = t * dY * dY;
      for (let i = 0; i < dY * dY; i++) Cm[mo + i] += H[i];
    }
  }
  for (let i = 0; i < cc.length; i++) cc[i] /= N;
  for (let i = 0; i < cv.length; i++) cv[i] /= N;
  for (let i = 0; i < Cm.length; i++) Cm[i] /= N;
  return { N, T, dX, dU, cs, cc, cv, Cm };
}
