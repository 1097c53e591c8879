import type { Policy } from './policy.js';
import type { Sample, VectorLayout } from './sample.js';

/** Options of one rollout. */
export interface RolloutOptions {
  /** Seed of the action-noise generator: the same seed gives bit-identical samples. */
  seed: number;
  /** Scale of the action noise (0 for a noiseless rollout). Default 1. */
  noiseScale?: number;
  /** Record camera images in the sample. Default false. */
  recordImages?: boolean;
}

/**
 * The robot (simulated or real) that runs rollouts for each condition. The trainer cannot
 * tell a simulator from a real robot: both implement this contract.
 */
export interface Agent {
  /** Horizon. */
  readonly T: number;
  readonly dX: number;
  readonly dU: number;
  readonly dO: number;
  /** Layout of x_t. */
  readonly stateLayout: VectorLayout;
  /** Layout of o_t. */
  readonly obsLayout: VectorLayout;
  /** Number of conditions (initial states / targets). */
  readonly conditions: number;
  /** Run one rollout of `policy` from `condition`. */
  sample(policy: Policy, condition: number, options: RolloutOptions): Promise<Sample>;
  /** Release engine resources. */
  dispose(): Promise<void> | void;
}
