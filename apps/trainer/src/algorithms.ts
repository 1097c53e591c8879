/**
 * The seam between experiment definitions and the algorithm packages: experiment algorithm
 * names map to constructors here, and {@link defaultRuntime} builds the costs
 * (`@visuomotor/badmm` `createCost`), the initial controllers (`@visuomotor/lqr` `initLqr` /
 * `initPd`), the dynamics prior (`@visuomotor/gmm-prior`) and the algorithm
 * (`@visuomotor/badmm` `TrajOptAlgorithm`).
 *
 * @packageDocumentation
 */
import { type CostConfig, CostConfigError, createCost } from '@visuomotor/badmm';
import {
  type Cost,
  type DynamicsPrior,
  type LinearGaussianController,
  type Sample,
  VisuomotorError,
} from '@visuomotor/contracts';
import { createMujocoTrainerAgent } from './agents.js';
import type { AlgorithmState, GpsAlgorithm } from './algorithm-types.js';
import { ExperimentConfigError } from './errors.js';
import type { AlgorithmConfig, ExperimentDefinition } from './experiment.js';
import { loadExport } from './integration.js';
import type { Runtime, RuntimeContext, TrainerAgent } from './runtime.js';

/** Everything an algorithm constructor receives. */
export interface AlgorithmInputs {
  experiment: ExperimentDefinition;
  agent: TrainerAgent;
  /** One cost per condition. */
  costs: Cost[];
  /** Initial controllers per condition. */
  initialControllers: LinearGaussianController[];
  /** Dynamics prior factory (a fresh prior per condition), or null for none. */
  createPrior: (() => DynamicsPrior) | null;
}

/** Builds and restores one kind of algorithm. */
export interface AlgorithmFactory {
  create(inputs: AlgorithmInputs): Promise<GpsAlgorithm>;
  restore(inputs: AlgorithmInputs, state: AlgorithmState): Promise<GpsAlgorithm>;
}

/** Constructor shape the trainer expects of `TrajOptAlgorithm` from `@visuomotor/badmm`. */
interface TrajOptAlgorithmCtor {
  new (options: TrajOptRequest): GpsAlgorithm;
  fromState(state: AlgorithmState, options: TrajOptRequest): GpsAlgorithm;
}

/** Options the trainer passes to `TrajOptAlgorithm`. */
export interface TrajOptRequest {
  costs: readonly Cost[];
  initialControllers: readonly LinearGaussianController[];
  /** Fresh dynamics prior per condition, or null. */
  createPrior: (() => DynamicsPrior) | null;
  regularization: number;
  klStep: number;
  minStepMult: number;
  maxStepMult: number;
}

/** Algorithm name (`experiment.algorithm.type`) → factory. */
export const ALGORITHMS: Record<AlgorithmConfig['type'], AlgorithmFactory> = {
  trajopt: {
    async create(inputs) {
      const Ctor = await loadExport<TrajOptAlgorithmCtor>(
        '@visuomotor/badmm',
        'TrajOptAlgorithm',
        "experiment.algorithm.type 'trajopt'",
      );
      return new Ctor(trajOptRequest(inputs));
    },
    async restore(inputs, state) {
      const Ctor = await loadExport<TrajOptAlgorithmCtor>(
        '@visuomotor/badmm',
        'TrajOptAlgorithm',
        "experiment.algorithm.type 'trajopt'",
      );
      return Ctor.fromState(state, trajOptRequest(inputs));
    },
  },
};

function trajOptRequest(inputs: AlgorithmInputs): TrajOptRequest {
  const a = inputs.experiment.algorithm;
  return {
    costs: inputs.costs,
    initialControllers: inputs.initialControllers,
    createPrior: inputs.createPrior,
    regularization: inputs.experiment.dynamics.regularization,
    klStep: a.klStep,
    minStepMult: a.minStepMult,
    maxStepMult: a.maxStepMult,
  };
}

/** Build the experiment's cost for the agent's state layout; errors name `experiment.cost.*`. */
export function buildCost(experiment: ExperimentDefinition, agent: TrainerAgent): Cost {
  try {
    return createCost(experiment.cost as CostConfig, agent.agent.stateLayout);
  } catch (err) {
    if (err instanceof CostConfigError) {
      const ctx = err.context as { field?: string; expected?: string; got?: unknown };
      const field =
        ctx.field && ctx.field !== 'config' ? `experiment.cost.${ctx.field}` : 'experiment.cost';
      throw new ExperimentConfigError(field, ctx.expected ?? 'a valid cost', ctx.got);
    }
    throw err;
  }
}

/** Initial state x0 `[dX]` of condition m: from the agent if it tells, else a noiseless rollout. */
async function initialState(agent: TrainerAgent, m: number): Promise<Float64Array> {
  const a = agent.agent as TrainerAgent['agent'] & { initialState?: (m: number) => Float64Array };
  if (typeof a.initialState === 'function') return a.initialState(m);
  const zero = {
    dU: a.dU,
    act: (_x: Float64Array, _o: Float64Array, _t: number, _n: Float64Array, out: Float64Array) =>
      out.fill(0),
  };
  const s: Sample = await a.sample(zero, m, { seed: 0, noiseScale: 0 });
  return s.X.slice(0, a.dX);
}

type InitLqr = (options: Record<string, unknown>) => LinearGaussianController;

/** Build the initial controllers with `initLqr` or `initPd` from `@visuomotor/lqr`. */
export async function buildInitialControllers(
  experiment: ExperimentDefinition,
  agent: TrainerAgent,
): Promise<LinearGaussianController[]> {
  const cfg = experiment.initialController;
  const a = agent.agent;
  const name = cfg.type === 'lqr' ? 'initLqr' : 'initPd';
  const init = await loadExport<InitLqr>(
    '@visuomotor/lqr',
    name,
    `experiment.initialController.type '${cfg.type}'`,
  );
  const out: LinearGaussianController[] = [];
  for (let m = 0; m < a.conditions; m++) {
    const x0 = await initialState(agent, m);
    const { type: _type, ...params } = cfg;
    out.push(
      init({
        ...params,
        T: a.T,
        dX: a.dX,
        dU: a.dU,
        dt: agent.dt ?? 0.05,
        x0,
        stateLayout: a.stateLayout,
      }),
    );
  }
  return out;
}

type PriorCtor = new (options: Record<string, unknown>) => DynamicsPrior;

/** The dynamics prior factory of the experiment (`DynamicsPriorGmm` from `@visuomotor/gmm-prior`). */
export async function buildPriorFactory(
  experiment: ExperimentDefinition,
): Promise<(() => DynamicsPrior) | null> {
  const p = experiment.dynamics.prior;
  if (p.type === 'none') return null;
  const Gmm = await loadExport<PriorCtor>(
    '@visuomotor/gmm-prior',
    'DynamicsPriorGmm',
    "experiment.dynamics.prior.type 'gmm'",
  );
  const { type: _type, ...params } = p;
  return () => new Gmm({ ...params, seed: experiment.seed });
}

async function inputs(ctx: RuntimeContext, agent: TrainerAgent): Promise<AlgorithmInputs> {
  const cost = buildCost(ctx.experiment, agent);
  return {
    experiment: ctx.experiment,
    agent,
    costs: Array.from({ length: agent.agent.conditions }, () => cost),
    initialControllers: await buildInitialControllers(ctx.experiment, agent),
    createPrior: await buildPriorFactory(ctx.experiment),
  };
}

function factory(experiment: ExperimentDefinition): AlgorithmFactory {
  const f = ALGORITHMS[experiment.algorithm.type];
  if (!f) {
    throw new VisuomotorError(`no algorithm '${experiment.algorithm.type}'`);
  }
  return f;
}

/**
 * The runtime of the shipped CLI: the MuJoCo agent and the algorithm named by the experiment,
 * with its costs, initial controllers and dynamics prior.
 */
export const defaultRuntime: Runtime = {
  createAgent: createMujocoTrainerAgent,
  async createAlgorithm(ctx, agent) {
    return factory(ctx.experiment).create(await inputs(ctx, agent));
  },
  async restoreAlgorithm(ctx, agent, state) {
    return factory(ctx.experiment).restore(await inputs(ctx, agent), state);
  },
};
