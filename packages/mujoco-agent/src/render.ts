/**
 * Camera images without OpenGL: one ray per pixel through MuJoCo's batched ray cast
 * (`mj_multiRay`), shaded by geom colour with Lambert lighting and analytic normals for
 * primitive geoms. Gives RGB, depth and per-pixel geom segmentation.
 *
 * @packageDocumentation
 */
import type { EngineData, EngineModel } from './engine.js';
import { GeomType } from './engine.js';

/** One rendered frame. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  /** `[H, W, 3]` RGB, row 0 at the top. */
  readonly rgb: Uint8Array;
  /** `[H, W]` distance along each pixel's ray (m), -1 where nothing was hit. */
  readonly depth: Float32Array;
  /** `[H, W]` geom id hit by each pixel, -1 for background. */
  readonly segmentation: Int32Array;
}

const BACKGROUND = [0.16, 0.17, 0.2];
const AMBIENT = 0.3;
const HEADLIGHT = 0.45;
const TOPLIGHT = 0.35;

/** Ray-cast renderer of one fixed camera of a model. Allocation-free per frame. */
export class RayRenderer {
  readonly width: number;
  readonly height: number;
  private readonly n: number;
  private readonly origin = new Float64Array(3);
  private readonly rot = new Float64Array(9);
  /** `[n, 3]` unit ray directions in the world frame. */
  private readonly dirs: Float64Array;
  /** `[n, 3]` directions in the camera frame (fixed). */
  private readonly camDirs: Float64Array;
  private readonly geom: Int32Array;
  private readonly dist: Float64Array;
  private readonly rgb: Uint8Array;
  private readonly depth: Float32Array;
  private readonly frame: Frame;
  /** Boxes and planes, intersected analytically (see castFlat). */
  private readonly flat: Int32Array;

  constructor(
    private readonly model: EngineModel,
    private readonly data: EngineData,
    private readonly cameraId: number,
    width: number,
    height: number,
  ) {
    this.width = width;
    this.height = height;
    const n = width * height;
    this.n = n;
    this.dirs = new Float64Array(3 * n);
    this.camDirs = new Float64Array(3 * n);
    this.geom = new Int32Array(n);
    this.dist = new Float64Array(n);
    this.rgb = new Uint8Array(3 * n);
    this.depth = new Float32Array(n);
    // MuJoCo cameras look along -z with y up; fovy is the vertical field of view.
    const tanY = Math.tan((model.camFovy[cameraId] * Math.PI) / 360);
    const tanX = (tanY * width) / height;
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const x = ((2 * (j + 0.5)) / width - 1) * tanX;
        const y = (1 - (2 * (i + 0.5)) / height) * tanY;
        const inv = 1 / Math.sqrt(x * x + y * y + 1);
        const p = 3 * (i * width + j);
        this.camDirs[p] = x * inv;
        this.camDirs[p + 1] = y * inv;
        this.camDirs[p + 2] = -inv;
      }
    }
    const flat: number[] = [];
    for (let g = 0; g < model.ngeom; g++) {
      if (model.geomType[g] === GeomType.box || model.geomType[g] === GeomType.plane) flat.push(g);
    }
    this.flat = Int32Array.from(flat);
    this.frame = {
      width,
      height,
      rgb: this.rgb,
      depth: this.depth,
      segmentation: this.geom,
    };
  }

  /**
   * Render the current state (kinematics must be current). The returned frame's arrays are
   * reused by the next call: copy what you keep.
   */
  render(): Frame {
    const d = this.data;
    const cp = d.camXpos;
    const cm = d.camXmat;
    const c3 = 3 * this.cameraId;
    const c9 = 9 * this.cameraId;
    this.origin[0] = cp[c3];
    this.origin[1] = cp[c3 + 1];
    this.origin[2] = cp[c3 + 2];
    const R = this.rot;
    for (let i = 0; i < 9; i++) R[i] = cm[c9 + i];
    const cd = this.camDirs;
    const dirs = this.dirs;
    for (let p = 0; p < 3 * this.n; p += 3) {
      const x = cd[p];
      const y = cd[p + 1];
      const z = cd[p + 2];
      dirs[p] = R[0] * x + R[1] * y + R[2] * z;
      dirs[p + 1] = R[3] * x + R[4] * y + R[5] * z;
      dirs[p + 2] = R[6] * x + R[7] * y + R[8] * z;
    }
    d.multiRay(this.origin, dirs, this.n, this.geom, this.dist, null);
    this.castFlat();
    this.shade(R);
    return this.frame;
  }

  /**
   * Intersect every ray with the boxes and planes analytically and keep the nearer hit.
   * `mj_multiRay` culls geoms by the angular extent of their bounding-box corners seen from
   * the ray origin, which misses the inside of large flat geoms below the camera (a floor
   * renders as a disc); `mj_ray` agrees with this test.
   */
  private castFlat(): void {
    const m = this.model;
    const gx = this.data.geomXpos;
    const gm = this.data.geomXmat;
    const o = this.origin;
    const dirs = this.dirs;
    for (const g of this.flat) {
      const g3 = 3 * g;
      const g9 = 9 * g;
      const px = o[0] - gx[g3];
      const py = o[1] - gx[g3 + 1];
      const pz = o[2] - gx[g3 + 2];
      // Origin in the geom frame.
      const ox = gm[g9] * px + gm[g9 + 3] * py + gm[g9 + 6] * pz;
      const oy = gm[g9 + 1] * px + gm[g9 + 4] * py + gm[g9 + 7] * pz;
      const oz = gm[g9 + 2] * px + gm[g9 + 5] * py + gm[g9 + 8] * pz;
      const sx = m.geomSize[g3];
      const sy = m.geomSize[g3 + 1];
      const sz = m.geomSize[g3 + 2];
      const isPlane = m.geomType[g] === GeomType.plane;
      if (isPlane && oz <= 0) continue; // planes are one-sided
      // A box that looks small from the camera is bounded well by its corners: leave it to
      // mj_multiRay.
      if (!isPlane && sx * sx + sy * sy + sz * sz < 0.04 * (px * px + py * py + pz * pz)) continue;
      for (let p = 0; p < this.n; p++) {
        const q = 3 * p;
        const dx = dirs[q];
        const dy = dirs[q + 1];
        const dz = dirs[q + 2];
        const lx = gm[g9] * dx + gm[g9 + 3] * dy + gm[g9 + 6] * dz;
        const ly = gm[g9 + 1] * dx + gm[g9 + 4] * dy + gm[g9 + 7] * dz;
        const lz = gm[g9 + 2] * dx + gm[g9 + 5] * dy + gm[g9 + 8] * dz;
        let t: number;
        if (isPlane) {
          if (lz >= 0) continue;
          t = -oz / lz;
          const hx = ox + t * lx;
          const hy = oy + t * ly;
          if ((sx > 0 && Math.abs(hx) > sx) || (sy > 0 && Math.abs(hy) > sy)) continue;
        } else {
          let tn = -Infinity;
          let tf = Infinity;
          // Slabs: x, y, z.
          if (lx !== 0) {
            const a = (-sx - ox) / lx;
            const b = (sx - ox) / lx;
            tn = Math.max(tn, Math.min(a, b));
            tf = Math.min(tf, Math.max(a, b));
          } else if (Math.abs(ox) > sx) continue;
          if (ly !== 0) {
            const a = (-sy - oy) / ly;
            const b = (sy - oy) / ly;
            tn = Math.max(tn, Math.min(a, b));
            tf = Math.min(tf, Math.max(a, b));
          } else if (Math.abs(oy) > sy) continue;
          if (lz !== 0) {
            const a = (-sz - oz) / lz;
            const b = (sz - oz) / lz;
            tn = Math.max(tn, Math.min(a, b));
            tf = Math.min(tf, Math.max(a, b));
          } else if (Math.abs(oz) > sz) continue;
          if (tn > tf || tn <= 0) continue;
          t = tn;
        }
        const cur = this.dist[p];
        if (this.geom[p] < 0 || cur < 0 || t < cur) {
          this.dist[p] = t;
          this.geom[p] = g;
        }
      }
    }
  }

  private shade(R: Float64Array): void {
    const m = this.model;
    const gx = this.data.geomXpos;
    const gm = this.data.geomXmat;
    const types = m.geomType;
    const size = m.geomSize;
    const rgba = m.geomRgba;
    const o = this.origin;
    // Top light from above and slightly behind the camera.
    const lx = 0.3 * R[2];
    const ly = 0.3 * R[5];
    const lz = 0.95;
    const ln = 1 / Math.sqrt(lx * lx + ly * ly + lz * lz);
    for (let p = 0; p < this.n; p++) {
      const g = this.geom[p];
      const dist = this.dist[p];
      const q = 3 * p;
      if (g < 0 || dist < 0) {
        this.depth[p] = -1;
        this.geom[p] = -1;
        this.rgb[q] = BACKGROUND[0] * 255;
        this.rgb[q + 1] = BACKGROUND[1] * 255;
        this.rgb[q + 2] = BACKGROUND[2] * 255;
        continue;
      }
      this.depth[p] = dist;
      const dx = this.dirs[q];
      const dy = this.dirs[q + 1];
      const dz = this.dirs[q + 2];
      // Hit point relative to the geom centre, in the geom frame: l = Rgᵀ (p - c).
      const g3 = 3 * g;
      const g9 = 9 * g;
      const px = o[0] + dist * dx - gx[g3];
      const py = o[1] + dist * dy - gx[g3 + 1];
      const pz = o[2] + dist * dz - gx[g3 + 2];
      const lx0 = gm[g9] * px + gm[g9 + 3] * py + gm[g9 + 6] * pz;
      const ly0 = gm[g9 + 1] * px + gm[g9 + 4] * py + gm[g9 + 7] * pz;
      const lz0 = gm[g9 + 2] * px + gm[g9 + 5] * py + gm[g9 + 8] * pz;
      const s0 = size[g3];
      const s1 = size[g3 + 1];
      const s2 = size[g3 + 2];
      let nx = 0;
      let ny = 0;
      let nz = 1;
      switch (types[g]) {
        case GeomType.plane:
          break;
        case GeomType.sphere:
          nx = lx0;
          ny = ly0;
          nz = lz0;
          break;
        case GeomType.capsule: {
          const zc = lz0 > s1 ? s1 : Math.max(lz0, -s1);
          nx = lx0;
          ny = ly0;
          nz = lz0 - zc;
          break;
        }
        case GeomType.ellipsoid:
          nx = lx0 / (s0 * s0);
          ny = ly0 / (s1 * s1);
          nz = lz0 / (s2 * s2);
          break;
        case GeomType.cylinder: {
          const radial = Math.sqrt(lx0 * lx0 + ly0 * ly0);
          if (Math.abs(Math.abs(lz0) - s1) < Math.abs(radial - s0)) {
            nx = 0;
            ny = 0;
            nz = lz0 > 0 ? 1 : -1;
          } else {
            nx = lx0;
            ny = ly0;
            nz = 0;
          }
          break;
        }
        case GeomType.box: {
          const ex = Math.abs(Math.abs(lx0) - s0);
          const ey = Math.abs(Math.abs(ly0) - s1);
          const ez = Math.abs(Math.abs(lz0) - s2);
          nx = 0;
          ny = 0;
          nz = 0;
          if (ex <= ey && ex <= ez) nx = lx0 > 0 ? 1 : -1;
          else if (ey <= ez) ny = ly0 > 0 ? 1 : -1;
          else nz = lz0 > 0 ? 1 : -1;
          break;
        }
        default:
          // Meshes and others: face the camera.
          nx = -(gm[g9] * dx + gm[g9 + 3] * dy + gm[g9 + 6] * dz);
          ny = -(gm[g9 + 1] * dx + gm[g9 + 4] * dy + gm[g9 + 7] * dz);
          nz = -(gm[g9 + 2] * dx + gm[g9 + 5] * dy + gm[g9 + 8] * dz);
      }
      // To world: n = Rg n_local.
      let wx = gm[g9] * nx + gm[g9 + 1] * ny + gm[g9 + 2] * nz;
      let wy = gm[g9 + 3] * nx + gm[g9 + 4] * ny + gm[g9 + 5] * nz;
      let wz = gm[g9 + 6] * nx + gm[g9 + 7] * ny + gm[g9 + 8] * nz;
      const nn = Math.sqrt(wx * wx + wy * wy + wz * wz) || 1;
      wx /= nn;
      wy /= nn;
      wz /= nn;
      let facing = -(wx * dx + wy * dy + wz * dz);
      if (facing < 0) {
        wx = -wx;
        wy = -wy;
        wz = -wz;
        facing = -facing;
      }
      const top = (wx * lx + wy * ly + wz * lz) * ln;
      const shade = AMBIENT + HEADLIGHT * facing + TOPLIGHT * Math.max(top, 0);
      const g4 = 4 * g;
      this.rgb[q] = clamp255(rgba[g4] * shade);
      this.rgb[q + 1] = clamp255(rgba[g4 + 1] * shade);
      this.rgb[q + 2] = clamp255(rgba[g4 + 2] * shade);
    }
  }
}

function clamp255(v: number): number {
  const x = Math.round(v * 255);
  return x > 255 ? 255 : Math.max(x, 0);
}
