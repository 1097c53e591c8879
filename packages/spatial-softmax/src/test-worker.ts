/**
 * Worker used by `worker.test.ts`: initialise a backend in a worker thread, rebuild a policy
 * from a snapshot sent by the parent and answer with its means.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend } from './backend.js';
import { type PolicySnapshot, policyFromSnapshot } from './io.js';

const info = await initBackend({ prefer: ['wasm', 'cpu'] });
parentPort?.on('message', (msg: { snap: PolicySnapshot; obs: Float64Array; B: number }) => {
  const pol = policyFromSnapshot(msg.snap);
  parentPort?.postMessage({ backend: info.name, mu: pol.mean(msg.obs, msg.B) });
  pol.dispose();
});
parentPort?.postMessage('ready');
