import { InvalidArgumentError, ShapeError } from '@visuomotor/contracts';

/** @internal Check the dimensions and the shapes of X `[N, T, dX]` and U `[N, T, dU]`. */
export function assertDims(
  op: string,
  X: Float64Array,
  U: Float64Array,
  N: number,
  T: number,
  dX: number,
  dU: number,
): void {
  for (const [name, v, min] of [
    ['N', N, 1],
    ['T', T, 1],
    ['dX', dX, 1],
    ['dU', dU, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new InvalidArgumentError(`${op}: ${name}`, `an integer >= ${min}`, v);
    }
  }
  if (!X || X.length !== N * T * dX) throw new ShapeError(`${op}: X`, [N, T, dX], X?.length);
  if (!U || U.length !== N * T * dU) throw new ShapeError(`${op}: U`, [N, T, dU], U?.length);
}

/** @internal Throw NonFinite-style InvalidArgumentError on the first NaN/Infinity of `a`. */
export function assertFiniteArray(op: string, name: string, a: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new InvalidArgumentError(`${op}: ${name}[${i}]`, 'a finite number', a[i]);
    }
  }
}
