/**
 * The visuomotor trainer: train, resume, evaluate and list guided policy search experiments.
 * The `visuomotor` binary wraps this API.
 *
 * ```ts
 * import { EXPERIMENTS, train } from '@visuomotor/trainer';
 * const run = await train(EXPERIMENTS.pointmass, { iterations: 5, out: 'runs/pm' });
 * ```
 *
 * @packageDocumentation
 */
import type { ExperimentDefinition } from './experiment.js';
import { DEFAULT_EXPERIMENT, EXPERIMENTS } from './experiments/index.js';

export { createMujocoTrainerAgent, type TaskAgentOptions } from './agents.js';
export type {
  AlgorithmState,
  ConditionRecord,
  GpsAlgorithm,
  IterationRecord,
  PhaseTimings,
} from './algorithm-types.js';
export {
  ALGORITHMS,
  type AlgorithmFactory,
  type AlgorithmInputs,
  buildCost,
  buildInitialControllers,
  defaultRuntime,
  disposeAlgorithm,
  isPolicyAlgorithm,
  ParallelPriorTrajOpt,
  type PolicyAlgorithm,
  PolicyBadmm,
  PolicyMdgps,
  prepareIteration,
  priorSpec,
} from './algorithms.js';
export { EXIT, main as runCli, parseArgs } from './cli-main.js';
export { decodeValue, encodeValue, parseEncoded, stringifyEncoded } from './codec.js';
export {
  ExperimentConfigError,
  RunDirError,
  TrainingAbortedError,
  UsageError,
} from './errors.js';
export {
  evaluatePolicy,
  type PolicyEvalCondition,
  type PolicyEvalResult,
  type PolicyEvalSummary,
} from './eval-policy.js';
export * from './experiment.js';
export {
  DEFAULT_EXPERIMENT,
  EXPERIMENTS,
  FAST_GMM_EM,
  PR2_GAINS,
  peg2d,
  peg3d,
  pointmass,
  reacher,
  swimmer,
} from './experiments/index.js';
export { swimmerCentreOfMass, swimmerDistanceTravelled } from './experiments/swimmer.js';
export {
  type IlqgBaselineOptions,
  type IlqgBaselineResult,
  type IlqgIterationRecord,
  runIlqgBaseline,
} from './ilqg-baseline.js';
export {
  PrefetchedGmmPrior,
  type PriorUpdateRequest,
  PriorWorkerError,
  PriorWorkerPool,
} from './parallel-priors.js';
export {
  frameStrip,
  lineChart,
  pathChart,
  svgToPng,
  writePlots,
} from './plots/index.js';
export {
  createProgress,
  formatDuration,
  type ProgressEvent,
  type ProgressOptions,
  type ProgressReporter,
  silentProgress,
} from './progress.js';
export {
  FIGURE4_ITERATIONS,
  FIGURE4_SEEDS,
  FIGURE4_TASKS,
  type Figure4Job,
  type Figure4JobResult,
  type Figure4Method,
  type Figure4Metric,
  type Figure4ReportOptions,
  figure4Experiment,
  figure4Jobs,
  figure4Metric,
  readFigure4Results,
  runFigure4Job,
  writeFigure4Report,
} from './reproduce.js';
export { TrainerRng } from './rng.js';
export {
  type Checkpoint,
  type MetricsLine,
  RUN_FORMAT_VERSION,
  type RunConfig,
  type RunOptions,
  readLatestCheckpoint,
  readMetrics,
  readRunConfig,
  runPaths,
  writeFileAtomic,
} from './run-dir.js';
export type { Runtime, RuntimeContext, SampleRequest, TrainerAgent } from './runtime.js';
export {
  type CommonOptions,
  type EvalCondition,
  type EvalResult,
  evaluate,
  finalDistance,
  type ResumeOptions,
  resume,
  type TrainOptions,
  type TrainResult,
  train,
} from './train.js';

/** One built-in experiment as `visuomotor list` shows it. */
export interface ExperimentSummary {
  name: string;
  description: string;
  task: string;
  default: boolean;
}

/** The built-in experiments. */
export function listExperiments(): ExperimentSummary[] {
  return Object.values(EXPERIMENTS).map((e: ExperimentDefinition) => ({
    name: e.name,
    description: e.description,
    task: e.task.name,
    default: e.name === DEFAULT_EXPERIMENT,
  }));
}
