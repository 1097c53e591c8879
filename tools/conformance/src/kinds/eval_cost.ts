import { evalCostExpansion } from '@visuomotor/badmm';
import type { VectorLayout } from '@visuomotor/contracts';
import { arr, has } from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import { COST_TOL, costFromFixture, layoutFromFixture, samplesFromFixture } from './costs.js';

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
    const { dX } = samples[0];
    const layout: VectorLayout = has(fx, 'state_layout')
      ? layoutFromFixture(fx.state_layout, dX)
      : inferLayout(samples[0], dX);
    const cost = costFromFixture(fx.cost_config, layout);
    const out = evalCostExpansion(cost, samples);
    check.close('output.cs', out.cs, arr(fx, 'output.cs'), COST_TOL);
    check.close('output.cc', out.cc, arr(fx, 'output.cc'), COST_TOL);
    check.close('output.cv', out.cv, arr(fx, 'output.cv'), COST_TOL);
    check.close('output.Cm', out.Cm, arr(fx, 'output.Cm'), COST_TOL);
  },
};

/**
 * A layout from the sensors whose values equal consecutive blocks of X (the reference packs
 * x from its sensors in order), so any case without a stored layout still works.
 */
function inferLayout(
  sample: ReturnType<typeof samplesFromFixture>[number],
  dX: number,
): VectorLayout {
  const blocks: { sensor: string; offset: number; size: number }[] = [];
  let offset = 0;
  const { T, X } = sample;
  for (const [name, s] of Object.entries(sample.sensors)) {
    if (s.shape.length !== 1) continue;
    const size = s.shape[0];
    if (offset + size > dX) continue;
    let same = true;
    for (let t = 0; t < T && same; t++) {
      for (let i = 0; i < size; i++) {
        if (X[t * dX + offset + i] !== s.data[t * size + i]) {
          same = false;
          break;
        }
      }
    }
    if (same) {
      blocks.push({ sensor: name, offset, size });
      offset += size;
    }
  }
  return { blocks, size: dX };
}
