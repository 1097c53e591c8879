/**
 * GMM dynamics-prior updates of all conditions in parallel on worker threads. The prior's EM
 * fit is most of a trajectory-optimisation iteration (90 % on peg3d) and the conditions'
 * priors are independent, so before each `iterate` the trainer sends every condition's prior
 * state and new samples to a worker ({@link PriorWorkerPool.prepare}); the algorithm's
 * {@link PrefetchedGmmPrior} then installs the returned state instead of fitting again. The
 * worker runs the same code on the same state (restored with `setState`, the checkpoint
 * path), so results are bit-identical to the serial fit.
 *
 * @packageDocumentation
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  type DynamicsPrior,
  type NiwPrior,
  type Sample,
  stackSamples,
  VisuomotorError,
} from '@visuomotor/contracts';
import {
  GmmDynamicsPrior,
  type GmmDynamicsPriorOptions,
  type GmmDynamicsPriorState,
} from '@visuomotor/gmm-prior';

/** Message to a prior worker. */
export interface PriorUpdateRequest {
  id: number;
  options: GmmDynamicsPriorOptions;
  state: GmmDynamicsPriorState;
  X: Float64Array;
  U: Float64Array;
  N: number;
  T: number;
  dX: number;
  dU: number;
}

interface PriorUpdateReply {
  id: number;
  state?: GmmDynamicsPriorState;
  error?: { name: string; message: string };
}

/** A prior worker failed or the pool was used after closing. */
export class PriorWorkerError extends VisuomotorError {}

function sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * A GMM dynamics prior whose next update may have been computed elsewhere: when the data of
 * `update` equal the prefetched data, the prefetched state is installed; otherwise it fits
 * here. Checkpointable like `GmmDynamicsPrior` (same state).
 */
export class PrefetchedGmmPrior implements DynamicsPrior {
  readonly inner: GmmDynamicsPrior;
  private pending: { X: Float64Array; U: Float64Array; state: GmmDynamicsPriorState } | null = null;

  constructor(readonly options: GmmDynamicsPriorOptions) {
    this.inner = new GmmDynamicsPrior(options);
  }

  /** The state to apply when `update` receives exactly X and U. */
  prefetch(X: Float64Array, U: Float64Array, state: GmmDynamicsPriorState): void {
    this.pending = { X, U, state };
  }

  update(X: Float64Array, U: Float64Array, N: number, T: number, dX: number, dU: number): void {
    const p = this.pending;
    this.pending = null;
    if (p && sameArray(p.X, X) && sameArray(p.U, U)) this.inner.setState(p.state);
    else this.inner.update(X, U, N, T, dX, dU);
  }

  eval(pts: Float64Array, N: number, dX: number, dU: number, out?: NiwPrior): NiwPrior | null {
    return this.inner.eval(pts, N, dX, dU, out);
  }

  initialState(): NiwPrior | null {
    return this.inner.initialState();
  }

  getState(): GmmDynamicsPriorState {
    return this.inner.getState();
  }

  setState(state: GmmDynamicsPriorState): void {
    this.pending = null;
    this.inner.setState(state);
  }
}

function workerEntry(): { url: URL | string; eval: boolean; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // From sources (tsx, vitest): register tsx's loader inside the worker, then import.
    const tsxRoot = dirname(createRequire(here).resolve('tsx/package.json'));
    const tsxApi = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
    const entry = new URL('./prior-worker.ts', here).href;
    const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return { url: code, eval: true, execArgv: ['--conditions=@visuomotor/source'] };
  }
  if (here.endsWith('.cjs'))
    return { url: new URL('./prior-worker.cjs', here), eval: false, execArgv: [] };
  return { url: new URL('./prior-worker.js', here), eval: false, execArgv: [] };
}

/** Worker threads that run GMM prior updates; see the module documentation. */
export class PriorWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<
    number,
    { resolve: (s: GmmDynamicsPriorState) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private closed = false;

  constructor(size: number) {
    const entry = workerEntry();
    for (let i = 0; i < size; i++) {
      const w = new Worker(entry.url, { eval: entry.eval, execArgv: entry.execArgv });
      w.on('message', (r: PriorUpdateReply) => {
        const cb = this.waiting.get(r.id);
        if (!cb) return;
        this.waiting.delete(r.id);
        if (r.state) cb.resolve(r.state);
        else
          cb.reject(
            new PriorWorkerError(`prior update failed: ${r.error?.name}: ${r.error?.message}`),
          );
      });
      w.on('error', (e) =>
        this.failAll(new PriorWorkerError(`prior worker crashed: ${e.message}`)),
      );
      this.workers.push(w);
    }
  }

  private failAll(e: Error): void {
    for (const cb of this.waiting.values()) cb.reject(e);
    this.waiting.clear();
  }

  private run(worker: number, req: Omit<PriorUpdateRequest, 'id'>): Promise<GmmDynamicsPriorState> {
    if (this.closed) return Promise.reject(new PriorWorkerError('prior worker pool is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[worker].postMessage({ ...req, id });
    });
  }

  /**
   * Fit every condition's prior update on the workers (condition m on worker m mod size) and
   * hand the results to the priors, so that the algorithm's `iterate(samples)` applies them.
   */
  async prepare(
    priors: readonly PrefetchedGmmPrior[],
    samples: readonly (readonly Sample[])[],
  ): Promise<void> {
    await Promise.all(
      priors.map(async (p, m) => {
        const b = stackSamples(samples[m]);
        const state = await this.run(m % this.workers.length, {
          options: p.options,
          state: p.getState(),
          X: b.X,
          U: b.U,
          N: b.N,
          T: b.T,
          dX: b.dX,
          dU: b.dU,
        });
        p.prefetch(b.X, b.U, state);
      }),
    );
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new PriorWorkerError('prior worker pool is closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
