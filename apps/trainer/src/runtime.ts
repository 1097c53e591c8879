/**
 * What the trainer needs from the outside world: an agent to roll out controllers on, and an
 * algorithm to improve them. The default runtime ({@link defaultRuntime} in `algorithms.ts`)
 * builds the MuJoCo agent and the trajectory-optimisation algorithm from the experiment; a
 * custom runtime can supply a real robot or another algorithm.
 *
 * @packageDocumentation
 */
import type { Agent, LinearGaussianController, Sample } from '@visuomotor/contracts';
import type { AlgorithmState, GpsAlgorithm } from './algorithm-types.js';
import type { ExperimentDefinition } from './experiment.js';

/** The agent of a run and what the trainer's plots need to know about its conditions. */
export interface TrainerAgent {
  /** The agent; its conditions are the experiment's training conditions, in order. */
  readonly agent: Agent;
  /** World positions of the end-effector targets per condition `[3·nPoints]`, or null. */
  readonly eeTargets: readonly (readonly number[] | null)[];
  /** Control period in seconds (initial controllers use it), if known. */
  readonly dt?: number;
  /**
   * Run many controller rollouts at once (e.g. on a worker pool). Results must be in request
   * order and identical to `agent.sample` with the same seeds. Optional: without it the
   * trainer calls `agent.sample` for each rollout.
   */
  readonly sampleMany?: (requests: readonly SampleRequest[]) => Promise<Sample[]>;
}

/** One rollout of a linear-Gaussian controller. */
export interface SampleRequest {
  readonly controller: LinearGaussianController;
  readonly condition: number;
  readonly seed: number;
  readonly noiseScale?: number;
  readonly recordImages?: boolean;
}

/** What a runtime is told when asked for an agent or an algorithm. */
export interface RuntimeContext {
  /** The resolved experiment. */
  readonly experiment: ExperimentDefinition;
  /** Number of rollout workers. */
  readonly workers: number;
  /**
   * The run directory (absolute). Algorithms may read what the trainer prepared there before
   * the first iteration (the pose-pretrained convolutions in `RUN_DIR/pose`).
   */
  readonly runDir?: string;
}

/** Builds the agent and algorithm of a run. */
export interface Runtime {
  /** Create the agent for the experiment's task and training conditions. */
  createAgent(ctx: RuntimeContext): Promise<TrainerAgent>;
  /** Create a fresh algorithm (iteration 0) with the experiment's initial controllers. */
  createAlgorithm(ctx: RuntimeContext, agent: TrainerAgent): Promise<GpsAlgorithm>;
  /** Rebuild an algorithm from a checkpointed state, bit-identical to the one saved. */
  restoreAlgorithm(
    ctx: RuntimeContext,
    agent: TrainerAgent,
    state: AlgorithmState,
  ): Promise<GpsAlgorithm>;
}
