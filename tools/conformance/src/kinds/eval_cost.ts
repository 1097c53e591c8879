import { evalCostExpansion } from '@visuomotor/badmm';
import { arr } from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import { COST_TOL, costFromFixture, fixtureLayout, samplesFromFixture } from './costs.js';

/**
 * Kind `eval_cost`: the stored `cost_config` (reference format) is evaluated on the stored N
 * samples by `evalCostExpansion`; cs [N,T], cc [T], cv [T,dX+dU], Cm [T,dX+dU,dX+dU] compared.
 * The state layout is the fixture's `state_layout` when present, else one block per stored
 * sensor whose per-step size fits X in order (the eval_cost files do not store one).
 */
export const handler: KindHandler = {
  implementedBy: '@visuomotor/badmm',
  run(fx, check) {
    const samples = samplesFromFixture(fx, 'samples');
    const layout = fixtureLayout(fx, samples[0]);
    const cost = costFromFixture(fx.cost_config, layout);
    const out = evalCostExpansion(cost, samples);
    check.close('output.cs', out.cs, arr(fx, 'output.cs'), COST_TOL);
    check.close('output.cc', out.cc, arr(fx, 'output.cc'), COST_TOL);
    check.close('output.cv', out.cv, arr(fx, 'output.cv'), COST_TOL);
    check.close('output.Cm', out.Cm, arr(fx, 'output.Cm'), COST_TOL);
  },
};
