import type { LinearGaussianController } from '@visuomotor/contracts';
import { LqrNonFiniteError } from './errors.js';
import { checkController } from './validate.js';
import type { LqrSimd } from './wasm.js';
import type { TrajectoryMarginals } from './workspace.js';

/** Scratch of the KL routines: P `[dU, dU]`, Y `[dU, dX+dU]`, Z `[dU, dX]`, v `[dU]`. */
export interface KlScratch {
  P: Float64Array;
  Y: Float64Array;
  Z: Float64Array;
  v: Float64Array;
  w: Float64Array;
}

/** Allocate {@link KlScratch} for (dX, dU). */
export function klScratch(dX: number, dU: number): KlScratch {
  return {
    P: new Float64Array(dU * dU),
    Y: new Float64Array(dU * (dX + dU)),
    Z: new Float64Array(dU * dX),
    v: new Float64Array(dU),
    w: new Float64Array(dU),
  };
}

/** log det of polCovar_t = 2 Σ log R_ii from the upper Cholesky factor (sequential sum). */
function logDetChol(R: Float64Array, off: number, dU: number): number {
  let s = 0;
  for (let a = 0; a < dU; a++) s += Math.log(R[off + a * dU + a]);
  return 2 * s;
}

/** P = (Rᵀ R)⁻¹ from the upper factor R at `off`, by two triangular solves on I. */
function precisionFromChol(R: Float64Array, off: number, dU: number, P: Float64Array): void {
  P.fill(0, 0, dU * dU);
  for (let a = 0; a < dU; a++) P[a * dU + a] = 1;
  // Rᵀ Y = I
  for (let i = 0; i < dU; i++) {
    for (let p = 0; p < i; p++) {
      const r = R[off + p * dU + i];
      if (r === 0) continue;
      for (let c = 0; c < dU; c++) P[i * dU + c] -= r * P[p * dU + c];
    }
    const d = R[off + i * dU + i];
    for (let c = 0; c < dU; c++) P[i * dU + c] /= d;
  }
  // R X = Y
  for (let i = dU - 1; i >= 0; i--) {
    for (let p = i + 1; p < dU; p++) {
      const r = R[off + i * dU + p];
      if (r === 0) continue;
      for (let c = 0; c < dU; c++) P[i * dU + c] -= r * P[p * dU + c];
    }
    const d = R[off + i * dU + i];
    for (let c = 0; c < dU; c++) P[i * dU + c] /= d;
  }
}

/**
 * E[(u - K x - k)ᵀ P (u - K x - k)] under N(mu_t, sigma_t): tr(P D) + rᵀ P r with
 * D = Cov(u - K x) and r = mu_u - K mu_x - k.
 */
function expectedQuad(
  c: LinearGaussianController,
  t: number,
  mu: Float64Array,
  sigma: Float64Array,
  dX: number,
  dU: number,
  P: Float64Array,
  Y: Float64Array,
  v: Float64Array,
): number {
  const n = dX + dU;
  const so = t * n * n;
  const mo = t * n;
  const ko = t * dU * dX;
  const K = c.K;
  // Y = sigma[u, :] - K sigma[x, :]   [dU, n]
  for (let a = 0; a < dU; a++) {
    const ya = a * n;
    const su = so + (dX + a) * n;
    for (let j = 0; j < n; j++) Y[ya + j] = sigma[su + j];
    const ka = ko + a * dX;
    for (let i = 0; i < dX; i++) {
      const kai = K[ka + i];
      if (kai === 0) continue;
      const si = so + i * n;
      for (let j = 0; j < n; j++) Y[ya + j] -= kai * sigma[si + j];
    }
    // r_a = mu_u,a - K_a mu_x - k_a
    let s = mu[mo + dX + a];
    for (let i = 0; i < dX; i++) s -= K[ka + i] * mu[mo + i];
    v[a] = s - c.k[t * dU + a];
  }
  // D[a, b] = Y[a, dX + b] - Y[a, :dX] K_bᵀ ;  tr(P D) = sum_ab P[b, a] D[a, b]
  let tr = 0;
  for (let a = 0; a < dU; a++) {
    const ya = a * n;
    for (let b = 0; b < dU; b++) {
      const kb = ko + b * dX;
      let s = Y[ya + dX + b];
      for (let i = 0; i < dX; i++) s -= Y[ya + i] * K[kb + i];
      tr += P[b * dU + a] * s;
    }
  }
  let q = 0;
  for (let a = 0; a < dU; a++) {
    let s = 0;
    for (let b = 0; b < dU; b++) s += P[a * dU + b] * v[b];
    q += v[a] * s;
  }
  return tr + q;
}

/**
 * KL divergence KL(p_new(τ) ‖ p_prev(τ)) per time step between two linear-Gaussian controllers
 * under the state-action marginals `marg` of the new one (paper Section 4.2, eq. for
 * D_KL(p(τ)‖p̂(τ)); reference `traj_opt_utils.traj_distr_kl`):
 *
 *   KL_t = max(0, ½ E[(u−K̂x−k̂)ᵀ P̂ (…)] − ½ E[(u−Kx−k)ᵀ P (…)] − ½ log|Σ| + ½ log|Σ̂|),
 *
 * expectations under N(mu_t, sigma_t), precisions P from the upper Cholesky factors (as the
 * reference does; `invPolCovar` is not read). Each step is clamped at 0 like the reference.
 *
 * @param marg - mu `[T, dX+dU]`, sigma `[T, dX+dU, dX+dU]` (normally `forward(newC, dynamics)`)
 * @param newC - the new controller (K `[T, dU, dX]`, k, cholPolCovar `[T, dU, dU]` upper)
 * @param prevC - the previous controller (or the policy linearisation in MDGPS)
 * @param out - per-step KL `[T]` (allocated when omitted)
 * @returns per-step KL `[T]`; sum it (`npSum`) for the total of the scalar constraint
 * @throws {@link LqrNonFiniteError} when a step's KL is NaN (the reference would clamp it to 0)
 */
export function trajDistrKl(
  marg: TrajectoryMarginals,
  newC: LinearGaussianController,
  prevC: LinearGaussianController,
  out?: Float64Array,
  scratch?: KlScratch,
): Float64Array {
  const { T, dX, dU } = marg;
  checkController('newController', newC, T, dX, dU, false);
  checkController('prevController', prevC, T, dX, dU, false);
  const res = out ?? new Float64Array(T);
  const s = scratch ?? klScratch(dX, dU);
  for (let t = 0; t < T; t++) {
    const po = t * dU * dU;
    const ldPrev = logDetChol(prevC.cholPolCovar, po, dU);
    const ldNew = logDetChol(newC.cholPolCovar, po, dU);
    precisionFromChol(newC.cholPolCovar, po, dU, s.P);
    const qNew = expectedQuad(newC, t, marg.mu, marg.sigma, dX, dU, s.P, s.Y, s.v);
    precisionFromChol(prevC.cholPolCovar, po, dU, s.P);
    const qPrev = expectedQuad(prevC, t, marg.mu, marg.sigma, dX, dU, s.P, s.Y, s.v);
    const kl = -0.5 * qNew + 0.5 * qPrev - 0.5 * ldNew + 0.5 * ldPrev;
    if (Number.isNaN(kl))
      throw new LqrNonFiniteError('trajDistrKl', t, { qNew, qPrev, ldNew, ldPrev });
    res[t] = Math.max(kl, 0);
  }
  return res;
}

/**
 * The closed form of the same KL (reference `traj_opt_utils.traj_distr_kl_alt`), which reads
 * only the state marginal N(mu_x,t, Σ_x,t) of `marg`, so it can be evaluated under another
 * controller's marginals (the reference's `use_prev_distr` switch passes the previous
 * controller's):
 *
 *   KL_t = max(0, ½ (log|Σ̂| − log|Σ| − dU + tr(Σ̂⁻¹ Σ) + Δkᵀ Σ̂⁻¹ Δk + mu_xᵀ ΔKᵀ Σ̂⁻¹ ΔK mu_x
 *                    + tr(ΔKᵀ Σ̂⁻¹ ΔK Σ_x) + 2 Δkᵀ Σ̂⁻¹ ΔK mu_x)),  ΔK = K̂ − K, Δk = k̂ − k,
 *
 * with Σ̂⁻¹ = prev.invPolCovar and Σ = new.polCovar.
 *
 * @param marg - marginals whose state block is used, mu `[T, dX+dU]`, sigma `[T, dX+dU, dX+dU]`
 * @param newC - new controller (K, k, polCovar, cholPolCovar)
 * @param prevC - previous controller (K, k, invPolCovar, cholPolCovar)
 * @returns per-step KL `[T]`
 */
export function trajDistrKlAlt(
  marg: TrajectoryMarginals,
  newC: LinearGaussianController,
  prevC: LinearGaussianController,
  out?: Float64Array,
  scratch?: KlScratch,
): Float64Array {
  const { T, dX, dU } = marg;
  checkController('newController', newC, T, dX, dU, false);
  checkController('prevController', prevC, T, dX, dU, true);
  const n = dX + dU;
  const res = out ?? new Float64Array(T);
  const s = scratch ?? klScratch(dX, dU);
  const Kd = s.Z;
  const Z = s.Y; // [dU, dX] used
  const kd = s.v;
  const Kdmu = s.w;
  for (let t = 0; t < T; t++) {
    const po = t * dU * dU;
    const ko = t * dU * dX;
    const so = t * n * n;
    const mo = t * n;
    const ip = prevC.invPolCovar;
    const ldPrev = logDetChol(prevC.cholPolCovar, po, dU);
    const ldNew = logDetChol(newC.cholPolCovar, po, dU);
    for (let i = 0; i < dU * dX; i++) Kd[i] = prevC.K[ko + i] - newC.K[ko + i];
    for (let a = 0; a < dU; a++) kd[a] = prevC.k[t * dU + a] - newC.k[t * dU + a];
    let tr1 = 0;
    for (let a = 0; a < dU; a++)
      for (let b = 0; b < dU; b++) tr1 += ip[po + a * dU + b] * newC.polCovar[po + b * dU + a];
    let q1 = 0;
    for (let a = 0; a < dU; a++) {
      let sa = 0;
      for (let b = 0; b < dU; b++) sa += ip[po + a * dU + b] * kd[b];
      q1 += kd[a] * sa;
    }
    for (let a = 0; a < dU; a++) {
      let sa = 0;
      for (let i = 0; i < dX; i++) sa += Kd[a * dX + i] * marg.mu[mo + i];
      Kdmu[a] = sa;
    }
    let q2 = 0;
    let q3 = 0;
    for (let a = 0; a < dU; a++) {
      let sa = 0;
      for (let b = 0; b < dU; b++) sa += ip[po + a * dU + b] * Kdmu[b];
      q2 += Kdmu[a] * sa;
      q3 += kd[a] * sa;
    }
    // Z = ΔK Σ_x ; E = Z ΔKᵀ ; tr2 = tr(ip E)
    for (let a = 0; a < dU; a++) {
      for (let j = 0; j < dX; j++) {
        let sa = 0;
        for (let i = 0; i < dX; i++) sa += Kd[a * dX + i] * marg.sigma[so + i * n + j];
        Z[a * dX + j] = sa;
      }
    }
    let tr2 = 0;
    for (let a = 0; a < dU; a++) {
      for (let b = 0; b < dU; b++) {
        let e = 0;
        for (let j = 0; j < dX; j++) e += Z[b * dX + j] * Kd[a * dX + j];
        tr2 += ip[po + a * dU + b] * e;
      }
    }
    const kl = 0.5 * (ldPrev - ldNew - dU + tr1 + q1 + q2 + tr2 + 2 * q3);
    if (Number.isNaN(kl)) throw new LqrNonFiniteError('trajDistrKlAlt', t, { ldNew, ldPrev });
    res[t] = Math.max(kl, 0);
  }
  return res;
}

/**
 * {@link trajDistrKl} for the common case where `marg` are the new controller's own forward
 * marginals (as in the dual search): then Cov(u − K x) = polCovar and E[u − K x − k] = 0 under
 * the new controller, so
 *
 *   KL_t = max(0, ½ (tr(P̂ (ΔK Σ_x ΔKᵀ + Σ)) + rᵀ P̂ r − dU − log|Σ| + log|Σ̂|)),
 *   ΔK = K − K̂, r = ΔK mu_x + k − k̂,
 *
 * the same quantity with about half the work and less cancellation. Do not use it with
 * marginals of another controller.
 *
 * @param marg - `forward(newC, dynamics)`: mu `[T, dX+dU]`, sigma `[T, dX+dU, dX+dU]`
 * @returns per-step KL `[T]`
 */
export function trajDistrKlSelf(
  marg: TrajectoryMarginals,
  newC: LinearGaussianController,
  prevC: LinearGaussianController,
  out?: Float64Array,
  scratch?: KlScratch,
): Float64Array {
  const { T, dX, dU } = marg;
  checkController('newController', newC, T, dX, dU, false);
  checkController('prevController', prevC, T, dX, dU, false);
  const res = out ?? new Float64Array(T);
  const s = scratch ?? klScratch(dX, dU);
  for (let t = 0; t < T; t++) res[t] = klSelfAt(t, marg, newC, prevC, s);
  return res;
}

/**
 * @internal Step t of {@link trajDistrKlSelf} (needs only mu_t, sigma_t): lets the dual search
 * evaluate the KL inside the forward pass while sigma_t is still in cache. `simd`: the
 * forward pass's SIMD kernels, called back per step, whose memory holds Σ_x of sigma_t.
 */
export function klSelfAt(
  t: number,
  marg: TrajectoryMarginals,
  newC: LinearGaussianController,
  prevC: LinearGaussianController,
  s: KlScratch,
  prevCache?: PrevKlCache,
  simd?: LqrSimd | null,
): number {
  const { dX, dU } = marg;
  const n = dX + dU;
  const P = s.P;
  const Kd = s.Z;
  const Z = s.Y;
  const r = s.v;
  const Kn = newC.K;
  const Kp = prevC.K;
  const kn = newC.k;
  const kp = prevC.k;
  const S = newC.polCovar;
  const mu = marg.mu;
  const sigma = marg.sigma;
  const po = t * dU * dU;
  const ko = t * dU * dX;
  const so = t * n * n;
  const mo = t * n;
  const ldPrev = prevCache ? prevCache.logDet[t] : logDetChol(prevC.cholPolCovar, po, dU);
  const ldNew = logDetChol(newC.cholPolCovar, po, dU);
  // E[(u − K x − k)ᵀ P (·)] under the new controller's own marginals is tr(P Σ) = dU exactly
  // (the reference's expanded form evaluates it to dU up to rounding).
  const trNew = dU;
  let Pp = P;
  let pp = 0;
  if (prevCache) {
    Pp = prevCache.P;
    pp = po;
  } else precisionFromChol(prevC.cholPolCovar, po, dU, P);
  for (let i = 0; i < dU * dX; i++) Kd[i] = Kn[ko + i] - Kp[ko + i];
  for (let a = 0; a < dU; a++) {
    let v = kn[t * dU + a] - kp[t * dU + a];
    const ka = a * dX;
    for (let i = 0; i < dX; i++) v += Kd[ka + i] * mu[mo + i];
    r[a] = v;
  }
  // Z = ΔK Σ_x  [dU, dX]: Z[a, j] = ΔK_a · Σ_x[j, :] (Σ_x symmetric), 2 x 2 dot blocks, or
  // by the SIMD kernel from the Σ_x it holds inside the forward pass.
  if (simd) simd.deltaKSigma(Kd, Z);
  else {
    for (let a = 0; a < dU; a += 2) {
      const twoA = a + 1 < dU;
      const k0 = a * dX;
      const k1 = twoA ? k0 + dX : k0;
      for (let j = 0; j < dX; j += 2) {
        const twoJ = j + 1 < dX;
        const s0 = so + j * n;
        const s1 = twoJ ? s0 + n : s0;
        let z00 = 0;
        let z01 = 0;
        let z10 = 0;
        let z11 = 0;
        for (let i = 0; i < dX; i++) {
          const p0 = Kd[k0 + i];
          const p1 = Kd[k1 + i];
          const q0 = sigma[s0 + i];
          const q1 = sigma[s1 + i];
          z00 += p0 * q0;
          z01 += p0 * q1;
          z10 += p1 * q0;
          z11 += p1 * q1;
        }
        Z[k0 + j] = z00;
        if (twoJ) Z[k0 + j + 1] = z01;
        if (twoA) {
          Z[k1 + j] = z10;
          if (twoJ) Z[k1 + j + 1] = z11;
        }
      }
    }
  }
  let trPrev = 0;
  for (let a = 0; a < dU; a++) {
    const ka = a * dX;
    for (let b = 0; b < dU; b++) {
      const zb = b * dX;
      let e0 = 0;
      let e1 = 0;
      let j = 0;
      for (; j + 1 < dX; j += 2) {
        e0 += Z[zb + j] * Kd[ka + j];
        e1 += Z[zb + j + 1] * Kd[ka + j + 1];
      }
      if (j < dX) e0 += Z[zb + j] * Kd[ka + j];
      trPrev += Pp[pp + a * dU + b] * (S[po + b * dU + a] + (e0 + e1));
    }
  }
  let q = 0;
  for (let a = 0; a < dU; a++) {
    let v = 0;
    for (let b = 0; b < dU; b++) v += Pp[pp + a * dU + b] * r[b];
    q += r[a] * v;
  }
  const kl = 0.5 * (trPrev + q - trNew - ldNew + ldPrev);
  if (Number.isNaN(kl)) throw new LqrNonFiniteError('trajDistrKlSelf', t, { ldNew, ldPrev });
  return Math.max(kl, 0);
}

/** Per-update cache of the constraining controller's log-determinants `[T]` and precisions `[T, dU, dU]`. */
export interface PrevKlCache {
  logDet: Float64Array;
  P: Float64Array;
}

/** @internal Build {@link PrevKlCache} for controller `c`. */
export function prevKlCache(c: LinearGaussianController): PrevKlCache {
  const { T, dU } = c;
  const logDet = new Float64Array(T);
  const P = new Float64Array(T * dU * dU);
  const tmp = new Float64Array(dU * dU);
  for (let t = 0; t < T; t++) {
    const po = t * dU * dU;
    logDet[t] = logDetChol(c.cholPolCovar, po, dU);
    precisionFromChol(c.cholPolCovar, po, dU, tmp);
    P.set(tmp, po);
  }
  return { logDet, P };
}
