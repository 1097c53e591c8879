/**
 * Rollout worker thread: loads the engine from the shared compiled module, builds one agent,
 * warms it up, then runs batches of rollouts and transfers the samples back.
 *
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads';
import type { Policy, Sample } from '@visuomotor/contracts';
import { VisuomotorError } from '@visuomotor/contracts';
import { MujocoAgent } from './agent.js';
import { zeroPolicy } from './policy.js';
import { type FromWorker, policyFromSpec, sampleBuffers, type ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

let agent: MujocoAgent | null = null;

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(msg, transfer);
}

port.on('message', async (msg: ToWorker) => {
  if (msg.type === 'init') {
    try {
      agent = await MujocoAgent.create(msg.options, { wasmModule: msg.wasmModule });
      if (msg.warmupMs > 0) {
        // Let V8 tier the hot wasm functions up (Liftoff -> TurboFan, shared by every worker
        // through the one compiled module) and JIT the rollout path before real work.
        const z = zeroPolicy(agent.dU);
        const until = performance.now() + msg.warmupMs;
        for (let i = 0; i < 3 || performance.now() < until; i++) {
          agent.sampleSync(z, i % agent.conditions, { seed: i });
        }
      }
      post({ type: 'ready' });
    } catch (e) {
      post({ type: 'error', id: -1, error: serialiseError(e) });
    }
    return;
  }
  if (msg.type === 'stats') {
    post({
      type: 'stats',
      id: msg.id,
      heapBytes: agent ? agent.engine.heapBytes() : 0,
      rss: process.memoryUsage().rss,
    });
    return;
  }
  const a = agent;
  if (!a) {
    post({
      type: 'error',
      id: msg.id,
      error: { name: 'WorkerPoolError', message: 'worker not initialised', context: {} },
    });
    return;
  }
  try {
    const dims = { T: a.T, dX: a.dX, dU: a.dU, dO: a.dO };
    const policies: Policy[] = await Promise.all(msg.policies.map((p) => policyFromSpec(p, dims)));
    const results: { index: number; sample: Sample }[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const job of msg.jobs) {
      const sample = a.sampleSync(policies[job.policy], job.req.condition, job.req);
      results.push({ index: job.index, sample });
      transfer.push(...sampleBuffers(sample));
    }
    post({ type: 'done', id: msg.id, results }, transfer);
  } catch (e) {
    post({ type: 'error', id: msg.id, error: serialiseError(e) });
  }
});

function serialiseError(e: unknown): {
  name: string;
  message: string;
  context: Record<string, unknown>;
} {
  if (e instanceof VisuomotorError) {
    return { name: e.name, message: e.message, context: { ...e.context } };
  }
  if (e instanceof Error) return { name: e.name, message: e.message, context: {} };
  return { name: 'Error', message: String(e), context: {} };
}
