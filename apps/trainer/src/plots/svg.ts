/**
 * Small SVG chart writers: line charts (axes, ticks, labels, legend), 2D path plots and a
 * strip of image frames. Text uses the `DejaVu Sans` family (shipped for PNG rendering).
 *
 * @packageDocumentation
 */

/** Colours per condition (Tableau 10). */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

/** Escape text for SVG. */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** "Nice" tick values covering [lo, hi] with about `count` ticks. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const span = hi - lo;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const first = Math.floor(lo / step) * step;
  const out: number[] = [];
  for (let v = first; v <= hi + step * 0.5; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
    if (out.length > 50) break;
  }
  if (out[out.length - 1] < hi) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

/** Format a tick label compactly. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** One series of a line chart. */
export interface Series {
  name: string;
  /** [x, y] points; non-finite y values are skipped. */
  points: readonly (readonly [number, number])[];
  color?: string;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  width?: number;
  height?: number;
  /** Draw a dot on every point. Default true. */
  markers?: boolean;
  /** Force integer x ticks (iterations). */
  integerX?: boolean;
  /** Horizontal reference line (e.g. the success distance), with a label. */
  reference?: { y: number; label: string };
}

interface Frame {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function axes(
  f: Frame,
  xt: number[],
  yt: number[],
  o: { title: string; xLabel: string; yLabel: string; width: number; height: number },
): string[] {
  const sx = (x: number) => f.left + ((x - f.x0) / (f.x1 - f.x0)) * (f.right - f.left);
  const sy = (y: number) => f.bottom - ((y - f.y0) / (f.y1 - f.y0)) * (f.bottom - f.top);
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${o.width}" height="${o.height}" fill="#ffffff"/>`);
  for (const y of yt) {
    const py = sy(y).toFixed(1);
    parts.push(
      `<line x1="${f.left}" y1="${py}" x2="${f.right}" y2="${py}" stroke="#e6e6e6" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${f.left - 8}" y="${py}" ${FONT} font-size="12" fill="#333" text-anchor="end" dominant-baseline="middle">${esc(tickLabel(y))}</text>`,
    );
  }
  for (const x of xt) {
    const px = sx(x).toFixed(1);
    parts.push(
      `<line x1="${px}" y1="${f.bottom}" x2="${px}" y2="${f.bottom + 5}" stroke="#333" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${px}" y="${f.bottom + 19}" ${FONT} font-size="12" fill="#333" text-anchor="middle">${esc(tickLabel(x))}</text>`,
    );
  }
  parts.push(
    `<rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}" fill="none" stroke="#333" stroke-width="1"/>`,
  );
  parts.push(
    `<text x="${o.width / 2}" y="24" ${FONT} font-size="16" font-weight="bold" fill="#111" text-anchor="middle">${esc(o.title)}</text>`,
  );
  parts.push(
    `<text x="${(f.left + f.right) / 2}" y="${o.height - 12}" ${FONT} font-size="13" fill="#111" text-anchor="middle">${esc(o.xLabel)}</text>`,
  );
  const cy = (f.top + f.bottom) / 2;
  parts.push(
    `<text x="18" y="${cy}" ${FONT} font-size="13" fill="#111" text-anchor="middle" transform="rotate(-90 18 ${cy})">${esc(o.yLabel)}</text>`,
  );
  return parts;
}

function legend(
  names: readonly { name: string; color: string }[],
  right: number,
  top: number,
): string[] {
  if (names.length === 0) return [];
  const w = Math.max(...names.map((n) => n.name.length)) * 7.5 + 34;
  const h = names.length * 18 + 8;
  const x = right - w - 8;
  const y = top + 8;
  const parts = [
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#ffffff" fill-opacity="0.85" stroke="#bbb"/>`,
  ];
  names.forEach((n, i) => {
    const ly = y + 13 + i * 18;
    parts.push(
      `<line x1="${x + 6}" y1="${ly}" x2="${x + 24}" y2="${ly}" stroke="${n.color}" stroke-width="2.5"/>`,
    );
    parts.push(
      `<text x="${x + 29}" y="${ly}" ${FONT} font-size="12" fill="#222" dominant-baseline="middle">${esc(n.name)}</text>`,
    );
  });
  return parts;
}

function bounds(values: number[]): [number, number] {
  const f = values.filter(Number.isFinite);
  if (f.length === 0) return [0, 1];
  return [Math.min(...f), Math.max(...f)];
}

/** A line chart with axes, ticks, axis labels, a title and a legend (one series per condition). */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 400;
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1]));
  if (o.reference) ys.push(o.reference.y);
  let [xlo, xhi] = bounds(xs);
  const [ylo, yhi] = bounds(ys);
  if (xlo === xhi) {
    xlo -= 1;
    xhi += 1;
  }
  let xt = niceTicks(xlo, xhi, 6);
  if (o.integerX) xt = xt.filter((x) => Number.isInteger(x) && x >= xlo && x <= xhi);
  if (xt.length < 2) xt = [xlo, xhi];
  const yt = niceTicks(ylo, yhi, 5);
  const f: Frame = {
    x0: Math.min(xlo, xt[0]),
    x1: Math.max(xhi, xt[xt.length - 1]),
    y0: yt[0],
    y1: yt[yt.length - 1],
    left: 78,
    right: width - 20,
    top: 40,
    bottom: height - 48,
  };
  const sx = (x: number) => f.left + ((x - f.x0) / (f.x1 - f.x0)) * (f.right - f.left);
  const sy = (y: number) => f.bottom - ((y - f.y0) / (f.y1 - f.y0)) * (f.bottom - f.top);
  const parts = axes(f, xt, yt, { ...o, width, height });
  if (o.reference) {
    const py = sy(o.reference.y).toFixed(1);
    parts.push(
      `<line x1="${f.left}" y1="${py}" x2="${f.right}" y2="${py}" stroke="#888" stroke-width="1.2" stroke-dasharray="6 4"/>`,
    );
    parts.push(
      `<text x="${f.left + 6}" y="${Number(py) - 5}" ${FONT} font-size="11" fill="#666">${esc(o.reference.label)}</text>`,
    );
  }
  const names: { name: string; color: string }[] = [];
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    names.push({ name: s.name, color });
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (pts.length === 0) return;
    const d = pts
      .map((p, k) => `${k === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(2)},${sy(p[1]).toFixed(2)}`)
      .join(' ');
    parts.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`,
    );
    if (o.markers !== false) {
      for (const p of pts)
        parts.push(
          `<circle cx="${sx(p[0]).toFixed(2)}" cy="${sy(p[1]).toFixed(2)}" r="3" fill="${color}"/>`,
        );
    }
  });
  parts.push(...legend(names, f.right, f.top));
  return wrap(width, height, parts);
}

/** One path of {@link pathChart}. */
export interface PathSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Target position, drawn as a cross. */
  target?: readonly [number, number];
  color?: string;
}

/** A 2D plot of paths (equal axis scales), start dot, end ring and target cross per path. */
export function pathChart(o: {
  title: string;
  xLabel: string;
  yLabel: string;
  paths: readonly PathSeries[];
  width?: number;
  height?: number;
}): string {
  const legendW = Math.max(...o.paths.map((p) => p.name.length), 8) * 7.5 + 50;
  const width = (o.width ?? 520) + legendW;
  const height = o.height ?? 520;
  const xs = o.paths.flatMap((p) => [
    ...p.points.map((q) => q[0]),
    ...(p.target ? [p.target[0]] : []),
  ]);
  const ys = o.paths.flatMap((p) => [
    ...p.points.map((q) => q[1]),
    ...(p.target ? [p.target[1]] : []),
  ]);
  let [xlo, xhi] = bounds(xs);
  let [ylo, yhi] = bounds(ys);
  // Equal scales: grow the smaller span.
  const left = 78;
  const right = width - legendW - 10;
  const top = 52;
  const bottom = height - 48;
  const pw = right - left;
  const ph = bottom - top;
  let sxSpan = Math.max(xhi - xlo, 1e-6) * 1.1;
  let sySpan = Math.max(yhi - ylo, 1e-6) * 1.1;
  if (sxSpan / pw > sySpan / ph) sySpan = (sxSpan / pw) * ph;
  else sxSpan = (sySpan / ph) * pw;
  const cx = (xlo + xhi) / 2;
  const cy = (ylo + yhi) / 2;
  xlo = cx - sxSpan / 2;
  xhi = cx + sxSpan / 2;
  ylo = cy - sySpan / 2;
  yhi = cy + sySpan / 2;
  const xt = niceTicks(xlo, xhi, 5).filter((v) => v >= xlo && v <= xhi);
  const yt = niceTicks(ylo, yhi, 5).filter((v) => v >= ylo && v <= yhi);
  const f: Frame = { x0: xlo, x1: xhi, y0: ylo, y1: yhi, left, right, top, bottom };
  const sx = (x: number) => left + ((x - xlo) / (xhi - xlo)) * pw;
  const sy = (y: number) => bottom - ((y - ylo) / (yhi - ylo)) * ph;
  const parts = axes(f, xt, yt, { ...o, width, height });
  const names: { name: string; color: string }[] = [];
  o.paths.forEach((p, i) => {
    const color = p.color ?? PALETTE[i % PALETTE.length];
    names.push({ name: p.name, color });
    const pts = p.points.filter((q) => Number.isFinite(q[0]) && Number.isFinite(q[1]));
    if (pts.length > 0) {
      const d = pts
        .map((q, k) => `${k === 0 ? 'M' : 'L'}${sx(q[0]).toFixed(2)},${sy(q[1]).toFixed(2)}`)
        .join(' ');
      parts.push(
        `<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`,
      );
      const s = pts[0];
      const e = pts[pts.length - 1];
      parts.push(
        `<circle cx="${sx(s[0]).toFixed(2)}" cy="${sy(s[1]).toFixed(2)}" r="4" fill="${color}"/>`,
      );
      parts.push(
        `<circle cx="${sx(e[0]).toFixed(2)}" cy="${sy(e[1]).toFixed(2)}" r="5" fill="#fff" stroke="${color}" stroke-width="2"/>`,
      );
    }
    if (p.target) {
      const tx = sx(p.target[0]);
      const ty = sy(p.target[1]);
      parts.push(
        `<path d="M${(tx - 6).toFixed(2)},${(ty - 6).toFixed(2)} L${(tx + 6).toFixed(2)},${(ty + 6).toFixed(2)} M${(tx - 6).toFixed(2)},${(ty + 6).toFixed(2)} L${(tx + 6).toFixed(2)},${(ty - 6).toFixed(2)}" stroke="${color}" stroke-width="2.5"/>`,
      );
    }
  });
  parts.push(...legend(names, width - 4, top - 8));
  parts.push(
    `<text x="${(left + right) / 2}" y="42" ${FONT} font-size="11" fill="#666" text-anchor="middle">dot: start, ring: end, cross: target</text>`,
  );
  return wrap(width, height, parts);
}

/** One row of a frame strip: a label and PNG images (data) of equal size. */
export interface StripRow {
  label: string;
  /** PNG bytes of each frame. */
  frames: readonly Uint8Array[];
  /** Caption under each frame (e.g. `t=0`). */
  captions: readonly string[];
  frameWidth: number;
  frameHeight: number;
}

/** A grid of frames: one row per condition, frames embedded as PNG data URIs, upscaled. */
export function frameStrip(o: {
  title: string;
  rows: readonly StripRow[];
  scale?: number;
}): string {
  const w0 = Math.max(...o.rows.map((r) => r.frameWidth));
  const h0 = Math.max(...o.rows.map((r) => r.frameHeight));
  const scale = o.scale ?? Math.max(2, Math.ceil(96 / w0));
  const fw = w0 * scale;
  const fh = h0 * scale;
  const cols = Math.max(...o.rows.map((r) => r.frames.length));
  // Wide enough for the longest label (13 px text, about 7.5 px per character).
  const labelW = Math.max(
    110,
    16 + Math.ceil(7.5 * Math.max(...o.rows.map((r) => r.label.length))),
  );
  const gap = 6;
  const rowH = fh + 22;
  const width = Math.max(labelW + cols * (fw + gap) + gap, o.title.length * 9 + 40);
  const height = 40 + o.rows.length * (rowH + gap);
  const parts: string[] = [
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  parts.push(
    `<text x="${width / 2}" y="24" ${FONT} font-size="16" font-weight="bold" fill="#111" text-anchor="middle">${esc(o.title)}</text>`,
  );
  o.rows.forEach((r, i) => {
    const y = 40 + i * (rowH + gap);
    parts.push(
      `<text x="8" y="${y + fh / 2}" ${FONT} font-size="13" fill="#111" dominant-baseline="middle">${esc(r.label)}</text>`,
    );
    r.frames.forEach((png, j) => {
      const x = labelW + gap + j * (fw + gap);
      const href = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
      parts.push(
        `<image x="${x}" y="${y}" width="${fw}" height="${fh}" href="${href}" image-rendering="optimizeSpeed" preserveAspectRatio="none"/>`,
      );
      parts.push(
        `<text x="${x + fw / 2}" y="${y + fh + 15}" ${FONT} font-size="11" fill="#444" text-anchor="middle">${esc(r.captions[j] ?? '')}</text>`,
      );
    });
  });
  return wrap(width, height, parts);
}

function wrap(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n${parts.join('\n')}\n</svg>\n`;
}
