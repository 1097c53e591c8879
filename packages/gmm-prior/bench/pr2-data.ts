/**
 * Synthetic PR2-sized rollouts for the benchmarks: a 7-joint arm with coupled, damped,
 * gravity-loaded joint dynamics, two end-effector points from a planar-chain forward
 * kinematics and their velocities (dX = 7 + 7 + 6 + 6 = 26, dU = 7), a PD controller plus
 * unit Gaussian action noise, as the reference's samples are produced.
 */
import { Xoshiro128 } from '../src/rng.js';

export const PR2 = { T: 100, dX: 26, dU: 7 } as const;

function normal(rng: Xoshiro128): number {
  let u = 0;
  while (u === 0) u = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** N rollouts: X `[N, T, 26]`, U `[N, T, 7]`. */
export function pr2Rollouts(N: number, seed: number, T: number = PR2.T) {
  const { dX, dU } = PR2;
  const rng = new Xoshiro128(seed);
  const X = new Float64Array(N * T * dX);
  const U = new Float64Array(N * T * dU);
  const dt = 0.05;
  const q = new Float64Array(7);
  const qd = new Float64Array(7);
  const target = [0.5, -0.3, 0.2, -0.8, 0.1, 0.4, -0.2];
  const ee = (qv: Float64Array, out: Float64Array, o: number) => {
    // two points along a planar chain in 3-D (x, y from cumulative angles, z from joint 0)
    let ang = 0;
    let x = 0;
    let y = 0;
    for (let j = 0; j < 7; j++) {
      ang += qv[j];
      x += 0.2 * Math.cos(ang);
      y += 0.2 * Math.sin(ang);
      if (j === 3) {
        out[o] = x;
        out[o + 1] = y;
        out[o + 2] = 0.3 * Math.sin(qv[0]);
      }
    }
    out[o + 3] = x;
    out[o + 4] = y;
    out[o + 5] = 0.3 * Math.sin(qv[0]) + 0.1 * Math.cos(qv[6]);
  };
  const p0 = new Float64Array(6);
  const p1 = new Float64Array(6);
  const qn = new Float64Array(7);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < 7; j++) {
      q[j] = 0.05 * normal(rng);
      qd[j] = 0;
    }
    for (let t = 0; t < T; t++) {
      const xo = (n * T + t) * dX;
      const uo = (n * T + t) * dU;
      ee(q, p0, 0);
      for (let j = 0; j < 7; j++) qn[j] = q[j] + 1e-3 * qd[j];
      ee(qn, p1, 0);
      for (let j = 0; j < 7; j++) {
        X[xo + j] = q[j];
        X[xo + 7 + j] = qd[j];
      }
      for (let a = 0; a < 6; a++) {
        X[xo + 14 + a] = p0[a];
        X[xo + 20 + a] = (p1[a] - p0[a]) / 1e-3;
      }
      for (let j = 0; j < 7; j++) {
        U[uo + j] = 2 * (target[j] - q[j]) - 0.5 * qd[j] + normal(rng);
      }
      // integrate: qdd = u - damping·qd - gravity·sin(q) + coupling to neighbours
      for (let j = 0; j < 7; j++) {
        const nb = (j > 0 ? q[j - 1] : 0) - (j < 6 ? q[j + 1] : 0);
        const qdd = U[uo + j] - 0.8 * qd[j] - 1.5 * Math.sin(q[j]) + 0.3 * Math.sin(nb);
        qd[j] += dt * qdd;
        q[j] += dt * qd[j];
      }
    }
  }
  return { X, U, N, T, dX, dU };
}
