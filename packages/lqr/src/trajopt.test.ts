import { ShapeError } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import { backward, controllerKlCost, controllerKlTerms } from './backward.js';
import {
  EtaOutOfBoundsError,
  LqrNonFiniteError,
  NonFiniteDynamicsError,
  NotPositiveDefiniteQuuError,
} from './errors.js';
import { estimateCost, forward } from './forward.js';
import { finiteDifferenceHessian } from './ilqg.js';
import { trajDistrKl, trajDistrKlAlt, trajDistrKlSelf } from './kl.js';
import { pr2Problem } from './pr2-problem.js';
import { KlConstrainedLqr, trajOptUpdate } from './trajopt.js';
import { LqrWorkspace } from './workspace.js';

const p = pr2Problem(3, 20);
const { T, dX, dU } = p.dynamics;
const n = dX + dU;

describe('KL-constrained update', () => {
  it('meets the constraint and returns the bracket trace', () => {
    const r = trajOptUpdate({
      dynamics: p.dynamics,
      cost: p.cost,
      prevController: p.controller,
      eta0: 1,
      klStep: 4,
    });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.kl - 4)).toBeLessThan(0.4);
    expect(r.trace.length).toBe(r.backwardCalls);
    expect(r.trace[0].etaIn).toBe(1);
    // The total KL of the result, measured independently.
    const m = forward(r.controller, p.dynamics);
    const kl = trajDistrKl(m, r.controller, p.controller);
    expect(kl.reduce((a, b) => a + b, 0)).toBeCloseTo(r.kl, 9);
    // A tighter constraint needs a larger eta and gives a higher expected cost.
    const tight = trajOptUpdate({ ...baseInput(), klStep: 0.5 });
    expect(tight.eta as number).toBeGreaterThan(r.eta as number);
    const c1 = estimateCost(r.controller, p.dynamics, p.cost).reduce((a, b) => a + b, 0);
    const c2 = estimateCost(tight.controller, p.dynamics, p.cost).reduce((a, b) => a + b, 0);
    expect(c1).toBeLessThan(c2);
  });

  it('gives identical results with a reused workspace and through KlConstrainedLqr', () => {
    const a = trajOptUpdate(baseInput());
    const solver = new KlConstrainedLqr(T, dX, dU);
    solver.update(baseInput());
    const b = solver.update(baseInput());
    expect(Array.from(b.controller.K)).toEqual(Array.from(a.controller.K));
    expect(b.eta).toBe(a.eta);
  });

  it('per-step mode meets every step constraint', () => {
    const r = trajOptUpdate({ ...baseInput(), klStep: 0.3, perStep: true });
    expect(r.eta).toBeInstanceOf(Float64Array);
    if (r.converged) for (const v of r.klPerStep) expect(Math.abs(v - 0.3)).toBeLessThan(0.03);
  });

  it('hooks: a custom cost equal to the default, and BADMM nu = 0 give the same update', () => {
    const PKLm = new Float64Array(T * n * n);
    const PKLv = new Float64Array(T * n);
    controllerKlTerms(p.controller, PKLm, PKLv);
    const a = trajOptUpdate(baseInput());
    const b = trajOptUpdate({
      ...baseInput(),
      hooks: { augmentedCost: controllerKlCost(p.cost, PKLm, PKLv), nu: new Float64Array(T) },
    });
    expect(Array.from(b.controller.k)).toEqual(Array.from(a.controller.k));
    // A supplier without the per-step form (whole arrays) gives the same bits.
    const full = controllerKlCost(p.cost, PKLm, PKLv);
    const plain = (eta: number, fCm: Float64Array, fcv: Float64Array) => full(eta, fCm, fcv);
    const c0 = trajOptUpdate({ ...baseInput(), hooks: { augmentedCost: plain } });
    expect(Array.from(c0.controller.K)).toEqual(Array.from(a.controller.K));
    // A non-trivial nu changes the propagated value.
    const nu = Float64Array.from({ length: T }, (_, t) => 0.01 * (t + 1));
    const c = backward(p.dynamics, p.cost, p.controller, 1, {}, { nu });
    const d = backward(p.dynamics, p.cost, p.controller, 1);
    expect(c.controller.k[0]).not.toBe(d.controller.k[0]);
  });
});

describe('KL divergence', () => {
  it('the three forms agree under the new controller’s own marginals', () => {
    const r = trajOptUpdate(baseInput());
    const m = forward(r.controller, p.dynamics);
    const a = trajDistrKl(m, r.controller, p.controller);
    const b = trajDistrKlAlt(m, r.controller, p.controller);
    const c = trajDistrKlSelf(m, r.controller, p.controller);
    for (let t = 0; t < T; t++) {
      expect(b[t]).toBeCloseTo(a[t], 8);
      expect(c[t]).toBeCloseTo(a[t], 8);
    }
    // KL of a controller with itself is 0.
    const z = trajDistrKl(m, r.controller, r.controller);
    for (const v of z) expect(v).toBeLessThan(1e-10);
  });
});

describe('cost augmentation', () => {
  it('fCm, fcv are the Hessian and gradient at y = 0 of c(y)/eta − log p̂(u|x)', () => {
    const PKLm = new Float64Array(T * n * n);
    const PKLv = new Float64Array(T * n);
    controllerKlTerms(p.controller, PKLm, PKLv);
    const fCm = new Float64Array(T * n * n);
    const fcv = new Float64Array(T * n);
    const eta = 0.7;
    controllerKlCost(p.cost, PKLm, PKLv)(eta, fCm, fcv);
    const t = 5;
    const c = p.controller;
    const lag = (y: Float64Array): number => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += (p.cost.cv[t * n + i] * y[i]) / eta;
        for (let j = 0; j < n; j++)
          s += (0.5 * y[i] * p.cost.Cm[t * n * n + i * n + j] * y[j]) / eta;
      }
      const r = new Float64Array(dU);
      for (let a = 0; a < dU; a++) {
        let v = y[dX + a] - c.k[t * dU + a];
        for (let j = 0; j < dX; j++) v -= c.K[(t * dU + a) * dX + j] * y[j];
        r[a] = v;
      }
      for (let a = 0; a < dU; a++)
        for (let b = 0; b < dU; b++)
          s += 0.5 * r[a] * c.invPolCovar[t * dU * dU + a * dU + b] * r[b];
      return s;
    };
    const g = new Float64Array(n);
    const H = new Float64Array(n * n);
    finiteDifferenceHessian(lag, new Float64Array(n), g, H, 1e-3);
    // The constant ½ k̂ᵀP̂k̂ drops out; the gradient at 0 is fcv, the Hessian fCm.
    for (let i = 0; i < n; i++) {
      expect(g[i]).toBeCloseTo(fcv[t * n + i], 5);
      for (let j = 0; j < n; j++) expect(H[i * n + j]).toBeCloseTo(fCm[t * n * n + i * n + j], 3);
    }
  });
});

describe('errors', () => {
  it('EtaOutOfBoundsError when the repair reaches its bound', () => {
    const cost = { ...p.cost, Cm: p.cost.Cm.slice() };
    for (let t = 0; t < T; t++)
      for (let a = 0; a < dU; a++) cost.Cm[t * n * n + (dX + a) * n + dX + a] = -1e6;
    try {
      backward(p.dynamics, cost, p.controller, 1, { etaFailBound: 100 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EtaOutOfBoundsError);
      const err = e as EtaOutOfBoundsError;
      expect(err.bound).toBe(100);
      expect(err.eta).toBeGreaterThanOrEqual(100);
      expect(err.t).toBe(T - 1);
    }
  });

  it('NonFiniteDynamicsError when NaN dynamics make every pass fail', () => {
    const dyn = { ...p.dynamics, Fm: p.dynamics.Fm.slice() };
    dyn.Fm.fill(Number.NaN);
    expect(() => backward(dyn, p.cost, p.controller, 1, { etaFailBound: 10 })).toThrow(
      NonFiniteDynamicsError,
    );
  });

  it('per-step mode: a failure at step 0 throws when asked (the reference returns NaN gains)', () => {
    const cost = { ...p.cost, Cm: p.cost.Cm.slice() };
    for (let a = 0; a < dU; a++) cost.Cm[(dX + a) * n + dX + a] = -1e6;
    expect(() =>
      trajOptUpdate({
        ...baseInput(),
        cost,
        perStep: true,
        klStep: 0.3,
        options: { perStepFirstStepFailure: 'throw' },
      }),
    ).toThrow(NotPositiveDefiniteQuuError);
  });

  it('never passes NaN on silently', () => {
    const c = { ...p.controller, K: p.controller.K.slice() };
    c.K[5] = Number.NaN;
    expect(() => forward(c, p.dynamics)).toThrow(LqrNonFiniteError);
    const cost = { ...p.cost, cc: p.cost.cc.slice() };
    cost.cc[2] = Number.NaN;
    expect(() => estimateCost(p.controller, p.dynamics, cost)).toThrow(LqrNonFiniteError);
    const m = forward(p.controller, p.dynamics);
    m.sigma[0] = Number.NaN;
    expect(() => trajDistrKl(m, p.controller, c)).toThrow(LqrNonFiniteError);
  });

  it('validates shapes and arguments', () => {
    const bad = { ...p.dynamics, fv: new Float64Array(3) };
    expect(() => forward(p.controller, bad)).toThrow(ShapeError);
    expect(() => trajOptUpdate({ ...baseInput(), eta0: -1 })).toThrow(/eta0/);
    expect(() =>
      backward(p.dynamics, p.cost, p.controller, 1, {}, {}, new LqrWorkspace(1, 1, 1)),
    ).not.toThrow();
  });
});

function baseInput() {
  return {
    dynamics: p.dynamics,
    cost: p.cost,
    prevController: p.controller,
    eta0: 1,
    klStep: 4,
  };
}
