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
  BadmmAlgorithm,
  type BadmmOptions,
  type CostConfig,
  CostConfigError,
  createCost,
  type DynamicsPriorSpec,
  MdgpsAlgorithm,
  type PolicyGpsOptions,
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
import {
  initBackend,
  type PolicyFile,
  type PolicyOptimizerTf,
  policyStateFromSnapshot,
} from '@visuomotor/spatial-softmax';
import { createMujocoTrainerAgent } from './agents.js';
import type { AlgorithmState, GpsAlgorithm } from './algorithm-types.js';
import { ExperimentConfigError } from './errors.js';
import type { AlgorithmConfig, ExperimentDefinition } from './experiment.js';
import { PrefetchedGmmPrior, PriorWorkerPool } from './parallel-priors.js';
import type { Runtime, TrainerAgent } from './runtime.js';
import {
  createMainOptimizer,
  createPretrainOptimizer,
  type TrainerPolicyOptimizer,
} from './vision-pipeline.js';

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
  /** The run directory (policy runs read pose-pretrained convolutions from it). */
  runDir?: string;
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
  create(inputs: AlgorithmInputs): GpsAlgorithm | Promise<GpsAlgorithm>;
  /** Build with the same inputs and restore a checkpointed state (bit-identical continuation). */
  restore(inputs: AlgorithmInputs, state: AlgorithmState): GpsAlgorithm | Promise<GpsAlgorithm>;
}

/**
 * What the train loop needs from an algorithm that trains a global policy (duck-typed like
 * `prepare` / `dispose`): {@link PolicyBadmm} and {@link PolicyMdgps} have it.
 */
export interface PolicyAlgorithm extends GpsAlgorithm {
  /** Whether the next iteration's samples are drawn with {@link PolicyAlgorithm.policy}. */
  sampleWithPolicy(): boolean;
  /** The global policy (a live view of the optimiser's network). */
  policy(): import('@visuomotor/contracts').Policy;
  /** Write the current policy to `dir` in the tfjs model format (`exportPolicy`). */
  exportPolicy(dir: string): Promise<void>;
}

/** True when the algorithm trains a global policy ({@link PolicyAlgorithm}). */
export function isPolicyAlgorithm(a: GpsAlgorithm): a is PolicyAlgorithm {
  const p = a as Partial<PolicyAlgorithm>;
  return (
    typeof p.sampleWithPolicy === 'function' &&
    typeof p.policy === 'function' &&
    typeof p.exportPolicy === 'function'
  );
}

/** Key of the policy network snapshot in a checkpointed algorithm state. */
const POLICY_SNAPSHOT = 'policyNetwork';

/** The network (weights, normalisation, covariance) in checkpointable form. */
interface NetworkSnapshot {
  policy: PolicyFile;
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  weights: Float32Array;
}

/**
 * The algorithm state plus the policy network: badmm's `getState` holds the optimiser's
 * training state (Adam, minibatch generator) but not the network itself.
 */
function stateWithNetwork(state: AlgorithmState, opt: PolicyOptimizerTf): AlgorithmState {
  const snap = opt.snapshot();
  const network: NetworkSnapshot = {
    policy: snap.policy,
    weightSpecs: snap.weightSpecs.map((w) => ({
      name: w.name,
      shape: [...w.shape],
      dtype: 'float32',
    })),
    weights: new Float32Array(snap.weightData.slice(0)),
  };
  return { ...state, data: { ...state.data, [POLICY_SNAPSHOT]: network } };
}

function stateWithoutNetwork(state: AlgorithmState): AlgorithmState {
  const { [POLICY_SNAPSHOT]: _n, ...data } = state.data;
  return { ...state, data };
}

/** BADMM with its tfjs policy optimiser (checkpointed, exported and disposed with it). */
export class PolicyBadmm extends BadmmAlgorithm implements PolicyAlgorithm {
  constructor(
    options: BadmmOptions,
    private readonly optimizerTf: PolicyOptimizerTf,
  ) {
    super(options);
  }

  override getState(): AlgorithmState {
    return stateWithNetwork(super.getState(), this.optimizerTf);
  }

  override setState(state: AlgorithmState): void {
    super.setState(stateWithoutNetwork(state));
  }

  async exportPolicy(dir: string): Promise<void> {
    await this.optimizerTf.exportPolicy(dir);
  }

  /** Release the network's variables. */
  async dispose(): Promise<void> {
    this.optimizerTf.dispose();
  }
}

/** MDGPS with its tfjs policy optimiser (checkpointed, exported and disposed with it). */
export class PolicyMdgps extends MdgpsAlgorithm implements PolicyAlgorithm {
  constructor(
    options: ConstructorParameters<typeof MdgpsAlgorithm>[0],
    private readonly optimizerTf: PolicyOptimizerTf,
  ) {
    super(options);
  }

  override getState(): AlgorithmState {
    return stateWithNetwork(super.getState(), this.optimizerTf);
  }

  override setState(state: AlgorithmState): void {
    super.setState(stateWithoutNetwork(state));
  }

  async exportPolicy(dir: string): Promise<void> {
    await this.optimizerTf.exportPolicy(dir);
  }

  /** Release the network's variables. */
  async dispose(): Promise<void> {
    this.optimizerTf.dispose();
  }
}

/**
 * The optimiser of the experiment's `policy` section (an MLP or the visuomotor CNN, see
 * `createMainOptimizer`), on the agent's observation; with a checkpointed state, its network
 * (weights, normalisation, covariance) comes from the state.
 */
async function createOptimizer(
  inputs: AlgorithmInputs,
  state?: AlgorithmState,
): Promise<TrainerPolicyOptimizer> {
  const snap = state?.data[POLICY_SNAPSHOT] as NetworkSnapshot | undefined;
  if (!snap) return createMainOptimizer(inputs);
  await initBackend();
  const restored = policyStateFromSnapshot(
    {
      policy: snap.policy,
      weightSpecs: snap.weightSpecs,
      weightData: snap.weights.slice().buffer,
    },
    'checkpoint policy network',
  );
  return createMainOptimizer(inputs, restored);
}

function policyGpsOptions(inputs: AlgorithmInputs, opt: PolicyOptimizerTf): PolicyGpsOptions {
  const base = trajOptOptions(inputs);
  const alg = inputs.experiment.algorithm;
  if (alg.type === 'trajopt') throw new VisuomotorError('policyGpsOptions needs badmm or mdgps');
  return {
    T: base.T,
    dX: base.dX,
    dU: base.dU,
    costs: base.costs,
    initialControllers: base.initialControllers,
    dynamicsPrior: base.dynamicsPrior,
    regularization: base.regularization,
    dynamicsFitQuirks: base.dynamicsFitQuirks,
    etaLimit: base.etaLimit,
    iterations: inputs.experiment.iterations,
    klStep: alg.klStep,
    minStepMult: alg.minStepMult,
    maxStepMult: alg.maxStepMult,
    policyOptimizer: opt,
    policyPrior:
      alg.policyPrior === 'constant' && alg.policyPriorStrength !== undefined
        ? { type: 'constant', strength: alg.policyPriorStrength }
        : { type: alg.policyPrior ?? 'gmm' },
    ...(alg.initNu !== undefined ? { initNu: alg.initNu } : {}),
    ...(alg.sampleOnPolicy !== undefined ? { sampleOnPolicy: alg.sampleOnPolicy } : {}),
    ...(alg.pretrainIterations !== undefined ? { pretrainIterations: alg.pretrainIterations } : {}),
  };
}

async function createPolicyGps(
  inputs: AlgorithmInputs,
  state?: AlgorithmState,
): Promise<GpsAlgorithm> {
  const opt = await createOptimizer(inputs, state);
  try {
    const pretrainOptimizer = createPretrainOptimizer(inputs, opt);
    const options = {
      ...policyGpsOptions(inputs, opt),
      ...(pretrainOptimizer ? { pretrainOptimizer } : {}),
    };
    const alg = inputs.experiment.algorithm;
    if (alg.type === 'badmm') {
      return new PolicyBadmm(
        {
          ...options,
          ...(alg.innerIterations !== undefined ? { innerIterations: alg.innerIterations } : {}),
          ...(alg.policyDualRate !== undefined ? { policyDualRate: alg.policyDualRate } : {}),
          ...(alg.policyDualRateCovar !== undefined
            ? { policyDualRateCovar: alg.policyDualRateCovar }
            : {}),
          ...(alg.nuSchedule !== undefined ? { nuSchedule: alg.nuSchedule } : {}),
          ...(alg.lgStepSchedule !== undefined ? { lgStepSchedule: alg.lgStepSchedule } : {}),
        },
        opt,
      );
    }
    if (alg.type === 'mdgps') {
      return new PolicyMdgps(
        {
          ...options,
          ...(alg.stepRule !== undefined ? { stepRule: alg.stepRule } : {}),
          ...(alg.pretrainStepRule !== undefined ? { pretrainStepRule: alg.pretrainStepRule } : {}),
        },
        opt,
      );
    }
    throw new VisuomotorError(`no policy algorithm '${alg.type}'`);
  } catch (err) {
    opt.dispose();
    throw err;
  }
}

async function restoreWith(
  create: (inputs: AlgorithmInputs) => GpsAlgorithm | Promise<GpsAlgorithm>,
  inputs: AlgorithmInputs,
  state: AlgorithmState,
): Promise<GpsAlgorithm> {
  const alg = await create(inputs);
  try {
    (alg as GpsAlgorithm & { setState(s: AlgorithmState): void }).setState(state);
  } catch (err) {
    await disposeAlgorithm(alg);
    throw err;
  }
  return alg;
}

const policyGpsFactory: AlgorithmFactory = {
  create: createPolicyGps,
  restore: (inputs, state) => restoreWith((i) => createPolicyGps(i, state), inputs, state),
};

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
    // At the η bound (backward pass without a positive-definite Q_uu even at η = 1e16, a
    // numerical failure of the η → ∞ limit) keep the previous controller, that limit's exact
    // solution, instead of stopping the run as the reference does (issue 7; badmm `etaLimit`).
    etaLimit: 'previous',
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
  badmm: policyGpsFactory,
  mdgps: policyGpsFactory,
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
  runDir?: string,
): Promise<AlgorithmInputs> {
  const cost = buildCost(experiment, agent);
  return {
    experiment,
    agent,
    workers,
    ...(runDir !== undefined ? { runDir } : {}),
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
    return await factory(ctx.experiment).create(
      await inputs(ctx.experiment, agent, ctx.workers, ctx.runDir),
    );
  },
  async restoreAlgorithm(ctx, agent, state) {
    return await factory(ctx.experiment).restore(
      await inputs(ctx.experiment, agent, ctx.workers, ctx.runDir),
      state,
    );
  },
};
