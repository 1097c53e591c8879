/**
 * The simulated agent: rollouts of any policy on a task, recorded as contract `Sample`s, with
 * images, distance to target and the true-model linearisation.
 *
 * @packageDocumentation
 */
import {
  type Agent,
  assertShape,
  findBlock,
  InvalidArgumentError,
  type LinearGaussianDynamics,
  makeLayout,
  type Policy,
  type RolloutOptions,
  type Sample,
  type SensorName,
  type SensorStream,
  type VectorLayout,
  zeroDynamics,
} from '@visuomotor/contracts';
import { type CompiledWasm, type Engine, explainXmlError, loadEngine } from './engine.js';
import { ModelLoadError, SimulationError, TaskConfigError } from './errors.js';
import type { RgbImage } from './image-io.js';
import { generateNoise, type NoiseOptions, Rng } from './noise.js';
import { type Frame, RayRenderer } from './render.js';
import { Simulator } from './sim.js';
import type { TaskCondition, TaskSpec } from './task.js';
import { TASKS, type TaskName } from './tasks/index.js';

/** Which conditions an agent runs: a named set of its task, or explicit ones. */
export type ConditionSet = 'train' | 'test' | 'all' | readonly TaskCondition[];

/** Options of a {@link MujocoAgent}. Everything but `engine` is plain data (workers copy it). */
export interface AgentOptions {
  /** A built-in task name or a full task definition. */
  task: TaskName | TaskSpec;
  /** Conditions (default `'train'`); condition indices of `sample` refer to this list. */
  conditions?: ConditionSet;
  /** Horizon (default: the task's). */
  T?: number;
  /**
   * Observation sensors in order (default: the task's `obsSensors`). Any of the state's
   * sensors, `RGB_IMAGE` for camera images `[3, H, W]` in [0, 1], and
   * `END_EFFECTOR_POINTS_NO_TARGET` / `END_EFFECTOR_POINT_VELOCITIES_NO_TARGET` (the ee
   * points' world positions `[3n]` and velocities `[3n]`, which do not reveal the target).
   */
  obsSensors?: readonly SensorName[];
  /** Image size (default: the task camera's). */
  image?: { width?: number; height?: number };
  /** Action-noise smoothing (default: smoothed with sigma 2, renormalised). */
  noise?: NoiseOptions;
  /**
   * Per-rollout jitter of the condition's targets `[3]` (half-widths in m along world x, y, z):
   * every exploration rollout (`noiseScale` > 0) moves all mocap bodies and end-effector
   * targets of its condition by one offset drawn uniformly from the box ±targetJitter, from the
   * rollout's seed (after its action noise), so the same seed gives the same offset. Noiseless
   * rollouts (evaluations) keep the exact targets. The state's ee points stay relative to the
   * moved target, so costs and dynamics need no change; a policy trained on these samples sees
   * the target at many places around each condition's. Default: no jitter.
   */
  targetJitter?: readonly number[];
}

/** Extra rollout options of this agent. */
export interface MujocoRolloutOptions extends RolloutOptions {
  /** Record `DEPTH_IMAGE` `[T, H, W]` too (with `recordImages`). Default false. */
  recordDepth?: boolean;
}

/** The task definition and conditions an options object selects. */
export function resolveTask(opts: AgentOptions): { spec: TaskSpec; conditions: TaskCondition[] } {
  const spec = typeof opts.task === 'string' ? TASKS[opts.task] : opts.task;
  if (!spec) {
    throw new TaskConfigError(
      `unknown task "${String(opts.task)}" (built-in: ${Object.keys(TASKS).join(', ')})`,
      { task: opts.task },
    );
  }
  const set = opts.conditions ?? 'train';
  const conditions =
    set === 'train'
      ? [...spec.train]
      : set === 'test'
        ? [...spec.test]
        : set === 'all'
          ? [...spec.train, ...spec.test]
          : [...set];
  if (conditions.length === 0) {
    throw new TaskConfigError(`task "${spec.name}": no conditions selected`, { task: spec.name });
  }
  return { spec, conditions };
}

const STATE_SENSORS = new Set([
  'JOINT_ANGLES',
  'JOINT_VELOCITIES',
  'END_EFFECTOR_POINTS',
  'END_EFFECTOR_POINT_VELOCITIES',
]);

/**
 * Observation-only sensors of the end-effector points WITHOUT the target (the reference's
 * `END_EFFECTOR_POINTS_NO_TARGET` and `END_EFFECTOR_POINT_VELOCITIES_NO_TARGET`): the points'
 * world positions and their velocities, read from the state block named here. They carry the
 * robot's own configuration but nothing of the target, so a vision policy may observe them.
 */
const NO_TARGET_SENSORS: Readonly<Record<string, { block: SensorName; addTarget: boolean }>> = {
  END_EFFECTOR_POINTS_NO_TARGET: { block: 'END_EFFECTOR_POINTS', addTarget: true },
  END_EFFECTOR_POINT_VELOCITIES_NO_TARGET: {
    block: 'END_EFFECTOR_POINT_VELOCITIES',
    addTarget: false,
  },
};

/**
 * A simulated robot implementing the shared {@link Agent} contract.
 *
 * State x_t (`stateLayout`) = `[JOINT_ANGLES dQ, JOINT_VELOCITIES dQ, END_EFFECTOR_POINTS 3n,
 * END_EFFECTOR_POINT_VELOCITIES 3n]`, where the ee points are **relative to the condition's
 * target** (ee − target, so a cost's target is 0) and their velocities are J q̇.
 */
export class MujocoAgent implements Agent {
  readonly T: number;
  readonly dX: number;
  readonly dU: number;
  readonly dO: number;
  readonly dQ: number;
  /** Number of end-effector points. */
  readonly nPoints: number;
  readonly stateLayout: VectorLayout;
  readonly obsLayout: VectorLayout;
  readonly conditions: number;
  readonly task: TaskSpec;
  /** Control period (s). */
  readonly dt: number;
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** The simulation (engine model, data, state read-out). */
  readonly sim: Simulator;
  private readonly renderer: RayRenderer;
  private readonly noiseOpts: NoiseOptions;
  private readonly ownsEngine: boolean;
  // Per-step scratch (no allocation inside the rollout loop).
  private readonly x: Float64Array;
  private readonly o: Float64Array;
  private readonly u: Float64Array;
  private readonly eps: Float64Array;
  /** State blocks copied into the observation; `addTarget`: add the condition's ee target. */
  private readonly obsCopies: { from: number; to: number; size: number; addTarget: boolean }[];
  private readonly obsImageOffset: number;
  /** {@link AgentOptions.targetJitter}, or null; `targetOffset` is its per-rollout draw. */
  private readonly targetJitter: Float64Array | null;
  private readonly targetOffset = new Float64Array(3);

  /**
   * Build an agent on a loaded engine (see {@link MujocoAgent.create} to load one).
   *
   * @param ownsEngine - dispose the engine with the agent
   */
  constructor(
    readonly engine: Engine,
    opts: AgentOptions,
    ownsEngine = false,
  ) {
    const { spec, conditions } = resolveTask(opts);
    this.task = spec;
    this.sim = new Simulator(engine, spec, conditions);
    this.ownsEngine = ownsEngine;
    const sim = this.sim;
    this.T = opts.T ?? spec.T;
    if (!Number.isInteger(this.T) || this.T < 1) {
      sim.dispose();
      throw new TaskConfigError(
        `task "${spec.name}": horizon T must be a positive integer, got ${this.T}`,
      );
    }
    this.dX = sim.dX;
    this.dU = sim.dU;
    this.dQ = sim.dQ;
    this.nPoints = sim.nPoints;
    this.dt = sim.dt;
    this.stateLayout = sim.stateLayout;
    this.conditions = conditions.length;
    this.noiseOpts = opts.noise ?? {};
    const jit = opts.targetJitter;
    if (
      jit !== undefined &&
      (!Array.isArray(jit) ||
        jit.length !== 3 ||
        !jit.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0))
    ) {
      sim.dispose();
      throw new InvalidArgumentError(
        'targetJitter',
        'three finite half-widths >= 0 (m, world x, y, z)',
        jit,
      );
    }
    this.targetJitter = jit?.some((v) => v > 0) ? Float64Array.from(jit) : null;
    this.imageWidth = opts.image?.width ?? spec.camera.width;
    this.imageHeight = opts.image?.height ?? spec.camera.height;
    this.renderer = new RayRenderer(
      sim.model,
      sim.data,
      sim.model.cameraId(spec.camera.name),
      this.imageWidth,
      this.imageHeight,
    );
    const sensors = opts.obsSensors ?? spec.obsSensors;
    const blocks: [SensorName, number][] = [];
    this.obsCopies = [];
    let imageOffset = -1;
    let off = 0;
    for (const s of sensors) {
      if (s === 'RGB_IMAGE') {
        const size = 3 * this.imageWidth * this.imageHeight;
        blocks.push([s, size]);
        imageOffset = off;
        off += size;
      } else {
        const noTarget = Object.hasOwn(NO_TARGET_SENSORS, s) ? NO_TARGET_SENSORS[s] : undefined;
        const source = noTarget?.block ?? s;
        const b = STATE_SENSORS.has(source) ? findBlock(this.stateLayout, source) : undefined;
        if (!b || (noTarget && b.size === 0)) {
          sim.dispose();
          throw new TaskConfigError(
            `task "${spec.name}": observation sensor "${s}" is not available (state sensors, ` +
              `${Object.keys(NO_TARGET_SENSORS).join(', ')} on tasks with end-effector points, or RGB_IMAGE)`,
            { task: spec.name, sensor: s },
          );
        }
        blocks.push([s, b.size]);
        this.obsCopies.push({
          from: b.offset,
          to: off,
          size: b.size,
          addTarget: noTarget?.addTarget ?? false,
        });
        off += b.size;
      }
    }
    this.obsImageOffset = imageOffset;
    this.obsLayout = makeLayout(blocks);
    this.dO = this.obsLayout.size;
    this.x = new Float64Array(this.dX);
    this.o = new Float64Array(this.dO);
    this.u = new Float64Array(this.dU);
    this.eps = new Float64Array(this.dU);
  }

  /**
   * Load the engine (or reuse `engine` / a precompiled wasm module) and build an agent.
   *
   * @throws {@link ModelLoadError} with MuJoCo's readable XML error (line and element)
   */
  static async create(
    opts: AgentOptions,
    shared: { engine?: Engine; wasmModule?: CompiledWasm } = {},
  ): Promise<MujocoAgent> {
    const engine = shared.engine ?? (await loadEngine({ wasmModule: shared.wasmModule }));
    try {
      return new MujocoAgent(engine, opts, !shared.engine);
    } catch (e) {
      if (!shared.engine) engine.dispose();
      if (e instanceof ModelLoadError && engine.kind !== '@mujoco/mujoco') {
        const { spec } = resolveTask(opts);
        const detail = await explainXmlError(spec.xml);
        if (detail) throw new ModelLoadError(spec.name, detail);
      }
      throw e;
    }
  }

  /** The condition definitions, in index order. */
  get conditionList(): readonly TaskCondition[] {
    return this.sim.conditions;
  }

  /** Contract entry point; the work is synchronous ({@link sampleSync}). */
  async sample(policy: Policy, condition: number, options: MujocoRolloutOptions): Promise<Sample> {
    return this.sampleSync(policy, condition, options);
  }

  /**
   * Run one rollout of `policy` from `condition` for T steps.
   *
   * Noise: `[T, dU]` standard normal from `seed`, smoothed over time and renormalised (the
   * reference's `generate_noise`), times `noiseScale`; passed to `policy.act` and kept in
   * `sample.noise`. Actions are clipped to the torque limits; `U` and `ACTION` hold the
   * applied (clipped) torques.
   *
   * @throws {@link SimulationError} naming task, condition and step when the state diverges
   *   or the policy returns a non-finite action
   */
  sampleSync(policy: Policy, condition: number, options: MujocoRolloutOptions): Sample {
    const { T, dX, dU, dO, dQ } = this;
    if (policy.dU !== dU) {
      throw new TaskConfigError(
        `task "${this.task.name}": policy has dU=${policy.dU}, the task has dU=${dU}`,
      );
    }
    if (!Number.isFinite(options.seed)) {
      throw new InvalidArgumentError('options.seed', 'a finite number', options.seed);
    }
    const m = 3 * this.nPoints;
    const W = this.imageWidth;
    const H = this.imageHeight;
    const npx = W * H;
    const recordImages = options.recordImages ?? false;
    const recordDepth = recordImages && (options.recordDepth ?? false);
    const noiseScale = options.noiseScale ?? 1;
    const rng = new Rng(options.seed);
    const noise = generateNoise(T, dU, rng, this.noiseOpts);
    if (noiseScale !== 1) for (let i = 0; i < noise.length; i++) noise[i] *= noiseScale;
    const jitter = noiseScale > 0 ? this.targetJitter : null;
    if (jitter) {
      for (let i = 0; i < 3; i++) this.targetOffset[i] = (2 * rng.uniform() - 1) * jitter[i];
    }

    const X = new Float64Array(T * dX);
    const U = new Float64Array(T * dU);
    const obs = new Float64Array(T * dO);
    const jq = new Float64Array(T * dQ);
    const jv = new Float64Array(T * dQ);
    const ep = new Float64Array(T * m);
    const ev = new Float64Array(T * m);
    const jac = new Float64Array(T * m * dQ);
    const act = new Float64Array(T * dU);
    const img = recordImages ? new Float64Array(T * 3 * npx) : null;
    const depth = recordDepth ? new Float64Array(T * npx) : null;

    const sim = this.sim;
    const { x, o, u, eps } = this;
    sim.reset(condition, jitter ? this.targetOffset : undefined);
    for (let t = 0; t < T; t++) {
      sim.writeState(x);
      X.set(x, t * dX);
      for (let i = 0; i < dQ; i++) {
        jq[t * dQ + i] = x[i];
        jv[t * dQ + i] = x[dQ + i];
      }
      for (let i = 0; i < m; i++) {
        ep[t * m + i] = x[2 * dQ + i];
        ev[t * m + i] = x[2 * dQ + m + i];
      }
      jac.set(sim.eeJac, t * m * dQ);
      for (const c of this.obsCopies) {
        if (c.addTarget) {
          // The state holds ee − target; the observation wants the ee point itself.
          const target = sim.eeTarget;
          for (let i = 0; i < c.size; i++) o[c.to + i] = x[c.from + i] + target[i];
        } else {
          for (let i = 0; i < c.size; i++) o[c.to + i] = x[c.from + i];
        }
      }
      if (img || this.obsImageOffset >= 0) {
        const f = this.renderer.render();
        const base = this.obsImageOffset;
        for (let c = 0; c < 3; c++) {
          for (let p = 0; p < npx; p++) {
            const v = f.rgb[3 * p + c] / 255;
            if (img) img[t * 3 * npx + c * npx + p] = v;
            if (base >= 0) o[base + c * npx + p] = v;
          }
        }
        if (depth) for (let p = 0; p < npx; p++) depth[t * npx + p] = f.depth[p];
      }
      obs.set(o, t * dO);
      for (let i = 0; i < dU; i++) eps[i] = noise[t * dU + i];
      policy.act(x, o, t, eps, u);
      if (t + 1 < T) {
        sim.step(u, t);
      } else {
        sim.clip(u, t);
      }
      U.set(sim.applied, t * dU);
      act.set(sim.applied, t * dU);
    }

    // The per-step time check catches MuJoCo's automatic resets except one in the very first
    // physics step (time then looks right); the warning counters catch that one.
    if (sim.data.divergenceWarnings() > 0) {
      throw new SimulationError(
        this.task.name,
        condition,
        0,
        'MuJoCo reset the simulation (bad position, velocity or acceleration: the state diverged)',
      );
    }
    const sensors: Record<string, SensorStream> = {
      JOINT_ANGLES: { shape: [dQ], data: jq },
      JOINT_VELOCITIES: { shape: [dQ], data: jv },
      END_EFFECTOR_POINTS: { shape: [m], data: ep },
      END_EFFECTOR_POINT_VELOCITIES: { shape: [m], data: ev },
      END_EFFECTOR_POINT_JACOBIANS: { shape: [m, dQ], data: jac },
      ACTION: { shape: [dU], data: act },
    };
    if (img) sensors.RGB_IMAGE = { shape: [3, H, W], data: img };
    if (depth) sensors.DEPTH_IMAGE = { shape: [H, W], data: depth };
    return { T, dX, dU, dO, X, U, obs, sensors, noise, condition };
  }

  /**
   * Distance of the end-effector points to their targets along a sample, `[T]`: the mean over
   * points of |ee_p − target_p| (the state holds ee − target already).
   */
  distanceToTarget(sample: Pick<Sample, 'X' | 'T' | 'dX'>): Float64Array {
    const { T, dX } = sample;
    assertShape('sample.X', sample.X, [T, this.dX]);
    const out = new Float64Array(T);
    const off = 2 * this.dQ;
    for (let t = 0; t < T; t++) {
      let acc = 0;
      for (let p = 0; p < this.nPoints; p++) {
        const b = t * dX + off + 3 * p;
        acc += Math.hypot(sample.X[b], sample.X[b + 1], sample.X[b + 2]);
      }
      out[t] = this.nPoints > 0 ? acc / this.nPoints : 0;
    }
    return out;
  }

  /** The initial state x_0 `[dX]` of a condition. */
  initialState(condition: number): Float64Array {
    this.sim.reset(condition);
    const x = new Float64Array(this.dX);
    this.sim.writeState(x);
    return x;
  }

  /**
   * `seeds.length` rollouts of one policy from one condition, in this thread (see
   * `RolloutPool` for parallel ones).
   */
  sampleMany(
    policy: Policy,
    condition: number,
    seeds: readonly number[],
    options: Omit<MujocoRolloutOptions, 'seed'> = {},
  ): Sample[] {
    return seeds.map((seed) => this.sampleSync(policy, condition, { ...options, seed }));
  }

  /**
   * Distance to target of `policy` on every condition: one rollout each (noise-free unless
   * `noiseScale` is given), returning the final distances `[conditions]` (mean over ee points
   * of |ee_p − target_p| at t = T−1) and the samples.
   */
  evaluate(
    policy: Policy,
    options: { seed?: number; noiseScale?: number } = {},
  ): { finalDistance: Float64Array; samples: Sample[] } {
    const finalDistance = new Float64Array(this.conditions);
    const samples: Sample[] = [];
    for (let c = 0; c < this.conditions; c++) {
      const s = this.sampleSync(policy, c, {
        seed: options.seed ?? 0,
        noiseScale: options.noiseScale ?? 0,
      });
      finalDistance[c] = this.distanceToTarget(s)[this.T - 1];
      samples.push(s);
    }
    return { finalDistance, samples };
  }

  /** Image of the current simulation state (a copy). */
  renderCurrent(): Frame {
    const f = this.renderer.render();
    return {
      width: f.width,
      height: f.height,
      rgb: f.rgb.slice(),
      depth: f.depth.slice(),
      segmentation: f.segmentation.slice(),
    };
  }

  /** Image of a condition's initial state. */
  renderCondition(condition: number): Frame {
    this.sim.reset(condition);
    return this.renderCurrent();
  }

  /**
   * Re-render a sample's states (joint angles and velocities from `X`) from its condition:
   * frames for GIFs and strips without recording images during the rollout.
   *
   * @param every - keep every `every`-th step
   */
  replay(sample: Pick<Sample, 'X' | 'T' | 'condition'>, every = 1): RgbImage[] {
    assertShape('sample.X', sample.X, [sample.T, this.dX]);
    this.sim.reset(sample.condition ?? 0);
    const frames: RgbImage[] = [];
    for (let t = 0; t < sample.T; t += every) {
      const b = t * this.dX;
      this.sim.setJointState(sample.X, sample.X, b, b + this.dQ);
      const f = this.renderer.render();
      frames.push({ width: f.width, height: f.height, rgb: f.rgb.slice() });
    }
    return frames;
  }

  /**
   * True-model linearisation along a trajectory: central finite differences of the transition
   * x_{t+1} = f(x_t, u_t) (one control period), giving `Fm_t = [∂f/∂x, ∂f/∂u]` and
   * `fv_t = f(x_t, u_t) − Fm_t [x_t; u_t]` for t < T−1 (the last step copies t = T−2).
   * The ee blocks of x are functions of the joint state, so their columns are zero.
   * `dynCovar` is zero; `x0mu` = X[0], `x0sigma` = 0. For an iLQG-with-known-dynamics baseline.
   *
   * @param X - states `[T, dX]`
   * @param U - actions `[T, dU]`
   * @param condition - condition the trajectory belongs to (sets targets and mocap bodies)
   * @param eps - finite-difference step (default 1e-6)
   */
  linearize(
    X: Float64Array,
    U: Float64Array,
    condition: number,
    eps = 1e-6,
  ): LinearGaussianDynamics {
    const { dX, dU, dQ } = this;
    const T = X.length / dX;
    assertShape('X', X, [T, dX]);
    assertShape('U', U, [T, dU]);
    const dyn = zeroDynamics(T, dX, dU);
    const dXU = dX + dU;
    const sim = this.sim;
    const q = new Float64Array(dQ);
    const v = new Float64Array(dQ);
    const uu = new Float64Array(dU);
    const fp = new Float64Array(dX);
    const fm = new Float64Array(dX);
    const f0 = new Float64Array(dX);
    const nIn = 2 * dQ + dU; // independent inputs: q, q̇, u
    const run = (t: number, out: Float64Array) => {
      sim.reset(condition);
      sim.setJointState(q, v);
      sim.step(uu, t);
      sim.writeState(out);
    };
    for (let t = 0; t + 1 < T; t++) {
      const xb = t * dX;
      const load = () => {
        for (let i = 0; i < dQ; i++) {
          q[i] = X[xb + i];
          v[i] = X[xb + dQ + i];
        }
        for (let i = 0; i < dU; i++) uu[i] = U[t * dU + i];
      };
      load();
      run(t, f0);
      for (let k = 0; k < nIn; k++) {
        const col = k < dQ ? k : k < 2 * dQ ? k : dX + (k - 2 * dQ);
        const bump = (s: number) => {
          load();
          if (k < dQ) q[k] += s;
          else if (k < 2 * dQ) v[k - dQ] += s;
          else uu[k - 2 * dQ] += s;
        };
        bump(eps);
        run(t, fp);
        bump(-eps);
        run(t, fm);
        for (let r = 0; r < dX; r++)
          dyn.Fm[t * dX * dXU + r * dXU + col] = (fp[r] - fm[r]) / (2 * eps);
      }
      for (let r = 0; r < dX; r++) {
        let acc = f0[r];
        const row = t * dX * dXU + r * dXU;
        for (let c = 0; c < dX; c++) acc -= dyn.Fm[row + c] * X[xb + c];
        for (let c = 0; c < dU; c++) acc -= dyn.Fm[row + dX + c] * U[t * dU + c];
        dyn.fv[t * dX + r] = acc;
      }
    }
    if (T >= 2) {
      dyn.Fm.copyWithin((T - 1) * dX * dXU, (T - 2) * dX * dXU, (T - 1) * dX * dXU);
      dyn.fv.copyWithin((T - 1) * dX, (T - 2) * dX, (T - 1) * dX);
    }
    dyn.x0mu.set(X.subarray(0, dX));
    return dyn;
  }

  /** Release the simulation (and the engine when the agent loaded it). */
  dispose(): void {
    this.sim.dispose();
    if (this.ownsEngine) this.engine.dispose();
  }
}
