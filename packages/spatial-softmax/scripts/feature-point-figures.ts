/**
 * Feature points of pretrained convolution layers tracked over a rollout (like the paper's
 * Figures 10-11): loads `docs/results/visuomotor/pretrained/<task>/conv.*` (written by
 * `vision-experiments.ts`), runs one random-motion rollout on each held-out (test) condition of
 * the task, and draws every channel's expected position over every 5th frame; the true target
 * is the black-and-white cross. Writes `docs/results/visuomotor/<task>-feature-points-sequence.png`
 * (every channel) and `<task>-feature-points-tracking.png` (the VIS_TOP [4] channels whose points
 * follow the target best: largest mean |correlation| between the point's (x, y) and the target's
 * pixel position over 30 rollouts with random targets; channels whose softmax stays diffuse sit near the map centre).
 *
 *   pnpm --filter @visuomotor/spatial-softmax exec tsx --conditions=@visuomotor/source scripts/feature-point-figures.ts
 *
 * Environment: VIS_TASKS [reacher-vision,peg2d-vision], VIS_OUT [<repo>/docs], VIS_SEED [5].
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MujocoAgent,
  randomVisionConditions,
  VISION_TASKS,
  type VisionTaskName,
} from '@visuomotor/mujoco-agent';
import {
  type ConvWeightsFile,
  collectPoseData,
  featurePointOverlay,
  featurePointPixels,
  featurePointsOf,
  imageGrid,
  initBackend,
  loadConvWeights,
  type RgbImage8,
  savePngRgb,
  VisuomotorCnn,
  visuomotorCnn,
} from '../src/index.js';
import { worldToPixel } from './cameras.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const OUT = resolve(process.env.VIS_OUT ?? join(here, '../../../docs'));
const TASKS = (process.env.VIS_TASKS ?? 'reacher-vision,peg2d-vision').split(
  ',',
) as VisionTaskName[];
const SEED = Number(process.env.VIS_SEED ?? 5);
const TOP = Number(process.env.VIS_TOP ?? 4);

function corr(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

await initBackend();
for (const task of TASKS) {
  const dir = join(OUT, 'results/visuomotor/pretrained', task);
  if (!existsSync(join(dir, 'conv.json'))) {
    console.log(`${task}: no pretrained weights in ${dir}, skipped`);
    continue;
  }
  const file = JSON.parse(readFileSync(join(dir, 'conv.json'), 'utf8')) as ConvWeightsFile;
  const config = visuomotorCnn({
    image: file.image,
    conv: file.conv,
    padding: file.padding,
    hidden: [],
  });
  const size = file.image.width * file.image.height * file.image.channels;
  const cnn = new VisuomotorCnn(config, size, 1, 0);
  loadConvWeights(dir, cnn);
  const spec = VISION_TASKS[task].spec;
  const agent = await MujocoAgent.create({ task, conditions: 'test' });
  const data = collectPoseData(agent, { seed: SEED, every: 5, torqueScale: 0.7 });
  agent.dispose();
  const perRollout = Math.ceil(spec.T / 5);
  const shown = Math.min(perRollout, 10);
  const picks: number[] = [];
  for (let c = 0; c < Math.min(spec.test.length, 3); c++) {
    for (let j = 0; j < shown; j++)
      picks.push(c * perRollout + Math.floor((j * perRollout) / shown));
  }
  const d = data.dPose;
  const F = cnn.numFeaturePoints;
  const pixelsOf = (ds: typeof data) => {
    const fp = featurePointsOf(cnn, ds.images, ds.N);
    const px: Float64Array[] = [];
    const tg: [number, number][] = [];
    for (let i = 0; i < ds.N; i++) {
      px.push(featurePointPixels(cnn.config, cnn.mapSize, fp.subarray(2 * F * i, 2 * F * (i + 1))));
      tg.push(worldToPixel(task, ds.poses[i * d], ds.poses[i * d + 1], ds.width, ds.height));
    }
    return { px, tg };
  };
  const { px: pxAll, tg: tgt } = pixelsOf(data);
  // Channels whose point follows the target: scored on 30 rollouts with random targets (seed
  // 77, not training data), every 10th frame.
  const scoreAgent = await MujocoAgent.create({
    task,
    conditions: randomVisionConditions(VISION_TASKS[task], 30, 77, { randomArm: true }),
  });
  const scoreSet = pixelsOf(collectPoseData(scoreAgent, { seed: 77, every: 10 }));
  scoreAgent.dispose();
  const score = Array.from({ length: F }, (_, f) => {
    const cx = corr(
      scoreSet.px.map((p) => p[2 * f]),
      scoreSet.tg.map((t) => t[0]),
    );
    const cy = corr(
      scoreSet.px.map((p) => p[2 * f + 1]),
      scoreSet.tg.map((t) => t[1]),
    );
    return (Math.abs(cx) + Math.abs(cy)) / 2;
  });
  const top = score
    .map((s, f) => [s, f] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, TOP)
    .map(([, f]) => f);
  console.log(
    `${task}: channels by target correlation: ${top.map((f) => `${f} (${score[f].toFixed(2)})`).join(', ')}`,
  );
  for (const [suffix, channels] of [
    ['sequence', undefined],
    ['tracking', top],
  ] as const) {
    const tiles: RgbImage8[] = picks.map((i) =>
      featurePointOverlay(
        data.images.subarray(i * size, (i + 1) * size),
        data.width,
        data.height,
        pxAll[i],
        {
          scale: 3,
          radius: 2,
          marks: tgt[i],
          ...(channels ? { channels } : {}),
        },
      ),
    );
    const path = join(OUT, 'results/visuomotor', `${task}-feature-points-${suffix}.png`);
    savePngRgb(path, imageGrid(tiles, shown, 3));
    console.log(`${task}: wrote ${path}`);
  }
  cnn.dispose();
}
