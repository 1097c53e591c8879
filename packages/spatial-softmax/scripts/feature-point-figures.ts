/**
 * Feature points of pretrained convolution layers tracked over a rollout (like the paper's
 * Figures 10-11): loads `docs/results/visuomotor/pretrained/<task>/conv.*` (written by
 * `vision-experiments.ts`), runs one random-motion rollout on each held-out (test) condition of
 * the task, and draws every channel's expected position over every 5th frame; the true target
 * is the black-and-white cross. Writes `docs/results/visuomotor/<task>-feature-points-sequence.png`.
 *
 *   pnpm --filter @visuomotor/spatial-softmax exec tsx --conditions=@visuomotor/source scripts/feature-point-figures.ts
 *
 * Environment: VIS_TASKS [reacher-vision,peg2d-vision], VIS_OUT [<repo>/docs], VIS_SEED [5].
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MujocoAgent, VISION_TASKS, type VisionTaskName } from '../../mujoco-agent/src/index.js';
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
  const rows: RgbImage8[] = [];
  const perRollout = Math.ceil(spec.T / 5);
  const shown = Math.min(perRollout, 10);
  for (let c = 0; c < Math.min(spec.test.length, 3); c++) {
    for (let j = 0; j < shown; j++) {
      const i = c * perRollout + Math.floor((j * perRollout) / shown);
      const img = data.images.subarray(i * size, (i + 1) * size);
      const px = featurePointPixels(cnn.config, cnn.mapSize, featurePointsOf(cnn, img, 1));
      const d = data.dPose;
      const marks = worldToPixel(
        task,
        data.poses[i * d],
        data.poses[i * d + 1],
        data.width,
        data.height,
      );
      rows.push(
        featurePointOverlay(img, data.width, data.height, px, { scale: 3, radius: 2, marks }),
      );
    }
  }
  const path = join(OUT, 'results/visuomotor', `${task}-feature-points-sequence.png`);
  savePngRgb(path, imageGrid(rows, shown, 3));
  cnn.dispose();
  console.log(`${task}: wrote ${path}`);
}
