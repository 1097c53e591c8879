/**
 * MJCF camera placement helper.
 *
 * @packageDocumentation
 */

/**
 * The `pos` and `xyaxes` attributes of an MJCF camera at `eye` looking at `target` with world
 * z up (MuJoCo cameras look along their -z axis, y up).
 */
export function lookAt(
  eye: readonly [number, number, number],
  target: readonly [number, number, number],
): string {
  const f = [target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]];
  const fn = Math.hypot(f[0], f[1], f[2]);
  const fz = f.map((v) => v / fn);
  // x = f × up, y = x × f
  let x = [fz[1], -fz[0], 0];
  const xn = Math.hypot(x[0], x[1], x[2]) || 1;
  x = x.map((v) => v / xn);
  const y = [x[1] * fz[2] - x[2] * fz[1], x[2] * fz[0] - x[0] * fz[2], x[0] * fz[1] - x[1] * fz[0]];
  const r = (v: number) => Number(v.toFixed(4));
  return `pos="${eye.join(' ')}" xyaxes="${[...x, ...y].map(r).join(' ')}"`;
}
