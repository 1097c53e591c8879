import {
  createCost,
  fromReferenceConfig,
  type ReferenceCostConfig,
  rampMultiplier,
  rampOf,
} from '@visuomotor/badmm';
import type { LayoutBlock, Sample, VectorLayout } from '@visuomotor/contracts';
import type { Checker, Tolerance } from '../check.js';
import { arr, type Fixture, type FixtureValue, has, isNDArray, obj } from '../fixture.js';
import type { KindHandler } from '../kinds.js';

/**
 * Tolerance of the cost comparisons. The implementation follows the reference's operation
 * order (numpy's pairwise sums, float32 ramps), so agreement is at the last-bits level.
 */
export const COST_TOL: Tolerance = { rtol: 1e-12 };

/** The fixture's `state_layout` `[[sensor, offset, size], ...]` as a {@link VectorLayout} of size dX. */
export function layoutFromFixture(v: FixtureValue, dX: number): VectorLayout {
  if (!Array.isArray(v)) throw new Error('fixture: state_layout is not a list');
  const blocks: LayoutBlock[] = v.map((row, k) => {
    if (!Array.isArray(row) || row.length !== 3) {
      throw new Error(`fixture: state_layout.${k} is not [sensor, offset, size]`);
    }
    const [sensor, offset, size] = row;
    if (typeof sensor !== 'string' || typeof offset !== 'number' || typeof size !== 'number') {
      throw new Error(`fixture: state_layout.${k} is not [sensor, offset, size]`);
    }
    return { sensor, offset, size };
  });
  return { blocks, size: dX };
}

/**
 * The N samples stored as `{X [N,T,dX], U [N,T,dU], sensors: {NAME: [N,T,...]}}`, one
 * {@link Sample} each (sensor arrays are views, not copies).
 */
export function samplesFromFixture(root: FixtureValue, path: string): Sample[] {
  const X = arr(root, `${path}.X`);
  const U = arr(root, `${path}.U`);
  const [N, T, dX] = X.shape;
  const dU = U.shape[2];
  const sensors = has(root, `${path}.sensors`) ? obj(root, `${path}.sensors`) : {};
  const out: Sample[] = [];
  for (let n = 0; n < N; n++) {
    const s: Sample = {
      T,
      dX,
      dU,
      dO: 0,
      X: X.data.subarray(n * T * dX, (n + 1) * T * dX),
      U: U.data.subarray(n * T * dU, (n + 1) * T * dU),
      obs: new Float64Array(0),
      sensors: {},
    };
    for (const [name, v] of Object.entries(sensors)) {
      if (!isNDArray(v)) continue;
      const per = v.data.length / N;
      s.sensors[name] = { shape: v.shape.slice(2), data: v.data.subarray(n * per, (n + 1) * per) };
    }
    out.push(s);
  }
  return out;
}

/**
 * The fixture's `state_layout` when it stores one, else {@link inferLayout} from the sample.
 */
export function fixtureLayout(fx: Fixture, sample: Sample): VectorLayout {
  return has(fx, 'state_layout')
    ? layoutFromFixture(fx.state_layout, sample.dX)
    : inferLayout(sample, sample.dX);
}

/**
 * A layout from the sensors whose values equal consecutive blocks of X (the reference packs
 * x from its sensors in order), so any case without a stored layout still works.
 */
export function inferLayout(sample: Sample, dX: number): VectorLayout {
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

/** Build a cost from a stored reference config (any type, recursively for CostSum). */
export function costFromFixture(config: FixtureValue, layout: VectorLayout) {
  return createCost(fromReferenceConfig(config as ReferenceCostConfig), layout);
}

function checkRamps(fx: Fixture, check: Checker, T: number): void {
  const ramps = obj(fx, 'ramps');
  for (const [option, byMult] of Object.entries(ramps)) {
    const ramp = rampOf(`ramps.${option}`, option);
    for (const key of Object.keys(obj(ramps, option))) {
      const m = /wp_final_multiplier_(.+)$/.exec(key);
      if (!m) throw new Error(`fixture: ramps.${option}.${key}: unknown key`);
      const mult = Number(m[1]);
      const expected = arr(byMult, key);
      check.close(`ramps.${option}.${key}`, rampMultiplier(ramp, T, mult), expected, {
        rtol: 0,
        atol: 0,
      });
      if (ramp === 'linear' || ramp === 'quadratic') {
        const f64 = rampMultiplier(ramp, T, mult, 'float64');
        let d = 0;
        for (let i = 0; i < T; i++) d = Math.max(d, Math.abs(f64[i] - expected.data[i]));
        check.note(
          `ramps.${option}.${key}: rampPrecision 'float64' would differ by ${d.toExponential(2)}`,
        );
      }
    }
  }
}

/**
 * Kind `costs`: every stored cost (`costs.NAME.config`, reference format) is built through
 * `fromReferenceConfig` + `createCost` with the reference-default quirk switches and evaluated
 * on the stored sample; l, lx, lu, lxx, luu, lux are compared, and the stored ramps.
 */
export const handler: KindHandler = {
  implementedBy: '@visuomotor/badmm',
  run(fx, check) {
    const [sample] = samplesFromFixture(fx, 'sample');
    const layout = fixtureLayout(fx, sample);
    if (has(fx, 'ramps')) checkRamps(fx, check, sample.T);
    const costs = obj(fx, 'costs');
    for (const name of Object.keys(costs)) {
      const cost = costFromFixture(obj(costs, name).config, layout);
      const d = cost.eval(sample);
      for (const key of ['l', 'lx', 'lu', 'lxx', 'luu', 'lux'] as const) {
        check.close(`costs.${name}.${key}`, d[key], arr(costs, `${name}.${key}`), COST_TOL);
      }
    }
    check.note(
      "quirk switches at reference defaults: rampPrecision 'float32', logHessian 'reference', robustWeight 'squared'",
    );
  },
};
