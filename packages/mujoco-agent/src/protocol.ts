/**
 * Messages between the rollout pool and its workers, and the serialisable policy specs.
 *
 * @packageDocumentation
 */
import type { LinearGaussianController, Policy, Sample } from '@visuomotor/contracts';
import type { AgentOptions } from './agent.js';
import type { CompiledWasm } from './engine.js';
import { LinearGaussianPolicy, zeroPolicy } from './policy.js';

/**
 * A policy that can cross a thread boundary: zero torques or a linear-Gaussian controller
 * (only `K`, `k`, `cholPolCovar` and the dimensions are sent).
 */
export type PolicySpec =
  | { readonly kind: 'zero' }
  | {
      readonly kind: 'linear-gaussian';
      readonly controller: Pick<
        LinearGaussianController,
        'T' | 'dX' | 'dU' | 'K' | 'k' | 'cholPolCovar'
      >;
    };

/** One rollout for the pool. */
export interface RolloutRequest {
  readonly policy: PolicySpec;
  readonly condition: number;
  readonly seed: number;
  readonly noiseScale?: number;
  readonly recordImages?: boolean;
  readonly recordDepth?: boolean;
}

/** Build the policy a spec describes. */
export function policyFromSpec(spec: PolicySpec, dU: number): Policy {
  if (spec.kind === 'zero') return zeroPolicy(dU);
  return new LinearGaussianPolicy(spec.controller);
}

/** @internal */
export type ToWorker =
  | { type: 'init'; wasmModule: CompiledWasm; options: AgentOptions; warmupMs: number }
  | {
      type: 'run';
      id: number;
      policies: PolicySpec[];
      jobs: { index: number; policy: number; req: Omit<RolloutRequest, 'policy'> }[];
    }
  | { type: 'stats'; id: number };

/** @internal */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; results: { index: number; sample: Sample }[] }
  | { type: 'stats'; id: number; heapBytes: number; rss: number }
  | {
      type: 'error';
      id: number;
      error: { name: string; message: string; context: Record<string, unknown> };
    };

/** Every ArrayBuffer of a sample, for a transfer list. */
export function sampleBuffers(s: Sample): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: Float64Array | undefined) => {
    if (a) out.add(a.buffer as ArrayBuffer);
  };
  add(s.X);
  add(s.U);
  add(s.obs);
  add(s.noise);
  for (const st of Object.values(s.sensors)) add(st.data);
  return [...out];
}
