/**
 * The seam between experiment definitions and the algorithm packages: experiment algorithm
 * names map to constructors in {@link ALGORITHMS}, and {@link defaultRuntime} builds the costs
 * (`createCost` of `@visuomotor/badmm`), the initial controllers (`initLqr` / `initPd` of
 * `@visuomotor/lqr`), the dynamics prior (`GmmDynamicsPrior` of `@visuomotor/gmm-prior`,
 * through badmm's prior spec) and the algorithm (`TrajOptAlgorithm`).
 *
 * @packageDocumentation
 */
import {
  type CostConfig,
  CostConfigError,
  createCost,
  type DynamicsPriorSpec,
  TrajOptAlgorithm,
  type TrajOptAlgorithmOptions,
} from '@visuomotor/badmm';
import {
  type Cost,
  findBlock,
  type LinearGaussianController,
  type Sample,
  VisuomotorError,
} from '@visuomotor/contracts';
import { initLqr, initPd } from '@visuomotor/lqr';
import { zeroPolicy } from '@visuomotor/mujoco-agent';
import { createMujocoTrainerAgent } from './agents.js';
import type { AlgorithmState, GpsAlgorithm } from './algorithm-types.js';
import { ExperimentConfigError } from './errors.js';
import type { AlgorithmConfig, ExperimentDefinition } from './experiment.js';
import { PrefetchedGmmPrior, PriorWorkerPool } from './parallel-priors.js';
import type { Runtime, TrainerAgent } from './runtime.js';

/** Everything an algorithm constructor receives. */
export interface AlgorithmInputs {
  experiment: ExperimentDefinition;
  agent: TrainerAgent;
  /** One cost per condition. */
  costs: Cost[];
  /** Initial controllers per condition. */
  initialControllers: LinearGaussianController[];
  /**
   * Worker threads of the run (`--workers`). With more than one and a GMM prior, the
   * conditions' prior updates run in parallel on that many threads ({@link PriorWorkerPool}).
   * Default 1.
   */
  workers?: number;
}

/**
 * Trajectory optimisation whose GMM prior updates are computed on worker threads before each
 * iteration ({@link prepareIteration} calls {@link prepare}); bit-identical to the serial one,
 * with the same checkpoint state.
 */
export class ParallelPriorTrajOpt extends TrajOptAlgorithm {
  constructor(
    options: TrajOptAlgorithmOptions,
    private readonly priors: readonly PrefetchedGmmPrior[],
    private readonly pool: PriorWorkerPool,
  ) {
    super(options);
  }

  /** Fit this iteration's prior updates on the workers. */
  prepare(samples: readonly (readonly Sample[])[]): Promise<void> {
    return this.pool.prepare(this.priors, samples);
  }

  /** Stop the worker threads. */
  dispose(): Promise<void> {
    return this.pool.close();
  }
}

/** Await the algorithm's `prepare(samples)` if it has one (e.g. {@link ParallelPriorTrajOpt}). */
export async function prepareIteration(
  algorithm: GpsAlgorithm,
  samples: readonly (readonly Sample[])[],
): Promise<void> {
  const a = algorithm as Partial<{ prepare: (s: typeof samples) => Promise<void> }>;
  if (typeof a.prepare === 'function') await a.prepare(samples);
}

/** Release what the algorithm holds (worker threads), if it has a `dispose`. */
export async function disposeAlgorithm(algorithm: GpsAlgorithm | undefined): Promise<void> {
  const a = algorithm as Partial<{ dispose: () => Promise<void> }> | undefined;
  if (a && typeof a.dispose === 'function') await a.dispose();
}

/** Builds and restores one kind of algorithm. */
export interface AlgorithmFactory {
  create(inputs: AlgorithmInputs): GpsAlgorithm;
  /** Build with the same inputs and restore a checkpointed state (bit-identical continuation). */
  restore(inputs: AlgorithmInputs, state: AlgorithmState): GpsAlgorithm;
}

/** The prior spec of badmm for the experiment's `dynamics.prior`. */
export function priorSpec(experiment: ExperimentDefinition): DynamicsPriorSpec {
  const p = experiment.dynamics.prior;
  if (p.type === 'none') return { type: 'none' };
  return {
    type: 'gmm',
    maxClusters: p.maxClusters,
    minSamplesPerCluster: p.minSamplesPerCluster,
    maxSamples: p.maxSamples,
    strength: p.strength,
    seed: experiment.seed,
    ...(p.maxIterations !== undefined ? { maxIterations: p.maxIterations } : {}),
    ...(p.stopRule !== undefined || p.warmStart !== undefined
      ? {
          gmm: {
            ...(p.warmStart !== undefined ? { warmStart: p.warmStart } : {}),
            ...(p.stopRule !== undefined ? { quirks: { stopRule: p.stopRule } } : {}),
          },
        }
      : {}),
  };
}

function trajOptOptions(inputs: AlgorithmInputs): TrajOptAlgorithmOptions {
  const e = inputs.experiment;
  const a = inputs.agent.agent;
  return {
    T: a.T,
    dX: a.dX,
    dU: a.dU,
    costs: inputs.costs,
    initialControllers: inputs.initialControllers,
    dynamicsPrior: priorSpec(e),
    klStep: e.algorithm.klStep,
    minStepMult: e.algorithm.minStepMult,
    maxStepMult: e.algorithm.maxStepMult,
    regularization: e.dynamics.regularization,
    dynamicsFitQuirks: {
      ...(e.dynamics.regularizationMode !== undefined
        ? { regularizationMode: e.dynamics.regularizationMode }
        : {}),
      ...(e.dynamics.noPriorSingular !== undefined
        ? { noPriorSingular: e.dynamics.noPriorSingular }
        : {}),
    },
  };
}

function createTrajOpt(inputs: AlgorithmInputs): TrajOptAlgorithm {
  const options = trajOptOptions(inputs);
  const spec = options.dynamicsPrior;
  const workers = Math.min(inputs.workers ?? 1, inputs.initialControllers.length);
  if (spec?.type !== 'gmm' || workers <= 1) return new TrajOptAlgorithm(options);
  const { type: _t, ...priorOptions } = spec;
  const priors = inputs.initialControllers.map(() => new PrefetchedGmmPrior(priorOptions));
  return new ParallelPriorTrajOpt(
    { ...options, dynamicsPrior: { type: 'custom', create: (m) => priors[m] } },
    priors,
    new PriorWorkerPool(workers),
  );
}

/** Algorithm name (`experiment.algorithm.type`) → factory. */
export const ALGORITHMS: Record<AlgorithmConfig['type'], AlgorithmFactory> = {
  trajopt: {
    create: createTrajOpt,
    restore(inputs, state) {
      const alg = createTrajOpt(inputs);
      try {
        alg.setState(state);
      } catch (err) {
        void disposeAlgorithm(alg);
        throw err;
      }
      return alg;
    },
  },
};

/** Check what createCost cannot know: action weights need one entry per action. */
function checkActionDims(c: CostConfig, dU: number, path: string): void {
  if (c.type === 'action' && c.wu.length !== dU) {
    throw new ExperimentConfigError(`${path}.wu.length`, `${dU} (the agent's dU)`, c.wu.length);
  }
  if (c.type === 'sum') {
    c.costs.forEach((k, i) => {
      checkActionDims(k, dU, `${path}.costs[${i}]`);
    });
  }
}

/** Build the experiment's cost for the agent's state layout; errors name `experiment.cost.*`. */
export function buildCost(experiment: ExperimentDefinition, agent: TrainerAgent): Cost {
  checkActionDims(experiment.cost, agent.agent.dU, 'experiment.cost');
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

/** Initial state x0 `[dX]` of condition m: X[0] of a noiseless zero-torque rollout. */
async function initialState(agent: TrainerAgent, m: number): Promise<Float64Array> {
  const a = agent.agent;
  const s = await a.sample(zeroPolicy(a.dU), m, { seed: 0, noiseScale: 0 });
  return s.X.slice(0, a.dX);
}

/** Build the initial controllers of every condition with `initLqr` or `initPd`. */
export async function buildInitialControllers(
  experiment: ExperimentDefinition,
  agent: TrainerAgent,
): Promise<LinearGaussianController[]> {
  const cfg = experiment.initialController;
  const a = agent.agent;
  const out: LinearGaussianController[] = [];
  const field = 'experiment.initialController';
  for (let m = 0; m < a.conditions; m++) {
    const x0 = await initialState(agent, m);
    const base = { x0, T: a.T, dX: a.dX, dU: a.dU };
    if (cfg.type === 'lqr') {
      for (const [k, v] of [
        ['initGains', cfg.initGains],
        ['initAcc', cfg.initAcc],
      ] as const) {
        if (v && v.length !== a.dU)
          throw new ExperimentConfigError(`${field}.${k}.length`, `${a.dU} (dU)`, v.length);
      }
      out.push(
        initLqr({
          ...base,
          dt: agent.dt ?? 0.05,
          initVar: cfg.initVar,
          stiffness: cfg.stiffness,
          stiffnessVel: cfg.stiffnessVel,
          finalWeight: cfg.finalWeight,
          initGains: cfg.initGains,
          initAcc: cfg.initAcc,
        }),
      );
    } else {
      const q = findBlock(a.stateLayout, 'JOINT_ANGLES');
      if (!q) throw new VisuomotorError("initPd needs a JOINT_ANGLES block in the agent's state");
      const c = initPd({
        ...base,
        dQ: q.size,
        initVar: cfg.initVar,
        posGains: cfg.posGains,
        velGainsMult: cfg.velGainsMult,
      });
      if (cfg.initActionOffset) {
        if (cfg.initActionOffset.length !== a.dU) {
          throw new ExperimentConfigError(
            `${field}.initActionOffset.length`,
            `${a.dU} (dU)`,
            cfg.initActionOffset.length,
          );
        }
        for (let t = 0; t < a.T; t++) {
          for (let i = 0; i < a.dU; i++) c.k[t * a.dU + i] += cfg.initActionOffset[i];
        }
      }
      out.push(c);
    }
  }
  return out;
}

async function inputs(
  experiment: ExperimentDefinition,
  agent: TrainerAgent,
  workers = 1,
): Promise<AlgorithmInputs> {
  const cost = buildCost(experiment, agent);
  return {
    experiment,
    agent,
    workers,
    costs: Array.from({ length: agent.agent.conditions }, () => cost),
    initialControllers: await buildInitialControllers(experiment, agent),
  };
}

function factory(experiment: ExperimentDefinition): AlgorithmFactory {
  const f = ALGORITHMS[experiment.algorithm.type];
  if (!f) throw new VisuomotorError(`no algorithm '${experiment.algorithm.type}'`);
  return f;
}

/**
 * The runtime of the shipped CLI: the MuJoCo agent and the algorithm named by the experiment,
 * with its costs, initial controllers and dynamics prior.
 */
export const defaultRuntime: Runtime = {
  createAgent: createMujocoTrainerAgent,
  async createAlgorithm(ctx, agent) {
    return factory(ctx.experiment).create(await inputs(ctx.experiment, agent, ctx.workers));
  },
  async restoreAlgorithm(ctx, agent, state) {
    return factory(ctx.experiment).restore(await inputs(ctx.experiment, agent, ctx.workers), state);
  },
};
