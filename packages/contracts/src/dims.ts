import { ShapeError } from './errors.js';

/** Problem dimensions shared by every trajectory-level object. */
export interface Dims {
  /** Horizon: number of time steps. */
  readonly T: number;
  /** State dimension. */
  readonly dX: number;
  /** Action dimension. */
  readonly dU: number;
}

/**
 * Throw a {@link ShapeError} unless `arr` holds exactly the product of `shape` entries.
 *
 * @param name - field name used in the error message, e.g. `"controller.K"`
 * @param arr - the array to check
 * @param shape - expected shape, e.g. `[T, dU, dX]`
 */
export function assertShape(name: string, arr: ArrayLike<number>, shape: readonly number[]): void {
  let n = 1;
  for (const s of shape) n *= s;
  if (!arr || arr.length !== n) {
    throw new ShapeError(name, shape, arr ? arr.length : undefined);
  }
}
