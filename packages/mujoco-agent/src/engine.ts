/**
 * The ONE adapter between this package and MuJoCo's WebAssembly build. Everything else talks
 * to {@link Engine}, {@link EngineModel} and {@link EngineData}; switching engines is a change
 * of {@link ENGINE} in this file.
 *
 * Facts this layer takes care of:
 * - output arrays of MuJoCo functions must live in wasm memory (plain typed arrays are
 *   silently not written), so outputs go through engine-owned buffers and are copied out;
 * - views into wasm memory go stale (detached) when the memory grows, so every view is
 *   re-fetched when its buffer is detached;
 * - positions after `mj_step` describe the previous state until kinematics run again, so
 *   {@link EngineData.step} offers `kinematics()` to make them current;
 * - every embind object is `.delete()`d by its owner (`dispose()`).
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ModelLoadError } from './errors.js';

/** The two WebAssembly builds of MuJoCo on npm. */
export type EngineKind = '@mujoco/mujoco' | 'mujoco-js';

/**
 * The engine in use. `mujoco-js` 0.0.7 (MuJoCo 3.3.8) and `@mujoco/mujoco` 3.14.0 both
 * work behind this adapter; see the README for the measurement behind the choice.
 */
export const ENGINE: EngineKind = 'mujoco-js';

// biome-ignore lint/suspicious/noExplicitAny: the shipped bindings are typed `any`; this file is the typed layer.
type Raw = any;

const require_ = createRequire(import.meta.url);

/** A compiled `WebAssembly.Module` of the engine (postable to worker threads). */
export type CompiledWasm = object;

/** The slice of the WebAssembly JS API used here (the Node typings lack it without DOM). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<CompiledWasm>;
  instantiate(module: CompiledWasm, imports: object): Promise<object>;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** mjtObj values for mj_name2id. */
const MJ_OBJ_BODY = 1;
const MJ_OBJ_GEOM = 5;
const MJ_OBJ_SITE = 6;
const MJ_OBJ_CAMERA = 7;
const MJ_OBJ_JOINT = 3;
const MJ_OBJ_ACTUATOR = 19;

/** MuJoCo geom types (mjtGeom). */
export const GeomType = {
  plane: 0,
  hfield: 1,
  sphere: 2,
  capsule: 3,
  ellipsoid: 4,
  cylinder: 5,
  box: 6,
  mesh: 7,
} as const;

/**
 * Compile the engine's wasm binary once, to share between worker threads
 * (a `WebAssembly.Module` can be posted to a worker).
 */
export function compileEngineWasm(kind: EngineKind = ENGINE): Promise<CompiledWasm> {
  // One module per build and process: engines and pool workers instantiated from it share the
  // compiled code, including what V8 has tiered up (optimised) so far.
  let p = compiled.get(kind);
  if (!p) {
    p = compileWasm(kind);
    p.catch(() => compiled.delete(kind));
    compiled.set(kind, p);
  }
  return p;
}

const compiled = new Map<EngineKind, Promise<CompiledWasm>>();

async function compileWasm(kind: EngineKind): Promise<CompiledWasm> {
  if (kind === '@mujoco/mujoco') {
    const bytes = await readFile(require_.resolve('@mujoco/mujoco/mujoco.wasm'));
    return WA.compile(bytes);
  }
  // mujoco-js embeds its binary as base64 in the glue file.
  const js = await readFile(require_.resolve('mujoco-js'), 'utf8');
  const start = js.indexOf("base64Decode('AGFzbQ");
  if (start < 0) throw new Error('mujoco-js: embedded wasm binary not found');
  const from = start + "base64Decode('".length;
  const end = js.indexOf("'", from);
  return WA.compile(Buffer.from(js.slice(from, end), 'base64'));
}

/** Options of {@link loadEngine}. */
export interface LoadEngineOptions {
  /** A module from {@link compileEngineWasm}: skips compiling the binary again. */
  wasmModule?: CompiledWasm;
  /** Which build (default {@link ENGINE}). */
  kind?: EngineKind;
}

/** Instantiate MuJoCo (once per thread). */
export async function loadEngine(opts: LoadEngineOptions = {}): Promise<Engine> {
  const kind = opts.kind ?? ENGINE;
  const factory: (o?: unknown) => Promise<Raw> =
    kind === '@mujoco/mujoco'
      ? (await import('@mujoco/mujoco')).default
      : (await import('mujoco-js')).default;
  const wasmModule = opts.wasmModule ?? (await compileEngineWasm(kind));
  const mj = await factory({
    instantiateWasm(imports: object, done: (inst: object, mod: CompiledWasm) => void) {
      WA.instantiate(wasmModule, imports).then((inst) => done(inst, wasmModule));
      return {};
    },
    print: () => {},
    printErr: () => {},
  });
  return new Engine(mj, kind);
}

function errorText(e: unknown): string {
  if (e instanceof Error && e.message) return e.message;
  // mujoco-js throws a CppException without text: keep its C++ type name.
  if (e && typeof e === 'object' && 'name' in e) {
    return `${String((e as { name: unknown }).name)} (this engine gives no text; MujocoAgent.create reports the XML error)`;
  }
  return String(e);
}

let explainer: Promise<Raw> | null = null;

/** MuJoCo's readable XML error for `xml`, from `@mujoco/mujoco` (null if it compiles there). */
export async function explainXmlError(xml: string): Promise<string | null> {
  explainer ??= (async () => {
    const factory = (await import('@mujoco/mujoco')).default as (o?: unknown) => Promise<Raw>;
    return factory({ print: () => {}, printErr: () => {} });
  })();
  const mj = await explainer;
  try {
    mj.MjModel.from_xml_string(xml).delete();
    return null;
  } catch (e) {
    return errorText(e);
  }
}

/** A loaded MuJoCo module. */
export class Engine {
  private fileCounter = 0;
  /** @internal */
  constructor(
    /** @internal */ readonly mj: Raw,
    readonly kind: EngineKind,
  ) {}

  /** Engine name and MuJoCo version, e.g. `mujoco-js (MuJoCo 3.3.8)`. */
  get version(): string {
    return this.kind === '@mujoco/mujoco'
      ? '@mujoco/mujoco 3.14.0'
      : 'mujoco-js 0.0.7 (MuJoCo 3.3.8)';
  }

  /**
   * Compile an MJCF model.
   *
   * @param xml - MJCF text
   * @param label - name used in error messages (the task name)
   * @throws {@link ModelLoadError} with MuJoCo's message
   */
  compile(xml: string, label: string): EngineModel {
    let raw: Raw;
    try {
      if (this.kind === '@mujoco/mujoco') {
        raw = this.mj.MjModel.from_xml_string(xml);
      } else {
        const path = `/model_${this.fileCounter++}.xml`;
        this.mj.FS.writeFile(path, xml);
        try {
          raw = this.mj.MjModel.loadFromXML(path);
        } finally {
          this.mj.FS.unlink(path);
        }
      }
    } catch (e) {
      throw new ModelLoadError(label, errorText(e));
    }
    if (!raw) throw new ModelLoadError(label, 'no model returned');
    return new EngineModel(this, raw, label);
  }

  /** Bytes of wasm memory currently reserved (grows, never shrinks). */
  heapBytes(): number {
    return this.memoryProbe().buffer.byteLength;
  }

  private probe: Raw = null;
  private memoryProbe(): Float64Array {
    if (!this.probe) this.probe = new this.mj.DoubleBuffer(1);
    return this.probe.GetView();
  }

  /** Allocate `n` doubles in wasm memory (for outputs). */
  doubleBuffer(n: number): WasmArray<Float64Array> {
    return new WasmArray<Float64Array>(new this.mj.DoubleBuffer(Math.max(1, n)), n);
  }

  /** Allocate `n` int32 in wasm memory (for outputs). */
  intBuffer(n: number): WasmArray<Int32Array> {
    return new WasmArray<Int32Array>(new this.mj.IntBuffer(Math.max(1, n)), n);
  }

  /** Release engine-level helpers. Models and datas are released by their owners. */
  dispose(): void {
    if (this.probe) {
      this.probe.delete();
      this.probe = null;
    }
  }
}

/** A typed array living in wasm memory, re-fetched when memory growth detaches it. */
export class WasmArray<A extends Float64Array | Int32Array> {
  private v: A;
  constructor(
    private handle: Raw,
    readonly length: number,
  ) {
    this.v = handle.GetView();
  }
  /** Current view (valid until the next wasm allocation). */
  get view(): A {
    if (this.v.buffer.byteLength === 0) this.v = this.handle.GetView();
    return this.v;
  }
  delete(): void {
    if (this.handle) {
      this.handle.delete();
      this.handle = null;
    }
  }
}

/** A compiled model with its dimensions and the static arrays the renderer needs (copied). */
export class EngineModel {
  readonly nq: number;
  readonly nv: number;
  readonly nu: number;
  readonly nbody: number;
  readonly ngeom: number;
  readonly nsite: number;
  readonly ncam: number;
  readonly nmocap: number;
  readonly njnt: number;
  /** Physics time step (s). */
  readonly timestep: number;
  /** `[ngeom]` mjtGeom type of each geom. */
  readonly geomType: Int32Array;
  /** `[ngeom, 3]` geom sizes. */
  readonly geomSize: Float64Array;
  /** `[ngeom, 4]` geom RGBA (material colour when the geom has a material). */
  readonly geomRgba: Float32Array;
  /** `[ngeom]` body of each geom. */
  readonly geomBodyId: Int32Array;
  /** `[ngeom]` visual group of each geom. */
  readonly geomGroup: Int32Array;
  /** `[nu, 2]` actuator control ranges. */
  readonly ctrlRange: Float64Array;
  /** `[njnt]` joint types (mjtJoint: 0 free, 1 ball, 2 slide, 3 hinge). */
  readonly jntType: Int32Array;
  /** `[nbody]` mocap index of each body, -1 if not mocap. */
  readonly bodyMocapId: Int32Array;
  /** `[ncam]` vertical field of view (degrees). */
  readonly camFovy: Float64Array;
  /** `[njnt]` body of each joint. */
  readonly jntBodyId: Int32Array;
  /** `[njnt]` first dof of each joint. */
  readonly jntDofAdr: Int32Array;
  /** `[nbody]` parent of each body (world: 0). */
  readonly bodyParentId: Int32Array;
  /** `[nsite]` body of each site. */
  readonly siteBodyId: Int32Array;
  private datas = new Set<EngineData>();

  /** @internal */
  constructor(
    readonly engine: Engine,
    /** @internal */ readonly raw: Raw,
    readonly label: string,
  ) {
    this.nq = raw.nq;
    this.nv = raw.nv;
    this.nu = raw.nu;
    this.nbody = raw.nbody;
    this.ngeom = raw.ngeom;
    this.nsite = raw.nsite;
    this.ncam = raw.ncam;
    this.nmocap = raw.nmocap;
    this.njnt = raw.njnt;
    this.timestep = raw.opt.timestep;
    this.geomType = Int32Array.from(raw.geom_type);
    this.geomSize = Float64Array.from(raw.geom_size);
    this.geomBodyId = Int32Array.from(raw.geom_bodyid);
    this.geomGroup = Int32Array.from(raw.geom_group);
    this.ctrlRange = Float64Array.from(raw.actuator_ctrlrange);
    this.jntType = Int32Array.from(raw.jnt_type);
    this.bodyMocapId = Int32Array.from(raw.body_mocapid);
    this.camFovy = Float64Array.from(raw.cam_fovy);
    this.jntBodyId = Int32Array.from(raw.jnt_bodyid);
    this.jntDofAdr = Int32Array.from(raw.jnt_dofadr);
    this.bodyParentId = Int32Array.from(raw.body_parentid);
    this.siteBodyId = Int32Array.from(raw.site_bodyid);
    const rgba = Float32Array.from(raw.geom_rgba);
    const matid = Int32Array.from(raw.geom_matid);
    const matRgba = raw.nmat > 0 ? Float32Array.from(raw.mat_rgba) : new Float32Array(0);
    for (let g = 0; g < this.ngeom; g++) {
      const m = matid[g];
      if (m >= 0) for (let c = 0; c < 4; c++) rgba[4 * g + c] = matRgba[4 * m + c];
    }
    this.geomRgba = rgba;
  }

  private id(kind: number, what: string, name: string): number {
    const id = this.engine.mj.mj_name2id(this.raw, kind, name);
    if (id < 0) throw new ModelLoadError(this.label, `no ${what} named "${name}"`);
    return id;
  }
  siteId(name: string): number {
    return this.id(MJ_OBJ_SITE, 'site', name);
  }
  bodyId(name: string): number {
    return this.id(MJ_OBJ_BODY, 'body', name);
  }
  geomId(name: string): number {
    return this.id(MJ_OBJ_GEOM, 'geom', name);
  }
  cameraId(name: string): number {
    return this.id(MJ_OBJ_CAMERA, 'camera', name);
  }
  jointId(name: string): number {
    return this.id(MJ_OBJ_JOINT, 'joint', name);
  }
  actuatorId(name: string): number {
    return this.id(MJ_OBJ_ACTUATOR, 'actuator', name);
  }
  /** Mocap index of a mocap body. */
  mocapId(bodyName: string): number {
    const m = this.bodyMocapId[this.bodyId(bodyName)];
    if (m < 0) throw new ModelLoadError(this.label, `body "${bodyName}" is not a mocap body`);
    return m;
  }

  /** A new simulation state for this model (release it with `dispose()`). */
  newData(): EngineData {
    const d = new EngineData(this);
    this.datas.add(d);
    return d;
  }
  /** @internal */
  forget(d: EngineData): void {
    this.datas.delete(d);
  }

  /** Release the model and every data still alive. */
  dispose(): void {
    for (const d of [...this.datas]) d.dispose();
    this.raw.delete();
  }
}

type ViewName =
  | 'qpos'
  | 'qvel'
  | 'ctrl'
  | 'site_xpos'
  | 'geom_xpos'
  | 'geom_xmat'
  | 'cam_xpos'
  | 'cam_xmat'
  | 'mocap_pos'
  | 'xanchor'
  | 'xaxis';

/** A simulation state (MjData) with typed, staleness-safe views. */
export class EngineData {
  /** @internal */ readonly raw: Raw;
  private readonly mj: Raw;
  private readonly views: Record<ViewName, Float64Array>;
  private readonly jacp: WasmArray<Float64Array>;
  private readonly jacr: WasmArray<Float64Array>;
  private rayBufs: {
    n: number;
    geom: WasmArray<Int32Array>;
    dist: WasmArray<Float64Array>;
    normal: WasmArray<Float64Array> | null;
  } | null = null;
  private readonly allGroups = new Uint8Array([1, 1, 1, 1, 1, 1]);
  private disposed = false;

  /** @internal */
  constructor(readonly model: EngineModel) {
    this.mj = model.engine.mj;
    this.raw = new this.mj.MjData(model.raw);
    this.views = {} as Record<ViewName, Float64Array>;
    this.jacp = model.engine.doubleBuffer(3 * model.nv);
    this.jacr = model.engine.doubleBuffer(3 * model.nv);
  }

  private view(name: ViewName): Float64Array {
    const v = this.views[name];
    if (v !== undefined && v.buffer.byteLength !== 0) return v;
    const fresh = this.raw[name] as Float64Array;
    this.views[name] = fresh;
    return fresh;
  }

  /** `[nq]` joint positions (live view). */
  get qpos(): Float64Array {
    return this.view('qpos');
  }
  /** `[nv]` joint velocities (live view). */
  get qvel(): Float64Array {
    return this.view('qvel');
  }
  /** `[nu]` controls (live view, write before stepping). */
  get ctrl(): Float64Array {
    return this.view('ctrl');
  }
  /** `[nsite, 3]` site positions (valid after kinematics). */
  get siteXpos(): Float64Array {
    return this.view('site_xpos');
  }
  /** `[ngeom, 3]` geom positions. */
  get geomXpos(): Float64Array {
    return this.view('geom_xpos');
  }
  /** `[ngeom, 9]` geom orientations (row-major rotation matrices). */
  get geomXmat(): Float64Array {
    return this.view('geom_xmat');
  }
  /** `[ncam, 3]` camera positions. */
  get camXpos(): Float64Array {
    return this.view('cam_xpos');
  }
  /** `[ncam, 9]` camera orientations. */
  get camXmat(): Float64Array {
    return this.view('cam_xmat');
  }
  /** `[njnt, 3]` joint anchors in the world frame (after kinematics). */
  get xanchor(): Float64Array {
    return this.view('xanchor');
  }
  /** `[njnt, 3]` joint axes in the world frame (after kinematics). */
  get xaxis(): Float64Array {
    return this.view('xaxis');
  }
  /** `[nmocap, 3]` mocap body positions (writable). */
  get mocapPos(): Float64Array {
    return this.view('mocap_pos');
  }
  /** Simulation time (s). */
  get time(): number {
    return this.raw.time;
  }

  /**
   * How many times MuJoCo flagged a bad position, velocity or acceleration (and reset the
   * simulation) since the last reset. Slow (copies the warning table): call once per rollout.
   */
  divergenceWarnings(): number {
    // Items read from the table are copies in both builds (delete them); the table itself is a
    // copy in mujoco-js (delete it) but owned by the MjData in @mujoco/mujoco (deleting it
    // corrupts the MjData).
    const v = this.raw.warning;
    let n = 0;
    try {
      for (const w of [4, 5, 6]) {
        const stat = v.get(w);
        if (stat) {
          n += stat.number;
          stat.delete();
        }
      }
    } finally {
      if (this.model.engine.kind === 'mujoco-js') v.delete();
    }
    return n;
  }

  /** mj_resetData: zero state, time 0, default mocap poses. */
  reset(): void {
    this.mj.mj_resetData(this.model.raw, this.raw);
  }
  /** mj_forward: every derived quantity of the current state. */
  forward(): void {
    this.mj.mj_forward(this.model.raw, this.raw);
  }
  /** One physics step (mj_step). Positions describe the pre-step state until {@link kinematics}. */
  step(): void {
    this.mj.mj_step(this.model.raw, this.raw);
  }
  /** mj_kinematics: global positions, orientations, joint anchors and axes for the current qpos. */
  kinematics(): void {
    this.mj.mj_kinematics(this.model.raw, this.raw);
  }
  /** mj_comPos: the com-based quantities {@link jacSite} needs (after {@link kinematics}). */
  comPos(): void {
    this.mj.mj_comPos(this.model.raw, this.raw);
  }

  /**
   * Translational Jacobian of a site via `mj_jacSite`, written to `out` `[3, nv]` (row-major).
   * Needs `forward()`, or `kinematics()` then `comPos()`, for the current qpos.
   */
  jacSite(siteId: number, out: Float64Array): void {
    this.mj.mj_jacSite(this.model.raw, this.raw, this.jacp.view, this.jacr.view, siteId);
    if (this.model.nv === 0) return;
    out.set(this.jacp.view);
  }

  /**
   * Cast `n` rays from one origin (mj_multiRay), all geom groups, static geoms included.
   *
   * @param origin - `[3]`
   * @param dirs - `[n, 3]` directions (need not be unit; distances are in units of |dir|)
   * @param outGeom - `[n]` hit geom id or -1
   * @param outDist - `[n]` distance or -1
   * @param outNormal - `[n, 3]` surface normals, or null. Only `@mujoco/mujoco` returns them;
   *   returns false when normals were requested but the engine cannot give them.
   */
  multiRay(
    origin: Float64Array,
    dirs: Float64Array,
    n: number,
    outGeom: Int32Array,
    outDist: Float64Array,
    outNormal: Float64Array | null,
    cutoff = 1e6,
  ): boolean {
    const wantNormal = outNormal !== null && this.model.engine.kind === '@mujoco/mujoco';
    let b = this.rayBufs;
    // The bindings check that output buffers hold exactly `n` entries.
    if (!b || b.n !== n || (wantNormal && !b.normal)) {
      if (b) {
        b.geom.delete();
        b.dist.delete();
        b.normal?.delete();
      }
      const e = this.model.engine;
      b = {
        n,
        geom: e.intBuffer(n),
        dist: e.doubleBuffer(n),
        normal: wantNormal ? e.doubleBuffer(3 * n) : null,
      };
      this.rayBufs = b;
    }
    if (this.model.engine.kind === '@mujoco/mujoco') {
      this.mj.mj_multiRay(
        this.model.raw,
        this.raw,
        origin,
        dirs,
        null,
        true,
        -1,
        b.geom.view,
        b.dist.view,
        b.normal ? b.normal.view : null,
        n,
        cutoff,
      );
    } else {
      this.mj.mj_multiRay(
        this.model.raw,
        this.raw,
        origin,
        dirs,
        this.allGroups,
        1,
        -1,
        b.geom.view,
        b.dist.view,
        n,
        cutoff,
      );
    }
    // Buffers hold exactly n entries: copy whole views (no subarray object per frame).
    outGeom.set(b.geom.view);
    outDist.set(b.dist.view);
    if (wantNormal && outNormal && b.normal) {
      outNormal.set(b.normal.view);
      return true;
    }
    return outNormal === null;
  }

  /** Release the MjData and its buffers (idempotent). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.jacp.delete();
    this.jacr.delete();
    if (this.rayBufs) {
      this.rayBufs.geom.delete();
      this.rayBufs.dist.delete();
      this.rayBufs.normal?.delete();
      this.rayBufs = null;
    }
    this.raw.delete();
    this.model.forget(this);
  }
}
