/**
 * A policy factory for the pool tests: u = -gain * q (per joint, first dU joints) + noise.
 */
import type { Policy } from '@visuomotor/contracts';
import type { PolicyDims } from '../protocol.js';

export default function feedbackPolicy(args: unknown, dims: PolicyDims): Policy {
  const { gain } = args as { gain: number };
  return {
    dU: dims.dU,
    act(x, _obs, _t, noise, out) {
      for (let i = 0; i < dims.dU; i++) out[i] = -gain * x[i] + noise[i];
    },
  };
}

export const notAFactory = 42;
