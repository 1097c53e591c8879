import type { Dims } from './dims.js';

/** Names of the sensor streams a sample may record (the reference's data types). */
export type SensorName =
  | 'JOINT_ANGLES'
  | 'JOINT_VELOCITIES'
  | 'END_EFFECTOR_POINTS'
  | 'END_EFFECTOR_POINT_VELOCITIES'
  | 'END_EFFECTOR_POINT_JACOBIANS'
  /** End-effector points' world positions (observation only: they do not reveal the target). */
  | 'END_EFFECTOR_POINTS_NO_TARGET'
  /** End-effector points' velocities (observation only; the reference's `_NO_TARGET` pair). */
  | 'END_EFFECTOR_POINT_VELOCITIES_NO_TARGET'
  | 'ACTION'
  | 'RGB_IMAGE'
  | 'DEPTH_IMAGE'
  | (string & {});

/** One block of a state or observation vector: `size` entries of sensor `sensor` at `offset`. */
export interface LayoutBlock {
  readonly sensor: SensorName;
  readonly offset: number;
  readonly size: number;
}

/** Declared layout of a flat vector (state x_t or observation o_t) as consecutive sensor blocks. */
export interface VectorLayout {
  readonly blocks: readonly LayoutBlock[];
  /** Total length. */
  readonly size: number;
}

/** Build a layout from `[sensor, size]` pairs in order. */
export function makeLayout(blocks: readonly (readonly [SensorName, number])[]): VectorLayout {
  let offset = 0;
  const out: LayoutBlock[] = [];
  for (const [sensor, size] of blocks) {
    out.push({ sensor, offset, size });
    offset += size;
  }
  return { blocks: out, size: offset };
}

/** The block of `sensor` in `layout`, or undefined. */
export function findBlock(layout: VectorLayout, sensor: SensorName): LayoutBlock | undefined {
  return layout.blocks.find((b) => b.sensor === sensor);
}

/** One recorded sensor stream: `data` has shape `[T, ...shape]`. */
export interface SensorStream {
  /** Per-step shape, e.g. `[6]` for two end-effector points, `[6, 7]` for their Jacobians. */
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/**
 * One rollout: states, actions, observations and every sensor stream, for T steps.
 */
export interface Sample extends Dims {
  /** Observation dimension. */
  readonly dO: number;
  /** States, `[T, dX]`. */
  X: Float64Array;
  /** Actions, `[T, dU]`. */
  U: Float64Array;
  /** Observations, `[T, dO]`. */
  obs: Float64Array;
  /** Sensor streams by name (joint angles, end-effector points and Jacobians, images...). */
  sensors: Record<string, SensorStream>;
  /** Action noise used, `[T, dU]`, when the sampler records it. */
  noise?: Float64Array;
  /** Which condition (initial state / target) this sample was drawn for. */
  condition?: number;
}

/** N samples of one condition stacked: X `[N, T, dX]`, U `[N, T, dU]`, obs `[N, T, dO]`. */
export interface SampleBatch extends Dims {
  readonly N: number;
  readonly dO: number;
  X: Float64Array;
  U: Float64Array;
  obs: Float64Array;
  samples: readonly Sample[];
}

/** Stack samples of equal dimensions into a {@link SampleBatch}. */
export function stackSamples(samples: readonly Sample[]): SampleBatch {
  if (samples.length === 0) throw new RangeError('stackSamples: need at least one sample');
  const { T, dX, dU, dO } = samples[0];
  const N = samples.length;
  const X = new Float64Array(N * T * dX);
  const U = new Float64Array(N * T * dU);
  const obs = new Float64Array(N * T * dO);
  samples.forEach((s, i) => {
    if (s.T !== T || s.dX !== dX || s.dU !== dU || s.dO !== dO) {
      throw new RangeError(
        `stackSamples: sample ${i} has dims T=${s.T} dX=${s.dX} dU=${s.dU} dO=${s.dO}, expected T=${T} dX=${dX} dU=${dU} dO=${dO}`,
      );
    }
    X.set(s.X, i * T * dX);
    U.set(s.U, i * T * dU);
    obs.set(s.obs, i * T * dO);
  });
  return { N, T, dX, dU, dO, X, U, obs, samples };
}
