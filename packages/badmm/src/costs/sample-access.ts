import { type Sample, ShapeError } from '@visuomotor/contracts';
import { CostConfigError } from './errors.js';

/**
 * Check that a sample has `dX` states and `dU` actions and that X, U hold `[T, dX]`, `[T, dU]`.
 * @internal
 */
export function checkSampleDims(
  sample: Sample,
  dX: number,
  dU: number | undefined,
  dUField = 'dU',
): void {
  if (!Number.isInteger(sample.T) || sample.T < 1) {
    throw new CostConfigError('sample.T', 'an integer >= 1', sample.T);
  }
  if (sample.dX !== dX) {
    throw new CostConfigError('sample.dX', `${dX} (the state layout size)`, sample.dX);
  }
  if (dU !== undefined && sample.dU !== dU) {
    throw new CostConfigError('sample.dU', `${dU} (${dUField})`, sample.dU);
  }
  if (sample.X.length !== sample.T * sample.dX) {
    throw new ShapeError('sample.X', [sample.T, sample.dX], sample.X.length);
  }
  if (sample.U.length !== sample.T * sample.dU) {
    throw new ShapeError('sample.U', [sample.T, sample.dU], sample.U.length);
  }
}

/**
 * Where to read a `size`-wide per-step block: the sensor stream `name` when the sample has it
 * (as the reference does), else the block of X at `offset`.
 * @internal
 */
export function blockSource(
  sample: Sample,
  name: string,
  offset: number,
  size: number,
): { data: Float64Array; base: number; stride: number } {
  const s = sample.sensors?.[name];
  if (s) {
    if (s.data.length !== sample.T * size) {
      throw new ShapeError(`sample.sensors.${name}`, [sample.T, size], s.data.length);
    }
    return { data: s.data, base: 0, stride: size };
  }
  return { data: sample.X, base: offset, stride: sample.dX };
}

/**
 * A required sensor stream of shape `[T, ...shape]`.
 * @internal
 */
export function requireSensor(
  sample: Sample,
  name: string,
  shape: readonly number[],
): Float64Array {
  const s = sample.sensors?.[name];
  if (!s)
    throw new CostConfigError(`sample.sensors.${name}`, 'a recorded sensor stream', undefined);
  const full = [sample.T, ...shape];
  const n = full.reduce((a, b) => a * b, 1);
  if (s.data.length !== n) throw new ShapeError(`sample.sensors.${name}`, full, s.data.length);
  return s.data;
}
