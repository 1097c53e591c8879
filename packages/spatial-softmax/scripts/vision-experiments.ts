/**
 * Vision experiments of issue 8 (paper Section 4.3 and Table 3), end to end on the CPU:
 *
 * 1. pose data from the mujoco agent: random arm motions, random target positions, 64x64
 *    images labelled with the target points (train and held-out sets with different targets);
 * 2. pose-regression pretraining of the convolution layers and the Table 3 comparison of four
 *    heads on the same convolution stack, data and steps; mean pose error (cm) on held-out
 *    images;
 * 3. the pretrained convolution weights (`conv.json` + `conv.bin`), checked to load into a
 *    visuomotor policy network;
 * 4. pictures of the learned feature points over held-out frames (Figures 10-11);
 * 5. `docs/results-visuomotor.md` and `docs/results/visuomotor/results.json`.
 *
 * Run (from the repository root or this package):
 *   pnpm --filter @visuomotor/spatial-softmax exec tsx --conditions=@visuomotor/source scripts/vision-experiments.ts
 *
 * Sizes come from the environment (defaults in brackets): VIS_TASK [reacher-vision],
 * VIS_TRAIN_ROLLOUTS [200], VIS_TEST_ROLLOUTS [40], VIS_EVERY [5], VIS_STEPS [1000],
 * VIS_BATCH [25], VIS_SEED [1], VIS_LR [1e-3] (Adam), VIS_CHECKPOINTS [4], VIS_ARCHS [all four],
 * VIS_PRETRAIN_TASKS [peg2d-vision] (feature-point pretraining only, VIS_PRETRAIN_STEPS
 * [500]), VIS_OUT [<repo>/docs], VIS_WRITE_DOC [1].
 *
 * The mujoco agent is imported from the workspace sources by path: this package does not
 * depend on `@visuomotor/mujoco-agent` (only the script uses it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MujocoAgent,
  randomVisionConditions,
  VISION_TASKS,
  type VisionTaskName,
} from '@visuomotor/mujoco-agent';
import {
  buildNetwork,
  collectPoseData,
  createPoseModel,
  featurePointOverlay,
  featurePointPixels,
  featurePointsOf,
  imageGrid,
  initBackend,
  loadConvWeights,
  meanStd,
  POSE_ARCHITECTURES,
  type PoseArchitecture,
  type PoseDataset,
  type PoseModel,
  poseErrors,
  type RgbImage8,
  SIM_CONV,
  saveConvWeights,
  savePngRgb,
  type VisuomotorCnn,
  visuomotorCnn,
} from '../src/index.js';
import { worldToPixel } from './cameras.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const env = (k: string, d: string) => process.env[k] ?? d;
const num = (k: string, d: number) => Number(env(k, String(d)));

const TASK = env('VIS_TASK', 'reacher-vision') as VisionTaskName;
const N_TRAIN = num('VIS_TRAIN_ROLLOUTS', 200);
const N_TEST = num('VIS_TEST_ROLLOUTS', 40);
const EVERY = num('VIS_EVERY', 5);
const STEPS = num('VIS_STEPS', 1000);
const BATCH = num('VIS_BATCH', 25);
const SEED = num('VIS_SEED', 1);
const LR = num('VIS_LR', 1e-3);
const CHECKPOINTS = num('VIS_CHECKPOINTS', 4);
const ARCHS = env('VIS_ARCHS', POSE_ARCHITECTURES.join(',')).split(',') as PoseArchitecture[];
const PRETRAIN_TASKS = env('VIS_PRETRAIN_TASKS', 'peg2d-vision')
  .split(',')
  .filter(Boolean) as VisionTaskName[];
const PRETRAIN_STEPS = num('VIS_PRETRAIN_STEPS', 500);
const OUT = resolve(env('VIS_OUT', join(here, '../../../docs')));
const FIG_DIR = join(OUT, 'results/visuomotor');
const WRITE_DOC = env('VIS_WRITE_DOC', '1') === '1';

/** Paper Table 3 (JMLR 2016): mean ± std Euclidean error of three 3D target points, cm. */
const PAPER: Record<PoseArchitecture, { label: string; mean: number; std: number }> = {
  'feature-points': { label: 'softmax + feature points (ours)', mean: 1.3, std: 0.73 },
  'softmax-fc': { label: 'softmax + fully connected layer', mean: 2.59, std: 1.19 },
  fc: { label: 'fully connected layer', mean: 4.75, std: 2.29 },
  'maxpool-fc': { label: 'max-pooling + fully connected', mean: 3.71, std: 1.73 },
};

const t0 = Date.now();
const log = (...a: unknown[]) =>
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s load ${loadavg()[0].toFixed(1)}]`, ...a);

async function collect(task: VisionTaskName, rollouts: number, seed: number): Promise<PoseDataset> {
  const conditions = randomVisionConditions(VISION_TASKS[task], rollouts, seed, {
    randomArm: true,
  });
  const agent = await MujocoAgent.create({ task, conditions });
  try {
    return collectPoseData(agent, { seed: 1000 * seed, every: EVERY });
  } finally {
    agent.dispose();
  }
}

/** Per-dimension standardisation of the poses from the training set (std 0 → 1). */
function standardiser(train: PoseDataset) {
  const d = train.dPose;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const col = Float64Array.from({ length: train.N }, (_, n) => train.poses[n * d + k]);
    const ms = meanStd(col);
    mean[k] = ms.mean;
    std[k] = ms.std > 1e-9 ? ms.std : 1;
  }
  return {
    mean,
    std,
    fwd: (p: Float64Array) => p.map((v, i) => (v - mean[i % d]) / std[i % d]),
    inv: (p: Float64Array) => p.map((v, i) => v * std[i % d] + mean[i % d]),
  };
}

interface ArchResult {
  architecture: PoseArchitecture;
  params: number;
  steps: number;
  curve: { step: number; testMeanCm: number; testStdCm: number; seconds: number }[];
  testMeanCm: number;
  testStdCm: number;
  testMedianCm: number;
  trainMeanCm: number;
  initialLoss: number;
  finalLoss: number;
  trainSeconds: number;
}

function evaluate(
  model: PoseModel,
  data: PoseDataset,
  st: ReturnType<typeof standardiser>,
  limit = data.N,
) {
  const n = Math.min(limit, data.N);
  const size = data.channels * data.height * data.width;
  const pred = st.inv(model.predict(data.images.subarray(0, n * size), n));
  const err = poseErrors(pred, data.poses.subarray(0, n * data.dPose), data.dPose).map(
    (e) => 100 * e,
  );
  const ms = meanStd(err);
  const sorted = Float64Array.from(err).sort();
  return { ...ms, median: sorted[Math.floor(n / 2)], pred };
}

function trainArch(
  arch: PoseArchitecture,
  train: PoseDataset,
  test: PoseDataset,
  st: ReturnType<typeof standardiser>,
  steps: number,
  checkpoints: number,
): { result: ArchResult; model: PoseModel } {
  const model = createPoseModel({
    architecture: arch,
    image: { width: train.width, height: train.height },
    dPose: train.dPose,
    conv: SIM_CONV,
    seed: SEED,
    lr: LR,
  });
  const target = st.fwd(train.poses);
  const curve: ArchResult['curve'] = [];
  const start = Date.now();
  let initialLoss = Number.NaN;
  let finalLoss = Number.NaN;
  let done = 0;
  const e0 = evaluate(model, test, st);
  curve.push({ step: 0, testMeanCm: e0.mean, testStdCm: e0.std, seconds: 0 });
  for (let k = 0; k < checkpoints; k++) {
    const n = Math.round(((k + 1) * steps) / checkpoints) - done;
    const r = model.train(train.images, target, train.N, { iterations: n, batchSize: BATCH });
    if (k === 0) initialLoss = r.initialLoss;
    finalLoss = r.finalLoss;
    done += n;
    const secs = (Date.now() - start) / 1000;
    const e = evaluate(model, test, st);
    curve.push({ step: done, testMeanCm: e.mean, testStdCm: e.std, seconds: secs });
    log(
      `  ${arch} step ${done}/${steps}: loss ${r.finalLoss.toFixed(4)}, held-out ${e.mean.toFixed(2)} ± ${e.std.toFixed(2)} cm (${secs.toFixed(0)} s)`,
    );
  }
  const trainSeconds = (Date.now() - start) / 1000;
  const e = evaluate(model, test, st);
  const tr = evaluate(model, train, st, 500);
  return {
    model,
    result: {
      architecture: arch,
      params: model.paramCount,
      steps,
      curve,
      testMeanCm: e.mean,
      testStdCm: e.std,
      testMedianCm: e.median,
      trainMeanCm: tr.mean,
      initialLoss,
      finalLoss,
      trainSeconds,
    },
  };
}

/** Overlay pictures of a trained trunk's feature points on held-out frames. */
function overlays(
  task: VisionTaskName,
  model: PoseModel,
  data: PoseDataset,
  picks: number[],
): RgbImage8 {
  const cnn = model.trunk;
  const size = data.channels * data.height * data.width;
  const tiles: RgbImage8[] = [];
  for (const i of picks) {
    const img = data.images.subarray(i * size, (i + 1) * size);
    const fp = featurePointsOf(cnn, img, 1);
    const px = featurePointPixels(cnn.config, cnn.mapSize, fp);
    const d = data.dPose;
    const marks: number[] = [];
    // True target (first target point) as a cross.
    marks.push(
      ...worldToPixel(task, data.poses[i * d], data.poses[i * d + 1], data.width, data.height),
    );
    tiles.push(
      featurePointOverlay(img, data.width, data.height, px, {
        scale: 4,
        radius: 3,
        marks,
      }),
    );
  }
  return imageGrid(tiles, 4);
}

function pickFrames(data: PoseDataset, n: number): number[] {
  // Different rollouts (so different targets and arm poses), spread over the set.
  const per = Math.max(1, Math.floor(data.N / n));
  return Array.from({ length: n }, (_, k) => Math.min(data.N - 1, k * per + (k % 3)));
}

async function main() {
  mkdirSync(FIG_DIR, { recursive: true });
  const backend = await initBackend();
  log(`backend ${JSON.stringify(backend)}; ${cpus().length} cpus`);
  log(`task ${TASK}: collecting ${N_TRAIN} train + ${N_TEST} held-out rollouts (every ${EVERY})`);
  const tc = Date.now();
  const train = await collect(TASK, N_TRAIN, SEED);
  const test = await collect(TASK, N_TEST, SEED + 100);
  const collectSeconds = (Date.now() - tc) / 1000;
  log(`pose data: train ${train.N} images, held-out ${test.N} (${collectSeconds.toFixed(1)} s)`);
  const st = standardiser(train);
  // Baseline: predict the training mean.
  const meanPred = new Float64Array(test.N * test.dPose).map((_, i) => st.mean[i % test.dPose]);
  const meanBaseline = meanStd(poseErrors(meanPred, test.poses, test.dPose).map((e) => 100 * e));
  log(
    `predict-the-mean baseline: ${meanBaseline.mean.toFixed(2)} ± ${meanBaseline.std.toFixed(2)} cm`,
  );

  // Sample frames of the data for the record.
  const picks = pickFrames(test, 8);
  const results: ArchResult[] = [];
  let fpModel: PoseModel | undefined;
  for (const arch of ARCHS) {
    log(`training ${arch} for ${STEPS} steps, batch ${BATCH}, seed ${SEED}`);
    const { result, model } = trainArch(arch, train, test, st, STEPS, CHECKPOINTS);
    results.push(result);
    writeFileSync(join(FIG_DIR, 'results.partial.json'), JSON.stringify({ results }, null, 2));
    if (arch === 'feature-points') fpModel = model;
    else model.dispose();
  }

  // Pretrained conv weights from the feature-point run, and a check that they load into a policy.
  let loadCheck: { maxAbsDiff: number } | undefined;
  if (fpModel) {
    const fpRes = results.find((r) => r.architecture === 'feature-points');
    const dir = join(FIG_DIR, 'pretrained', TASK);
    saveConvWeights(dir, fpModel.trunk, {
      task: TASK,
      trainImages: train.N,
      steps: STEPS,
      batch: BATCH,
      seed: SEED,
      heldOutMeanCm: fpRes?.testMeanCm,
    });
    const spec = VISION_TASKS[TASK].spec;
    const dQ = VISION_TASKS[TASK].qposRange.length;
    const dO = 2 * dQ + 3 * train.width * train.height;
    const policyNet = buildNetwork(
      visuomotorCnn({ image: { width: train.width, height: train.height }, conv: SIM_CONV }),
      dO,
      spec.torqueLimits.length,
      123,
    ) as VisuomotorCnn;
    loadConvWeights(dir, policyNet);
    const img = test.images.subarray(0, 3 * train.width * train.height);
    const a = featurePointsOf(fpModel.trunk, img, 1);
    const b = featurePointsOf(policyNet, img, 1);
    loadCheck = { maxAbsDiff: Math.max(...a.map((v, i) => Math.abs(v - b[i]))) };
    policyNet.dispose();
    log(
      `saved ${dir}; policy network loads them: feature points differ by ${loadCheck.maxAbsDiff}`,
    );
    savePngRgb(join(FIG_DIR, `${TASK}-feature-points.png`), overlays(TASK, fpModel, test, picks));
    // The same frames through the untrained trunk, for contrast.
    const fresh = createPoseModel({
      architecture: 'feature-points',
      image: { width: train.width, height: train.height },
      dPose: train.dPose,
      conv: SIM_CONV,
      seed: SEED,
    });
    savePngRgb(
      join(FIG_DIR, `${TASK}-feature-points-untrained.png`),
      overlays(TASK, fresh, test, picks),
    );
    fresh.dispose();
    fpModel.dispose();
  }

  // Feature-point pretraining on the other vision tasks (no architecture comparison).
  const pretrain: {
    task: string;
    trainImages: number;
    testImages: number;
    steps: number;
    testMeanCm: number;
    testStdCm: number;
    meanBaselineCm: number;
    seconds: number;
  }[] = [];
  for (const task of PRETRAIN_TASKS) {
    log(`pretraining feature points on ${task} (${PRETRAIN_STEPS} steps)`);
    const ts = Date.now();
    const tr = await collect(task, N_TRAIN, SEED);
    const te = await collect(task, N_TEST, SEED + 100);
    const s2 = standardiser(tr);
    const mp = new Float64Array(te.N * te.dPose).map((_, i) => s2.mean[i % te.dPose]);
    const mb = meanStd(poseErrors(mp, te.poses, te.dPose).map((e) => 100 * e));
    const { result, model } = trainArch('feature-points', tr, te, s2, PRETRAIN_STEPS, 2);
    saveConvWeights(join(FIG_DIR, 'pretrained', task), model.trunk, {
      task,
      trainImages: tr.N,
      steps: PRETRAIN_STEPS,
      batch: BATCH,
      seed: SEED,
      heldOutMeanCm: result.testMeanCm,
    });
    savePngRgb(
      join(FIG_DIR, `${task}-feature-points.png`),
      overlays(task, model, te, pickFrames(te, 8)),
    );
    model.dispose();
    pretrain.push({
      task,
      trainImages: tr.N,
      testImages: te.N,
      steps: PRETRAIN_STEPS,
      testMeanCm: result.testMeanCm,
      testStdCm: result.testStdCm,
      meanBaselineCm: mb.mean,
      seconds: (Date.now() - ts) / 1000,
    });
  }

  const wall = (Date.now() - t0) / 1000;
  const summary = {
    task: TASK,
    date: new Date().toISOString(),
    backend,
    cpus: cpus().length,
    loadavgAtEnd: loadavg(),
    sizes: {
      trainRollouts: N_TRAIN,
      testRollouts: N_TEST,
      every: EVERY,
      trainImages: train.N,
      testImages: test.N,
      image: [3, train.height, train.width],
      dPose: train.dPose,
    },
    training: { steps: STEPS, batch: BATCH, seed: SEED, lr: LR, conv: SIM_CONV },
    collectSeconds,
    meanBaseline,
    results,
    loadCheck,
    pretrain,
    wallSeconds: wall,
  };
  writeFileSync(join(FIG_DIR, 'results.json'), `${JSON.stringify(summary, null, 2)}\n`);
  log(`done in ${wall.toFixed(0)} s`);
  for (const r of results) {
    log(
      `${r.architecture.padEnd(15)} ${r.testMeanCm.toFixed(2)} ± ${r.testStdCm.toFixed(2)} cm (paper ${PAPER[r.architecture].mean} ± ${PAPER[r.architecture].std})`,
    );
  }
  if (WRITE_DOC) writeFileSync(join(OUT, 'results-visuomotor.md'), renderDoc(summary));
}

function renderDoc(s: {
  task: string;
  sizes: Record<string, unknown> & {
    trainImages: number;
    testImages: number;
    trainRollouts: number;
    testRollouts: number;
    every: number;
  };
  training: { steps: number; batch: number; seed: number };
  results: ArchResult[];
  meanBaseline: { mean: number; std: number };
  wallSeconds: number;
  collectSeconds: number;
  backend: unknown;
  pretrain: {
    task: string;
    trainImages: number;
    testImages: number;
    steps: number;
    testMeanCm: number;
    testStdCm: number;
    meanBaselineCm: number;
    seconds: number;
  }[];
  loadCheck?: { maxAbsDiff: number };
}): string {
  const rows = s.results
    .map(
      (r) =>
        `| ${PAPER[r.architecture].label} | \`${r.architecture}\` | ${r.testMeanCm.toFixed(2)} ± ${r.testStdCm.toFixed(2)} | ${r.testMedianCm.toFixed(2)} | ${r.trainMeanCm.toFixed(2)} | ${r.params.toLocaleString('en-US')} | ${r.trainSeconds.toFixed(0)} | ${PAPER[r.architecture].mean.toFixed(2)} ± ${PAPER[r.architecture].std.toFixed(2)} |`,
    )
    .join('\n');
  const curves = s.results
    .map(
      (r) =>
        `| \`${r.architecture}\` | ${r.curve.map((c) => c.testMeanCm.toFixed(2)).join(' | ')} |`,
    )
    .join('\n');
  const header = s.results[0]?.curve.map((c) => `step ${c.step}`).join(' | ') ?? '';
  const pre = s.pretrain
    .map(
      (p) =>
        `| ${p.task} | ${p.trainImages} / ${p.testImages} | ${p.steps} | ${p.testMeanCm.toFixed(2)} ± ${p.testStdCm.toFixed(2)} | ${p.meanBaselineCm.toFixed(2)} | ${p.seconds.toFixed(0)} |`,
    )
    .join('\n');
  return `<!-- generated by packages/spatial-softmax/scripts/vision-experiments.ts; discussion: see the end -->
# Visuomotor results: pose pretraining and Table 3 (issue 8, vision side)

Task \`${s.task}\`, held-out pose error in cm (mean ± std over held-out images of the Euclidean
error of the target point${s.task === 'peg2d-vision' ? 's' : ''}), after ${s.training.steps} Adam steps of batch ${s.training.batch}, seed ${s.training.seed}.

| architecture (paper's name) | ours | held-out error (cm) | median | train error (cm) | parameters | train time (s) | paper Table 3 (cm) |
|---|---|---|---|---|---|---|---|
${rows}

Predicting the training mean gives ${s.meanBaseline.mean.toFixed(2)} ± ${s.meanBaseline.std.toFixed(2)} cm.

Held-out error during training (cm):

| architecture | ${header} |
|---|${s.results[0]?.curve.map(() => '---|').join('') ?? ''}
${curves}

Data: ${s.sizes.trainRollouts} training rollouts and ${s.sizes.testRollouts} held-out rollouts, every
${s.sizes.every}th frame: ${s.sizes.trainImages} training and ${s.sizes.testImages} held-out 64x64 images
(collection ${s.collectSeconds.toFixed(0)} s). Wall time of the whole script: ${(s.wallSeconds / 60).toFixed(1)} min.
Backend: \`${JSON.stringify(s.backend)}\`.
${s.loadCheck ? `\nThe pretrained convolution weights load into a fresh visuomotor policy network with identical feature points (max difference ${s.loadCheck.maxAbsDiff}).\n` : ''}
${pre ? `\nFeature-point pretraining on other tasks (no comparison):\n\n| task | train / held-out images | steps | held-out error (cm) | predict-the-mean (cm) | time (s) |\n|---|---|---|---|---|---|\n${pre}\n` : ''}
`;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
