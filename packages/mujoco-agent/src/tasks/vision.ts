/**
 * Vision tasks: tasks whose target position varies per condition and is seen only in the
 * camera image, never in the policy's observation. Each one comes with a {@link VisionTask}
 * helper that builds conditions for any target position (pose-data collection, more
 * conditions than the fixed train / test sets) and moves the target of a live simulation.
 *
 * @packageDocumentation
 */
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
}

/** A random joint configuration `[dQ]` within `task.qposRange`. */
export function sampleQpos(task: VisionTask, uniform: () => number): number[] {
  return task.qposRange.map(([lo, hi]) => lo + (hi - lo) * uniform());
}

/**
 * `n` seeded random conditions of a vision task: random targets and (with `randomArm`)
 * random start configurations. The uniform generator is a small counter-based hash of `seed`,
 * so the list is the same in every process.
 */
export function randomVisionConditions(
  task: VisionTask,
  n: number,
  seed: number,
  opts: { randomArm?: boolean } = {},
): TaskCondition[] {
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
    out.push(task.condition(target, opts.randomArm ? sampleQpos(task, uniform) : undefined));
  }
  return out;
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
