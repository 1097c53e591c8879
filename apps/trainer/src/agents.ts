/**
 * The default agent: the MuJoCo simulator of `@visuomotor/mujoco-agent` on the experiment's
 * task and training conditions, in-process for one worker and on a worker-thread
 * {@link RolloutPool} for more.
 *
 * @packageDocumentation
 */
import type { Agent, Policy, RolloutOptions, Sample } from '@visuomotor/contracts';
import {
  type AgentOptions,
  MujocoAgent,
  RolloutPool,
  TASKS,
  type TaskCondition,
} from '@visuomotor/mujoco-agent';
import { ExperimentConfigError } from './errors.js';
import type { RuntimeContext, SampleRequest, TrainerAgent } from './runtime.js';

/** Agent options an experiment may set in `task.options` (passed to the MuJoCo agent). */
export type TaskAgentOptions = Pick<
  AgentOptions,
  'obsSensors' | 'image' | 'noise' | 'targetJitter'
>;

function selectConditions(ctx: RuntimeContext): {
  name: keyof typeof TASKS;
  conditions: TaskCondition[];
} {
  const e = ctx.experiment;
  if (!Object.hasOwn(TASKS, e.task.name)) {
    throw new ExperimentConfigError(
      'experiment.task.name',
      `one of ${Object.keys(TASKS)
        .map((t) => `'${t}'`)
        .join(' | ')}`,
      e.task.name,
    );
  }
  const name = e.task.name as keyof typeof TASKS;
  const spec = TASKS[name];
  const check = (list: readonly number[], n: number, field: string) =>
    list.forEach((c, i) => {
      if (c >= n) {
        throw new ExperimentConfigError(
          `experiment.conditions.${field}[${i}]`,
          `an index < ${n} (the task '${name}' has ${n} ${field} conditions)`,
          c,
        );
      }
    });
  check(e.conditions.train, spec.train.length, 'train');
  check(e.conditions.test, spec.test.length, 'test');
  return { name, conditions: e.conditions.train.map((c) => spec.train[c]) };
}

/**
 * Create the MuJoCo agent of an experiment: conditions are `experiment.conditions.train`
 * (agent condition m is task training condition `conditions.train[m]`), horizon
 * `experiment.T`, options from `experiment.task.options`.
 */
export async function createMujocoTrainerAgent(ctx: RuntimeContext): Promise<TrainerAgent> {
  const { name, conditions } = selectConditions(ctx);
  const options: AgentOptions = {
    ...((ctx.experiment.task.options ?? {}) as TaskAgentOptions),
    task: name,
    conditions,
    T: ctx.experiment.T,
  };
  const agent = await MujocoAgent.create(options);
  const eeTargets = conditions.map((c) => c.eeTarget);
  if (ctx.workers <= 1) return { agent, eeTargets, dt: agent.dt };
  let pool: RolloutPool;
  try {
    pool = await RolloutPool.create({ ...options, workers: ctx.workers });
  } catch (err) {
    agent.dispose();
    throw err;
  }
  // The in-process agent answers the contract's questions (dims, layouts) and single rollouts;
  // batches of controller rollouts go to the pool (bit-identical to in-process ones).
  const wrapped: Agent = {
    T: agent.T,
    dX: agent.dX,
    dU: agent.dU,
    dO: agent.dO,
    stateLayout: agent.stateLayout,
    obsLayout: agent.obsLayout,
    conditions: agent.conditions,
    sample: (policy: Policy, condition: number, o: RolloutOptions): Promise<Sample> =>
      agent.sample(policy, condition, o),
    async dispose() {
      agent.dispose();
      await pool.close();
    },
  };
  return {
    agent: wrapped,
    eeTargets,
    dt: agent.dt,
    sampleMany: (requests: readonly SampleRequest[]) =>
      pool.sampleMany(
        requests.map((r) => ({
          policy: { kind: 'linear-gaussian', controller: r.controller },
          condition: r.condition,
          seed: r.seed,
          noiseScale: r.noiseScale,
          recordImages: r.recordImages,
        })),
      ),
  };
}
