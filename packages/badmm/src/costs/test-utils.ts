/**
 * Helpers of the cost tests (not exported from the package): seeded random numbers, samples
 * whose sensor streams are consistent with X (and with a synthetic kinematic chain for the
 * forward-kinematics cost), and central finite differences of a cost's per-step value.
 * @internal
 */
import type { Cost, CostDerivatives, Sample, VectorLayout } from '@visuomotor/contracts';

/** A small seeded generator (mulberry32) with uniform and normal draws. */
export function rng(seed: number): { uniform(): number; normal(): number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal: () => {
      const u = Math.max(uniform(), 1e-300);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    },
  };
}

/**
 * Synthetic forward kinematics from joint angles q `[dQ]` to D point coordinates:
 * p_k(q) = Σ_j A_kj q_j + c_k sin(Σ_j M_kj q_j), with its Jacobian and the Hessians of p_k.
 */
export interface Kinematics {
  D: number;
  dQ: number;
  points(q: ArrayLike<number>, out: Float64Array, off: number): void;
  jacobian(q: ArrayLike<number>, out: Float64Array, off: number): void;
  /** ∇²p_k, `[dQ, dQ]`. */
  hessian(q: ArrayLike<number>, k: number): Float64Array;
}

/** Random kinematics; `nonlinear = false` makes p linear in q (c = 0, no second-order term). */
export function randomKinematics(
  D: number,
  dQ: number,
  seed: number,
  nonlinear: boolean,
): Kinematics {
  const r = rng(seed);
  const A = Float64Array.from({ length: D * dQ }, () => r.normal() * 0.5);
  const M = Float64Array.from({ length: D * dQ }, () => r.normal());
  const c = Float64Array.from({ length: D }, () => (nonlinear ? r.normal() : 0));
  const phase = (q: ArrayLike<number>, k: number) => {
    let s = 0;
    for (let j = 0; j < dQ; j++) s += M[k * dQ + j] * q[j];
    return s;
  };
  return {
    D,
    dQ,
    points(q, out, off) {
      for (let k = 0; k < D; k++) {
        let s = c[k] * Math.sin(phase(q, k));
        for (let j = 0; j < dQ; j++) s += A[k * dQ + j] * q[j];
        out[off + k] = s;
      }
    },
    jacobian(q, out, off) {
      for (let k = 0; k < D; k++) {
        const cs = c[k] * Math.cos(phase(q, k));
        for (let j = 0; j < dQ; j++) out[off + k * dQ + j] = A[k * dQ + j] + cs * M[k * dQ + j];
      }
    },
    hessian(q, k) {
      const h = new Float64Array(dQ * dQ);
      const sn = -c[k] * Math.sin(phase(q, k));
      for (let a = 0; a < dQ; a++) {
        for (let b = 0; b < dQ; b++) h[a * dQ + b] = sn * M[k * dQ + a] * M[k * dQ + b];
      }
      return h;
    },
  };
}

/**
 * A sample from X `[T, dX]` and U `[T, dU]` whose sensor streams are the layout's blocks of X,
 * plus `END_EFFECTOR_POINTS` / `END_EFFECTOR_POINT_JACOBIANS` from `kin` applied to the
 * `JOINT_ANGLES` block when `kin` is given.
 */
export function makeSample(
  X: Float64Array,
  U: Float64Array,
  T: number,
  layout: VectorLayout,
  dU: number,
  kin?: Kinematics,
): Sample {
  const dX = layout.size;
  const sensors: Sample['sensors'] = {};
  for (const b of layout.blocks) {
    const data = new Float64Array(T * b.size);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < b.size; i++) data[t * b.size + i] = X[t * dX + b.offset + i];
    }
    sensors[b.sensor] = { shape: [b.size], data };
  }
  if (kin) {
    const q = sensors.JOINT_ANGLES.data;
    const pts = new Float64Array(T * kin.D);
    const jac = new Float64Array(T * kin.D * kin.dQ);
    for (let t = 0; t < T; t++) {
      const qt = q.subarray(t * kin.dQ, (t + 1) * kin.dQ);
      kin.points(qt, pts, t * kin.D);
      kin.jacobian(qt, jac, t * kin.D * kin.dQ);
    }
    sensors.END_EFFECTOR_POINTS = { shape: [kin.D], data: pts };
    sensors.END_EFFECTOR_POINT_JACOBIANS = { shape: [kin.D, kin.dQ], data: jac };
  }
  return { T, dX, dU, dO: 0, X, U, obs: new Float64Array(0), sensors };
}

/** Random X, U with unit normal entries. */
export function randomXU(T: number, dX: number, dU: number, seed: number) {
  const r = rng(seed);
  return {
    X: Float64Array.from({ length: T * dX }, () => r.normal()),
    U: Float64Array.from({ length: T * dU }, () => r.normal()),
  };
}

/**
 * Central finite differences of a cost along a sample built by `build(X, U)`:
 * gradients from l (step h), Hessians from the analytic gradients (step h).
 * Returns arrays shaped like {@link CostDerivatives}.
 */
export function finiteDifferences(
  cost: Cost,
  build: (X: Float64Array, U: Float64Array) => Sample,
  X: Float64Array,
  U: Float64Array,
  h = 1e-5,
): Omit<CostDerivatives, 'l'> {
  const base = cost.eval(build(X, U));
  const { T, dX, dU } = base;
  const dY = dX + dU;
  const lx = new Float64Array(T * dX);
  const lu = new Float64Array(T * dU);
  const lxx = new Float64Array(T * dX * dX);
  const luu = new Float64Array(T * dU * dU);
  const lux = new Float64Array(T * dU * dX);
  // Perturb coordinate k of y = [x; u] at every step at once (costs are per step).
  for (let k = 0; k < dY; k++) {
    const ev = (sgn: number) => {
      const Xp = X.slice();
      const Up = U.slice();
      for (let t = 0; t < T; t++) {
        if (k < dX) Xp[t * dX + k] += sgn * h;
        else Up[t * dU + k - dX] += sgn * h;
      }
      return cost.eval(build(Xp, Up));
    };
    const p = ev(1);
    const m = ev(-1);
    for (let t = 0; t < T; t++) {
      const g = (p.l[t] - m.l[t]) / (2 * h);
      if (k < dX) lx[t * dX + k] = g;
      else lu[t * dU + k - dX] = g;
      // Column k of the Hessian from the analytic gradients.
      for (let i = 0; i < dX; i++) {
        const v = (p.lx[t * dX + i] - m.lx[t * dX + i]) / (2 * h);
        if (k < dX) lxx[t * dX * dX + i * dX + k] = v;
      }
      for (let i = 0; i < dU; i++) {
        const v = (p.lu[t * dU + i] - m.lu[t * dU + i]) / (2 * h);
        if (k < dX) lux[t * dU * dX + i * dX + k] = v;
        else luu[t * dU * dU + i * dU + (k - dX)] = v;
      }
    }
  }
  return { T, dX, dU, lx, lu, lxx, luu, lux };
}

/** max_i |a_i − b_i| / (1 + max_i |b_i|). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / (1 + s);
}
