import { VisuomotorError } from '@visuomotor/contracts';

/** The MJCF model text did not compile; `message` carries MuJoCo's own XML error. */
export class ModelLoadError extends VisuomotorError {
  constructor(task: string, detail: string) {
    super(`task "${task}": MuJoCo could not load the model: ${detail}`, { task, detail });
  }
}

/**
 * A rollout diverged: a NaN / infinite / exploding state or action, or MuJoCo reset the
 * simulation because of a bad acceleration. Names the task, the condition and the step.
 */
export class SimulationError extends VisuomotorError {
  constructor(
    readonly task: string,
    readonly condition: number,
    readonly step: number,
    detail: string,
  ) {
    super(`task "${task}", condition ${condition}, step ${step}: ${detail}`, {
      task,
      condition,
      step,
      detail,
    });
  }
}

/** A task, condition, sensor or option that does not exist or does not fit the task. */
export class TaskConfigError extends VisuomotorError {}

/** A worker of the rollout pool failed or was closed. */
export class WorkerPoolError extends VisuomotorError {}
