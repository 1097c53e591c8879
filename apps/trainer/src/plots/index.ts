/**
 * The plots of a run: cost and distance-to-target per iteration and condition, end-effector
 * paths of the final controllers per condition, and a strip of rendered frames.
 *
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBlock, type Sample } from '@visuomotor/contracts';
import { encodePngRgb } from '@visuomotor/spatial-softmax';
import type { ExperimentDefinition } from '../experiment.js';
import type { MetricsLine } from '../run-dir.js';
import type { TrainerAgent } from '../runtime.js';
import { svgToPng } from './png.js';
import { frameStrip, lineChart, pathChart, type StripRow } from './svg.js';

export { plotFontFiles, svgToPng } from './png.js';
export { frameStrip, lineChart, niceTicks, pathChart } from './svg.js';

/** What {@link writePlots} draws. */
export interface PlotInputs {
  experiment: ExperimentDefinition;
  metrics: readonly MetricsLine[];
  /** One noiseless rollout of the final controller per condition (may hold RGB_IMAGE). */
  rollouts: readonly Sample[];
  agent: TrainerAgent;
}

function conditionName(e: ExperimentDefinition, m: number): string {
  return `condition ${m} (task #${e.conditions.train[m]})`;
}

/** Series per condition of one metric against the 1-based iteration. */
function perCondition(
  e: ExperimentDefinition,
  metrics: readonly MetricsLine[],
  pick: (l: MetricsLine) => number | null,
) {
  const M = e.conditions.train.length;
  return Array.from({ length: M }, (_, m) => ({
    name: conditionName(e, m),
    points: metrics
      .filter((l) => l.condition === m)
      .map((l) => [l.iteration + 1, pick(l) ?? Number.NaN] as [number, number]),
  }));
}

/**
 * End-effector path (first point) of a rollout in world coordinates, `[T][3]`: the state holds
 * ee − target, the agent knows the target.
 */
export function eePath(agent: TrainerAgent, s: Sample, m: number): number[][] | null {
  const block = findBlock(agent.agent.stateLayout, 'END_EFFECTOR_POINTS');
  if (!block || block.size < 3) return null;
  const target = agent.eeTargets[m] ?? [0, 0, 0];
  const out: number[][] = [];
  for (let t = 0; t < s.T; t++) {
    const o = t * s.dX + block.offset;
    out.push([0, 1, 2].map((k) => s.X[o + k] + (target[k] ?? 0)));
  }
  return out;
}

/** Frame `t` of a sample's RGB_IMAGE stream as 8-bit RGB, or null without images. */
export function sampleFrame(
  s: Sample,
  t: number,
): { width: number; height: number; rgb: Uint8Array } | null {
  const stream = s.sensors.RGB_IMAGE;
  if (stream?.shape.length !== 3) return null;
  const [a, b, c] = stream.shape;
  const channelsLast = c === 3;
  const height = channelsLast ? a : b;
  const width = channelsLast ? b : c;
  const n = width * height * 3;
  const off = t * n;
  if (stream.data.length < off + n) return null;
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, stream.data[off + i]);
  const k = max <= 1 ? 255 : 1;
  const rgb = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < 3; ch++) {
        const src = channelsLast
          ? off + (y * width + x) * 3 + ch
          : off + ch * width * height + y * width + x;
        const v = Math.round(stream.data[src] * k);
        rgb[(y * width + x) * 3 + ch] = v < 0 ? 0 : Math.min(v, 255);
      }
    }
  }
  return { width, height, rgb };
}

/** An 8-bit RGB frame. */
type RgbFrame = { width: number; height: number; rgb: Uint8Array };

/**
 * `K` frames of a sample's RGB_IMAGE stream, evenly spaced from the first step to the last
 * (`K` = min(6, T)), or null when the sample has no images.
 */
export function sampleStrip(
  s: Sample,
  K = Math.min(6, s.T),
): { ts: number[]; frames: RgbFrame[] } | null {
  const ts = Array.from({ length: K }, (_, j) => Math.round((j * (s.T - 1)) / Math.max(1, K - 1)));
  const frames = ts.map((t) => sampleFrame(s, t));
  if (frames.some((f) => f === null)) return null;
  return { ts, frames: frames as RgbFrame[] };
}

/** A {@link frameStrip} row of a {@link sampleStrip}: PNG frames captioned by time step. */
export function stripRow(strip: { ts: number[]; frames: RgbFrame[] }, label: string): StripRow {
  return {
    label,
    frames: strip.frames.map((f) => encodePngRgb(f)),
    captions: strip.ts.map((t) => `t = ${t}`),
    frameWidth: strip.frames[0].width,
    frameHeight: strip.frames[0].height,
  };
}

/**
 * Write `DIR/NAME.svg` and its rendering `DIR/NAME.png` (creating DIR).
 *
 * @returns the two paths
 */
export async function writeSvgPng(dir: string, name: string, svg: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const svgPath = join(dir, `${name}.svg`);
  const pngPath = join(dir, `${name}.png`);
  writeFileSync(svgPath, svg);
  writeFileSync(pngPath, await svgToPng(svg));
  return [svgPath, pngPath];
}

/**
 * Write plots/cost, plots/distance, plots/paths and plots/frames (each .svg and .png) and
 * frames/condition-M.png. Plots without data (no ee points, no images) are skipped.
 *
 * @returns the files written
 */
export async function writePlots(runDir: string, p: PlotInputs): Promise<string[]> {
  const plotsDir = join(runDir, 'plots');
  const framesDir = join(runDir, 'frames');
  mkdirSync(plotsDir, { recursive: true });
  const written: string[] = [];
  const emit = async (name: string, svg: string) => {
    written.push(...(await writeSvgPng(plotsDir, name, svg)));
  };
  const e = p.experiment;
  const title = `${e.name}: ${e.task.name}, seed ${e.seed}`;
  if (p.metrics.length > 0) {
    await emit(
      'cost',
      lineChart({
        title: `${title} — cost`,
        xLabel: 'iteration',
        yLabel: 'mean total cost of the samples',
        series: perCondition(e, p.metrics, (l) => l.cost),
        integerX: true,
      }),
    );
    if (p.metrics.some((l) => l.distance !== null)) {
      await emit(
        'distance',
        lineChart({
          title: `${title} — distance to target`,
          xLabel: 'iteration',
          yLabel: 'final end-effector distance (m)',
          series: [
            ...perCondition(e, p.metrics, (l) => l.distance),
            ...(p.metrics.some((l) => l.policyDistance !== undefined)
              ? perCondition(e, p.metrics, (l) => l.policyDistance ?? null).map((s) => ({
                  ...s,
                  name: `policy, ${s.name}`,
                }))
              : []),
          ],
          integerX: true,
          reference: e.success
            ? { y: e.success.distance, label: `success: ${e.success.distance} m` }
            : undefined,
        }),
      );
    }
  }
  const paths = p.rollouts.map((s, m) => eePath(p.agent, s, m));
  if (paths.length > 0 && paths.every((x) => x !== null)) {
    const all = (paths as number[][][]).flat();
    const targets = p.agent.eeTargets.filter((t): t is readonly number[] => t !== null);
    const variance = [0, 1, 2].map((k) => {
      const vals = [...all.map((q) => q[k]), ...targets.map((t) => t[k] ?? 0)];
      const mu = vals.reduce((a, b) => a + b, 0) / vals.length;
      return vals.reduce((a, b) => a + (b - mu) ** 2, 0) / vals.length;
    });
    const axes = [0, 1, 2]
      .sort((a, b) => variance[b] - variance[a])
      .slice(0, 2)
      .sort((a, b) => a - b);
    const names = ['x', 'y', 'z'];
    await emit(
      'paths',
      pathChart({
        title: `${title} — end-effector paths`,
        xLabel: `${names[axes[0]]} (m)`,
        yLabel: `${names[axes[1]]} (m)`,
        paths: (paths as number[][][]).map((path, m) => {
          const t = p.agent.eeTargets[m];
          return {
            name: conditionName(e, m),
            points: path.map((q) => [q[axes[0]], q[axes[1]]] as [number, number]),
            target: t ? ([t[axes[0]] ?? 0, t[axes[1]] ?? 0] as [number, number]) : undefined,
          };
        }),
      }),
    );
  }
  const rows: StripRow[] = [];
  for (let m = 0; m < p.rollouts.length; m++) {
    const strip = sampleStrip(p.rollouts[m]);
    if (!strip) continue;
    const K = strip.frames.length;
    // frames/condition-M.png: the K frames side by side.
    const { width, height } = strip.frames[0];
    const wide = new Uint8Array(width * K * height * 3);
    strip.frames.forEach((f, j) => {
      for (let y = 0; y < height; y++) {
        wide.set(
          f.rgb.subarray(y * width * 3, (y + 1) * width * 3),
          (y * width * K + j * width) * 3,
        );
      }
    });
    mkdirSync(framesDir, { recursive: true });
    const framePath = join(framesDir, `condition-${m}.png`);
    writeFileSync(framePath, encodePngRgb({ width: width * K, height, rgb: wide }));
    written.push(framePath);
    rows.push(stripRow(strip, `condition ${m}`));
  }
  if (rows.length > 0) {
    await emit('frames', frameStrip({ title: `${title} — final controllers`, rows }));
  }
  return written;
}
