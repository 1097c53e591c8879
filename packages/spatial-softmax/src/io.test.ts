import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { PolicyFormatError } from './errors.js';
import { loadPolicy, loadPolicyOptimizer, type PolicyFile, policyFromSnapshot } from './io.js';
import { mlp, visuomotorCnn } from './networks.js';
import { createPolicyOptimizer } from './policy-opt.js';
import { Rng } from './rng.js';

function targets(N: number, T: number, dO: number, dU: number, seed: number) {
  const r = new Rng(seed);
  const NT = N * T;
  const tgtPrc = new Float64Array(NT * dU * dU);
  for (let nt = 0; nt < NT; nt++)
    for (let i = 0; i < dU; i++) tgtPrc[nt * dU * dU + i * dU + i] = 1 + i;
  return {
    N,
    T,
    dO,
    dU,
    obs: Float64Array.from({ length: NT * dO }, () => 2 + 3 * r.uniform()),
    tgtMu: Float64Array.from({ length: NT * dU }, () => r.normal()),
    tgtPrc,
    tgtWt: Float64Array.from({ length: NT }, () => 0.5 + r.uniform()),
  };
}

describe('exportPolicy / loadPolicy', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'vm-policy-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm', 'cpu'] });
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('round-trips an MLP policy: identical means, covariance and normalisation', async () => {
    const tg = targets(2, 10, 5, 3, 1);
    const opt = await createPolicyOptimizer(5, 3, {
      network: mlp({ hidden: [12, 7] }),
      iterations: 30,
    });
    const dir = tmp();
    const before = tf.memory().numTensors;
    try {
      opt.update(tg);
      const file = await opt.exportPolicy(dir);
      const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      expect(model.weightsManifest[0].paths).toEqual(['./weights.bin']);
      expect(model.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual([
        'fc0/kernel',
        'fc0/bias',
        'fc1/kernel',
        'fc1/bias',
        'fc2/kernel',
        'fc2/bias',
      ]);
      expect(file.params).toBe(5 * 12 + 12 + 12 * 7 + 7 + 7 * 3 + 3);
      expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBe(4 * file.params);
      const pol = await loadPolicy(dir);
      const a = opt.prob(tg.obs, 2, 10);
      const b = pol.prob(tg.obs, 2, 10);
      expect(Array.from(b.mu)).toEqual(Array.from(a.mu));
      expect(Array.from(b.sigma)).toEqual(Array.from(a.sigma));
      expect(Array.from(pol.state.norm?.scale ?? [])).toEqual(
        Array.from(opt.normalization?.scale ?? []),
      );
      const u1 = new Float64Array(3);
      const u2 = new Float64Array(3);
      const noise = Float64Array.from([0.3, -1, 2]);
      const o = tg.obs.slice(5, 10);
      opt.asPolicy().act(new Float64Array(0), o, 0, noise, u1);
      pol.act(new Float64Array(0), o, 0, noise, u2);
      expect(Array.from(u2)).toEqual(Array.from(u1));
      expect(() => pol.featurePoints(tg.obs, 20)).toThrow(/visuomotor CNN/);
      pol.dispose();
      // In memory, across a structured clone (what postMessage does): the same policy.
      const snap = structuredClone(opt.snapshot());
      const fromSnap = policyFromSnapshot(snap);
      expect(Array.from(fromSnap.prob(tg.obs, 2, 10).mu)).toEqual(Array.from(a.mu));
      fromSnap.dispose();
      expect(() => policyFromSnapshot({ ...snap, weightData: new ArrayBuffer(8) })).toThrow(
        PolicyFormatError,
      );
      // Resume: same outputs, and training continues.
      const opt2 = await loadPolicyOptimizer(dir, { iterations: 5 });
      expect(Array.from(opt2.prob(tg.obs, 2, 10).mu)).toEqual(Array.from(a.mu));
      opt2.update(tg);
      opt2.dispose();
    } finally {
      opt.dispose();
    }
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('round-trips a visuomotor CNN policy (image + state observations)', async () => {
    const img = { width: 12, height: 10, channels: 3 };
    const dO = 4 + 3 * 12 * 10;
    const net = visuomotorCnn({
      image: img,
      imageOffset: 4,
      conv: [
        { filters: 4, kernel: 3, stride: 2 },
        { filters: 3, kernel: 3, stride: 1 },
      ],
      hidden: [6],
    });
    const tg = targets(1, 6, dO, 2, 3);
    const opt = await createPolicyOptimizer(dO, 2, { network: net, iterations: 3 });
    const dir = tmp();
    try {
      opt.update(tg);
      const file = await opt.exportPolicy(dir);
      expect(file.normalization?.idx).toEqual([0, 1, 2, 3]);
      const pol = await loadPolicy(dir);
      expect(Array.from(pol.mean(tg.obs, 6))).toEqual(Array.from(opt.prob(tg.obs, 1, 6).mu));
      const fp = pol.featurePoints(tg.obs, 6);
      expect(fp.length).toBe(6 * 2 * 3);
      expect(Array.from(fp)).toEqual(Array.from(opt.asPolicy().featurePoints(tg.obs, 6)));
      for (const x of fp) expect(Math.abs(x)).toBeLessThanOrEqual(1);
      pol.dispose();
    } finally {
      opt.dispose();
    }
  });

  it('resumes bit-identically from an export with the training state (CNN, head-only phase)', async () => {
    const img = { width: 10, height: 10, channels: 1 };
    const dO = 2 + 100;
    const network = visuomotorCnn({
      image: img,
      conv: [
        { filters: 3, kernel: 3, stride: 2 },
        { filters: 2, kernel: 3, stride: 1 },
      ],
      hidden: [5],
    });
    const opts = { network, iterations: 7, fcOnlyIterations: 3, batchSize: 4, seed: 11 };
    const tg1 = targets(2, 5, dO, 2, 21);
    const tg2 = targets(2, 5, dO, 2, 22);
    const a = await createPolicyOptimizer(dO, 2, opts);
    const dir = tmp();
    let muA: Float64Array;
    try {
      a.update(tg1);
      await a.exportPolicy(dir, { trainingState: true });
      a.update(tg2);
      a.update(tg1);
      muA = a.prob(tg2.obs, 2, 5).mu;
    } finally {
      a.dispose();
    }
    const b = await loadPolicyOptimizer(dir);
    try {
      expect(b.tfIter).toBe(10);
      expect(b.options.fcOnlyIterations).toBe(3);
      b.update(tg2);
      b.update(tg1);
      expect(Array.from(b.prob(tg2.obs, 2, 5).mu)).toEqual(Array.from(muA));
    } finally {
      b.dispose();
    }
    // Without the training state, Adam starts afresh: a different trajectory.
    rmSync(join(dir, 'training.json'));
    const d = await loadPolicyOptimizer(dir, opts);
    try {
      expect(d.tfIter).toBe(0);
      d.update(tg2);
      d.update(tg1);
      expect(Array.from(d.prob(tg2.obs, 2, 5).mu)).not.toEqual(Array.from(muA));
    } finally {
      d.dispose();
    }
  });

  it('reports missing or foreign files with PolicyFormatError', async () => {
    const empty = tmp();
    await expect(loadPolicy(empty)).rejects.toThrow(PolicyFormatError);
    const opt = await createPolicyOptimizer(2, 1, { network: mlp({ hidden: [3] }), iterations: 1 });
    const dir = tmp();
    try {
      await opt.exportPolicy(dir);
    } finally {
      opt.dispose();
    }
    const pj = JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8')) as PolicyFile;
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ ...pj, version: 99 }));
    await expect(loadPolicy(dir)).rejects.toThrow(/format visuomotor-policy v1/);
    writeFileSync(
      join(dir, 'policy.json'),
      JSON.stringify({ ...pj, network: mlp({ hidden: [4] }) }),
    );
    await expect(loadPolicy(dir)).rejects.toThrow(/fc0\/kernel/);
  });
});
