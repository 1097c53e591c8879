import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { InvalidArgumentError } from '@visuomotor/contracts';
// The collector is tested on the real simulated agent, from the workspace sources (this package
// does not depend on @visuomotor/mujoco-agent; the collector only needs its rollout surface).
import {
  type Engine,
  loadEngine,
  MujocoAgent,
  randomVisionConditions,
  VISION_TASKS,
} from '@visuomotor/mujoco-agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { PolicyFormatError } from '../errors.js';
import { buildNetwork, type VisuomotorCnn, visuomotorCnn } from '../networks.js';
import { Rng } from '../rng.js';
import { createPoseModel, POSE_ARCHITECTURES, type PoseArchitecture } from './architectures.js';
import { collectPoseData, poseErrors, selectPoseData } from './data.js';
import { loadPoseEstimator, savePoseEstimator } from './estimator.js';
import { featurePointOverlay, featurePointPixels, featurePointsOf } from './overlay.js';
import { crc32, encodePngRgb, savePngRgb } from './png.js';
import { loadConvWeights, saveConvWeights } from './weights.js';

let engine: Engine;
beforeAll(async () => {
  await initBackend({ prefer: ['wasm', 'cpu'] });
  engine = await loadEngine();
});
afterAll(() => engine.dispose());

function agentFor(seed: number) {
  const conditions = randomVisionConditions(VISION_TASKS['reacher-vision'], 3, seed, {
    randomArm: true,
  });
  return new MujocoAgent(engine, { task: 'reacher-vision', conditions, T: 10 });
}

/** `[B, 3, S, S]` images with a red disc at a random place; pose = (x, y, 0) of the disc in [-1, 1]. */
function discs(B: number, S: number, seed: number) {
  const r = new Rng(seed);
  const images = new Float32Array(B * 3 * S * S);
  const poses = new Float64Array(B * 3);
  for (let b = 0; b < B; b++) {
    const cx = 2 + r.uniform() * (S - 5);
    const cy = 2 + r.uniform() * (S - 5);
    poses[3 * b] = (2 * cx) / (S - 1) - 1;
    poses[3 * b + 1] = (2 * cy) / (S - 1) - 1;
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const inside = (x - cx) ** 2 + (y - cy) ** 2 < 4 ? 1 : 0;
        const p = y * S + x;
        images[b * 3 * S * S + p] = 0.8 * inside + 0.1;
        images[b * 3 * S * S + S * S + p] = 0.1;
        images[b * 3 * S * S + 2 * S * S + p] = 0.1;
      }
    }
  }
  return { images, poses };
}

describe('pose data collection', () => {
  it('gives [N, 3, H, W] images in [0, 1] labelled with the condition targets, deterministically', () => {
    const a = agentFor(5);
    const b = agentFor(5);
    try {
      const d1 = collectPoseData(a, { seed: 11, every: 5 });
      const d2 = collectPoseData(b, { seed: 11, every: 5 });
      expect(d1.N).toBe(3 * 2);
      expect([d1.channels, d1.height, d1.width, d1.dPose]).toEqual([3, 64, 64, 3]);
      expect(d1.images.length).toBe(6 * 3 * 64 * 64);
      expect(d1.images.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(Array.from(d1.step)).toEqual([0, 5, 0, 5, 0, 5]);
      expect(Array.from(d1.rollout)).toEqual([0, 0, 1, 1, 2, 2]);
      for (let n = 0; n < d1.N; n++) {
        expect(Array.from(d1.poses.subarray(3 * n, 3 * n + 3))).toEqual([
          ...a.conditionList[d1.rollout[n]].eeTarget,
        ]);
      }
      expect(Buffer.from(d1.images.buffer).equals(Buffer.from(d2.images.buffer))).toBe(true);
      // The arm moved between the kept frames of a rollout.
      const size = 3 * 64 * 64;
      let diff = 0;
      for (let i = 0; i < size; i++) diff += Math.abs(d1.images[i] - d1.images[size + i]);
      expect(diff).toBeGreaterThan(1);
      // Another motion seed moves the arm differently; targets stay.
      const d3 = collectPoseData(a, { seed: 12, every: 5 });
      expect(Buffer.from(d1.images.buffer).equals(Buffer.from(d3.images.buffer))).toBe(false);
      expect(Array.from(d3.poses)).toEqual(Array.from(d1.poses));
      const sel = selectPoseData(d1, [4, 1]);
      expect(sel.N).toBe(2);
      expect(Array.from(sel.rollout)).toEqual([2, 0]);
      expect(Array.from(sel.images.subarray(0, size))).toEqual(
        Array.from(d1.images.subarray(4 * size, 5 * size)),
      );
      expect(() => collectPoseData(a, { every: 0 })).toThrow(InvalidArgumentError);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('pose errors are mean Euclidean distances per target point', () => {
    const e = poseErrors([0, 0, 0, 1, 1, 1], [3, 4, 0, 1, 1, 2], 6);
    expect(Array.from(e)).toEqual([3]); // (5 + 1) / 2
    expect(() => poseErrors([0, 0], [0, 0], 2)).toThrow(InvalidArgumentError);
  });
});

describe('pose regression', () => {
  const S = 16;
  const conv = [
    { filters: 8, kernel: 3, stride: 1 },
    { filters: 8, kernel: 3, stride: 1 },
    { filters: 8, kernel: 3, stride: 1 },
  ];
  for (const architecture of POSE_ARCHITECTURES) {
    it(`${architecture}: training reduces the loss on a tiny set`, () => {
      const { images, poses } = discs(40, S, 3);
      const m = createPoseModel({
        architecture,
        image: { width: S, height: S },
        dPose: 3,
        conv,
        seed: 2,
        lr: 3e-3,
      });
      try {
        const mse = () => {
          const p = m.predict(images, 40);
          let acc = 0;
          for (let i = 0; i < p.length; i++) acc += (p[i] - poses[i]) ** 2;
          return acc / 40;
        };
        const before = mse();
        m.train(images, poses, 40, { iterations: 60, batchSize: 10 });
        const after = mse();
        expect(after).toBeLessThan(0.85 * before);
        expect(m.paramCount).toBeGreaterThan(0);
      } finally {
        m.dispose();
      }
    });
  }

  it('same seed gives the same convolution weights for every architecture', () => {
    const a = createPoseModel({
      architecture: 'fc',
      image: { width: S, height: S },
      dPose: 3,
      conv,
      seed: 4,
    });
    const b = createPoseModel({
      architecture: 'feature-points',
      image: { width: S, height: S },
      dPose: 3,
      conv,
      seed: 4,
    });
    try {
      a.trunk.convWeights.forEach((w, i) => {
        expect(Array.from(w.variable.dataSync())).toEqual(
          Array.from(b.trunk.convWeights[i].variable.dataSync()),
        );
      });
    } finally {
      a.dispose();
      b.dispose();
    }
    expect(() =>
      createPoseModel({
        architecture: 'nope' as 'fc',
        image: { width: S, height: S },
        dPose: 3,
      }),
    ).toThrow(InvalidArgumentError);
  });

  it('saves pretrained convolution weights that a policy network loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conv-'));
    const m = createPoseModel({
      architecture: 'feature-points',
      image: { width: S, height: S },
      dPose: 3,
      conv,
      seed: 1,
    });
    const dO = 4 + 3 * S * S;
    const policy = buildNetwork(
      visuomotorCnn({ image: { width: S, height: S }, conv }),
      dO,
      2,
      99,
    ) as VisuomotorCnn;
    const other = buildNetwork(
      visuomotorCnn({
        image: { width: S, height: S },
        conv: [{ filters: 4, kernel: 3, stride: 1 }],
      }),
      dO,
      2,
      1,
    ) as VisuomotorCnn;
    try {
      const { images, poses } = discs(20, S, 8);
      m.train(images, poses, 20, { iterations: 5, batchSize: 10 });
      saveConvWeights(dir, m.trunk, { note: 'test' });
      const img = images.subarray(0, 3 * S * S);
      expect(Array.from(featurePointsOf(policy, img, 1))).not.toEqual(
        Array.from(featurePointsOf(m.trunk, img, 1)),
      );
      const file = loadConvWeights(dir, policy);
      expect(file.meta).toEqual({ note: 'test' });
      expect(Array.from(featurePointsOf(policy, img, 1))).toEqual(
        Array.from(featurePointsOf(m.trunk, img, 1)),
      );
      expect(() => loadConvWeights(dir, other)).toThrow(PolicyFormatError);
      expect(() => loadConvWeights(join(dir, 'missing'), policy)).toThrow(PolicyFormatError);
    } finally {
      m.dispose();
      policy.dispose();
      other.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('saves a pose estimator that predicts the same poses in label units after loading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pose-est-'));
    const model = (architecture: PoseArchitecture) =>
      createPoseModel({ architecture, image: { width: S, height: S }, dPose: 3, conv, seed: 5 });
    const m = model('feature-points');
    const fc = model('fc');
    try {
      const { images, poses } = discs(20, S, 9);
      m.train(images, poses, 20, { iterations: 5, batchSize: 10 });
      const mean = [0.1, -0.2, 0.02];
      const std = [0.5, 2, 1];
      const file = savePoseEstimator(dir, m, { mean, std }, { note: 'est' });
      expect(file.dPose).toBe(3);
      expect(file.hidden).toEqual([]);
      expect(file.weights.map((w) => w.name)).toEqual(['pose0/kernel', 'pose0/bias']);
      const est = loadPoseEstimator(dir);
      try {
        const raw = m.predict(images, 20);
        const got = est.predict(images, 20);
        expect(got.length).toBe(60);
        // The loaded estimator undoes the standardisation: p = raw * std + mean, per dimension.
        for (let i = 0; i < 60; i++) {
          expect(got[i]).toBeCloseTo(raw[i] * std[i % 3] + mean[i % 3], 6);
        }
        expect(() => est.predict(images, 19)).toThrow();
      } finally {
        est.dispose();
      }
      expect(() => savePoseEstimator(dir, fc, { mean, std })).toThrow(InvalidArgumentError);
      expect(() => savePoseEstimator(dir, m, { mean, std: [1, -1, 1] })).toThrow(
        InvalidArgumentError,
      );
      // std 0: a dimension that was constant in the labels is returned as its mean, exactly.
      savePoseEstimator(dir, m, { mean, std: [0.5, 2, 0] });
      const est0 = loadPoseEstimator(dir);
      try {
        const raw = m.predict(images, 20);
        const got = est0.predict(images, 20);
        for (let b = 0; b < 20; b++) {
          expect(got[3 * b]).toBeCloseTo(raw[3 * b] * 0.5 + 0.1, 6);
          expect(got[3 * b + 2]).toBe(0.02);
        }
      } finally {
        est0.dispose();
      }
      expect(() => savePoseEstimator(dir, m, { mean: [0, 0], std })).toThrow(InvalidArgumentError);
      expect(() => loadPoseEstimator(join(dir, 'missing'))).toThrow(PolicyFormatError);
    } finally {
      m.dispose();
      fc.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('feature-point pictures', () => {
  it('maps feature coordinates back through the convolutions to image pixels', () => {
    const cfg = visuomotorCnn({
      image: { width: 8, height: 8 },
      conv: [{ filters: 2, kernel: 3, stride: 1 }],
    });
    // One valid 3x3 convolution: 6x6 maps; map (0, 0) is centred on pixel (1, 1).
    const px = featurePointPixels(cfg, [6, 6], [-1, -1, 1, 1]);
    expect(Array.from(px)).toEqual([1, 1, 6, 6]);
    const cfg2 = visuomotorCnn({
      image: { width: 64, height: 64 },
      conv: [
        { filters: 2, kernel: 5, stride: 2 },
        { filters: 2, kernel: 5, stride: 1 },
      ],
    });
    // 64 -> 30 -> 26: map index j is centred on pixel 2 (j + 2) + 2.
    expect(Array.from(featurePointPixels(cfg2, [26, 26], [-1, 1]))).toEqual([6, 56]);
  });

  it('draws a dot per channel over the upscaled frame and writes a valid PNG', () => {
    const W = 10;
    const H = 8;
    const img = new Float32Array(3 * H * W).fill(0.5);
    const out = featurePointOverlay(img, W, H, [2, 3, 7, 5], { scale: 4, radius: 2 });
    expect([out.width, out.height]).toEqual([40, 32]);
    // Centre of channel 0's dot: pixel (2, 3) -> (10, 14) upscaled; red (hue 0).
    const o = 3 * (14 * 40 + 10);
    expect(Array.from(out.rgb.subarray(o, o + 3))).toEqual([255, 0, 0]);
    // Away from the dots: the grey frame.
    expect(Array.from(out.rgb.subarray(0, 3))).toEqual([128, 128, 128]);

    const png = encodePngRgb(out);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    // Walk the chunks: lengths, CRCs, IHDR fields, inflated IDAT size.
    let off = 8;
    const types: string[] = [];
    let idat = Buffer.alloc(0);
    while (off < png.length) {
      const len = png.readUInt32BE(off);
      const type = png.toString('ascii', off + 4, off + 8);
      const data = png.subarray(off + 8, off + 8 + len);
      expect(png.readUInt32BE(off + 8 + len)).toBe(crc32(png.subarray(off + 4, off + 8 + len)));
      if (type === 'IHDR') {
        expect([data.readUInt32BE(0), data.readUInt32BE(4), data[8], data[9]]).toEqual([
          40, 32, 8, 2,
        ]);
      }
      if (type === 'IDAT') idat = Buffer.concat([idat, data]);
      types.push(type);
      off += 12 + len;
    }
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
    const raw = inflateSync(idat);
    expect(raw.length).toBe(32 * (3 * 40 + 1));
    expect(Array.from(raw.subarray(14 * 121 + 1 + 30, 14 * 121 + 1 + 33))).toEqual([255, 0, 0]);

    const dir = mkdtempSync(join(tmpdir(), 'png-'));
    try {
      savePngRgb(join(dir, 'sub', 'fp.png'), out);
      expect(readFileSync(join(dir, 'sub', 'fp.png')).equals(png)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => encodePngRgb({ width: 2, height: 2, rgb: new Uint8Array(5) })).toThrow(
      InvalidArgumentError,
    );
  });
});
