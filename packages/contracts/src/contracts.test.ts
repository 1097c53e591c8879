import { describe, expect, it } from 'vitest';
import {
  assertShape,
  cloneController,
  findBlock,
  InvalidArgumentError,
  makeLayout,
  type Sample,
  ShapeError,
  stackSamples,
  VisuomotorError,
  zeroController,
  zeroDynamics,
} from './index.js';

function sample(T: number, dX: number, dU: number, dO: number, fill: number): Sample {
  return {
    T,
    dX,
    dU,
    dO,
    X: new Float64Array(T * dX).fill(fill),
    U: new Float64Array(T * dU).fill(-fill),
    obs: new Float64Array(T * dO).fill(2 * fill),
    sensors: {},
  };
}

describe('layouts', () => {
  it('lays blocks out consecutively and finds them by sensor', () => {
    const l = makeLayout([
      ['JOINT_ANGLES', 7],
      ['JOINT_VELOCITIES', 7],
      ['END_EFFECTOR_POINTS', 6],
    ]);
    expect(l.size).toBe(20);
    expect(findBlock(l, 'END_EFFECTOR_POINTS')).toEqual({
      sensor: 'END_EFFECTOR_POINTS',
      offset: 14,
      size: 6,
    });
    expect(findBlock(l, 'ACTION')).toBeUndefined();
  });
});

describe('shapes and errors', () => {
  it('assertShape names the field, the expected shape and what it got', () => {
    expect(() => assertShape('controller.K', new Float64Array(5), [2, 3])).toThrow(
      'controller.K: expected shape [2, 3] (6 entries), got 5 entries',
    );
    expect(() => assertShape('x', new Float64Array(6), [2, 3])).not.toThrow();
    try {
      assertShape('dyn.Fm', new Float64Array(1), [4]);
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect(e).toBeInstanceOf(VisuomotorError);
      expect((e as ShapeError).context).toMatchObject({ field: 'dyn.Fm', expected: [4] });
    }
  });

  it('InvalidArgumentError formats the offending value', () => {
    const e = new InvalidArgumentError('options.T', 'a positive integer', -3);
    expect(e.message).toBe('options.T: expected a positive integer, got -3');
    expect(e.name).toBe('InvalidArgumentError');
  });
});

describe('allocation helpers', () => {
  it('zeroController/zeroDynamics allocate the documented shapes; clones are deep', () => {
    const c = zeroController(5, 4, 2);
    expect([c.K.length, c.k.length, c.polCovar.length]).toEqual([40, 10, 20]);
    const d = zeroDynamics(5, 4, 2);
    expect([d.Fm.length, d.fv.length, d.dynCovar.length, d.x0sigma.length]).toEqual([
      120, 20, 80, 16,
    ]);
    const c2 = cloneController(c);
    c2.K[0] = 1;
    expect(c.K[0]).toBe(0);
  });

  it('stackSamples stacks in order and rejects mismatched dimensions', () => {
    const b = stackSamples([sample(3, 2, 1, 2, 1), sample(3, 2, 1, 2, 5)]);
    expect(b.N).toBe(2);
    expect(b.X[6]).toBe(5);
    expect(b.U[3]).toBe(-5);
    expect(() => stackSamples([sample(3, 2, 1, 2, 1), sample(4, 2, 1, 2, 1)])).toThrow(
      /sample 1 has dims T=4/,
    );
    expect(() => stackSamples([])).toThrow(RangeError);
  });
});
