/**
 * A worker_threads pool running rollouts in parallel. The wasm binary is compiled once and
 * shared with every worker; each worker builds its own agent and warms it up. Samples come
 * back as transferred typed arrays, in request order, bit-identical to a single-thread run
 * with the same seeds.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RolloutOptions, Sample } from '@visuomotor/contracts';
import type { AgentOptions } from './agent.js';
import { compileEngineWasm } from './engine.js';
import { SimulationError, TaskConfigError, WorkerPoolError } from './errors.js';
import type { FromWorker, PolicySpec, RolloutRequest, ToWorker } from './protocol.js';

/** Options of a {@link RolloutPool}: the agent options plus the pool's. */
export interface PoolOptions extends AgentOptions {
  /** Number of worker threads (default: available parallelism). */
  workers?: number;
  /**
   * Milliseconds of warm-up rollouts in each worker before `create` resolves, so that V8 has
   * tiered the hot wasm code up (default 400; 0 for none).
   */
  warmupMs?: number;
}

interface WorkerState {
  worker: Worker;
  pending: Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>;
  /** Why the worker is gone (crashed or exited), or null while it runs. */
  dead: Error | null;
}

/**
 * How to start a worker: the built `worker.js` / `worker.cjs` next to this file, or, when
 * running from TypeScript sources (tsx, vitest), a small bootstrap that registers tsx's
 * loader inside the worker and imports `worker.ts` (Node 20 does not apply `--import`
 * loaders given in a worker's execArgv).
 */
function workerEntry(): { url: URL | string; eval: boolean; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsxRoot = dirname(createRequire(here).resolve('tsx/package.json'));
    const tsxApi = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
    const entry = new URL('./worker.ts', here).href;
    const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); }).catch((e) => { throw e; });`;
    return { url: code, eval: true, execArgv: ['--conditions=@visuomotor/source'] };
  }
  if (here.endsWith('.cjs'))
    return { url: new URL('./worker.cjs', here), eval: false, execArgv: [] };
  return { url: new URL('./worker.js', here), eval: false, execArgv: [] };
}

function rehydrate(error: {
  name: string;
  message: string;
  context: Record<string, unknown>;
}): Error {
  const c = error.context;
  if (error.name === 'SimulationError') {
    return new SimulationError(
      String(c.task),
      Number(c.condition),
      Number(c.step),
      String(c.detail),
    );
  }
  if (error.name === 'TaskConfigError') return new TaskConfigError(error.message, c);
  return new WorkerPoolError(`worker failed: ${error.name}: ${error.message}`, c);
}

/** Only what a worker needs of a policy spec (a full controller also carries covariances). */
function slim(p: PolicySpec): PolicySpec {
  if (p.kind !== 'linear-gaussian') return p;
  const { T, dX, dU, K, k, cholPolCovar } = p.controller;
  return { kind: 'linear-gaussian', controller: { T, dX, dU, K, k, cholPolCovar } };
}

/** Parallel rollouts on worker threads. */
export class RolloutPool {
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly workers: WorkerState[],
    readonly options: PoolOptions,
  ) {}

  /** Number of workers. */
  get size(): number {
    return this.workers.length;
  }

  /** Start the workers, load the engine in each (sharing one compiled module), warm them up. */
  static async create(opts: PoolOptions): Promise<RolloutPool> {
    const n = Math.max(1, opts.workers ?? availableParallelism());
    const wasmModule = await compileEngineWasm();
    const entry = workerEntry();
    const { workers: _w, warmupMs, ...agentOptions } = opts;
    const states: WorkerState[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const worker = new Worker(entry.url, { eval: entry.eval, execArgv: entry.execArgv });
      const st: WorkerState = { worker, pending: new Map(), dead: null };
      states.push(st);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMsg = (m: FromWorker) => {
            if (m.type === 'ready') {
              worker.off('message', onMsg);
              resolve();
            } else if (m.type === 'error' && m.id === -1) {
              worker.off('message', onMsg);
              reject(rehydrate(m.error));
            }
          };
          worker.on('message', onMsg);
          worker.once('error', reject);
        }),
      );
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready' || !('id' in m)) return;
        const p = st.pending.get(m.id);
        if (!p) return;
        st.pending.delete(m.id);
        p.resolve(m);
      });
      const failAll = (err: Error) => {
        st.dead ??= err;
        for (const p of st.pending.values()) p.reject(err);
        st.pending.clear();
      };
      worker.on('error', (e) => failAll(new WorkerPoolError(`worker ${i} crashed: ${e.message}`)));
      worker.on('exit', (code) =>
        failAll(new WorkerPoolError(`worker ${i} exited with code ${code}`)),
      );
      const msg: ToWorker = {
        type: 'init',
        wasmModule,
        options: agentOptions,
        warmupMs: warmupMs ?? 400,
      };
      worker.postMessage(msg);
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(states.map((s) => s.worker.terminate()));
      throw e instanceof Error ? e : new WorkerPoolError(String(e));
    }
    return new RolloutPool(states, opts);
  }

  private call(st: WorkerState, msg: ToWorker & { id: number }, transfer: ArrayBuffer[] = []) {
    return new Promise<FromWorker>((resolve, reject) => {
      if (st.dead) {
        reject(st.dead);
        return;
      }
      st.pending.set(msg.id, { resolve, reject });
      st.worker.postMessage(msg, transfer);
    });
  }

  /**
   * Run many rollouts in parallel. Results are in request order and do not depend on which
   * worker ran them.
   *
   * @throws {@link SimulationError} (rebuilt from the worker) when a rollout diverges
   */
  async sampleMany(requests: readonly RolloutRequest[]): Promise<Sample[]> {
    if (this.closed) throw new WorkerPoolError('pool is closed');
    const out: Sample[] = new Array(requests.length);
    if (requests.length === 0) return out;
    // Chunks of work, handed to whichever worker is free.
    const nChunks = Math.min(requests.length, this.workers.length * 4);
    const chunkSize = Math.ceil(requests.length / nChunks);
    const queue: number[][] = [];
    for (let i = 0; i < requests.length; i += chunkSize) {
      queue.push(Array.from({ length: Math.min(chunkSize, requests.length - i) }, (_, k) => i + k));
    }
    const runWorker = async (st: WorkerState) => {
      for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
        const policies: PolicySpec[] = [];
        const index = new Map<PolicySpec, number>();
        const jobs = chunk.map((i) => {
          const { policy, ...req } = requests[i];
          let p = index.get(policy);
          if (p === undefined) {
            p = policies.length;
            policies.push(slim(policy));
            index.set(policy, p);
          }
          return { index: i, policy: p, req };
        });
        const id = this.nextId++;
        const reply = await this.call(st, { type: 'run', id, policies, jobs });
        if (reply.type === 'error') {
          queue.length = 0; // the call fails: stop handing out the rest
          throw rehydrate(reply.error);
        }
        if (reply.type !== 'done') throw new WorkerPoolError(`unexpected reply ${reply.type}`);
        for (const r of reply.results) out[r.index] = r.sample;
      }
    };
    await Promise.all(this.workers.map(runWorker));
    return out;
  }

  /** One rollout on the pool. */
  async sample(policy: PolicySpec, condition: number, options: RolloutOptions): Promise<Sample> {
    const [s] = await this.sampleMany([{ policy, condition, ...options }]);
    return s;
  }

  /** Wasm heap and process RSS seen by each worker (bytes). */
  async memoryStats(): Promise<{ heapBytes: number; rss: number }[]> {
    return Promise.all(
      this.workers.map(async (st) => {
        const id = this.nextId++;
        const r = await this.call(st, { type: 'stats', id });
        if (r.type !== 'stats') throw new WorkerPoolError('bad stats reply');
        return { heapBytes: r.heapBytes, rss: r.rss };
      }),
    );
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((s) => s.worker.terminate()));
  }
}
