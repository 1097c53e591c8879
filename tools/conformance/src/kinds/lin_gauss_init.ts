import type { LinearGaussianController } from '@visuomotor/contracts';
import { guessDynamics, initLqr, initPd, ReferenceCrashError } from '@visuomotor/lqr';
import { type FixtureValue, has, isNDArray, num, obj, str } from '../fixture.js';
import type { KindHandler } from '../kinds.js';
import { checkController, LQR_TOL } from './lqr-common.js';

/** A vector parameter (array, list or number) as numbers, or undefined when absent. */
function vec(p: { [k: string]: FixtureValue }, key: string): ArrayLike<number> | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (isNDArray(v)) return v.data;
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === 'number') return [v];
  return undefined;
}

function opt(p: { [k: string]: FixtureValue }, key: string): number | undefined {
  const v = p[key];
  return typeof v === 'number' ? v : isNDArray(v) && v.data.length === 1 ? v.data[0] : undefined;
}

function run(fn: string, p: { [k: string]: FixtureValue }): LinearGaussianController {
  const base = {
    x0: vec(p, 'x0') ?? [],
    dX: opt(p, 'dX') as number,
    dU: opt(p, 'dU') as number,
    T: opt(p, 'T') as number,
    initVar: opt(p, 'init_var'),
  };
  if (fn === 'init_lqr') {
    return initLqr({
      ...base,
      dt: opt(p, 'dt') as number,
      stiffness: opt(p, 'stiffness'),
      stiffnessVel: opt(p, 'stiffness_vel'),
      finalWeight: opt(p, 'final_weight'),
      initAcc: vec(p, 'init_acc'),
      initGains: vec(p, 'init_gains'),
    });
  }
  if (fn === 'init_pd') {
    return initPd({
      ...base,
      dQ: opt(p, 'dQ') as number,
      posGains: opt(p, 'pos_gains'),
      velGainsMult: opt(p, 'vel_gains_mult'),
    });
  }
  throw new Error(`lin_gauss_init: unknown function ${fn}`);
}

/**
 * Kind `lin_gauss_init`: `initLqr` / `initPd` for every stored case (the guessed dynamics
 * too), and the reference's crash on init_pd with dU < dQ reproduced as a typed error.
 */
export const handler: KindHandler = {
  implementedBy: '@visuomotor/lqr',
  run(fx, check) {
    const cases = obj(fx, 'cases');
    for (const name of Object.keys(cases)) {
      const fn = str(fx, `cases.${name}.function`);
      const p = obj(fx, `cases.${name}.params`);
      const c = run(fn, p);
      checkController(check, c, fx, `cases.${name}.output`, LQR_TOL);
      if (has(fx, `cases.${name}.guess_dynamics`)) {
        const dU = opt(p, 'dU') as number;
        const gains = vec(p, 'init_gains');
        const acc = vec(p, 'init_acc');
        const g = guessDynamics(
          gains?.length ? gains : new Float64Array(dU).fill(1),
          acc?.length ? acc : new Float64Array(dU),
          opt(p, 'dX') as number,
          dU,
          opt(p, 'dt') as number,
        );
        const gd = `cases.${name}.guess_dynamics`;
        check.close(`${gd}.Fd`, g.Fd, obj(fx, gd).Fd as never, LQR_TOL);
        check.close(`${gd}.fc`, g.fc, obj(fx, gd).fc as never, LQR_TOL);
      }
    }
    if (has(fx, 'init_pd_dU_lt_dQ_reference_error')) {
      const expected = str(fx, 'init_pd_dU_lt_dQ_reference_error');
      // The stored message names the case's dims; replay every init_pd case with dQ = 2 dU.
      const got: string[] = [];
      for (const name of Object.keys(cases)) {
        if (str(fx, `cases.${name}.function`) !== 'init_pd') continue;
        const p = { ...obj(fx, `cases.${name}.params`) };
        p.dQ = 2 * (opt(p, 'dU') as number);
        try {
          run('init_pd', p);
          got.push('(no error)');
        } catch (e) {
          got.push(e instanceof ReferenceCrashError ? String(e.context.referenceError) : String(e));
        }
      }
      check.ok(
        'init_pd_dU_lt_dQ_reference_error',
        got.includes(expected),
        `expected a ReferenceCrashError quoting ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`,
      );
    }
    if (has(fx, 'cases.pr2.params.dX')) check.note(`pr2 dX = ${num(fx, 'cases.pr2.params.dX')}`);
  },
};
