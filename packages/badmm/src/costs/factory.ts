import type { Cost, VectorLayout } from '@visuomotor/contracts';
import { ActionCost } from './action.js';
import { type CostConfig, fail, finiteNumber, isObject } from './config.js';
import { FkCost } from './fk.js';
import { StateCost } from './state.js';
import { SumCost } from './sum.js';

/**
 * Build a cost from its typed configuration (recursively for sums), validating every field.
 *
 * @param config - an {@link ActionCostConfig}, {@link StateCostConfig}, {@link FkCostConfig}
 *   or {@link SumCostConfig}
 * @param stateLayout - the state layout (blocks of x, total size dX) the cost will be evaluated on
 * @returns a {@link Cost} whose `eval(sample)` returns l `[T]`, lx `[T, dX]`, lu `[T, dU]`,
 *   lxx `[T, dX, dX]`, luu `[T, dU, dU]`, lux `[T, dU, dX]`
 * @throws {@link CostConfigError} naming the field path (e.g. `costs[1].terms[0].wp[2]`) and
 *   the expected value
 */
export function createCost(config: CostConfig, stateLayout: VectorLayout): Cost {
  return build(config, stateLayout, '');
}

function build(config: CostConfig, layout: VectorLayout, path: string): Cost {
  if (!isObject(config))
    fail(path === '' ? 'config' : path.slice(0, -1), 'a cost config object', config);
  switch (config.type) {
    case 'action':
      return new ActionCost(config, layout.size, path);
    case 'state':
      return new StateCost(config, layout, path);
    case 'fk':
      return new FkCost(config, layout, path);
    case 'sum': {
      const costs = config.costs;
      if (!Array.isArray(costs) || costs.length === 0) {
        fail(`${path}costs`, 'a non-empty array of cost configs', costs);
      }
      const children = costs.map((c, k) => build(c, layout, `${path}costs[${k}].`));
      let weights: Float64Array;
      if (config.weights === undefined) {
        weights = new Float64Array(costs.length).fill(1);
      } else {
        if (!Array.isArray(config.weights)) {
          fail(`${path}weights`, `an array of ${costs.length} numbers`, config.weights);
        }
        if (config.weights.length !== costs.length) {
          fail(`${path}weights.length`, `${costs.length} (one per cost)`, config.weights.length);
        }
        weights = Float64Array.from(config.weights, (w, k) =>
          finiteNumber(`${path}weights[${k}]`, w),
        );
      }
      return new SumCost(children, weights);
    }
    default:
      return fail(
        `${path}type`,
        "'action' | 'state' | 'fk' | 'sum'",
        (config as { type?: unknown }).type,
      );
  }
}
