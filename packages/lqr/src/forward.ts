import type {
  LinearGaussianController,
  LinearGaussianDynamics,
  QuadraticCost,
} from '@visuomotor/contracts';
import { LqrNonFiniteError } from './errors.js';
import { symABAt } from './kernels.js';
import { checkController, checkCost, checkDynamics } from './validate.js';
import { type LqrSimd, simdKernels } from './wasm.js';
import { type TrajectoryMarginals, zeroMarginals } from './workspace.js';

/**
 * Scratch of the forward pass for (dX, dU): G `[dX, dX+dU]`, and the WebAssembly SIMD kernels
 * for Fm Σ Fmᵀ (null or absent: the JavaScript kernel); see {@link forwardScratch}.
 */
export interface ForwardScratch {
  G: Float64Array;
  simd?: LqrSimd | null;
}

/** Allocate {@link ForwardScratch} (with the SIMD kernels when available). */
export function forwardScratch(dX: number, dU: number): ForwardScratch {
  return { G: new Float64Array(dX * (dX + dU)), simd: simdKernels(dX, dU) };
}

/**
 * Forward pass: the state-action marginals p(x_t, u_t) = N(mu_t, sigma_t) of a linear-Gaussian
 * controller under linear-Gaussian dynamics (paper Appendix A.2; reference
 * `TrajOptLQRPython.forward`):
 *
 *   mu_t = [mu_x; K_t mu_x + k_t],
 *   sigma_t = [[S, S K_tᵀ], [K_t S, K_t S K_tᵀ + polCovar_t]]   with S = Σ_x,t,
 *   mu_x,t+1 = Fm_t mu_t + fv_t,   Σ_x,t+1 = Fm_t sigma_t Fm_tᵀ + dynCovar_t,
 *
 * starting from N(x0mu, x0sigma).
 *
 * @param controller - K `[T, dU, dX]`, k `[T, dU]`, polCovar `[T, dU, dU]`
 * @param dynamics - Fm `[T, dX, dX+dU]`, fv `[T, dX]`, dynCovar `[T, dX, dX]`, x0mu `[dX]`, x0sigma `[dX, dX]`
 * @param out - marginals to write (allocated when omitted): mu `[T, dX+dU]`, sigma `[T, dX+dU, dX+dU]`
 * @param scratch - buffers from {@link forwardScratch} (allocated when omitted)
 */
export function forward(
  controller: LinearGaussianController,
  dynamics: LinearGaussianDynamics,
  out?: TrajectoryMarginals,
  scratch?: ForwardScratch,
): TrajectoryMarginals {
  const { T, dX, dU } = checkDynamics(dynamics);
  checkController('controller', controller, T, dX, dU, false);
  const res = out ?? zeroMarginals(T, dX, dU);
  const sc = scratch && scratch.G.length >= dX * (dX + dU) ? scratch : forwardScratch(dX, dU);
  forwardRaw(controller, dynamics, res.mu, res.sigma, sc, T, dX, dU);
  assertFiniteMarginals(res, 'forward');
  return res;
}

/** @internal Throw {@link LqrNonFiniteError} when a mean or a variance is not finite. */
export function assertFiniteMarginals(m: TrajectoryMarginals, where: string): void {
  const n = m.dX + m.dU;
  for (let t = 0; t < m.T; t++) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(m.mu[t * n + i]) || !Number.isFinite(m.sigma[t * n * n + i * n + i])) {
        throw new LqrNonFiniteError(`${where}: state-action marginal`, t, { index: i });
      }
    }
  }
}

/**
 * @internal Allocation-free forward pass into mu, sigma (no validation). `storedDynamics`:
 * `sc.simd` holds these dynamics ({@link LqrWorkspace.prepareDynamics} was called with them).
 */
export function forwardRaw(
  c: LinearGaussianController,
  d: LinearGaussianDynamics,
  mu: Float64Array,
  sigma: Float64Array,
  sc: ForwardScratch,
  T: number,
  dX: number,
  dU: number,
  onStep?: (t: number) => void,
  storedDynamics = false,
): void {
  const n = dX + dU;
  const nn = n * n;
  const { K, k, polCovar } = c;
  const { Fm, fv, dynCovar, x0mu, x0sigma } = d;
  const simd = sc.simd && sc.simd.dX === dX && sc.simd.dU === dU ? sc.simd : null;
  // Step 0 state block.
  for (let i = 0; i < dX; i++) {
    for (let j = 0; j < dX; j++) sigma[i * n + j] = x0sigma[i * dX + j];
    mu[i] = x0mu[i];
  }
  for (let t = 0; t < T; t++) {
    const so = t * nn;
    const mo = t * n;
    const ko = t * dU * dX;
    const po = t * dU * dU;
    if (simd) simd.controlBlocks(K, ko, polCovar, po, sigma, so, t > 0);
    else {
      // sigma_xu = S Kᵀ, sigma_ux = (K S) = its transpose (S symmetric); 2 x 2 blocks.
      for (let i = 0; i < dX; i += 2) {
        const two = i + 1 < dX;
        const s0 = so + i * n;
        const s1 = two ? s0 + n : s0;
        for (let a = 0; a < dU; a += 2) {
          const twoA = a + 1 < dU;
          const k0 = ko + a * dX;
          const k1 = twoA ? k0 + dX : k0;
          let x00 = 0;
          let x01 = 0;
          let x10 = 0;
          let x11 = 0;
          for (let j = 0; j < dX; j++) {
            const p0 = sigma[s0 + j];
            const p1 = sigma[s1 + j];
            const q0 = K[k0 + j];
            const q1 = K[k1 + j];
            x00 += p0 * q0;
            x01 += p0 * q1;
            x10 += p1 * q0;
            x11 += p1 * q1;
          }
          sigma[s0 + dX + a] = x00;
          sigma[so + (dX + a) * n + i] = x00;
          if (twoA) {
            sigma[s0 + dX + a + 1] = x01;
            sigma[so + (dX + a + 1) * n + i] = x01;
          }
          if (two) {
            sigma[s1 + dX + a] = x10;
            sigma[so + (dX + a) * n + i + 1] = x10;
            if (twoA) {
              sigma[s1 + dX + a + 1] = x11;
              sigma[so + (dX + a + 1) * n + i + 1] = x11;
            }
          }
        }
      }
      // sigma_uu = (K S) Kᵀ + polCovar, two columns at a time
      for (let a = 0; a < dU; a++) {
        const ua = so + (dX + a) * n;
        let b = 0;
        for (; b + 1 < dU; b += 2) {
          const k0 = ko + b * dX;
          const k1 = k0 + dX;
          let s0 = 0;
          let s1 = 0;
          for (let j = 0; j < dX; j++) {
            const x = sigma[ua + j];
            s0 += x * K[k0 + j];
            s1 += x * K[k1 + j];
          }
          sigma[ua + dX + b] = s0 + polCovar[po + a * dU + b];
          sigma[ua + dX + b + 1] = s1 + polCovar[po + a * dU + b + 1];
        }
        if (b < dU) {
          const kb = ko + b * dX;
          let s0 = 0;
          for (let j = 0; j < dX; j++) s0 += sigma[ua + j] * K[kb + j];
          sigma[ua + dX + b] = s0 + polCovar[po + a * dU + b];
        }
      }
    }
    // mu_u = K mu_x + k
    for (let a = 0; a < dU; a++) {
      const ka = ko + a * dX;
      let s = 0;
      for (let j = 0; j < dX; j++) s += K[ka + j] * mu[mo + j];
      mu[mo + dX + a] = s + k[t * dU + a];
    }
    if (onStep) onStep(t);
    if (t < T - 1) {
      const fo = t * dX * n;
      const sn = so + nn;
      const co = t * dX * dX;
      if (simd) {
        simd.symABAt(
          Fm,
          fo,
          sigma,
          so,
          sigma,
          sn,
          n,
          dynCovar,
          co,
          storedDynamics ? t : -1,
          true,
          true,
        );
      } else {
        symABAt(Fm, fo, dX, n, sigma, so, sc.G, sigma, sn, n);
        for (let i = 0; i < dX; i++) {
          const si = sn + i * n;
          const ci = co + i * dX;
          for (let j = 0; j < dX; j++) sigma[si + j] += dynCovar[ci + j];
        }
      }
      // mu_x,t+1 = Fm mu_t + fv, two rows at a time
      let i = 0;
      for (; i + 1 < dX; i += 2) {
        const f0 = fo + i * n;
        const f1 = f0 + n;
        let s0 = 0;
        let s1 = 0;
        for (let j = 0; j < n; j++) {
          const m = mu[mo + j];
          s0 += Fm[f0 + j] * m;
          s1 += Fm[f1 + j] * m;
        }
        mu[mo + n + i] = s0 + fv[t * dX + i];
        mu[mo + n + i + 1] = s1 + fv[t * dX + i + 1];
      }
      if (i < dX) {
        const f0 = fo + i * n;
        let s0 = 0;
        for (let j = 0; j < n; j++) s0 += Fm[f0 + j] * mu[mo + j];
        mu[mo + n + i] = s0 + fv[t * dX + i];
      }
    }
  }
}

/**
 * Laplace estimate of the expected cost per time step under the trajectory distribution
 * (reference `TrajOptLQRPython.estimate_cost`):
 *
 *   E[c_t] ≈ cc_t + ½ tr(sigma_t Cm_t) + ½ mu_tᵀ Cm_t mu_t + mu_tᵀ cv_t.
 *
 * @param controller - the controller whose marginals are used
 * @param dynamics - dynamics for the forward pass (the reference recomputes it, since the
 *   dynamics may differ from those the controller was optimised under)
 * @param cost - cc `[T]`, cv `[T, dX+dU]`, Cm `[T, dX+dU, dX+dU]`
 * @param marginals - precomputed marginals of `controller` under `dynamics` (skips the forward pass)
 * @returns predicted cost `[T]`
 */
export function estimateCost(
  controller: LinearGaussianController,
  dynamics: LinearGaussianDynamics,
  cost: QuadraticCost,
  marginals?: TrajectoryMarginals,
  out?: Float64Array,
): Float64Array {
  const { T, dX, dU } = checkDynamics(dynamics);
  checkCost('cost', cost, T, dX, dU);
  const m = marginals ?? forward(controller, dynamics);
  return estimateCostFromMarginals(m, cost, out);
}

/**
 * {@link estimateCost} from given marginals mu `[T, dX+dU]`, sigma `[T, dX+dU, dX+dU]`.
 */
export function estimateCostFromMarginals(
  m: TrajectoryMarginals,
  cost: QuadraticCost,
  out?: Float64Array,
): Float64Array {
  const { T, dX, dU } = m;
  checkCost('cost', cost, T, dX, dU);
  const n = dX + dU;
  const nn = n * n;
  const res = out ?? new Float64Array(T);
  const { mu, sigma } = m;
  const { cc, cv, Cm } = cost;
  for (let t = 0; t < T; t++) {
    const so = t * nn;
    const mo = t * n;
    let tr = 0;
    for (let i = 0; i < nn; i++) tr += sigma[so + i] * Cm[so + i];
    let quad = 0;
    let lin = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += mu[mo + j] * Cm[so + j * n + i];
      quad += s * mu[mo + i];
      lin += mu[mo + i] * cv[mo + i];
    }
    res[t] = cc[t] + 0.5 * tr + 0.5 * quad + lin;
    if (!Number.isFinite(res[t])) throw new LqrNonFiniteError('estimateCost', t, { value: res[t] });
  }
  return res;
}
