/**
 * Worker thread of {@link PriorWorkerPool}: restores a GMM dynamics prior from its state,
 * applies one update (the EM fit) and posts the new state back. Stateless between messages.
 *
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads';
import { GmmDynamicsPrior, type GmmDynamicsPriorState } from '@visuomotor/gmm-prior';
import type { PriorUpdateRequest } from './parallel-priors.js';

parentPort?.on('message', (msg: PriorUpdateRequest) => {
  try {
    const prior = new GmmDynamicsPrior(msg.options);
    prior.setState(msg.state as GmmDynamicsPriorState);
    prior.update(msg.X, msg.U, msg.N, msg.T, msg.dX, msg.dU);
    parentPort?.postMessage({ id: msg.id, state: prior.getState() });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort?.postMessage({ id: msg.id, error: { name: e.name, message: e.message } });
  }
});
