/**
 * One task's simulation: condition reset, torque-limited stepping with divergence checks, and
 * the state x = [joint angles, joint velocities, ee points - target, ee point velocities] with
 * the end-effector point Jacobians.
 *
 * @packageDocumentation
 */
import { makeLayout, type VectorLayout } from '@visuomotor/contracts';
import type { Engine, EngineData, EngineModel } from './engine.js';
import { SimulationError, TaskConfigError } from './errors.js';
import type { TaskCondition, TaskSpec } from './task.js';

/** The state layout of a task: `[JOINT_ANGLES dQ, JOINT_VELOCITIES dQ, END_EFFECTOR_POINTS 3n, END_EFFECTOR_POINT_VELOCITIES 3n]`. */
export function stateLayoutOf(dQ: number, nPoints: number): VectorLayout {
  return makeLayout([
    ['JOINT_ANGLES', dQ],
    ['JOINT_VELOCITIES', dQ],
    ['END_EFFECTOR_POINTS', 3 * nPoints],
    ['END_EFFECTOR_POINT_VELOCITIES', 3 * nPoints],
  ]);
}

/** A task loaded into the engine, with one simulation state. */
export class Simulator {
  readonly model: EngineModel;
  readonly data: EngineData;
  /** Joint dimension (nq = nv: tasks use hinge and slide joints only). */
  readonly dQ: number;
  readonly dU: number;
  readonly nPoints: number;
  readonly dX: number;
  /** Control period (s) = substeps × timestep. */
  readonly dt: number;
  readonly stateLayout: VectorLayout;
  /** World positions of the ee points `[3n]` (current). */
  readonly ee: Float64Array;
  /** ee point velocities `[3n]` = J q̇ (current). */
  readonly eeVel: Float64Array;
  /** d ee / d q `[3n, dQ]` (current). */
  readonly eeJac: Float64Array;
  /** ee targets of the current condition `[3n]`. */
  readonly eeTarget: Float64Array;
  /** Actions after clipping to the torque limits `[dU]` (last step). */
  readonly applied: Float64Array;
  private readonly siteIds: Int32Array;
  private readonly limits: Float64Array;
  /** Per ee point: joints moving it, as (joint id, dof, is-hinge) triples, flattened. */
  private readonly chains: Int32Array[];
  private condition = -1;

  constructor(
    engine: Engine,
    readonly spec: TaskSpec,
    readonly conditions: readonly TaskCondition[],
  ) {
    this.model = engine.compile(spec.xml, spec.name);
    const m = this.model;
    try {
      if (m.nq !== m.nv) {
        throw new TaskConfigError(
          `task "${spec.name}": nq (${m.nq}) != nv (${m.nv}); only hinge and slide joints are supported`,
          { task: spec.name },
        );
      }
      if (spec.torqueLimits.length !== m.nu) {
        throw new TaskConfigError(
          `task "${spec.name}": ${spec.torqueLimits.length} torque limits for ${m.nu} actuators`,
          { task: spec.name },
        );
      }
      this.dQ = m.nq;
      this.dU = m.nu;
      this.nPoints = spec.eeSites.length;
      this.dX = 2 * this.dQ + 6 * this.nPoints;
      this.dt = spec.substeps * m.timestep;
      this.stateLayout = stateLayoutOf(this.dQ, this.nPoints);
      this.siteIds = Int32Array.from(spec.eeSites.map((s) => m.siteId(s)));
      this.limits = Float64Array.from(spec.torqueLimits);
      this.ee = new Float64Array(3 * this.nPoints);
      this.eeVel = new Float64Array(3 * this.nPoints);
      this.eeJac = new Float64Array(3 * this.nPoints * this.dQ);
      this.eeTarget = new Float64Array(3 * this.nPoints);
      this.applied = new Float64Array(this.dU);
      this.chains = this.spec.eeSites.map((_, p) => this.chainOf(this.siteIds[p]));
      for (let i = 0; i < conditions.length; i++) this.checkCondition(conditions[i], i);
      this.data = m.newData();
    } catch (e) {
      m.dispose();
      throw e;
    }
  }

  /** The hinge and slide joints between a site's body and the world. */
  private chainOf(site: number): Int32Array {
    const m = this.model;
    const out: number[] = [];
    for (let b = m.siteBodyId[site]; b > 0; b = m.bodyParentId[b]) {
      for (let j = 0; j < m.njnt; j++) {
        if (m.jntBodyId[j] !== b) continue;
        const type = m.jntType[j];
        if (type !== 2 && type !== 3) {
          throw new TaskConfigError(
            `task "${this.spec.name}": joint ${j} is not a hinge or slide joint`,
            { task: this.spec.name },
          );
        }
        out.push(j, m.jntDofAdr[j], type === 3 ? 1 : 0);
      }
    }
    return Int32Array.from(out);
  }

  private checkCondition(c: TaskCondition, i: number): void {
    const where = `task "${this.spec.name}" condition ${i}`;
    if (c.qpos0.length !== this.dQ)
      throw new TaskConfigError(
        `${where}: qpos0 has ${c.qpos0.length} entries, expected ${this.dQ}`,
      );
    if (c.qvel0 && c.qvel0.length !== this.dQ)
      throw new TaskConfigError(
        `${where}: qvel0 has ${c.qvel0.length} entries, expected ${this.dQ}`,
      );
    if (c.eeTarget.length !== 3 * this.nPoints)
      throw new TaskConfigError(
        `${where}: eeTarget has ${c.eeTarget.length} entries, expected ${3 * this.nPoints}`,
      );
    for (const body of Object.keys(c.mocap ?? {})) this.model.mocapId(body);
  }

  /** Index of the current condition (-1 before the first reset). */
  get currentCondition(): number {
    return this.condition;
  }

  /**
   * Reset to condition `c`: initial joint state, mocap bodies (holes, targets), ee targets.
   *
   * @param targetOffset - `[3]` world offset added to every mocap body and every ee target
   *   (a moved target; default none)
   * @throws {@link TaskConfigError} for an unknown condition
   */
  reset(c: number, targetOffset?: ArrayLike<number>): void {
    const cond = this.conditions[c];
    if (!cond) {
      throw new TaskConfigError(
        `task "${this.spec.name}": no condition ${c} (have ${this.conditions.length})`,
        { task: this.spec.name, condition: c },
      );
    }
    this.condition = c;
    const d = this.data;
    d.reset();
    d.qpos.set(cond.qpos0);
    if (cond.qvel0) d.qvel.set(cond.qvel0);
    if (cond.mocap) {
      const mp = d.mocapPos;
      for (const [body, pos] of Object.entries(cond.mocap)) {
        const at = 3 * this.model.mocapId(body);
        mp.set(pos, at);
        if (targetOffset) for (let i = 0; i < 3; i++) mp[at + i] += targetOffset[i];
      }
    }
    this.eeTarget.set(cond.eeTarget);
    if (targetOffset) {
      for (let i = 0; i < this.eeTarget.length; i++) this.eeTarget[i] += targetOffset[i % 3];
    }
    d.forward();
    this.updateDerived();
    this.check(0);
  }

  /** Set joint positions and velocities (e.g. from a state vector) and recompute kinematics. */
  setJointState(qpos: ArrayLike<number>, qvel: ArrayLike<number>, qOff = 0, vOff = 0): void {
    const d = this.data;
    const q = d.qpos;
    const v = d.qvel;
    for (let i = 0; i < this.dQ; i++) {
      q[i] = qpos[qOff + i];
      v[i] = qvel[vOff + i];
    }
    d.kinematics();
    this.updateDerived();
  }

  /**
   * Recompute ee points, velocities and Jacobians from the current kinematics (joint anchors
   * and axes): column j of a point's Jacobian is axis_j × (p − anchor_j) for a hinge and
   * axis_j for a slide joint on the point's chain, zero otherwise (what `mj_jac` computes,
   * without a call into wasm).
   */
  updateDerived(): void {
    const d = this.data;
    const nv = this.dQ;
    const sx = d.siteXpos;
    const qvel = d.qvel;
    const anchor = d.xanchor;
    const axis = d.xaxis;
    const J = this.eeJac;
    J.fill(0);
    for (let p = 0; p < this.nPoints; p++) {
      const s3 = 3 * this.siteIds[p];
      const px = sx[s3];
      const py = sx[s3 + 1];
      const pz = sx[s3 + 2];
      this.ee[3 * p] = px;
      this.ee[3 * p + 1] = py;
      this.ee[3 * p + 2] = pz;
      const r0 = 3 * p * nv;
      const chain = this.chains[p];
      for (let c = 0; c < chain.length; c += 3) {
        const j3 = 3 * chain[c];
        const dof = chain[c + 1];
        const ax = axis[j3];
        const ay = axis[j3 + 1];
        const az = axis[j3 + 2];
        if (chain[c + 2] === 1) {
          const rx = px - anchor[j3];
          const ry = py - anchor[j3 + 1];
          const rz = pz - anchor[j3 + 2];
          J[r0 + dof] = ay * rz - az * ry;
          J[r0 + nv + dof] = az * rx - ax * rz;
          J[r0 + 2 * nv + dof] = ax * ry - ay * rx;
        } else {
          J[r0 + dof] = ax;
          J[r0 + nv + dof] = ay;
          J[r0 + 2 * nv + dof] = az;
        }
      }
      for (let r = 0; r < 3; r++) {
        let v = 0;
        const row = r0 + r * nv;
        for (let j = 0; j < nv; j++) v += J[row + j] * qvel[j];
        this.eeVel[3 * p + r] = v;
      }
    }
  }

  /** Write x_t = [q, q̇, ee - target, ee velocity] into `x` at `off`. */
  writeState(x: Float64Array, off = 0): void {
    const d = this.data;
    const q = d.qpos;
    const v = d.qvel;
    const n = this.dQ;
    for (let i = 0; i < n; i++) {
      x[off + i] = q[i];
      x[off + n + i] = v[i];
    }
    const e = off + 2 * n;
    const m = 3 * this.nPoints;
    for (let i = 0; i < m; i++) {
      x[e + i] = this.ee[i] - this.eeTarget[i];
      x[e + m + i] = this.eeVel[i];
    }
  }

  /**
   * Apply `u` (clipped to the torque limits, kept in {@link applied}) for one control period
   * (`substeps` physics steps), then bring kinematics up to date.
   *
   * @param t - control step, for error messages
   * @throws {@link SimulationError} on a non-finite action or a diverged state
   */
  step(u: Float64Array, t: number): void {
    const d = this.data;
    this.clip(u, t);
    d.ctrl.set(this.applied);
    const t0 = d.time;
    for (let s = 0; s < this.spec.substeps; s++) d.step();
    if (d.time < t0 + 0.5 * this.spec.substeps * this.model.timestep) {
      throw new SimulationError(
        this.spec.name,
        this.condition,
        t,
        'MuJoCo reset the simulation (bad position, velocity or acceleration: the state diverged)',
      );
    }
    d.kinematics();
    this.updateDerived();
    this.check(t + 1);
  }

  /**
   * Check `u` is finite and clip it to the torque limits into {@link applied} (no stepping).
   *
   * @throws {@link SimulationError} on a non-finite action
   */
  clip(u: Float64Array, t: number): void {
    for (let i = 0; i < this.dU; i++) {
      const ui = u[i];
      if (!Number.isFinite(ui)) {
        throw new SimulationError(
          this.spec.name,
          this.condition,
          t,
          `policy produced a non-finite action u[${i}] = ${ui}`,
        );
      }
      const lim = this.limits[i];
      this.applied[i] = ui > lim ? lim : Math.max(ui, -lim);
    }
  }

  /** Throw if the current state is non-finite or faster than `maxJointSpeed`. */
  check(t: number): void {
    const q = this.data.qpos;
    const v = this.data.qvel;
    const max = this.spec.maxJointSpeed;
    for (let i = 0; i < this.dQ; i++) {
      if (!Number.isFinite(q[i]) || !Number.isFinite(v[i])) {
        throw new SimulationError(
          this.spec.name,
          this.condition,
          t,
          `non-finite joint state q[${i}] = ${q[i]}, qdot[${i}] = ${v[i]}`,
        );
      }
      if (Math.abs(v[i]) > max) {
        throw new SimulationError(
          this.spec.name,
          this.condition,
          t,
          `joint ${i} speed ${v[i].toPrecision(4)} exceeds ${max}: the state exploded`,
        );
      }
    }
  }

  /** Release the engine model and data. */
  dispose(): void {
    this.model.dispose();
  }
}
