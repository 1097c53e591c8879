/**
 * The default agent: the MuJoCo simulator of `@visuomotor/mujoco-agent`, on the experiment's
 * task and training conditions, with a worker pool.
 *
 * @packageDocumentation
 */
import type { Agent } from '@visuomotor/contracts';
import { ExperimentConfigError } from './errors.js';
import { loadExport } from './integration.js';
import type { RuntimeContext, TrainerAgent } from './runtime.js';

/** What the trainer reads of a MuJoCo task definition. */
interface TaskSpecLike {
  readonly train: readonly { readonly eeTarget: readonly number[] }[];
  readonly test: readonly { readonly eeTarget: readonly number[] }[];
}

/** Options the trainer passes to `createMujocoAgent`. */
export interface MujocoAgentRequest {
  /** Task name. */
  task: string;
  /** Indices of the task's training conditions; agent condition m is `conditions[m]`. */
  conditions: readonly number[];
  /** Horizon. */
  T: number;
  /** Rollout workers. */
  workers: number;
  /** `experiment.task.options`, verbatim. */
  options: Record<string, unknown>;
}

type CreateMujocoAgent = (request: MujocoAgentRequest) => Promise<Agent & { readonly dt?: number }>;

/**
 * Create the MuJoCo agent of an experiment. Needs `TASKS` and `createMujocoAgent` from
 * `@visuomotor/mujoco-agent`.
 */
export async function createMujocoTrainerAgent(ctx: RuntimeContext): Promise<TrainerAgent> {
  const e = ctx.experiment;
  const tasks = await loadExport<Record<string, TaskSpecLike>>(
    '@visuomotor/mujoco-agent',
    'TASKS',
    `the task '${e.task.name}'`,
  );
  const spec = tasks[e.task.name];
  if (!spec) {
    throw new ExperimentConfigError(
      'experiment.task.name',
      `one of ${Object.keys(tasks)
        .map((t) => `'${t}'`)
        .join(' | ')}`,
      e.task.name,
    );
  }
  e.conditions.train.forEach((c, i) => {
    if (c >= spec.train.length) {
      throw new ExperimentConfigError(
        `experiment.conditions.train[${i}]`,
        `an index < ${spec.train.length} (the task's training conditions)`,
        c,
      );
    }
  });
  e.conditions.test.forEach((c, i) => {
    if (c >= spec.test.length) {
      throw new ExperimentConfigError(
        `experiment.conditions.test[${i}]`,
        `an index < ${spec.test.length} (the task's test conditions)`,
        c,
      );
    }
  });
  const create = await loadExport<CreateMujocoAgent>(
    '@visuomotor/mujoco-agent',
    'createMujocoAgent',
    'rollouts on the MuJoCo tasks',
  );
  const agent = await create({
    task: e.task.name,
    conditions: e.conditions.train,
    T: e.T,
    workers: ctx.workers,
    options: e.task.options ?? {},
  });
  return {
    agent,
    eeTargets: e.conditions.train.map((c) => spec.train[c].eeTarget),
    dt: agent.dt,
  };
}
