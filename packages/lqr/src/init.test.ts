import { describe, expect, it } from 'vitest';
import { NotPositiveDefiniteQuuError, ReferenceCrashError } from './errors.js';
import { guessDynamics, initLqr, initPd } from './init.js';

describe('initPd', () => {
  it('builds PD gains, offsets and covariances', () => {
    const x0 = [0, 0.1, 0.2, 0.3, 0, 0];
    const c = initPd({ x0, dX: 6, dU: 2, dQ: 2, T: 3, initVar: 2, posGains: 3, velGainsMult: 0.1 });
    expect(Array.from(c.K.subarray(0, 6))).toEqual([-3, -0, -0.30000000000000004, -0, -0, -0]);
    expect(c.k[0]).toBeCloseTo(3 * (0 + 0.1 * 0.2), 15);
    expect(c.polCovar[0]).toBe(2);
    expect(c.cholPolCovar[0]).toBe(Math.SQRT2);
    expect(c.invPolCovar[3]).toBe(0.5);
  });

  it('throws a typed error where the reference crashes (dU < dQ)', () => {
    const x0 = new Float64Array(10);
    expect(() => initPd({ x0, dX: 10, dU: 2, dQ: 4, T: 2 })).toThrow(ReferenceCrashError);
    try {
      initPd({ x0, dX: 10, dU: 2, dQ: 4, T: 2 });
    } catch (e) {
      expect((e as ReferenceCrashError).context.referenceError).toBe(
        'ValueError: shapes (2,2) and (10,) not aligned: 2 (dim 1) != 10 (dim 0)',
      );
    }
    const c = initPd({ x0, dX: 10, dU: 2, dQ: 4, T: 2, underactuated: 'intended', posGains: 1 });
    expect(c.K[0]).toBe(-1);
    expect(c.K[4]).toBe(-0.01);
  });

  it('rejects dX < 2 dU like the reference', () => {
    expect(() => initPd({ x0: [0, 0, 0], dX: 3, dU: 2, dQ: 2, T: 2 })).toThrow(ReferenceCrashError);
  });
});

describe('initLqr', () => {
  it('holds the initial state: k = −K x0 for zero accelerations', () => {
    const x0 = [0.3, -0.2, 0, 0, 0.5];
    const c = initLqr({ x0, dX: 5, dU: 2, dt: 0.05, T: 4, stiffness: 2 });
    for (let t = 0; t < 4; t++) {
      for (let a = 0; a < 2; a++) {
        let s = 0;
        for (let j = 0; j < 5; j++) s += c.K[t * 10 + a * 5 + j] * x0[j];
        expect(c.k[t * 2 + a]).toBeCloseTo(-s, 12);
      }
    }
  });

  it('raises typed errors', () => {
    expect(() => initLqr({ x0: [0, 0, 0], dX: 3, dU: 2, dt: 0.1, T: 2 })).toThrow(
      ReferenceCrashError,
    );
    expect(() => initLqr({ x0: [0, 0, 0, 0], dX: 4, dU: 2, dt: 0.1, T: 2, initVar: -1 })).toThrow(
      NotPositiveDefiniteQuuError,
    );
  });

  it('guessDynamics is a double integrator', () => {
    const { Fd, fc } = guessDynamics([2, 3], [1, 1], 4, 2, 0.1);
    expect(Fd[0 * 6 + 2]).toBe(0.1);
    expect(Fd[0 * 6 + 4]).toBeCloseTo(0.02, 15);
    expect(Fd[3 * 6 + 5]).toBeCloseTo(0.3, 15);
    expect(fc[2]).toBeCloseTo(0.1, 15);
  });
});
