import {
  assertShape,
  InvalidArgumentError,
  type LinearGaussianController,
  type LinearGaussianDynamics,
  zeroController,
} from '@visuomotor/contracts';
import { backwardSweep } from './backward.js';
import { NotPositiveDefiniteQuuError } from './errors.js';
import { LqrWorkspace } from './workspace.js';

/**
 * A finite-horizon, time-varying linear-quadratic problem in y_t = [x_t; u_t]:
 * x_{t+1} = Fm_t y_t + fv_t, cost Σ_t ½ y_tᵀ Cm_t y_t + cv_tᵀ y_t (+ cc_t).
 */
export interface LqrProblem {
  readonly T: number;
  readonly dX: number;
  readonly dU: number;
  /** Dynamics matrices `[T, dX, dX+dU]` (the last step's is not used). */
  Fm: Float64Array;
  /** Dynamics offsets `[T, dX]`. */
  fv: Float64Array;
  /** Cost Hessians `[T, dX+dU, dX+dU]` (symmetric). */
  Cm: Float64Array;
  /** Cost gradients `[T, dX+dU]`. */
  cv: Float64Array;
}

/** Solution of {@link solveLqr}. */
export interface LqrSolution {
  /**
   * The optimal time-varying controller u_t = K_t x_t + k_t. polCovar = Q_uu⁻¹ is the
   * maximum-entropy (Boltzmann) policy's covariance, invPolCovar = Q_uu, cholPolCovar its
   * upper factor; a deterministic LQR user reads K and k only.
   */
  controller: LinearGaussianController;
  /** Value-function Hessians `[T, dX, dX]`: V_t(x) = ½ xᵀ Vxx_t x + Vx_tᵀ x + const. */
  Vxx: Float64Array;
  /** Value-function gradients `[T, dX]`. */
  Vx: Float64Array;
}

/** Options of {@link solveLqr}. */
export interface SolveLqrOptions {
  /** μ added to the diagonal of Q_uu (Levenberg-Marquardt style). Default 0. */
  regularization?: number;
  /** Reusable buffers for (T, dX, dU). */
  workspace?: LqrWorkspace;
}

/**
 * Finite-horizon time-varying LQR by dynamic programming (the Riccati recursion; paper
 * Appendix A.2 with the KL term removed):
 *
 *   Q_t = C_t + Fm_tᵀ V_{t+1} Fm_t,  q_t = c_t + Fm_tᵀ (v_{t+1} + V_{t+1} fv_t),
 *   K_t = −Q_uu⁻¹ Q_ux,  k_t = −Q_uu⁻¹ q_u,
 *   V_t = Q_xx + Q_xu K_t,  v_t = q_x + Q_xu k_t,
 *
 * which is both the deterministic LQR solution and the mean of the maximum-entropy solution
 * p(u|x) = N(K x + k, Q_uu⁻¹). Accepts {@link LinearGaussianDynamics} too (noise does not change
 * the optimal gains).
 *
 * @param problem - Fm `[T, dX, dX+dU]`, fv `[T, dX]`, Cm `[T, dX+dU, dX+dU]`, cv `[T, dX+dU]`
 * @throws {@link NotPositiveDefiniteQuuError} when some Q_uu is not positive definite
 */
export function solveLqr(problem: LqrProblem, options: SolveLqrOptions = {}): LqrSolution {
  const { T, dX, dU } = problem;
  for (const [k, v] of [
    ['T', T],
    ['dX', dX],
    ['dU', dU],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new InvalidArgumentError(`problem.${k}`, 'a positive integer', v);
  }
  const n = dX + dU;
  assertShape('problem.Fm', problem.Fm, [T, dX, n]);
  assertShape('problem.fv', problem.fv, [T, dX]);
  assertShape('problem.Cm', problem.Cm, [T, n, n]);
  assertShape('problem.cv', problem.cv, [T, n]);
  const reg = options.regularization ?? 0;
  if (!(reg >= 0)) throw new InvalidArgumentError('regularization', 'a number >= 0', reg);
  const ws = options.workspace?.fits(T, dX, dU) ? options.workspace : new LqrWorkspace(T, dX, dU);
  ws.prepareDynamics(problem.Fm);
  ws.fCm.set(problem.Cm);
  ws.fcv.set(problem.cv);
  const controller = zeroController(T, dX, dU);
  const Vxx = new Float64Array(T * dX * dX);
  const Vx = new Float64Array(T * dX);
  const dyn = problem as unknown as LinearGaussianDynamics;
  const fail = backwardSweep(dyn, controller, ws, controller, {
    scalar: true,
    eta: 1,
    etaVec: null,
    updateInBwdPass: true,
    quuReg: reg,
    storeVxx: Vxx,
    storeVx: Vx,
  });
  if (fail.t >= 0) throw new NotPositiveDefiniteQuuError('solveLqr', fail.t, fail.minor);
  return { controller, Vxx, Vx };
}
