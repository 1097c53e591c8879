import { InvalidArgumentError, zeroController } from '@visuomotor/contracts';
import { backwardSweep } from './backward.js';
import { LqrNonFiniteError } from './errors.js';
import { LqrWorkspace } from './workspace.js';

/**
 * Known, differentiable discrete-time dynamics x_{t+1} = f(x_t, u_t, t).
 */
export interface DifferentiableDynamics {
  readonly dX: number;
  readonly dU: number;
  /** Write f(x, u, t) `[dX]` into `out`. */
  step(x: Float64Array, u: Float64Array, t: number, out: Float64Array): void;
  /**
   * Optional Jacobian [∂f/∂x, ∂f/∂u] `[dX, dX+dU]` (row-major) into `out`; central finite
   * differences of {@link step} when omitted.
   */
  jacobian?(x: Float64Array, u: Float64Array, t: number, out: Float64Array): void;
}

/** A twice-differentiable stage cost l(x, u, t) and final cost l_f(x). */
export interface DifferentiableCost {
  /** Stage cost at step t < T. */
  stage(x: Float64Array, u: Float64Array, t: number): number;
  /**
   * Optional gradient `[dX+dU]` and Hessian `[dX+dU, dX+dU]` of the stage cost in y = [x; u];
   * finite differences of {@link stage} when omitted.
   */
  stageDerivatives?(
    x: Float64Array,
    u: Float64Array,
    t: number,
    grad: Float64Array,
    hess: Float64Array,
  ): void;
  /** Final cost at x_T. Default 0. */
  final?(x: Float64Array): number;
  /** Optional gradient `[dX]` and Hessian `[dX, dX]` of the final cost. */
  finalDerivatives?(x: Float64Array, grad: Float64Array, hess: Float64Array): void;
}

/** Options of {@link ilqg}. */
export interface IlqgOptions {
  /** Initial controls `[T, dU]`. Default zeros. */
  u0?: Float64Array;
  /** Maximum iterations. Default 200. */
  maxIterations?: number;
  /** Stop when the relative cost decrease of an accepted step is below this. Default 1e-9. */
  tolerance?: number;
  /** Stop when max |k_t| / (max |u_t| + 1) falls below this. Default 1e-7. */
  gradientTolerance?: number;
  /** Initial, minimum and maximum Levenberg-Marquardt μ on Q_uu; growth factor Δ0. */
  muInit?: number;
  muMin?: number;
  muMax?: number;
  muFactor?: number;
  /** Line-search step sizes, tried in order. Default 1, 0.5, 0.25, …, 2⁻¹⁰. */
  alphas?: readonly number[];
  /** Accept a step when actual/expected reduction exceeds this. Default 0. */
  acceptRatio?: number;
  /** Finite-difference step. Default 1e-5 (Jacobians), 1e-4 (Hessians). */
  fdStep?: number;
}

/** Result of {@link ilqg}. */
export interface IlqgResult {
  /** States `[T+1, dX]`. */
  X: Float64Array;
  /** Controls `[T, dU]`. */
  U: Float64Array;
  /** Feedback gains of the last backward pass `[T, dU, dX]` (u = U_t + K_t (x − X_t)). */
  K: Float64Array;
  /** Total cost. */
  cost: number;
  /** Cost after each accepted iteration (first entry: the initial rollout). */
  costHistory: number[];
  iterations: number;
  converged: boolean;
  /** Final Levenberg-Marquardt μ. */
  mu: number;
}

/** Central-difference Jacobian of g: R^n → R^m at y into `out` `[m, n]`. */
export function finiteDifferenceJacobian(
  g: (y: Float64Array, out: Float64Array) => void,
  y: Float64Array,
  m: number,
  out: Float64Array,
  h = 1e-5,
): Float64Array {
  const n = y.length;
  const fp = new Float64Array(m);
  const fm = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    const y0 = y[j];
    y[j] = y0 + h;
    g(y, fp);
    y[j] = y0 - h;
    g(y, fm);
    y[j] = y0;
    for (let i = 0; i < m; i++) out[i * n + j] = (fp[i] - fm[i]) / (2 * h);
  }
  return out;
}

/** Central-difference gradient `[n]` and Hessian `[n, n]` (symmetrised) of a scalar f at y. */
export function finiteDifferenceHessian(
  f: (y: Float64Array) => number,
  y: Float64Array,
  grad: Float64Array,
  hess: Float64Array,
  h = 1e-4,
): void {
  const n = y.length;
  const f0 = f(y);
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    y[i] = yi + h;
    const fp = f(y);
    y[i] = yi - h;
    const fm = f(y);
    y[i] = yi;
    grad[i] = (fp - fm) / (2 * h);
    hess[i * n + i] = (fp - 2 * f0 + fm) / (h * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const yi = y[i];
      const yj = y[j];
      y[i] = yi + h;
      y[j] = yj + h;
      const fpp = f(y);
      y[j] = yj - h;
      const fpm = f(y);
      y[i] = yi - h;
      const fmm = f(y);
      y[j] = yj + h;
      const fmp = f(y);
      y[i] = yi;
      y[j] = yj;
      const v = (fpp - fpm - fmp + fmm) / (4 * h * h);
      hess[i * n + j] = v;
      hess[j * n + i] = v;
    }
  }
}

/**
 * Iterative LQR / deterministic iLQG (Li & Todorov 2004; Tassa, Erez & Todorov 2012) for known
 * differentiable dynamics: linearise the dynamics and quadratise the cost along the current
 * trajectory, solve the time-varying LQR for the deviation (the same backward pass as
 * {@link solveLqr}, with μ·I added to Q_uu and the value function of the regularised gains),
 * then roll out u = ū + α k + K (x − x̄) with a backtracking line search on α, accepting when
 * the actual reduction is a positive fraction of the expected one
 * −(α Σ kᵀQ_u + α² Σ ½ kᵀQ_uu k). μ follows the Levenberg-Marquardt schedule of Tassa et al.:
 * on failure Δ = max(Δ0, Δ·Δ0), μ = max(μmin, μ·Δ); on success Δ = min(1/Δ0, Δ/Δ0), μ = μ·Δ
 * (0 below μmin).
 *
 * @param dynamics - step function (and optional Jacobian)
 * @param cost - stage and final costs (and optional derivatives)
 * @param x0 - initial state `[dX]`
 * @param T - number of controls
 * @throws {@link LqrNonFiniteError} when the rollout produces NaN
 */
export function ilqg(
  dynamics: DifferentiableDynamics,
  cost: DifferentiableCost,
  x0: ArrayLike<number>,
  T: number,
  options: IlqgOptions = {},
): IlqgResult {
  const { dX, dU } = dynamics;
  const n = dX + dU;
  if (!Number.isInteger(T) || T < 1) throw new InvalidArgumentError('T', 'a positive integer', T);
  if (x0.length !== dX) throw new InvalidArgumentError('x0', `length ${dX}`, x0);
  const maxIt = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-9;
  const gtol = options.gradientTolerance ?? 1e-7;
  const muMin = options.muMin ?? 1e-6;
  const muMax = options.muMax ?? 1e10;
  const d0 = options.muFactor ?? 1.6;
  const alphas = options.alphas ?? Array.from({ length: 11 }, (_, i) => 2 ** -i);
  const accept = options.acceptRatio ?? 0;
  const hJ = options.fdStep ?? 1e-5;
  const hH = options.fdStep ? Math.sqrt(options.fdStep) * 0.03 : 1e-4;
  let mu = options.muInit ?? 0;
  let delta = 1;

  // The LQR over T+1 steps: step T carries the final cost (Q_uu = I there, so K = k = 0).
  const Tl = T + 1;
  const ws = new LqrWorkspace(Tl, dX, dU);
  const lqrDyn = {
    T: Tl,
    dX,
    dU,
    Fm: new Float64Array(Tl * dX * n),
    fv: new Float64Array(Tl * dX),
    dynCovar: new Float64Array(0),
    x0mu: new Float64Array(0),
    x0sigma: new Float64Array(0),
  };
  const ctrl = zeroController(Tl, dX, dU);
  const X = new Float64Array((T + 1) * dX);
  const U = new Float64Array(T * dU);
  if (options.u0) {
    if (options.u0.length !== T * dU)
      throw new InvalidArgumentError('u0', `[${T}, ${dU}]`, options.u0);
    U.set(options.u0);
  }
  const Xn = new Float64Array(X.length);
  const Un = new Float64Array(U.length);
  const xb = new Float64Array(dX);
  const ub = new Float64Array(dU);
  const xo = new Float64Array(dX);
  const y = new Float64Array(n);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n * n);
  const gX = new Float64Array(dX);
  const hX = new Float64Array(dX * dX);
  const dV = new Float64Array(2);
  const jac = new Float64Array(dX * n);
  const xs = new Float64Array(dX);
  const us = new Float64Array(dU);
  let tCur = 0;
  const stepY = (yy: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < dX; i++) xs[i] = yy[i];
    for (let a = 0; a < dU; a++) us[a] = yy[dX + a];
    dynamics.step(xs, us, tCur, out);
  };
  const stageY = (yy: Float64Array): number => {
    for (let i = 0; i < dX; i++) xs[i] = yy[i];
    for (let a = 0; a < dU; a++) us[a] = yy[dX + a];
    return cost.stage(xs, us, tCur);
  };

  const rollout = (
    Xo: Float64Array,
    Uo: Float64Array,
    alpha: number,
    feedback: boolean,
  ): number => {
    for (let i = 0; i < dX; i++) Xo[i] = x0[i];
    let J = 0;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < dX; i++) xb[i] = Xo[t * dX + i];
      for (let a = 0; a < dU; a++) {
        let u = U[t * dU + a];
        if (feedback) {
          u += alpha * ctrl.k[t * dU + a];
          for (let i = 0; i < dX; i++) u += ctrl.K[(t * dU + a) * dX + i] * (xb[i] - X[t * dX + i]);
        }
        Uo[t * dU + a] = u;
        ub[a] = u;
      }
      J += cost.stage(xb, ub, t);
      dynamics.step(xb, ub, t, xo);
      for (let i = 0; i < dX; i++) Xo[(t + 1) * dX + i] = xo[i];
    }
    for (let i = 0; i < dX; i++) xb[i] = Xo[T * dX + i];
    J += cost.final ? cost.final(xb) : 0;
    if (!Number.isFinite(J)) throw new LqrNonFiniteError('ilqg rollout cost', T);
    return J;
  };

  const linearise = (): void => {
    const Fm = lqrDyn.Fm;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < dX; i++) xb[i] = X[t * dX + i];
      for (let a = 0; a < dU; a++) ub[a] = U[t * dU + a];
      tCur = t;
      for (let i = 0; i < dX; i++) y[i] = xb[i];
      for (let a = 0; a < dU; a++) y[dX + a] = ub[a];
      if (dynamics.jacobian) dynamics.jacobian(xb, ub, t, jac);
      else finiteDifferenceJacobian(stepY, y, dX, jac, hJ);
      Fm.set(jac, t * dX * n);
      if (cost.stageDerivatives) cost.stageDerivatives(xb, ub, t, grad, hess);
      else finiteDifferenceHessian(stageY, y, grad, hess, hH);
      ws.fCm.set(hess, t * n * n);
      ws.fcv.set(grad, t * n);
    }
    // Final step.
    for (let i = 0; i < dX; i++) xb[i] = X[T * dX + i];
    gX.fill(0);
    hX.fill(0);
    if (cost.finalDerivatives) cost.finalDerivatives(xb, gX, hX);
    else if (cost.final) {
      const fin = cost.final;
      finiteDifferenceHessian((yy) => fin(yy), xb.slice(), gX, hX, hH);
    }
    const co = T * n * n;
    ws.fCm.fill(0, co, co + n * n);
    for (let i = 0; i < dX; i++)
      for (let j = 0; j < dX; j++) ws.fCm[co + i * n + j] = hX[i * dX + j];
    for (let a = 0; a < dU; a++) ws.fCm[co + (dX + a) * n + dX + a] = 1;
    ws.fcv.fill(0, T * n, T * n + n);
    for (let i = 0; i < dX; i++) ws.fcv[T * n + i] = gX[i];
  };

  let J = rollout(X, U, 0, false);
  const history = [J];
  let converged = false;
  let it = 0;
  for (; it < maxIt; it++) {
    linearise();
    ws.prepareDynamics(lqrDyn.Fm);
    // Backward pass with increasing μ until every Q_uu + μI is positive definite.
    for (;;) {
      dV.fill(0);
      const fail = backwardSweep(lqrDyn, ctrl, ws, ctrl, {
        scalar: true,
        eta: 1,
        etaVec: null,
        updateInBwdPass: true,
        quuReg: mu,
        dV,
      });
      if (fail.t < 0) break;
      delta = Math.max(d0, delta * d0);
      mu = Math.max(muMin, mu * delta);
      if (mu > muMax) {
        throw new InvalidArgumentError('ilqg regularisation', `μ <= ${muMax}`, mu);
      }
    }
    // Gradient-based stop.
    let kmax = 0;
    let umax = 0;
    for (let i = 0; i < T * dU; i++) {
      kmax = Math.max(kmax, Math.abs(ctrl.k[i]));
      umax = Math.max(umax, Math.abs(U[i]));
    }
    if (kmax / (umax + 1) < gtol && mu < muMin * 10) {
      converged = true;
      break;
    }
    let accepted = false;
    let Jn = J;
    for (const alpha of alphas) {
      Jn = rollout(Xn, Un, alpha, true);
      const expected = -(alpha * dV[0] + alpha * alpha * dV[1]);
      const ratio = expected > 0 ? (J - Jn) / expected : Math.sign(J - Jn);
      if (ratio > accept && Jn < J) {
        accepted = true;
        break;
      }
    }
    if (accepted) {
      const rel = (J - Jn) / Math.max(Math.abs(J), 1e-300);
      X.set(Xn);
      U.set(Un);
      J = Jn;
      history.push(J);
      delta = Math.min(1 / d0, delta / d0);
      mu = mu * delta > muMin ? mu * delta : 0;
      if (rel < tol) {
        converged = true;
        it++;
        break;
      }
    } else {
      delta = Math.max(d0, delta * d0);
      mu = Math.max(muMin, mu * delta);
      if (mu > muMax) break;
    }
  }
  return {
    X,
    U,
    K: ctrl.K.slice(0, T * dU * dX),
    cost: J,
    costHistory: history,
    iterations: it,
    converged,
    mu,
  };
}
