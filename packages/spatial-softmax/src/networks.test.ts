import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { NetworkConfigError } from './errors.js';
import { buildNetwork, mlp, PAPER_CONV, VisuomotorCnn, visuomotorCnn } from './networks.js';
import { createPolicyOptimizer } from './policy-opt.js';
import { PoseRegressor } from './pose.js';
import { Rng } from './rng.js';

/** Images `[B, 1, S, S]` (channels first) with a bright Gaussian blob; pose = blob centre in [-1, 1]². */
function blobs(B: number, S: number, seed: number) {
  const r = new Rng(seed);
  const images = new Float32Array(B * S * S);
  const poses = new Float64Array(B * 2);
  for (let b = 0; b < B; b++) {
    const cx = 3 + r.uniform() * (S - 7);
    const cy = 3 + r.uniform() * (S - 7);
    poses[2 * b] = (2 * cx) / (S - 1) - 1;
    poses[2 * b + 1] = (2 * cy) / (S - 1) - 1;
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        images[b * S * S + y * S + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 4);
      }
    }
  }
  return { images, poses };
}

/** Regression targets on {@link blobs}: one condition of B steps, unit precisions and weights. */
function blobTargets(B: number, S: number, seed: number) {
  const { images, poses } = blobs(B, S, seed);
  const prc = new Float64Array(B * 4);
  for (let b = 0; b < B; b++) {
    prc[b * 4] = 1;
    prc[b * 4 + 3] = 1;
  }
  return {
    N: 1,
    T: B,
    dO: S * S,
    dU: 2,
    obs: Float64Array.from(images),
    tgtMu: poses,
    tgtPrc: prc,
    tgtWt: new Float64Array(B).fill(1),
  };
}

/** A one-layer visuomotor CNN on S x S grey images (3x3 filters, stride 1). */
function tinyCnn(S: number, filters: number, hidden: number) {
  return visuomotorCnn({
    image: { width: S, height: S, channels: 1 },
    conv: [{ filters, kernel: 3, stride: 1 }],
    hidden: [hidden],
  });
}

describe('networks', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm', 'cpu'] });
  });

  it("the paper's 240x240 network: 109x109 maps, 32 feature points, about 92,000 parameters", () => {
    const dX = 21; // 7 joint angles, 7 velocities, 3 end-effector points (the robot configuration)
    const net = buildNetwork(
      visuomotorCnn({ image: { width: 240, height: 240 } }),
      dX + 3 * 240 * 240,
      7,
    );
    try {
      expect(net).toBeInstanceOf(VisuomotorCnn);
      const cnn = net as VisuomotorCnn;
      expect(cnn.mapSize).toEqual([109, 109]);
      expect(cnn.numFeaturePoints).toBe(32);
      const conv = cnn.convWeights.reduce((a, w) => a + w.variable.size, 0);
      expect(conv).toBe(7 * 7 * 3 * 64 + 64 + 5 * 5 * 64 * 32 + 32 + 5 * 5 * 32 * 32 + 32);
      const fc = (64 + dX) * 40 + 40 + 40 * 40 + 40 + 40 * 7 + 7;
      expect(net.paramCount()).toBe(conv + fc + 1); // + the temperature
      expect(net.paramCount()).toBeGreaterThan(90_000);
      expect(net.paramCount()).toBeLessThan(94_000);
    } finally {
      net.dispose();
    }
  });

  it('reads the image channels first from its offset, and the state around it', () => {
    const img = { width: 3, height: 2, channels: 2 };
    const dO = 2 + 12 + 1;
    const net = buildNetwork(
      visuomotorCnn({ image: img, imageOffset: 2, conv: [{ filters: 1, kernel: 1, stride: 1 }] }),
      dO,
      1,
    ) as VisuomotorCnn;
    try {
      const o = Float32Array.from({ length: dO }, (_, i) => i);
      const [pix, st] = tf.tidy(() => {
        const t = tf.tensor2d(o, [1, dO]);
        return [net.images(t).arraySync(), net.state(t).arraySync()];
      }) as [number[][][][], number[][]];
      // pixel (y=1, x=2), channel 1 = offset + 1*H*W + 1*W + 2
      expect(pix[0][1][2][1]).toBe(2 + 6 + 3 + 2);
      expect(pix[0][0][1][0]).toBe(2 + 1);
      expect(st[0]).toEqual([0, 1, 14]);
      expect(net.stateIdx).toEqual([0, 1, 14]);
    } finally {
      net.dispose();
    }
  });

  it('first-layer filters can be set from given weights', () => {
    const net = buildNetwork(
      visuomotorCnn({
        image: { width: 8, height: 8, channels: 1 },
        conv: [{ filters: 2, kernel: 3, stride: 1 }],
      }),
      64,
      1,
    ) as VisuomotorCnn;
    try {
      const k = Float32Array.from({ length: 18 }, (_, i) => i / 10);
      net.setFirstLayer(k, [0.5, -0.5]);
      expect(Array.from(net.convWeights[0].variable.dataSync())).toEqual(Array.from(k));
      expect(Array.from(net.convWeights[1].variable.dataSync())).toEqual([0.5, -0.5]);
      expect(() => net.setFirstLayer(new Float32Array(3))).toThrow(NetworkConfigError);
    } finally {
      net.dispose();
    }
  });

  it('the optimiser applies given first-layer filters, and refuses them for an MLP', async () => {
    const kernel = Float32Array.from({ length: 3 * 3 * 1 * 2 }, (_, i) => i / 7);
    const opt = await createPolicyOptimizer(64, 1, {
      network: visuomotorCnn({
        image: { width: 8, height: 8, channels: 1 },
        conv: [{ filters: 2, kernel: 3, stride: 1 }],
      }),
      firstLayer: { kernel, bias: [1, 2] },
    });
    try {
      const cnn = opt.net as VisuomotorCnn;
      expect(Array.from(cnn.convWeights[0].variable.dataSync())).toEqual(Array.from(kernel));
      expect(Array.from(cnn.convWeights[1].variable.dataSync())).toEqual([1, 2]);
    } finally {
      opt.dispose();
    }
    await expect(
      createPolicyOptimizer(3, 1, { network: mlp(), firstLayer: { kernel: [1] } }),
    ).rejects.toThrow(NetworkConfigError);
  });

  it('rejects inconsistent configurations', () => {
    expect(() => buildNetwork(visuomotorCnn({ image: { width: 10, height: 10 } }), 250, 2)).toThrow(
      NetworkConfigError,
    );
    expect(() =>
      buildNetwork(visuomotorCnn({ image: { width: 10, height: 10 }, conv: PAPER_CONV }), 300, 2),
    ).toThrow(/shrinks to nothing/);
    expect(() => buildNetwork(mlp({ hidden: [2.5] }), 3, 2)).toThrow(NetworkConfigError);
    expect(() => buildNetwork({ kind: 'rnn' } as never, 3, 2)).toThrow(/unknown network kind/);
  });

  it('a small visuomotor CNN trains on the wasm backend (conv gradients) and learns blob positions', async () => {
    const S = 16;
    const B = 40;
    const { images, poses } = blobs(B, S, 1);
    const dO = 1 + S * S; // one state entry, then the image
    const obs = new Float64Array(B * dO);
    for (let b = 0; b < B; b++) {
      obs[b * dO] = b % 3;
      for (let k = 0; k < S * S; k++) obs[b * dO + 1 + k] = images[b * S * S + k];
    }
    const prc = new Float64Array(B * 4);
    for (let b = 0; b < B; b++) {
      prc[b * 4] = 1;
      prc[b * 4 + 3] = 1;
    }
    const opt = await createPolicyOptimizer(
      dO,
      2,
      {
        network: visuomotorCnn({
          image: { width: S, height: S, channels: 1 },
          conv: [
            { filters: 8, kernel: 3, stride: 1 },
            { filters: 8, kernel: 3, stride: 1 },
          ],
          hidden: [20],
        }),
        iterations: 150,
        batchSize: 20,
        lr: 5e-3,
        weightDecay: 0,
      },
      { prefer: ['wasm', 'cpu'] },
    );
    try {
      const tg = {
        N: 1,
        T: B,
        dO,
        dU: 2,
        obs,
        tgtMu: poses,
        tgtPrc: prc,
        tgtWt: new Float64Array(B).fill(1),
      };
      const before = opt.loss(tg);
      const report = opt.update(tg);
      expect(report.finalLoss).toBeLessThan(report.initialLoss);
      expect(opt.loss(tg)).toBeLessThan(0.3 * before);
      expect(opt.normalization?.idx).toEqual([0]);
    } finally {
      opt.dispose();
    }
  });

  it('fcOnlyIterations trains the head on cached feature points and leaves the convolutions alone', async () => {
    const S = 12;
    const B = 30;
    const tg = blobTargets(B, S, 3);
    const opt = await createPolicyOptimizer(S * S, 2, {
      network: tinyCnn(S, 6, 16),
      iterations: 0,
      fcOnlyIterations: 200,
      batchSize: 10,
      lr: 1e-2,
    });
    try {
      const cnn = opt.net as VisuomotorCnn;
      const k0 = cnn.convWeights[0].variable.dataSync().slice();
      const f0 = cnn.fcWeights[0].variable.dataSync().slice();
      const before = opt.loss(tg);
      const report = opt.update(tg);
      const after = opt.loss(tg);
      expect(after).toBeLessThan(before);
      // The report carries the head-only phase: its steps and falling loss.
      expect(report.steps).toBe(0);
      expect(report.headOnly?.steps).toBe(200);
      // (a minibatch loss, so close to but not equal to the full loss before the update)
      expect(report.headOnly?.initialLoss).toBeGreaterThan(0.5 * before);
      expect(report.headOnly?.finalLoss).toBeLessThan(report.headOnly?.initialLoss ?? 0);
      expect(Array.from(cnn.convWeights[0].variable.dataSync())).toEqual(Array.from(k0));
      expect(Array.from(cnn.fcWeights[0].variable.dataSync())).not.toEqual(Array.from(f0));
      expect(opt.tfIter).toBe(200);
    } finally {
      opt.dispose();
    }
  });

  it('convLr sets the step of the convolutions in whole-network steps, not of the head', async () => {
    const S = 12;
    const B = 10;
    const tg = blobTargets(B, S, 3);
    // One Adam step from the same initial weights on the same minibatch: the gradients are
    // equal, so each weight's move is proportional to its learning rate.
    const moves = async (convLr?: number) => {
      const opt = await createPolicyOptimizer(S * S, 2, {
        network: tinyCnn(S, 4, 8),
        iterations: 1,
        batchSize: B,
        lr: 1e-2,
        weightDecay: 0,
        ...(convLr !== undefined ? { convLr } : {}),
      });
      try {
        const cnn = opt.net as VisuomotorCnn;
        const k0 = cnn.convWeights[0].variable.dataSync().slice();
        const f0 = cnn.fcWeights[0].variable.dataSync().slice();
        opt.update(tg);
        const k1 = cnn.convWeights[0].variable.dataSync();
        const f1 = cnn.fcWeights[0].variable.dataSync();
        return {
          conv: Array.from(k1, (x, i) => x - k0[i]),
          fc: Array.from(f1, (x, i) => x - f0[i]),
          convLr: opt.options.convLr,
        };
      } finally {
        opt.dispose();
      }
    };
    const full = await moves();
    const slow = await moves(1e-3);
    expect(full.convLr).toBe(1e-2);
    expect(slow.convLr).toBe(1e-3);
    expect(Math.max(...full.conv.map(Math.abs))).toBeGreaterThan(1e-3);
    for (let i = 0; i < full.conv.length; i++) {
      expect(slow.conv[i]).toBeCloseTo(0.1 * full.conv[i], 6);
    }
    expect(slow.fc).toEqual(full.fc);
    await expect(
      createPolicyOptimizer(S * S, 2, {
        network: tinyCnn(S, 4, 8),
        convLr: 0,
      }),
    ).rejects.toThrow(/convLr: expected a positive number/);
  });

  it('pose regression on the shared conv layers reduces the pose error and moves the trunk', () => {
    const S = 16;
    const { images, poses } = blobs(30, S, 2);
    const net = buildNetwork(
      visuomotorCnn({
        image: { width: S, height: S, channels: 1 },
        conv: [
          { filters: 8, kernel: 3, stride: 1 },
          { filters: 8, kernel: 3, stride: 1 },
        ],
      }),
      S * S,
      2,
    ) as VisuomotorCnn;
    const head = new PoseRegressor(net, { dPose: 2, lr: 5e-3 });
    try {
      const k0 = net.convWeights[0].variable.dataSync().slice();
      const err = () => {
        const p = head.predict(images, 30);
        let s = 0;
        for (let i = 0; i < p.length; i++) s += (p[i] - poses[i]) ** 2;
        return s / 30;
      };
      const e0 = err();
      const r = head.train(images, poses, 30, { iterations: 120, batchSize: 10 });
      expect(r.finalLoss).toBeLessThan(r.initialLoss);
      expect(err()).toBeLessThan(0.3 * e0);
      expect(Array.from(net.convWeights[0].variable.dataSync())).not.toEqual(Array.from(k0));
    } finally {
      head.dispose();
      net.dispose();
    }
  });
});
