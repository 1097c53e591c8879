/**
 * The overhead cameras of the vision tasks (as in their MJCF), to mark world points on
 * figures.
 */
import type { VisionTaskName } from '@visuomotor/mujoco-agent';

/** Camera centre (x, y), height above the target plane (m), vertical field of view (deg). */
interface Camera {
  cx: number;
  cy: number;
  depth: number;
  fovy: number;
}

/** The reacher's overhead camera; its clutter variant is the same scene and camera. */
const REACHER_CAMERA: Camera = { cx: 0, cy: 0, depth: 0.6 - 0.002, fovy: 45 };

/** The camera of each vision task. */
export const CAMERAS: Record<VisionTaskName, Camera> = {
  'reacher-vision': REACHER_CAMERA,
  'reacher-vision-clutter': REACHER_CAMERA,
  'peg2d-vision': { cx: 0.3, cy: -0.2, depth: 1.45, fovy: 45 },
};

/** Pixel (column, row; pixel centres at integers) of a world point on the target plane. */
export function worldToPixel(
  task: VisionTaskName,
  x: number,
  y: number,
  W: number,
  H: number,
): [number, number] {
  const c = CAMERAS[task];
  const f = H / 2 / Math.tan(((c.fovy / 2) * Math.PI) / 180);
  return [W / 2 - 0.5 + ((x - c.cx) * f) / c.depth, H / 2 - 0.5 - ((y - c.cy) * f) / c.depth];
}
