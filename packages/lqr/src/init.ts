import {
  InvalidArgumentError,
  type LinearGaussianController,
  zeroController,
} from '@visuomotor/contracts';
import { ReferenceCrashError } from './errors.js';
import { solveLqr } from './lqr.js';

/**
 * Guessed double-integrator dynamics (reference `dynamics_utils.guess_dynamics`): joint angles
 * in x[0..dU), velocities in x[dU..2dU), the rest of the state constant-zero:
 *
 *   q' = q + dt·q̇ + dt²·diag(gains)·u,   q̇' = q̇ + dt·diag(gains)·u,   rest' = 0,
 *   fc = [acc·dt²; acc·dt; 0].
 *
 * @param gains - `[dU]` joint gains
 * @param acc - `[dU]` joint accelerations
 * @returns Fd `[dX, dX+dU]`, fc `[dX]`
 * @throws {@link ReferenceCrashError} when dX < 2 dU (the reference fails on negative sizes)
 */
export function guessDynamics(
  gains: ArrayLike<number>,
  acc: ArrayLike<number>,
  dX: number,
  dU: number,
  dt: number,
): { Fd: Float64Array; fc: Float64Array } {
  if (dX < 2 * dU) {
    throw new ReferenceCrashError(
      'guessDynamics',
      'ValueError: negative dimensions are not allowed',
      {
        dX,
        dU,
      },
    );
  }
  if (gains.length !== dU) throw new InvalidArgumentError('gains', `length ${dU}`, gains);
  if (acc.length !== dU) throw new InvalidArgumentError('acc', `length ${dU}`, acc);
  const n = dX + dU;
  const Fd = new Float64Array(dX * n);
  const fc = new Float64Array(dX);
  const dt2 = dt ** 2;
  for (let i = 0; i < dU; i++) {
    Fd[i * n + i] = 1;
    Fd[i * n + dU + i] = dt;
    Fd[i * n + dX + i] = dt2 * gains[i];
    Fd[(dU + i) * n + dU + i] = 1;
    Fd[(dU + i) * n + dX + i] = dt * gains[i];
    fc[i] = acc[i] * dt2;
    fc[dU + i] = acc[i] * dt;
  }
  return { Fd, fc };
}

/** Parameters of {@link initLqr} (reference `INIT_LG_LQR` defaults). */
export interface InitLqrParams {
  /** Initial state to hold, `[dX]`. */
  x0: ArrayLike<number>;
  dX: number;
  dU: number;
  /** Time step of the guessed dynamics. */
  dt: number;
  T: number;
  /** Target action variance (divides the cost). Default 1. */
  initVar?: number;
  /** Position stiffness. Default 1. */
  stiffness?: number;
  /** Velocity stiffness multiplier. Default 0.5. */
  stiffnessVel?: number;
  /** Weight of the last step's cost. Default 1. */
  finalWeight?: number;
  /** `[dU]` accelerations of the guessed dynamics. Default zeros (also for an empty array). */
  initAcc?: ArrayLike<number>;
  /** `[dU]` gains of the guessed dynamics. Default ones (also for an empty array). */
  initGains?: ArrayLike<number>;
}

/**
 * Initial controller that holds x0 under guessed double-integrator dynamics (reference
 * `lin_gauss_init.init_lqr`): an LQR on the cost ½ (y − [x0; 0])ᵀ L (y − [x0; 0]) with
 * L = diag(stiffness·1_dU, stiffness·stiffnessVel·1_dU, 0, 1_dU) / initVar (times finalWeight
 * at the last step). polCovar = Q_uu⁻¹, so the controller's noise matches initVar.
 *
 * @returns controller K `[T, dU, dX]`, k `[T, dU]`, polCovar/cholPolCovar/invPolCovar `[T, dU, dU]`
 * @throws {@link ReferenceCrashError} when dX < 2 dU
 * @throws {@link NotPositiveDefiniteQuuError} when Q_uu is not positive definite (the reference raises LinAlgError)
 */
export function initLqr(params: InitLqrParams): LinearGaussianController {
  const { dX, dU, T, dt } = params;
  checkDims('initLqr', T, dX, dU);
  if (params.x0.length !== dX) throw new InvalidArgumentError('x0', `length ${dX}`, params.x0);
  const initVar = params.initVar ?? 1;
  const stiffness = params.stiffness ?? 1;
  const stiffnessVel = params.stiffnessVel ?? 0.5;
  const finalWeight = params.finalWeight ?? 1;
  const acc = params.initAcc && params.initAcc.length > 0 ? params.initAcc : new Float64Array(dU);
  const gains =
    params.initGains && params.initGains.length > 0
      ? params.initGains
      : new Float64Array(dU).fill(1);
  const { Fd, fc } = guessDynamics(gains, acc, dX, dU, dt);
  const n = dX + dU;
  const diag = new Float64Array(n);
  for (let i = 0; i < dU; i++) {
    diag[i] = stiffness / initVar;
    diag[dU + i] = (stiffness * stiffnessVel) / initVar;
    diag[dX + i] = 1 / initVar;
  }
  // The reference divides the whole diagonal matrix by init_var: stiffness·stiffness_vel is
  // formed first, then divided (reproduced above), and zeros stay zeros.
  const Fm = new Float64Array(T * dX * n);
  const fv = new Float64Array(T * dX);
  const Cm = new Float64Array(T * n * n);
  const cv = new Float64Array(T * n);
  for (let t = 0; t < T; t++) {
    Fm.set(Fd, t * dX * n);
    fv.set(fc, t * dX);
    const w = t === T - 1 ? finalWeight : 1;
    for (let i = 0; i < n; i++) {
      const L = diag[i];
      const y = i < dX ? params.x0[i] : 0;
      Cm[t * n * n + i * n + i] = t === T - 1 ? w * L : L;
      const lt = -(L * y);
      cv[t * n + i] = t === T - 1 ? w * lt : lt;
    }
  }
  return solveLqr({ T, dX, dU, Fm, fv, Cm, cv }).controller;
}

/** Parameters of {@link initPd} (reference `INIT_LG_PD` defaults). */
export interface InitPdParams {
  /** Initial state, `[dX]`. */
  x0: ArrayLike<number>;
  dX: number;
  dU: number;
  /** Number of joint positions in the state. */
  dQ: number;
  T: number;
  /** Action variance. Default 10. */
  initVar?: number;
  /** Position gains. Default 10. */
  posGains?: number;
  /** Velocity gains as a multiple of the position gains. Default 0.01. */
  velGainsMult?: number;
  /**
   * dU < dQ (under-actuated): the reference crashes (`np.tile` of a ragged list, or a shape
   * mismatch in `K[0].dot(x0)`). `'throw'` (default) raises {@link ReferenceCrashError};
   * `'intended'` builds the evident intended gains −posGains·[I, 0, velGainsMult·I, 0] on the
   * first dU positions and velocities.
   */
  underactuated?: 'throw' | 'intended';
}

/**
 * Proportional-derivative initial controller with Gaussian noise (reference
 * `lin_gauss_init.init_pd`): K_t = −posGains·[I_dU, velGainsMult·I_dU, 0], k_t = −K_0 x0,
 * polCovar_t = initVar·I.
 *
 * @returns controller K `[T, dU, dX]`, k `[T, dU]`, polCovar/cholPolCovar/invPolCovar `[T, dU, dU]`
 * @throws {@link ReferenceCrashError} where the reference crashes (dU < dQ by default; dX < 2 dU)
 */
export function initPd(params: InitPdParams): LinearGaussianController {
  const { dX, dU, dQ, T } = params;
  checkDims('initPd', T, dX, dU);
  if (params.x0.length !== dX) throw new InvalidArgumentError('x0', `length ${dX}`, params.x0);
  const initVar = params.initVar ?? 10;
  const posGains = params.posGains ?? 10;
  const Kv = params.velGainsMult ?? 0.01;
  if (!(initVar > 0)) throw new InvalidArgumentError('initVar', 'a positive number', initVar);
  const c = zeroController(T, dX, dU);
  const K0 = new Float64Array(dU * dX);
  if (dU < dQ) {
    if ((params.underactuated ?? 'throw') === 'throw') {
      const msg =
        dQ - dU === dU
          ? `ValueError: shapes (${dU},${dU}) and (${dX},) not aligned: ${dU} (dim 1) != ${dX} (dim 0)`
          : 'ValueError: setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions.';
      throw new ReferenceCrashError('initPd (dU < dQ)', msg, { dU, dQ, dX });
    }
    if (dX < 2 * dQ) {
      throw new InvalidArgumentError('dX', `at least 2 dQ = ${2 * dQ}`, dX);
    }
    for (let a = 0; a < dU; a++) {
      K0[a * dX + a] = -posGains * 1.0;
      K0[a * dX + dQ + a] = -posGains * Kv;
    }
  } else {
    if (dX < 2 * dU) {
      throw new ReferenceCrashError('initPd', 'ValueError: negative dimensions are not allowed', {
        dX,
        dU,
      });
    }
    for (let a = 0; a < dU; a++) {
      K0[a * dX + a] = -posGains * 1.0;
      K0[a * dX + dU + a] = -posGains * Kv;
    }
    // −pos_gains times the zero block gives −0 in the reference.
    for (let a = 0; a < dU; a++) {
      for (let j = 0; j < dX; j++) if (K0[a * dX + j] === 0) K0[a * dX + j] = -posGains * 0;
    }
  }
  const k0 = new Float64Array(dU);
  for (let a = 0; a < dU; a++) {
    let s = 0;
    for (let j = 0; j < dX; j++) s += K0[a * dX + j] * params.x0[j];
    k0[a] = -s;
  }
  const sd = Math.sqrt(initVar);
  for (let t = 0; t < T; t++) {
    c.K.set(K0, t * dU * dX);
    c.k.set(k0, t * dU);
    for (let a = 0; a < dU; a++) {
      c.polCovar[t * dU * dU + a * dU + a] = initVar;
      c.cholPolCovar[t * dU * dU + a * dU + a] = sd;
      c.invPolCovar[t * dU * dU + a * dU + a] = 1.0 / initVar;
    }
  }
  return c;
}

function checkDims(where: string, T: number, dX: number, dU: number): void {
  for (const [k, v] of [
    ['T', T],
    ['dX', dX],
    ['dU', dU],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new InvalidArgumentError(`${where}: ${k}`, 'a positive integer', v);
  }
}
