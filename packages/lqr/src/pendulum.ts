/**
 * @internal The pendulum of the README example (`examples/pendulum.ts`) and of the iLQG tests:
 * swing-up with iLQG, upright balance with plain LQR.
 */
import { type DifferentiableCost, type DifferentiableDynamics, ilqg } from './ilqg.js';
import { solveLqr } from './lqr.js';

/** Physical constants and horizon of the example. */
export const PENDULUM = { g: 9.81, l: 1, m: 1, b: 0.1, dt: 0.05, T: 100 } as const;

/**
 * θ measured from hanging down (θ = π is upright), semi-implicit Euler:
 * ω' = ω + dt (u/(m l²) − (g/l) sin θ − b ω),  θ' = θ + dt ω'.
 */
export const pendulumDynamics: DifferentiableDynamics = {
  dX: 2,
  dU: 1,
  step(x, u, _t, out) {
    const { g, l, m, b, dt } = PENDULUM;
    const w = x[1] + dt * (u[0] / (m * l * l) - (g / l) * Math.sin(x[0]) - b * x[1]);
    out[0] = x[0] + dt * w;
    out[1] = w;
  },
  jacobian(x, _u, _t, J) {
    const { g, l, m, b, dt } = PENDULUM;
    const wth = -dt * (g / l) * Math.cos(x[0]);
    const ww = 1 - dt * b;
    const wu = dt / (m * l * l);
    // rows: θ', ω'; columns: θ, ω, u
    J[0] = 1 + dt * wth;
    J[1] = dt * ww;
    J[2] = dt * wu;
    J[3] = wth;
    J[4] = ww;
    J[5] = wu;
  },
};

/** ½ r u² per step; ½ w_f ((θ − π)² + 0.1 ω²) at the end. */
export const pendulumCost: DifferentiableCost = {
  stage: (_x, u) => 0.5 * 0.01 * u[0] * u[0],
  stageDerivatives(_x, u, _t, grad, hess) {
    grad.fill(0);
    hess.fill(0);
    grad[2] = 0.01 * u[0];
    hess[8] = 0.01;
  },
  final: (x) => 0.5 * 100 * ((x[0] - Math.PI) ** 2 + 0.1 * x[1] ** 2),
  finalDerivatives(x, grad, hess) {
    grad[0] = 100 * (x[0] - Math.PI);
    grad[1] = 100 * 0.1 * x[1];
    hess[0] = 100;
    hess[1] = 0;
    hess[2] = 0;
    hess[3] = 10;
  },
};

/** Swing the pendulum up from rest at the bottom. */
export function swingUp() {
  return ilqg(pendulumDynamics, pendulumCost, [0, 0], PENDULUM.T);
}

/**
 * Balance upright: LQR on the linearisation at θ = π (deviations δθ, ω), quadratic cost
 * ½ (δθ² + 0.1 ω² + 0.01 u²) per step.
 */
export function balanceGains() {
  const { T, dt, g, l, m, b } = PENDULUM;
  const n = 3;
  const Fm = new Float64Array(T * 2 * n);
  const Cm = new Float64Array(T * n * n);
  for (let t = 0; t < T; t++) {
    const wth = dt * (g / l); // −cos(π) = +1
    Fm.set(
      [1 + dt * wth, dt * (1 - dt * b), (dt * dt) / (m * l * l), wth, 1 - dt * b, dt / (m * l * l)],
      t * 2 * n,
    );
    Cm[t * n * n] = 1;
    Cm[t * n * n + 4] = 0.1;
    Cm[t * n * n + 8] = 0.01;
  }
  return solveLqr({
    T,
    dX: 2,
    dU: 1,
    Fm,
    fv: new Float64Array(T * 2),
    Cm,
    cv: new Float64Array(T * n),
  });
}
