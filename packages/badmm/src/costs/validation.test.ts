import { InvalidArgumentError, makeLayout, VisuomotorError } from '@visuomotor/contracts';
import { describe, expect, it } from 'vitest';
import type { CostConfig } from './config.js';
import { CostConfigError } from './errors.js';
import { createCost } from './factory.js';
import { fromReferenceConfig } from './reference.js';
import { makeSample, randomXU } from './test-utils.js';

const layout = makeLayout([
  ['JOINT_ANGLES', 3],
  ['JOINT_VELOCITIES', 2],
]);
const term = { sensor: 'JOINT_ANGLES', wp: [1, 1, 1], target: [0, 0, 0] };

function errorOf(f: () => unknown): CostConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CostConfigError);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e).toBeInstanceOf(VisuomotorError);
    return e as CostConfigError;
  }
  throw new Error('expected a CostConfigError');
}

describe('createCost validation', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'unknown type',
      { type: 'torque' },
      /^type: expected 'action' \| 'state' \| 'fk' \| 'sum', got "torque"/,
    ],
    ['not an object', 42, /^config: expected a cost config object/],
    ['wu not an array', { type: 'action', wu: 3 }, /^wu: expected an array of numbers, got 3/],
    [
      'wu NaN',
      { type: 'action', wu: [1, Number.NaN] },
      /^wu\[1\]: expected a finite number, got NaN/,
    ],
    ['empty terms', { type: 'state', terms: [] }, /^terms: expected a non-empty array/],
    [
      'sensor not in layout',
      { type: 'state', terms: [{ ...term, sensor: 'END_EFFECTOR_POINTS' }] },
      /^terms\[0\]\.sensor: expected a sensor of the state layout \(JOINT_ANGLES, JOINT_VELOCITIES\)/,
    ],
    [
      'duplicate sensor',
      { type: 'state', terms: [term, term] },
      /^terms\[1\]\.sensor: expected a sensor not already penalised/,
    ],
    [
      'wp length',
      { type: 'state', terms: [{ ...term, wp: [1, 1] }] },
      /^terms\[0\]\.wp\.length: expected 3, got 2/,
    ],
    [
      'negative wp',
      { type: 'state', terms: [{ ...term, wp: [1, -1, 1] }] },
      /^terms\[0\]\.wp\[1\]: expected a finite number >= 0, got -1/,
    ],
    [
      'l1 with penalty l2',
      { type: 'state', penalty: 'l2', l1: 0.5, terms: [term] },
      /^l1: expected 0 \(or unset\) with penalty 'l2', got 0.5/,
    ],
    [
      'alpha 0',
      { type: 'state', alpha: 0, terms: [term] },
      /^alpha: expected a finite number > 0, got 0/,
    ],
    [
      'penalty',
      { type: 'state', penalty: 'huber', terms: [term] },
      /^penalty: expected one of 'l2' \| 'l1l2' \| 'log'/,
    ],
    [
      'ramp',
      { type: 'state', ramp: 'RAMP_LINEAR', terms: [term] },
      /^ramp: expected one of 'constant'/,
    ],
    [
      'logHessian',
      { type: 'state', logHessian: 'paper', terms: [term] },
      /^logHessian: expected one of 'reference' \| 'exact'/,
    ],
    [
      'robustWeight',
      { type: 'state', robustWeight: 'cubed', terms: [term] },
      /^robustWeight: expected one of 'squared' \| 'linear'/,
    ],
    [
      'rampPrecision',
      { type: 'state', rampPrecision: 'half', terms: [term] },
      /^rampPrecision: expected one of 'float32' \| 'float64'/,
    ],
    [
      'fk joint sensor',
      { type: 'fk', target: [0, 0, 0], wp: [1, 1, 1], jointSensor: 'Q' },
      /^jointSensor: expected a sensor of the state layout/,
    ],
    [
      'fk wp length',
      { type: 'fk', target: [0, 0, 0], wp: [1, 1] },
      /^wp\.length: expected 3, got 2/,
    ],
    ['sum empty', { type: 'sum', costs: [] }, /^costs: expected a non-empty array of cost configs/],
    [
      'sum weights length',
      {
        type: 'sum',
        costs: [
          { type: 'action', wu: [1] },
          { type: 'action', wu: [1] },
        ],
        weights: [1],
      },
      /^weights\.length: expected 2 \(one per cost\), got 1/,
    ],
    [
      'nested path',
      {
        type: 'sum',
        costs: [
          { type: 'action', wu: [1] },
          { type: 'state', terms: [{ ...term, target: [0, Number.POSITIVE_INFINITY, 0] }] },
        ],
      },
      /^costs\[1\]\.terms\[0\]\.target\[1\]: expected a finite number, got Infinity/,
    ],
  ];
  for (const [name, config, msg] of cases) {
    it(name, () => {
      const e = errorOf(() => createCost(config as CostConfig, layout));
      expect(e.message).toMatch(msg);
      expect(typeof e.context.field).toBe('string');
    });
  }

  it('checks samples at evaluation', () => {
    const { X, U } = randomXU(4, 5, 2, 1);
    const s = makeSample(X, U, 4, layout, 2);
    expect(
      errorOf(() => createCost({ type: 'action', wu: [1, 1, 1] }, layout).eval(s)).message,
    ).toMatch(/^sample\.dU: expected 3 \(wu\.length\), got 2/);
    const other = makeLayout([['JOINT_ANGLES', 3]]);
    expect(
      errorOf(() => createCost({ type: 'state', terms: [term] }, other).eval(s)).message,
    ).toMatch(/^sample\.dX: expected 3 \(the state layout size\), got 5/);
    const fk = createCost({ type: 'fk', target: [0, 0, 0], wp: [1, 1, 1] }, layout);
    expect(errorOf(() => fk.eval(s)).message).toMatch(
      /^sample\.sensors\.END_EFFECTOR_POINTS: expected a recorded sensor stream/,
    );
  });
});

describe('fromReferenceConfig', () => {
  it('maps CostAction, CostState, CostFK and CostSum', () => {
    const ref = {
      type: 'CostSum',
      costs: [
        { type: 'CostAction', wu: { data: new Float64Array([1, 2]) } },
        {
          type: 'CostState',
          l1: 1,
          l2: 0.5,
          alpha: 0.01,
          ramp_option: 'RAMP_QUADRATIC',
          wp_final_multiplier: 5,
          data_types: { JOINT_ANGLES: { wp: [1, 1], target_state: [0, 1] } },
        },
        {
          type: 'CostFK',
          target_end_effector: [0, 0, 0],
          wp: [1, 1, 1],
          ramp_option: 4,
          evalnorm: 'evall1l2term',
        },
        { type: 'CostFK', target_end_effector: [0, 0, 0], wp: [1, 1, 1] },
      ],
      weights: [1, 2, 3, 4],
    };
    const c = fromReferenceConfig(ref);
    expect(c).toMatchObject({
      type: 'sum',
      weights: [1, 2, 3, 4],
      costs: [
        { type: 'action' },
        {
          type: 'state',
          penalty: 'l1l2',
          l1: 1,
          l2: 0.5,
          alpha: 0.01,
          ramp: 'quadratic',
          finalMultiplier: 5,
          terms: [{ sensor: 'JOINT_ANGLES', wp: [1, 1], target: [0, 1] }],
        },
        { type: 'fk', penalty: 'l1l2', ramp: 'final_only' },
        { type: 'fk', penalty: 'log' },
      ],
    });
    expect(
      Array.from((c as unknown as { costs: { wu: ArrayLike<number> }[] }).costs[0].wu),
    ).toEqual([1, 2]);
  });
  it('names the field of an unknown type, ramp or norm', () => {
    expect(errorOf(() => fromReferenceConfig({ type: 'CostBinaryRegion' })).message).toMatch(
      /^type: expected 'CostAction'/,
    );
    expect(
      errorOf(() =>
        fromReferenceConfig({
          type: 'CostSum',
          costs: [{ type: 'CostFK', wp: [1], target_end_effector: [0], ramp_option: 7 }],
        }),
      ).message,
    ).toMatch(/^costs\[0\]\.ramp_option: expected 'RAMP_CONSTANT'/);
    expect(
      errorOf(() =>
        fromReferenceConfig({
          type: 'CostFK',
          wp: [1],
          target_end_effector: [0],
          evalnorm: 'huber',
        }),
      ).message,
    ).toMatch(/^evalnorm: expected 'evall1l2term' \| 'evallogl2term'/);
    expect(
      errorOf(() => fromReferenceConfig({ type: 'CostState', data_types: {} })).message,
    ).toMatch(/^data_types: expected/);
  });
});
