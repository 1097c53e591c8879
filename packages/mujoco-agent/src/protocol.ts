/**
 * Messages between the rollout pool and its workers, and the serialisable policy specs.
 *
 * @packageDocumentation
 */
import type { LinearGaussianController, Policy, Sample } from '@visuomotor/contracts';
import type { AgentOptions } from './agent.js';
import type { CompiledWasm } from './engine.js';
import { TaskConfigError } from './errors.js';
import { LinearGaussianPolicy, zeroPolicy } from './policy.js';

/** Dimensions a policy factory receives in a worker. */
export interface PolicyDims {
  readonly T: number;
  readonly dX: number;
  readonly dU: number;
  readonly dO: number;
}

/**
 * A policy factory exported by a module: called in the worker with the spec's `args` (any
 * structured-cloneable data, e.g. network weights) and the agent's dimensions.
 */
export type PolicyFactory = (args: unknown, dims: PolicyDims) => Policy | Promise<Policy>;

/**
 * A policy that can cross a thread boundary: zero torques, a linear-Gaussian controller (only
 * `K`, `k`, `cholPolCovar` and the dimensions are sent), or any policy built in the worker by a
 * {@link PolicyFactory} exported from a module (`url`: a `file:` URL or package specifier the
 * worker can import; `exportName` default `"default"`).
 */
export type PolicySpec =
  | { readonly kind: 'zero' }
  | {
      readonly kind: 'linear-gaussian';
      readonly controller: Pick<
        LinearGaussianController,
        'T' | 'dX' | 'dU' | 'K' | 'k' | 'cholPolCovar'
      >;
    }
  | {
      readonly kind: 'module';
      readonly url: string;
      readonly exportName?: string;
      readonly args?: unknown;
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

/** Build the policy a spec describes (imports the module of a `module` spec). */
export async function policyFromSpec(spec: PolicySpec, dims: PolicyDims): Promise<Policy> {
  if (spec.kind === 'zero') return zeroPolicy(dims.dU);
  if (spec.kind === 'linear-gaussian') return new LinearGaussianPolicy(spec.controller);
  const mod = (await import(spec.url)) as Record<string, unknown>;
  const name = spec.exportName ?? 'default';
  const factory = mod[name];
  if (typeof factory !== 'function') {
    throw new TaskConfigError(`policy module ${spec.url} has no function export "${name}"`, {
      url: spec.url,
      exportName: name,
    });
  }
  const policy = await (factory as PolicyFactory)(spec.args, dims);
  if (!policy || typeof policy.act !== 'function' || policy.dU !== dims.dU) {
    throw new TaskConfigError(
      `policy module ${spec.url}: "${name}" must return a Policy with dU = ${dims.dU}`,
      { url: spec.url, exportName: name },
    );
  }
  return policy;
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
