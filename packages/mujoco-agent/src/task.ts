/**
 * Declarative task definitions: an MJCF model we wrote, its control rate, torque limits,
 * end-effector sites, camera, and train / test conditions.
 *
 * @packageDocumentation
 */

/** One condition: an initial state and where the end-effector points should end up. */
export interface TaskCondition {
  /** Initial joint positions `[nq]`. */
  readonly qpos0: readonly number[];
  /** Initial joint velocities `[nv]` (default zeros). */
  readonly qvel0?: readonly number[];
  /** Positions of mocap bodies (holes, targets) by body name, world frame. */
  readonly mocap?: Readonly<Record<string, readonly [number, number, number]>>;
  /**
   * World positions of the end-effector points when the task is solved, `[3 * nPoints]`.
   * The state holds `ee - eeTarget`, so a cost's target is 0.
   */
  readonly eeTarget: readonly number[];
}

/** A fixed camera for images. */
export interface TaskCamera {
  /** Camera name in the MJCF. */
  readonly name: string;
  /** Default image width and height (pixels). */
  readonly width: number;
  readonly height: number;
}

/** Everything the agent needs to know about a task. */
export interface TaskSpec {
  readonly name: string;
  /** One-line description. */
  readonly description: string;
  /** MJCF text. */
  readonly xml: string;
  /** Default horizon (control steps). */
  readonly T: number;
  /** Physics steps per control step: the control period is `substeps * timestep`. */
  readonly substeps: number;
  /** Torque limit of each actuator `[dU]`: actions are clipped to ±limit. */
  readonly torqueLimits: readonly number[];
  /** Sites whose positions are the end-effector points, in order. */
  readonly eeSites: readonly string[];
  /** Conditions used for training. */
  readonly train: readonly TaskCondition[];
  /** Held-out conditions. */
  readonly test: readonly TaskCondition[];
  readonly camera: TaskCamera;
  /**
   * Largest joint speed (rad/s or m/s) considered physical; beyond it the rollout ends with a
   * `SimulationError`.
   */
  readonly maxJointSpeed: number;
  /** Default observation sensors (subset of the state's, plus `RGB_IMAGE`). */
  readonly obsSensors: readonly string[];
}
