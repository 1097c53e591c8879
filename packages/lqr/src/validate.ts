import {
  assertShape,
  InvalidArgumentError,
  type LinearGaussianController,
  type LinearGaussianDynamics,
  type QuadraticCost,
} from '@visuomotor/contracts';

/** @internal Check a controller's arrays against (T, dX, dU). */
export function checkController(
  name: string,
  c: LinearGaussianController,
  T: number,
  dX: number,
  dU: number,
  needInverse = true,
): void {
  assertShape(`${name}.K`, c.K, [T, dU, dX]);
  assertShape(`${name}.k`, c.k, [T, dU]);
  assertShape(`${name}.polCovar`, c.polCovar, [T, dU, dU]);
  assertShape(`${name}.cholPolCovar`, c.cholPolCovar, [T, dU, dU]);
  if (needInverse) assertShape(`${name}.invPolCovar`, c.invPolCovar, [T, dU, dU]);
}

/** @internal Check dynamics arrays; returns (T, dX, dU). */
export function checkDynamics(d: LinearGaussianDynamics): { T: number; dX: number; dU: number } {
  const { T, dX, dU } = d;
  for (const [k, v] of [
    ['T', T],
    ['dX', dX],
    ['dU', dU],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new InvalidArgumentError(`dynamics.${k}`, 'a positive integer', v);
    }
  }
  assertShape('dynamics.Fm', d.Fm, [T, dX, dX + dU]);
  assertShape('dynamics.fv', d.fv, [T, dX]);
  assertShape('dynamics.dynCovar', d.dynCovar, [T, dX, dX]);
  assertShape('dynamics.x0mu', d.x0mu, [dX]);
  assertShape('dynamics.x0sigma', d.x0sigma, [dX, dX]);
  return { T, dX, dU };
}

/** @internal Check a quadratic cost against (T, dX, dU). */
export function checkCost(name: string, c: QuadraticCost, T: number, dX: number, dU: number): void {
  const n = dX + dU;
  assertShape(`${name}.cc`, c.cc, [T]);
  assertShape(`${name}.cv`, c.cv, [T, n]);
  assertShape(`${name}.Cm`, c.Cm, [T, n, n]);
}
