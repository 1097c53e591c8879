import type { Sample } from '@visuomotor/contracts';
import { initLqr, npSum } from '@visuomotor/lqr';
import { describe, expect, it } from 'vitest';
import { BadmmAlgorithm, type BadmmOptions } from './badmm.js';
import { MdgpsAlgorithm, type MdgpsOptions } from './mdgps.js';
import {
  controllerActor,
  cost,
  dO,
  dU,
  dX,
  LinearPolicyOptimizer,
  rollout,
} from './policy-gps.test-helper.js';
import type { PolicyGpsBase, PolicyGpsIterationRecord } from './policy-gps-base.js';

const T = 20;
const N = 5;
const x0s = [
  [0, 0, 0, 0],
  [0.3, 0.2, 0, 0],
];

function init() {
  return initLqr({
    x0: new Float64Array(4),
    dX,
    dU,
    T,
    dt: 0.05,
    initVar: 0.5,
    stiffness: 1,
    stiffnessVel: 0.5,
  });
}

function common(opt: LinearPolicyOptimizer) {
  return {
    T,
    dX,
    dU,
    costs: cost,
    initialControllers: [init(), init()],
    policyOptimizer: opt,
    dynamicsPrior: {
      type: 'gmm' as const,
      minSamplesPerCluster: 20,
      maxClusters: 10,
      maxSamples: 20,
      seed: 1,
    },
    policyPrior: {
      type: 'gmm' as const,
      minSamplesPerCluster: 20,
      maxClusters: 10,
      maxSamples: 20,
      seed: 2,
    },
    klStep: 0.5,
    maxStepMult: 2,
    iterations: 8,
  };
}

function samplesFor(alg: PolicyGpsBase, it: number): Sample[][] {
  const onPolicy = alg.sampleWithPolicy();
  const pol = alg.policy();
  return x0s.map((x0, m) =>
    Array.from({ length: N }, (_, n) =>
      rollout(
        onPolicy ? pol : controllerActor(alg.controller(m)),
        T,
        x0,
        1000 * it + 100 * m + n + 1,
      ),
    ),
  );
}

/** Mean total cost of the policy's own rollouts (noise-free). */
function policyCost(alg: PolicyGpsBase): number {
  const pol = alg.policy();
  let s = 0;
  for (const x0 of x0s) {
    const smp = rollout(
      { dU, act: (x, o, t, _e, u) => pol.act(x, o, t, new Float64Array(dU), u) },
      T,
      x0,
      5,
    );
    s += npSum(cost.eval(smp).l);
  }
  return s / x0s.length;
}

function badmm(opt: LinearPolicyOptimizer, extra: Partial<BadmmOptions> = {}) {
  return new BadmmAlgorithm({
    ...common(opt),
    innerIterations: 3,
    initNu: 0.01,
    nuSchedule: 'mean-std',
    lgStepSchedule: [1e-4, 1e-3, 1e-2, 1e-2],
    entRegSchedule: [1e-3, 1e-3, 1e-2, 1e-1],
    policyDualRate: 0.1,
    ...extra,
  });
}

function mdgps(opt: LinearPolicyOptimizer, extra: Partial<MdgpsOptions> = {}) {
  return new MdgpsAlgorithm({ ...common(opt), ...extra });
}

function run(alg: PolicyGpsBase & { iterate: BadmmAlgorithm['iterate'] }, iterations: number) {
  const recs = [];
  for (let it = 0; it < iterations; it++) recs.push(alg.iterate(samplesFor(alg, it)));
  return recs;
}

const sumCost = (r: { conditions: { cost: number }[] }) =>
  r.conditions.reduce((a, c) => a + c.cost, 0);
const sumPolKl = (r: { conditions: { policyKl: number | null }[] }) =>
  r.conditions.reduce((a, c) => a + (c.policyKl ?? Number.NaN), 0);

describe('BadmmAlgorithm', () => {
  it('drives the task cost down and the policy toward the controllers', () => {
    const opt = new LinearPolicyOptimizer(T, dO);
    const alg = badmm(opt);
    const initialPolicyCost = policyCost(alg);
    const recs = run(alg, 7);
    const first = recs[0];
    const last = recs[recs.length - 1];
    expect(sumCost(last)).toBeLessThan(0.35 * sumCost(first));
    // iteration 0 trains the policy from inner iteration 1 on; later iterations at every one
    expect(first.policyUpdates.length).toBe(2);
    expect(recs[1].policyUpdates.length).toBe(3);
    // KL(policy ‖ controller) at the samples: the untrained policy's, then after each iteration
    const untrained = first.conditions.reduce((a, c) => a + (c.policyKlInitial ?? 0), 0);
    expect(untrained).toBeGreaterThan(10);
    for (const r of recs) expect(sumPolKl(r)).toBeLessThan(0.2 * untrained);
    expect(sumPolKl(first)).toBeLessThan(1e-3 * untrained);
    for (const r of recs) {
      expect(r.phase).toBe('policy');
      for (const c of r.conditions) {
        expect(Number.isFinite(c.kl)).toBe(true);
        expect(c.nuMin).toBeGreaterThan(0);
        expect(c.kl).toBeLessThan(c.klStep * 1.1 + 1e-9);
      }
    }
    // the mean-std schedule moved nu away from its initial value, and lambda is active
    expect(last.conditions.some((c) => c.nuMax !== c.nuMin)).toBe(true);
    expect(last.conditions[0].lambdaMax).toBeGreaterThan(0);
    expect(recs[2].conditions[0].predictedImprovement).not.toBeNull();
    // the entropy schedule reached the optimiser
    expect(opt.entReg).toBeGreaterThan(1e-3);
    // the trained policy alone does much better than the untrained one
    expect(policyCost(alg)).toBeLessThan(0.3 * initialPolicyCost);
    expect(policyCost(alg)).toBeLessThan(1.5 * (sumCost(last) / 2));
  });

  it('resumes from getState/setState (plus the optimiser state) bit for bit', () => {
    const oa = new LinearPolicyOptimizer(T, dO);
    const ob = new LinearPolicyOptimizer(T, dO);
    const a = badmm(oa);
    const b = badmm(ob);
    for (let it = 0; it < 2; it++) a.iterate(samplesFor(a, it));
    b.setState(structuredClone(a.getState()));
    ob.setState(oa.getState());
    for (let it = 2; it < 4; it++) {
      const ra = a.iterate(samplesFor(a, it));
      const rb = b.iterate(samplesFor(b, it));
      const f = (r: typeof ra) =>
        r.conditions.map((c) => [c.cost, c.kl, c.eta, c.stepMult, c.policyKl, c.nuMean]);
      expect(f(rb)).toEqual(f(ra));
    }
    expect(Array.from(b.controller(1).K)).toEqual(Array.from(a.controller(1).K));
    expect(Array.from(b.policyInfo(0).lambdak)).toEqual(Array.from(a.policyInfo(0).lambdak));
  });

  it('pretrains against a small state-based network, then switches to the policy', () => {
    const main = new LinearPolicyOptimizer(T, dO);
    const small = new LinearPolicyOptimizer(T, dX, 1e-6, true);
    const alg = badmm(main, { pretrainIterations: 2, pretrainOptimizer: small });
    const recs = run(alg, 4);
    expect(recs.map((r) => r.phase)).toEqual(['pretrain', 'pretrain', 'policy', 'policy']);
    expect(small.updates).toBeGreaterThan(0);
    expect(main.updates).toBe(0 + recs[2].policyUpdates.length + recs[3].policyUpdates.length);
    // the switch iteration runs as an iteration 0: no step adjustment, no policy step first
    expect(recs[2].conditions[0].predictedImprovement).toBeNull();
    expect(recs[2].policyUpdates.length).toBe(2);
    expect(sumCost(recs[3])).toBeLessThan(sumCost(recs[0]));
  });

  it('runs with the paper switches, the constant prior and a moving prior window', () => {
    const opt = new LinearPolicyOptimizer(T, dO);
    const alg = badmm(opt, {
      policyPrior: { type: 'constant' },
      policyPriorWindow: 'samples',
      nuThresholds: 'paper',
      dualPrecision: 'paper',
      targetShift: 'exact',
      policyDualRateCovar: 0.05,
      klPrecision: 'per-sample',
    });
    const recs = run(alg, 3);
    for (const r of recs) {
      for (const c of r.conditions) {
        expect(Number.isFinite(c.cost) && Number.isFinite(c.policyKl as number)).toBe(true);
      }
    }
    expect(sumCost(recs[2])).toBeLessThan(sumCost(recs[0]));
    expect(alg.policyInfo(0).lambdaK.some((v) => v !== 0)).toBe(true);
  });

  it('pretrains trajectory-only without a network', () => {
    const main = new LinearPolicyOptimizer(T, dO);
    const alg = badmm(main, { pretrainIterations: 2 });
    const recs = run(alg, 3);
    expect(main.updates).toBe(recs[2].policyUpdates.length);
    expect(recs[0].conditions[0].policyKl).toBeNull();
    expect(recs[1].conditions[0].predictedImprovement).not.toBeNull();
  });
});

describe('PolicyGpsBase', () => {
  it('has no `prepare` member (the trainer duck-types an async `prepare(samples)` hook)', () => {
    // Regression: the base's synchronous dynamics fit was called `prepare`, so the trainer's
    // `prepareIteration` had to special-case BADMM / MDGPS by class.
    for (const alg of [
      badmm(new LinearPolicyOptimizer(T, dO)),
      mdgps(new LinearPolicyOptimizer(T, dO)),
    ]) {
      expect('prepare' in alg).toBe(false);
      expect(typeof (alg as unknown as { prepare?: unknown }).prepare).toBe('undefined');
    }
  });
});

describe('MdgpsAlgorithm', () => {
  it('off-policy: C-step and S-step drive the cost down and the policy toward the controllers', () => {
    const opt = new LinearPolicyOptimizer(T, dO);
    const alg = mdgps(opt);
    const initialPolicyCost = policyCost(alg);
    const recs = run(alg, 7);
    expect(sumCost(recs[6])).toBeLessThan(0.35 * sumCost(recs[0]));
    expect(recs[0].policyUpdates.length).toBe(2); // catch-up S-step + S-step
    expect(recs[1].policyUpdates.length).toBe(1);
    // after each S-step the policy sits close to the new controllers: its KL is a small
    // fraction of the distance the C-step moved them
    for (const r of recs) {
      for (const c of r.conditions) expect(c.policyKl as number).toBeLessThan(0.01 * c.kl);
    }
    expect(recs[3].conditions[0].predictedImprovement).not.toBeNull();
    // one step multiplier for all conditions
    expect(recs[3].conditions[0].stepMult).toBe(recs[3].conditions[1].stepMult);
    expect(policyCost(alg)).toBeLessThan(0.3 * initialPolicyCost);
    expect(policyCost(alg)).toBeLessThan(1.5 * (sumCost(recs[6]) / 2));
  });

  it('on-policy sampling uses the global policy from the second iteration', () => {
    const opt = new LinearPolicyOptimizer(T, dO);
    const alg = mdgps(opt, { sampleOnPolicy: true, stepRule: 'mc' });
    expect(alg.sampleWithPolicy()).toBe(false);
    const recs = run(alg, 6);
    expect(alg.sampleWithPolicy()).toBe(true);
    expect(sumCost(recs[5])).toBeLessThan(0.4 * sumCost(recs[0]));
  });

  it('uses pretrainStepRule against the state network, then stepRule', () => {
    const pretrained = (extra: Partial<MdgpsOptions>) => {
      const alg = mdgps(new LinearPolicyOptimizer(T, dO), {
        pretrainIterations: 3,
        pretrainOptimizer: new LinearPolicyOptimizer(T, dX, 1e-6, true),
        ...extra,
      });
      return run(alg, 6);
    };
    const improvements = (recs: PolicyGpsIterationRecord[], from: number, to: number) =>
      recs
        .slice(from, to)
        .map((r) => [
          r.phase,
          r.conditions[0].predictedImprovement,
          r.conditions[0].actualImprovement,
        ]);
    const split = pretrained({ pretrainStepRule: 'mc', stepRule: 'laplace' });
    const allMc = pretrained({ stepRule: 'mc' });
    const allLaplace = pretrained({ stepRule: 'laplace' });
    // pretraining: the Monte-Carlo rule, exactly as a run that uses it throughout
    expect(improvements(split, 0, 3)).toEqual(improvements(allMc, 0, 3));
    expect(split[1].conditions[0].actualImprovement).not.toBe(
      allLaplace[1].conditions[0].actualImprovement,
    );
    // policy phase: the Laplace rule. Both runs are identical up to the switch iteration (3,
    // which adjusts no step); at iteration 4 only the rule differs.
    expect(improvements(split, 3, 4)).toEqual(improvements(allMc, 3, 4));
    expect(split[4].phase).toBe('policy');
    expect(split[4].conditions[0].actualImprovement).not.toBeNull();
    expect(split[4].conditions[0].actualImprovement).not.toBe(
      allMc[4].conditions[0].actualImprovement,
    );
    expect(() => pretrained({ pretrainStepRule: 'exact' as 'mc' })).toThrow(
      /pretrainStepRule: expected "laplace" or "mc", got/,
    );
    expect(() => mdgps(new LinearPolicyOptimizer(T, dO), { stepRule: 'exact' as 'mc' })).toThrow(
      /^stepRule: expected "laplace" or "mc", got/,
    );
    expect(() =>
      mdgps(new LinearPolicyOptimizer(T, dO), { pretrainIterations: 3, pretrainStepRule: 'mc' }),
    ).toThrow(/pretrainStepRule: expected no pretrainStepRule without pretrainOptimizer/);
  });

  it('resumes from getState/setState bit for bit and rejects bad input', () => {
    const oa = new LinearPolicyOptimizer(T, dO);
    const ob = new LinearPolicyOptimizer(T, dO);
    const a = mdgps(oa);
    const b = mdgps(ob);
    for (let it = 0; it < 2; it++) a.iterate(samplesFor(a, it));
    b.setState(structuredClone(a.getState()));
    ob.setState(oa.getState());
    const ra = a.iterate(samplesFor(a, 2));
    const rb = b.iterate(samplesFor(b, 2));
    expect(rb.conditions.map((c) => [c.cost, c.eta, c.stepMult, c.policyKl])).toEqual(
      ra.conditions.map((c) => [c.cost, c.eta, c.stepMult, c.policyKl]),
    );
    expect(() => b.setState({ ...a.getState(), kind: 'badmm' })).toThrow(/state.kind/);
    expect(() => a.iterate(samplesFor(a, 3).slice(0, 1))).toThrow(/one list of samples/);
    expect(
      () =>
        new MdgpsAlgorithm({
          ...common(new LinearPolicyOptimizer(T, dO)),
          pretrainIterations: 1,
          pretrainOptimizer: new LinearPolicyOptimizer(T, dO),
        }),
    ).toThrow(/state-based/);
  });
});
