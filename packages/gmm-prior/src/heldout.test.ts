/**
 * The acceptance test: on a simulated nonlinear system, dynamics fitted with the GMM
 * prior from 5 rollouts predict held-out transitions better than the fit without prior from
 * the same 5 rollouts (paper Appendix A.3, Figure 4: the prior is what makes 5 samples per
 * iteration enough).
 */
import { describe, expect, it } from 'vitest';
import { fitDynamics } from './dynamics.js';
import { GmmDynamicsPrior } from './dynamics-prior-gmm.js';
import { Normal } from './test-helpers.js';

// Damped pendulum with a torque input: theta'' = -(g/l) sin(theta) - b theta' + u,
// state x = [theta, omega], integrated with 10 semi-implicit Euler substeps per step.
const dX = 2;
const dU = 1;
const T = 40;
const dt = 0.05;

function step(x: Float64Array, u: number, out: Float64Array, noise: Normal): void {
  let th = x[0];
  let om = x[1];
  const h = dt / 10;
  for (let s = 0; s < 10; s++) {
    om += h * (-9.81 * Math.sin(th) - 0.3 * om + u);
    th += h * om;
  }
  out[0] = th + 1e-3 * noise.next();
  out[1] = om + 1e-3 * noise.next();
}

/** N rollouts of the controller u = -kp (theta - target_t) - kd omega + k_t + unit noise. */
function rollouts(N: number, gains: { kp: number; kd: number; off: number }, seed: number) {
  const g = new Normal(seed);
  const X = new Float64Array(N * T * dX);
  const U = new Float64Array(N * T * dU);
  const x = new Float64Array(dX);
  const nx = new Float64Array(dX);
  for (let n = 0; n < N; n++) {
    x[0] = 1.2 + 0.2 * g.next();
    x[1] = 0.1 * g.next();
    for (let t = 0; t < T; t++) {
      const target = 1.2 * Math.cos((Math.PI * t) / T);
      const u = -gains.kp * (x[0] - target) - gains.kd * x[1] + gains.off + g.next();
      X.set(x, (n * T + t) * dX);
      U[n * T + t] = u;
      step(x, u, nx, g);
      x.set(nx);
    }
  }
  return { X, U };
}

/** Mean squared one-step prediction error of fitted dynamics on held-out rollouts. */
function heldOutError(
  dyn: { Fm: Float64Array; fv: Float64Array },
  X: Float64Array,
  U: Float64Array,
  N: number,
): number {
  const dXU = dX + dU;
  let s = 0;
  let count = 0;
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T - 1; t++) {
      const xo = (n * T + t) * dX;
      for (let a = 0; a < dX; a++) {
        let pred = dyn.fv[t * dX + a];
        const fo = t * dX * dXU + a * dXU;
        for (let b = 0; b < dX; b++) pred += dyn.Fm[fo + b] * X[xo + b];
        pred += dyn.Fm[fo + dX] * U[n * T + t];
        s += (X[xo + dX + a] - pred) ** 2;
        count++;
      }
    }
  }
  return s / count;
}

describe('held-out prediction on a nonlinear pendulum', () => {
  it('the GMM prior fit from 5 rollouts beats the no-prior fit from the same 5', () => {
    const prior = new GmmDynamicsPrior({
      minSamplesPerCluster: 40,
      maxClusters: 20,
      maxSamples: 20,
      seed: 11,
    });
    // Several GPS-like iterations, 5 rollouts each, with a changing controller.
    const schedule = [
      { kp: 2, kd: 0.5, off: 0 },
      { kp: 4, kd: 0.8, off: 0.5 },
      { kp: 6, kd: 1.0, off: -0.3 },
      { kp: 8, kd: 1.2, off: 0.2 },
    ];
    schedule.forEach((gains, i) => {
      const r = rollouts(5, gains, 100 + i);
      prior.update(r.X, r.U, 5, T, dX, dU);
    });
    const gains = { kp: 9, kd: 1.3, off: 0.1 };
    const cur = rollouts(5, gains, 200);
    prior.update(cur.X, cur.U, 5, T, dX, dU);
    const held = rollouts(40, gains, 300);

    const withPrior = fitDynamics(cur.X, cur.U, { N: 5, T, dX, dU, prior });
    const noPrior = fitDynamics(cur.X, cur.U, { N: 5, T, dX, dU });
    const ePrior = heldOutError(withPrior, held.X, held.U, 40);
    const eNone = heldOutError(noPrior, held.X, held.U, 40);
    // The prior must help, and clearly so.
    expect(ePrior).toBeLessThan(eNone);
    expect(ePrior).toBeLessThan(0.5 * eNone);
    console.info(
      `held-out one-step MSE: GMM prior ${ePrior.toExponential(3)}, no prior ${eNone.toExponential(3)} (ratio ${(eNone / ePrior).toFixed(1)}), K=${prior.gmm.clusters}`,
    );
  });
});
