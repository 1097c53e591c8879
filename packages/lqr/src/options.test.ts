import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { forward } from './forward.js';
import { trajDistrKlAlt } from './kl.js';
import { pr2Problem } from './pr2-problem.js';
import { trajOptUpdate } from './trajopt.js';

const p = pr2Problem(9, 10);
const { T, dX, dU } = p.dynamics;
const n = dX + dU;
const base = () => ({
  dynamics: p.dynamics,
  cost: p.cost,
  prevController: p.controller,
  eta0: 1,
  klStep: 2,
});

describe('quirk switches', () => {
  it('usePrevDistr measures the KL under the previous controller’s marginals', () => {
    const r = trajOptUpdate({ ...base(), options: { usePrevDistr: true } });
    const kl = trajDistrKlAlt(forward(p.controller, p.dynamics), r.controller, p.controller);
    expect(r.kl).toBeCloseTo(
      kl.reduce((a, b) => a + b, 0),
      10,
    );
  });

  it('updateInBwdPass = false propagates the previous controller’s value function', () => {
    const a = backward(p.dynamics, p.cost, p.controller, 1);
    const ka = a.controller.k.slice();
    const b = backward(p.dynamics, p.cost, p.controller, 1, { updateInBwdPass: false });
    // The last step has no propagated value: identical there, different before.
    for (let i = (T - 1) * dU; i < T * dU; i++) expect(b.controller.k[i]).toBeCloseTo(ka[i], 12);
    let diff = 0;
    for (let i = 0; i < (T - 1) * dU; i++)
      diff = Math.max(diff, Math.abs(b.controller.k[i] - ka[i]));
    expect(diff).toBeGreaterThan(1e-9);
  });

  it('etaOnNonConvergence: the reference returns the next eta, "used" the controller’s', () => {
    const ref = trajOptUpdate({ ...base(), klStep: 1e3, options: { maxIterations: 2 } });
    const used = trajOptUpdate({
      ...base(),
      klStep: 1e3,
      options: { maxIterations: 2, etaOnNonConvergence: 'used' },
    });
    expect(ref.converged).toBe(false);
    expect(used.eta).toBe(used.trace[1].etaOut);
    expect(ref.eta).not.toBe(ref.trace[1].etaOut);
  });

  it('perStepEtaAliasing: repeated repairs of a step add up (reference) or restart from eta0', () => {
    const cost = { ...p.cost, Cm: p.cost.Cm.slice() };
    const t = T - 1;
    for (let a = 0; a < dU; a++) cost.Cm[t * n * n + (dX + a) * n + dX + a] = -1;
    const run = (aliasing: boolean) => {
      const log: string[] = [];
      trajOptUpdate({
        ...base(),
        cost,
        eta0: 1e-3,
        klStep: 0.5,
        perStep: true,
        options: {
          perStepEtaAliasing: aliasing,
          perStepBracketIterations: 1,
          perStepAdamIterations: 0,
          log: (l) => log.push(l),
        },
      });
      return log.filter((l) => l.startsWith(`Increasing eta ${t}:`)).slice(0, 3);
    };
    expect(run(true)).toEqual([
      `Increasing eta ${t}: 0.001000 -> 0.001100`,
      `Increasing eta ${t}: 0.001100 -> 0.001300`,
      `Increasing eta ${t}: 0.001300 -> 0.001700`,
    ]);
    expect(run(false)).toEqual([
      `Increasing eta ${t}: 0.001000 -> 0.001100`,
      `Increasing eta ${t}: 0.001100 -> 0.001200`,
      `Increasing eta ${t}: 0.001200 -> 0.001400`,
    ]);
  });
});
