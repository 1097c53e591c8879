/**
 * Vision tasks: tasks whose target position varies per condition and is seen only in the
 * camera image, never in the policy's observation. Each one comes with a {@link VisionTask}
 * helper that builds conditions for any target position (pose-data collection, more
 * conditions than the fixed train / test sets) and moves the target of a live simulation.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@visuomotor/contracts';
import { TaskConfigError } from '../errors.js';
import type { Simulator } from '../sim.js';
import type { TaskCondition, TaskSpec } from '../task.js';

/** Functions and data that go with a vision task's plain {@link TaskSpec}. */
export interface VisionTask {
  /** The task definition (plain data; also in `TASKS`). */
  readonly spec: TaskSpec;
  /** Name of the mocap body that carries the target. */
  readonly targetBody: string;
  /** Dimension of a target position (2: x, y on the table plane). */
  readonly dTarget: number;
  /**
   * Size of the pose label of a condition, `eeTarget.length` (3 per target point): the
   * world positions the end-effector points must reach, a function of the target position.
   */
  readonly dPose: number;
  /** Joint ranges `[dQ][2]` for random arm configurations. */
  readonly qposRange: readonly (readonly [number, number])[];
  /**
   * A condition with the target at `target` `[dTarget]` (world x, y) and the arm at `qpos0`
   * (default: the task's start configuration).
   */
  condition(target: readonly number[], qpos0?: readonly number[]): TaskCondition;
  /** A random target position `[dTarget]` of the task's distribution, from uniforms in [0, 1). */
  sampleTarget(uniform: () => number): number[];
  /**
   * Clutter objects the model holds out of view, which {@link randomVisionConditions} can
   * place on the table (option `clutter`). Absent when the task has none.
   */
  readonly clutter?: VisionClutter;
}

/**
 * Clutter of a vision task: flat objects on mocap bodies, parked out of the camera's view in
 * the model, placed at random on the table per condition (pose data with visual clutter).
 */
export interface VisionClutter {
  /** Names of the clutter's mocap bodies. */
  readonly bodies: readonly string[];
  /** `[bodies.length]` height of each body when placed on the table (m). */
  readonly z: readonly number[];
  /** Placed objects' centres lie in the square |x|, |y| <= halfWidth (m). */
  readonly halfWidth: number;
  /** Smallest distance of a placed object's centre from the target's (m): never covering it. */
  readonly minTargetDistance: number;
}

/** Options of {@link randomVisionConditions}. */
export interface RandomVisionOptions {
  /** Random start configurations within `task.qposRange` (default: the task's start). */
  randomArm?: boolean;
  /**
   * Place between `min` and `max` (inclusive) of the task's clutter objects, a uniformly
   * random number of them, chosen at random, each uniformly in the clutter square at least
   * `minTargetDistance` from the target; the others stay out of view. Needs a task with
   * {@link VisionTask.clutter}. Default: none placed.
   */
  clutter?: { min: number; max: number };
}

/** A random joint configuration `[dQ]` within `task.qposRange`. */
export function sampleQpos(task: VisionTask, uniform: () => number): number[] {
  return task.qposRange.map(([lo, hi]) => lo + (hi - lo) * uniform());
}

/**
 * `n` seeded random conditions of a vision task: random targets, (with `randomArm`) random
 * start configurations and (with `clutter`) random clutter on the table. The uniform generator
 * is a small counter-based hash of `seed`, so the list is the same in every process; without
 * `clutter` it is the same list as before clutter existed.
 *
 * @throws InvalidArgumentError for a bad `clutter` range
 * @throws TaskConfigError when `clutter` is asked of a task without clutter objects
 */
export function randomVisionConditions(
  task: VisionTask,
  n: number,
  seed: number,
  opts: RandomVisionOptions = {},
): TaskCondition[] {
  const clutter = opts.clutter ? checkClutter(task, opts.clutter) : undefined;
  let s = (seed >>> 0) ^ 0x2545f491;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: TaskCondition[] = [];
  for (let i = 0; i < n; i++) {
    const target = task.sampleTarget(uniform);
    const c = task.condition(target, opts.randomArm ? sampleQpos(task, uniform) : undefined);
    out.push(clutter ? placeClutter(c, target, clutter, uniform) : c);
  }
  return out;
}

function checkClutter(
  task: VisionTask,
  range: { min: number; max: number },
): { spec: VisionClutter; min: number; max: number } {
  const spec = task.clutter;
  if (!spec) {
    throw new TaskConfigError(
      `task "${task.spec.name}" has no clutter objects (use a clutter variant, e.g. reacher-vision-clutter)`,
      { task: task.spec.name },
    );
  }
  const k = spec.bodies.length;
  const { min, max } = range;
  if (!Number.isInteger(min) || min < 0 || min > k) {
    throw new InvalidArgumentError('clutter.min', `an integer in [0, ${k}]`, min);
  }
  if (!Number.isInteger(max) || max < min || max > k) {
    throw new InvalidArgumentError(
      'clutter.max',
      `an integer in [clutter.min = ${min}, ${k}]`,
      max,
    );
  }
  return { spec, min, max };
}

/** `c` with `count` in [min, max] random clutter bodies placed on the table. */
function placeClutter(
  c: TaskCondition,
  target: readonly number[],
  { spec, min, max }: { spec: VisionClutter; min: number; max: number },
  uniform: () => number,
): TaskCondition {
  const count = min + Math.min(max - min, Math.floor((max - min + 1) * uniform()));
  // A random subset: the first `count` entries of a partial Fisher-Yates shuffle.
  const order = spec.bodies.map((_, j) => j);
  const mocap: Record<string, readonly [number, number, number]> = { ...c.mocap };
  const h = spec.halfWidth;
  for (let j = 0; j < count; j++) {
    const r = j + Math.floor((order.length - j) * uniform());
    [order[j], order[r]] = [order[r], order[j]];
    const b = order[j];
    // Rejection sampling; the excluded disc is a small part of the square.
    for (let tries = 0; ; tries++) {
      const x = h * (2 * uniform() - 1);
      const y = h * (2 * uniform() - 1);
      if (Math.hypot(x - target[0], y - target[1]) >= spec.minTargetDistance) {
        mocap[spec.bodies[b]] = [x, y, spec.z[b]];
        break;
      }
      if (tries === 1000) {
        throw new TaskConfigError(
          `no clutter position ${spec.minTargetDistance} m from target [${target.join(', ')}] in ±${h} m`,
          { target: [...target] },
        );
      }
    }
  }
  return { ...c, mocap };
}

/**
 * Move the target of a live simulation to `target` `[dTarget]` without a reset: the target's
 * mocap body and the ee targets (so the state's target-relative ee points follow), then
 * kinematics. The arm keeps its joint state. The next `reset` (every rollout starts with one)
 * restores the condition's own target; to roll out with other targets, build the agent with
 * `conditions: [task.condition(target), ...]`.
 */
export function setVisionTarget(sim: Simulator, task: VisionTask, target: readonly number[]): void {
  const c = task.condition(target);
  const mocap = c.mocap?.[task.targetBody];
  if (mocap) sim.data.mocapPos.set(mocap, 3 * sim.model.mocapId(task.targetBody));
  sim.eeTarget.set(c.eeTarget);
  sim.data.forward();
  sim.updateDerived();
}
