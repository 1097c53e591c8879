/**
 * Test doubles (tests only; never used by the CLI): a point-mass agent with linear dynamics
 * and a deterministic toy algorithm implementing the GPS algorithm contract.
 */
import {
  type Agent,
  cloneController,
  type LinearGaussianController,
  makeLayout,
  type Policy,
  type RolloutOptions,
  type Sample,
  zeroController,
} from '@visuomotor/contracts';
import type { AlgorithmState, GpsAlgorithm, IterationRecord } from './algorithm-types.js';
import { TrainerRng } from './rng.js';
import type { Runtime, TrainerAgent } from './runtime.js';

const TARGETS = [
  [0.25, 0.25],
  [-0.25, 0.25],
  [-0.25, -0.25],
  [0.25, -0.25],
];

/** A 2D point mass: x = [q 2, v 2, ee − target 3, ee velocity 3], u = force 2. */
export class FakeAgent implements Agent {
  readonly dX = 10;
  readonly dU = 2;
  readonly dO = 4;
  readonly stateLayout = makeLayout([
    ['JOINT_ANGLES', 2],
    ['JOINT_VELOCITIES', 2],
    ['END_EFFECTOR_POINTS', 3],
    ['END_EFFECTOR_POINT_VELOCITIES', 3],
  ]);
  readonly obsLayout = makeLayout([
    ['JOINT_ANGLES', 2],
    ['JOINT_VELOCITIES', 2],
  ]);
  rollouts = 0;
  disposed = false;
  constructor(
    readonly T: number,
    readonly conditions: number,
    /** Milliseconds each rollout waits (to let a test kill a run mid-iteration). */
    readonly delayMs = 0,
  ) {}

  target(m: number): number[] {
    const t = TARGETS[m % TARGETS.length];
    return [t[0], t[1], 0.03];
  }

  async sample(policy: Policy, condition: number, options: RolloutOptions): Promise<Sample> {
    this.rollouts++;
    await new Promise((r) => (this.delayMs > 0 ? setTimeout(r, this.delayMs) : setImmediate(r)));
    const { T, dX, dU, dO } = this;
    const rng = new TrainerRng(options.seed);
    const normal = () => {
      const u1 = (rng.nextUint32() + 1) / 4294967297;
      const u2 = rng.nextUint32() / 4294967296;
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    };
    const scale = options.noiseScale ?? 1;
    const X = new Float64Array(T * dX);
    const U = new Float64Array(T * dU);
    const obs = new Float64Array(T * dO);
    const noise = new Float64Array(T * dU);
    const tgt = this.target(condition);
    const q = [0, 0];
    const v = [0, 0];
    const dt = 0.05;
    const W = 12;
    const images = options.recordImages ? new Float64Array(T * W * W * 3) : null;
    const x = new Float64Array(dX);
    const o = new Float64Array(dO);
    const eps = new Float64Array(dU);
    const u = new Float64Array(dU);
    for (let t = 0; t < T; t++) {
      x.set([q[0], q[1], v[0], v[1], q[0] - tgt[0], q[1] - tgt[1], 0.03 - tgt[2], v[0], v[1], 0]);
      o.set([q[0], q[1], v[0], v[1]]);
      X.set(x, t * dX);
      obs.set(o, t * dO);
      for (let i = 0; i < dU; i++) eps[i] = scale * normal();
      noise.set(eps, t * dU);
      policy.act(x, o, t, eps, u);
      U.set(u, t * dU);
      if (images) {
        const off = t * W * W * 3;
        for (let p = 0; p < W * W; p++) images.set([0.15, 0.16, 0.2], off + 3 * p);
        const px = (c: number) => Math.min(W - 1, Math.max(0, Math.round((c + 0.5) * (W - 1))));
        images.set([0.9, 0.25, 0.2], off + 3 * (px(-tgt[1]) * W + px(tgt[0])));
        images.set([0.2, 0.45, 0.9], off + 3 * (px(-q[1]) * W + px(q[0])));
      }
      for (let i = 0; i < 2; i++) {
        const f = Math.max(-2, Math.min(2, u[i]));
        v[i] += dt * (f / 0.5 - v[i]);
        q[i] += dt * v[i];
      }
    }
    const sensors: Sample['sensors'] = {
      END_EFFECTOR_POINTS: { shape: [3], data: new Float64Array(T * 3) },
    };
    for (let t = 0; t < T; t++) {
      sensors.END_EFFECTOR_POINTS.data.set(X.subarray(t * dX + 4, t * dX + 7), t * 3);
    }
    if (images) sensors.RGB_IMAGE = { shape: [W, W, 3], data: images };
    return { T, dX, dU, dO, X, U, obs, sensors, noise, condition };
  }

  dispose(): void {
    this.disposed = true;
  }
}

/**
 * A deterministic toy algorithm: PD gains on the end-effector error that grow each iteration,
 * a feed-forward term nudged by the sample means (so every sample bit reaches the state), a
 * shrinking covariance, and NaN / -0 / Infinity in its state to exercise the codec.
 */
export class FakeAlgorithm implements GpsAlgorithm {
  iteration = 0;
  private readonly ctrl: LinearGaussianController[];
  private eta: number[];
  private stepMult: number[];
  private prevCost: number[];
  /** Running sums of the sample states, `[M, dX]`. */
  private stats: Float64Array;

  constructor(
    readonly conditions: number,
    readonly T: number,
    readonly dX: number,
    readonly dU: number,
  ) {
    this.ctrl = Array.from({ length: conditions }, () => {
      const c = zeroController(T, dX, dU);
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < dU; i++) {
          c.polCovar[t * dU * dU + i * dU + i] = 0.25;
          c.cholPolCovar[t * dU * dU + i * dU + i] = 0.5;
          c.invPolCovar[t * dU * dU + i * dU + i] = 4;
        }
      }
      return c;
    });
    this.eta = Array(conditions).fill(1);
    this.stepMult = Array(conditions).fill(1);
    this.prevCost = Array(conditions).fill(Number.NaN);
    this.stats = new Float64Array(conditions * dX);
  }

  controller(m: number): LinearGaussianController {
    return this.ctrl[m];
  }

  dynamics(): null {
    return null;
  }

  iterate(samples: readonly (readonly Sample[])[]): IterationRecord {
    const { T, dX, dU } = this;
    const gain = 4 * (1 - 0.6 ** (this.iteration + 1));
    const conditions = samples.map((ss, m) => {
      const costs = ss.map((s) => {
        let c = 0;
        for (let t = 0; t < T; t++) {
          for (let k = 4; k < 7; k++) c += 10 * s.X[t * dX + k] ** 2;
          for (let i = 0; i < dU; i++) c += 1e-3 * s.U[t * dU + i] ** 2;
        }
        return c;
      });
      const cost = costs.reduce((a, b) => a + b, 0) / costs.length;
      const costStd = Math.sqrt(costs.reduce((a, b) => a + (b - cost) ** 2, 0) / costs.length);
      for (const s of ss)
        for (let j = 0; j < dX; j++) this.stats[m * dX + j] += s.X[(T - 1) * dX + j];
      const c = this.ctrl[m];
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < dU; i++) {
          const row = t * dU * dX + i * dX;
          c.K[row + 4 + i] = -gain;
          c.K[row + 2 + i] = -0.3 * gain;
          c.k[t * dU + i] = -1e-3 * this.stats[m * dX + 4 + i];
          const d = t * dU * dU + i * dU + i;
          c.polCovar[d] *= 0.6;
          c.cholPolCovar[d] = Math.sqrt(c.polCovar[d]);
          c.invPolCovar[d] = 1 / c.polCovar[d];
        }
      }
      const actual = Number.isNaN(this.prevCost[m]) ? null : this.prevCost[m] - cost;
      this.prevCost[m] = cost;
      this.eta[m] = this.eta[m] * 0.9 + cost * 1e-3;
      this.stepMult[m] = Math.min(10, this.stepMult[m] * 1.1);
      return {
        condition: m,
        cost,
        costStd,
        kl: 0.1 * costStd,
        klStep: 0.2 * this.stepMult[m] * T,
        eta: this.eta[m],
        stepMult: this.stepMult[m],
        predictedImprovement: null,
        actualImprovement: actual,
        backwardCalls: 3,
      };
    });
    this.iteration++;
    return {
      iteration: this.iteration - 1,
      conditions,
      timings: { dynamics: 1.5, cost: 0.5, stepAdjust: 0.1, trajOpt: 2, total: 4.1 },
    };
  }

  getState(): AlgorithmState {
    return {
      kind: 'fake',
      iteration: this.iteration,
      data: {
        controllers: this.ctrl.map(cloneController),
        eta: [...this.eta],
        stepMult: [...this.stepMult],
        prevCost: [...this.prevCost],
        stats: this.stats.slice(),
        quirks: { negativeZero: -0, infinite: Number.POSITIVE_INFINITY },
      },
    };
  }

  static fromState(
    state: AlgorithmState,
    conditions: number,
    T: number,
    dX: number,
    dU: number,
  ): FakeAlgorithm {
    const a = new FakeAlgorithm(conditions, T, dX, dU);
    const d = state.data as {
      controllers: LinearGaussianController[];
      eta: number[];
      stepMult: number[];
      prevCost: number[];
      stats: Float64Array;
    };
    a.iteration = state.iteration;
    d.controllers.forEach((c, m) => {
      a.ctrl[m] = cloneController({ ...c, T, dX, dU });
    });
    a.eta = [...d.eta];
    a.stepMult = [...d.stepMult];
    a.prevCost = [...d.prevCost];
    a.stats = d.stats.slice();
    return a;
  }
}

/** A runtime of fakes; `agents` records every agent created. */
export function fakeRuntime(delayMs = 0): Runtime & { agents: FakeAgent[] } {
  const agents: FakeAgent[] = [];
  const wrap = (a: FakeAgent): TrainerAgent => ({
    agent: a,
    eeTargets: Array.from({ length: a.conditions }, (_, m) => a.target(m)),
    dt: 0.05,
  });
  return {
    agents,
    async createAgent(ctx) {
      const a = new FakeAgent(ctx.experiment.T, ctx.experiment.conditions.train.length, delayMs);
      agents.push(a);
      return wrap(a);
    },
    async createAlgorithm(_ctx, agent) {
      const a = agent.agent;
      return new FakeAlgorithm(a.conditions, a.T, a.dX, a.dU);
    },
    async restoreAlgorithm(_ctx, agent, state) {
      const a = agent.agent;
      return FakeAlgorithm.fromState(state, a.conditions, a.T, a.dX, a.dU);
    },
  };
}
