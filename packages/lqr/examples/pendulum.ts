/**
 * Pendulum swing-up with iLQG, and the same pendulum's upright balance with plain LQR.
 * The model (dynamics with analytic Jacobian, cost with analytic derivatives) is in
 * `src/pendulum.ts`.
 *
 * Run: `pnpm --filter @visuomotor/lqr example`
 */
import { fileURLToPath } from 'node:url';
import { balanceGains, PENDULUM, swingUp } from '../src/pendulum.js';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = swingUp();
  const { T } = PENDULUM;
  console.log(
    `iLQG swing-up: ${r.iterations} iterations, converged ${r.converged}, cost ${r.costHistory[0].toFixed(2)} -> ${r.cost.toFixed(4)}`,
  );
  console.log(
    `final angle ${r.X[T * 2].toFixed(4)} rad (π = ${Math.PI.toFixed(4)}), final velocity ${r.X[T * 2 + 1].toFixed(4)} rad/s`,
  );
  const peak = r.U.reduce((a, u) => Math.max(a, Math.abs(u)), 0);
  console.log(`peak torque ${peak.toFixed(3)} N·m`);
  const lqr = balanceGains();
  console.log(
    `LQR balance gains at t = 0: K = [${Array.from(lqr.controller.K.subarray(0, 2), (v) => v.toFixed(3)).join(', ')}]`,
  );
}
