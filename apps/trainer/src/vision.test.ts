import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Policy } from '@visuomotor/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { ExperimentConfigError, TrainingAbortedError } from './errors.js';
import { evaluatePolicy } from './eval-policy.js';
import { type ExperimentDefinition, validateExperiment } from './experiment.js';
import { EXPERIMENTS } from './experiments/index.js';
import { readMetrics } from './run-dir.js';
import { resume, train } from './train.js';
import { type PosePretrainResult, posePretrain } from './vision-pipeline.js';

function message(e: unknown): string {
  try {
    validateExperiment(e);
  } catch (err) {
    if (err instanceof ExperimentConfigError) return err.message;
    throw err;
  }
  return '';
}

// biome-ignore lint/suspicious/noExplicitAny: test copies are mutated into invalid shapes
const clone = (x: unknown): any => JSON.parse(JSON.stringify(x));

describe('visuomotor experiment schema', () => {
  it('validates the built-in reacher-vision experiments', () => {
    for (const n of ['reacher-vision-mdgps', 'reacher-vision-mdgps-pose-features']) {
      const e = validateExperiment(EXPERIMENTS[n]);
      expect(e.policy?.network.type).toBe('visuomotor-cnn');
      // The target is never in the policy's observation: joint state and the image only.
      expect(e.task.options?.obsSensors).toEqual(['JOINT_ANGLES', 'JOINT_VELOCITIES', 'RGB_IMAGE']);
    }
    expect(EXPERIMENTS['reacher-vision-mdgps-pose-features'].policy?.iterations).toBe(0);
    // The 12-target variants train on the task's conditions 0-11 with the same pipeline.
    for (const n of ['reacher-vision-mdgps-12', 'reacher-vision-mdgps-12-pose-features']) {
      const e = validateExperiment(EXPERIMENTS[n]);
      expect(e.conditions.train).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(e.policy?.network.type).toBe('visuomotor-cnn');
      expect(e.policy?.batchSize).toBe(100);
      expect(e.policy?.fcOnlyIterations).toBe(20000);
    }
    // The second vision task through the same pipeline.
    const peg = validateExperiment(EXPERIMENTS['peg2d-vision-mdgps']);
    expect(peg.task.name).toBe('peg2d-vision');
    expect(peg.task.options?.obsSensors).toEqual(['JOINT_ANGLES', 'JOINT_VELOCITIES', 'RGB_IMAGE']);
    expect(peg.policy?.network.type).toBe('visuomotor-cnn');
    expect(peg.conditions).toEqual({ train: [0, 1, 2, 3], test: [0, 1, 2] });
    // The -ee variants add the end-effector points' world positions and velocities, never the
    // target (END_EFFECTOR_POINTS is target-relative and stays out of the observation).
    for (const n of [
      'reacher-vision-mdgps-12-ee',
      'reacher-vision-mdgps-12-ee-pose-features',
      'peg2d-vision-mdgps-ee',
    ]) {
      const e = validateExperiment(EXPERIMENTS[n]);
      const base = validateExperiment(EXPERIMENTS[n.replace('-ee', '')]);
      expect(e.task.options?.obsSensors).toEqual([
        'JOINT_ANGLES',
        'JOINT_VELOCITIES',
        'END_EFFECTOR_POINTS_NO_TARGET',
        'END_EFFECTOR_POINT_VELOCITIES_NO_TARGET',
        'RGB_IMAGE',
      ]);
      expect(e.task.name).toBe(base.task.name);
      expect({ ...e.policy }).toEqual({ ...base.policy });
      expect(e.conditions).toEqual(base.conditions);
    }
    // 22 training targets: conditions 0-23 of the task without the two behind the shoulder.
    for (const n of ['reacher-vision-mdgps-22-ee', 'reacher-vision-mdgps-22-ee-pose-features']) {
      const e = validateExperiment(EXPERIMENTS[n]);
      const base = validateExperiment(EXPERIMENTS[n.replace('-22-', '-12-')]);
      expect(e.conditions.train).toHaveLength(22);
      expect(e.conditions.train).not.toContain(6);
      expect(e.conditions.train).not.toContain(10);
      expect(Math.max(...e.conditions.train)).toBe(23);
      expect(EXPERIMENTS['reacher-vision-mdgps-22-pose-prediction'].conditions).toEqual(
        e.conditions,
      );
      expect(e.task).toEqual(base.task);
      // 2000 pose-pretraining steps instead of 800, fully connected layers of 80 instead of 40;
      // end to end also moves the convolutions at a tenth of the head's rate.
      const { posePretraining, convLr, network, ...rest } = e.policy ?? ({} as never);
      const {
        posePretraining: basePose,
        network: baseNetwork,
        ...baseRest
      } = base.policy ?? ({} as never);
      expect(rest).toEqual(baseRest);
      expect(posePretraining).toEqual({ ...basePose, steps: 2000 });
      expect(convLr).toBe(n.endsWith('-ee') ? 1e-4 : undefined);
      expect(baseNetwork).toMatchObject({ type: 'visuomotor-cnn', hidden: [40, 40] });
      expect(network).toEqual({ ...baseNetwork, hidden: [80, 80] });
    }
    // The three methods of the 22-target spatial test share stages 1-2 (one pose cache).
    const pose22 = EXPERIMENTS['reacher-vision-mdgps-22-ee'].policy?.posePretraining;
    for (const n of [
      'reacher-vision-mdgps-22-ee-pose-features',
      'reacher-vision-mdgps-22-pose-prediction',
    ]) {
      expect(EXPERIMENTS[n].policy?.posePretraining).toEqual(pose22);
    }
    // The -jitter variants only add the per-rollout target jitter of the training samples.
    for (const n of [
      'reacher-vision-mdgps-12-ee-jitter',
      'reacher-vision-mdgps-12-ee-jitter-pose-features',
    ]) {
      const e = validateExperiment(EXPERIMENTS[n]);
      const base = validateExperiment(EXPERIMENTS[n.replace('-jitter', '')]);
      expect(e.task.options).toEqual({ ...base.task.options, targetJitter: [0.03, 0.03, 0] });
      expect({ ...e.policy }).toEqual({ ...base.policy });
      expect(e.algorithm).toEqual(base.algorithm);
    }
    // The pose-prediction baseline: a state policy on the true ee points during training,
    // the pose estimator of the same pose pretraining at evaluation.
    for (const n of [
      'reacher-vision-mdgps-pose-prediction',
      'reacher-vision-mdgps-12-pose-prediction',
      'reacher-vision-mdgps-22-pose-prediction',
    ]) {
      const e = validateExperiment(EXPERIMENTS[n]);
      expect(e.policy?.network.type).toBe('pose-prediction');
      expect(e.task.options?.obsSensors).toEqual([
        'JOINT_ANGLES',
        'JOINT_VELOCITIES',
        'END_EFFECTOR_POINTS',
      ]);
      const steps = n.includes('-22-') ? 2000 : 800;
      expect(e.policy?.posePretraining).toEqual({
        ...EXPERIMENTS['reacher-vision-mdgps'].policy?.posePretraining,
        steps,
      });
    }
  });

  it('names the invalid visuomotor field', () => {
    const base = EXPERIMENTS['reacher-vision-mdgps'];
    const e1 = clone(base);
    e1.policy.network.conv = 'tiny';
    expect(message(e1)).toMatch(/^experiment\.policy\.network\.conv: expected one of 'sim'/);
    const e2 = clone(base);
    e2.policy.network.conv = [{ filters: 4, kernel: 0, stride: 1 }];
    expect(message(e2)).toMatch(/^experiment\.policy\.network\.conv\[0\]\.kernel: expected/);
    const e3 = clone(base);
    e3.policy.network.image = { width: 64 };
    expect(message(e3)).toMatch(/^experiment\.policy\.network\.image\.height: expected/);
    const e4 = clone(base);
    e4.policy.fcOnlyIterations = 0;
    e4.policy.iterations = 0;
    expect(message(e4)).toMatch(/^experiment\.policy\.iterations: expected a positive integer/);
    const e5 = clone(base);
    e5.policy.posePretraining.steps = 0;
    expect(message(e5)).toMatch(/^experiment\.policy\.posePretraining\.steps: expected/);
    const e6 = clone(EXPERIMENTS['peg2d-mdgps']);
    e6.policy.fcOnlyIterations = 10;
    expect(message(e6)).toMatch(/^experiment\.policy\.fcOnlyIterations: expected no such field/);
    const e7 = clone(base);
    e7.algorithm.pretrainIterations = 0;
    e7.policy.pretrainNetwork = { hidden: [8], iterations: 5, batchSize: 8, lr: 1e-3 };
    expect(message(e7)).toMatch(
      /^experiment\.policy\.pretrainNetwork: expected no pretrainNetwork/,
    );
    const e7b = clone(base);
    e7b.algorithm.pretrainStepRule = 'mc';
    expect(message(e7b)).toMatch(
      /^experiment\.algorithm\.pretrainStepRule: expected no pretrainStepRule without policy\.pretrainNetwork/,
    );
    e7b.policy.pretrainNetwork = { hidden: [8], iterations: 5, batchSize: 8, lr: 1e-3 };
    expect(() => validateExperiment(e7b)).not.toThrow();
    e7b.algorithm.pretrainStepRule = 'samples';
    expect(message(e7b)).toMatch(/^experiment\.algorithm\.pretrainStepRule: expected/);
    const pp = EXPERIMENTS['reacher-vision-mdgps-pose-prediction'];
    const e8 = clone(pp);
    delete e8.policy.posePretraining;
    expect(message(e8)).toMatch(/^experiment\.policy\.posePretraining: expected a posePretraining/);
    const e9 = clone(pp);
    e9.policy.fcOnlyIterations = 10;
    expect(message(e9)).toMatch(
      /^experiment\.policy\.fcOnlyIterations: expected no such field with network type 'pose-prediction'/,
    );
    const e10 = clone(EXPERIMENTS['peg2d-mdgps']);
    e10.policy.posePretraining = clone(pp.policy?.posePretraining);
    expect(message(e10)).toMatch(/^experiment\.policy\.posePretraining: expected no such field/);
    const e11 = clone(pp);
    e11.policy.network.hidden = [];
    expect(message(e11)).toMatch(
      /^experiment\.policy\.network\.hidden\.length: expected at least 1/,
    );
    const e12 = clone(pp);
    e12.policy.convLr = 1e-4;
    expect(message(e12)).toMatch(
      /^experiment\.policy\.convLr: expected no such field with network type 'pose-prediction'/,
    );
    const e13 = clone(base);
    e13.policy.convLr = 0;
    expect(message(e13)).toMatch(/^experiment\.policy\.convLr: expected a positive number/);
    const e14 = clone(base);
    e14.policy.convLr = 1e-4;
    expect(() => validateExperiment(e14)).not.toThrow();
    const e15 = clone(base);
    e15.policy.posePretraining.clutter = { min: 3, max: 2 };
    expect(message(e15)).toMatch(
      /^experiment\.policy\.posePretraining\.clutter\.max: expected an integer >= experiment\.policy\.posePretraining\.clutter\.min \(3\), got 2/,
    );
    const e16 = clone(base);
    e16.policy.posePretraining.clutter = { min: 1.5, max: 2 };
    expect(message(e16)).toMatch(/^experiment\.policy\.posePretraining\.clutter\.min: expected/);
    const e17 = clone(base);
    e17.policy.posePretraining.clutter = { min: 0, max: 4 };
    expect(() => validateExperiment(e17)).not.toThrow();
    // Checked against the task when the experiment is validated, before any work.
    e17.policy.posePretraining.clutter = { min: 0, max: 7 };
    expect(message(e17)).toMatch(
      /^experiment\.policy\.posePretraining\.clutter\.max: expected at most 6 \(the clutter objects of reacher-vision-clutter\), got 7/,
    );
    const e18 = clone(EXPERIMENTS['peg2d-vision-mdgps']);
    e18.policy.posePretraining.clutter = { min: 0, max: 1 };
    expect(message(e18)).toMatch(
      /^experiment\.policy\.posePretraining\.clutter: expected a task with a clutter variant \(reacher-vision \| reacher-vision-clutter\), or no clutter, got "peg2d-vision"/,
    );
  });
});

// Real MuJoCo reacher-vision on 16x16 images, a tiny CNN, a few optimiser steps.
const root = mkdtempSync(join(tmpdir(), 'visuomotor-vision-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tiny network on 16x16 images (two small convolutions, one hidden layer of 8). */
const TINY_NETWORK = {
  image: { width: 16, height: 16 },
  conv: [
    { filters: 4, kernel: 3, stride: 2 },
    { filters: 3, kernel: 3, stride: 1 },
  ],
  hidden: [8],
};

const tiny = (extra: Partial<ExperimentDefinition> = {}): ExperimentDefinition => ({
  ...EXPERIMENTS['reacher-vision-mdgps'],
  name: 'tiny-vision',
  task: {
    name: 'reacher-vision',
    options: {
      obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES', 'RGB_IMAGE'],
      image: { width: 16, height: 16 },
    },
  },
  conditions: { train: [0, 1], test: [0] },
  T: 10,
  samples: 5,
  iterations: 3,
  algorithm: {
    type: 'mdgps',
    klStep: 0.2,
    minStepMult: 0.01,
    maxStepMult: 10,
    policyPrior: 'constant',
    // Two iterations with the state network (its rollouts read x_t), then the CNN.
    pretrainIterations: 2,
  },
  policy: {
    network: { type: 'visuomotor-cnn', ...TINY_NETWORK },
    fcOnlyIterations: 4,
    iterations: 3,
    batchSize: 8,
    lr: 1e-3,
    posePretraining: { rollouts: 3, testRollouts: 2, every: 4, steps: 4, batchSize: 4, lr: 1e-3 },
    pretrainNetwork: { hidden: [8], iterations: 5, batchSize: 8, lr: 1e-3 },
  },
  ...extra,
});

describe('visuomotor pipeline (tiny end-to-end run)', () => {
  it('pose-pretrains, pretrains trajectories, trains the CNN on images, exports and evaluates it', async () => {
    const dir = join(root, 'run');
    const logs: string[] = [];
    const r = await train(tiny(), {
      out: dir,
      plots: false,
      progress: { update() {}, log: (m) => logs.push(m), done() {} },
    });
    expect(r.metrics).toHaveLength(6);
    expect(r.metrics.every((l) => typeof l.policyDistance === 'number')).toBe(true);
    // Stages 1-2: the pose data and pretrained convolutions are cached in the run directory.
    const pose = JSON.parse(
      readFileSync(join(dir, 'pose', 'pose.json'), 'utf8'),
    ) as PosePretrainResult;
    expect(pose.trainImages).toBe(3 * 13); // the task horizon (50 steps), every 4th frame
    expect(pose.testImages).toBe(2 * 13);
    expect(Number.isFinite(pose.heldOutCm.final.mean)).toBe(true);
    expect(existsSync(join(dir, 'pose', 'conv.bin'))).toBe(true);
    expect(logs.some((l) => l.startsWith('pose pretraining: held-out error'))).toBe(true);
    // Stage 4: the exported policy is the CNN on the 16x16 image plus the 4 joint entries.
    const pj = JSON.parse(readFileSync(join(dir, 'policy', 'policy.json'), 'utf8'));
    expect(pj.network.kind).toBe('visuomotor-cnn');
    expect(pj.dO).toBe(4 + 3 * 16 * 16);
    expect(pj.network.imageOffset).toBe(4);
    expect(pj.normalization.idx).toEqual([0, 1, 2, 3]);
    const pe = await evaluatePolicy(dir);
    expect(pe.train.conditions).toBe(2);
    expect(pe.test.conditions).toBe(1);
    // timings.jsonl records each policy update: whole-network steps and the head-only phase.
    const timings = readFileSync(join(dir, 'timings.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = timings[timings.length - 1];
    // (the first policy iteration has two: MDGPS catches the policy up with the controllers
    // before the S-step)
    expect(last.policyUpdates).toHaveLength(2);
    for (const u of last.policyUpdates) {
      expect(u.steps).toBe(3);
      expect(u.headOnly.steps).toBe(4);
      expect(Number.isFinite(u.finalLoss)).toBe(true);
    }
    expect(logs.some((l) => l.startsWith('policy update: 3 steps, loss'))).toBe(true);
    // The best policy iterate of the policy phase (here its only iteration, 3 of 3) is kept.
    const best = JSON.parse(readFileSync(join(dir, 'policy-best', 'best.json'), 'utf8'));
    expect(best.iteration).toBe(2);
    expect(best.meanDistance).toBeCloseTo(
      (r.metrics[4].policyDistance ?? Number.NaN) / 2 +
        (r.metrics[5].policyDistance ?? Number.NaN) / 2,
      12,
    );
    const pb = await evaluatePolicy(dir, { best: true });
    expect(pb.policy).toBe('policy-best');
    expect(pb.best).toEqual(best);
    expect(pb.file).toBe('eval-policy-best.json');
    expect(existsSync(join(dir, 'eval-policy-best.json'))).toBe(true);
    expect(pb.frames).toBe('plots/policy-frames-best.png');
    expect(existsSync(join(dir, 'plots', 'policy-frames-best.svg'))).toBe(true);
    // The last iteration is the best one here, so both exports give the same rollouts.
    expect(pb.conditions.map((c) => c.distance)).toEqual(pe.conditions.map((c) => c.distance));
  }, 120_000);

  it('passes algorithm.pretrainStepRule to the pretraining against the state network', async () => {
    // Two pretraining iterations only; the second adjusts the step. A run that takes the Monte-
    // Carlo rule while pretraining must match one that takes it throughout, up to that point.
    const run = async (name: string, rules: Record<string, string>) => {
      const e = tiny({ iterations: 2 });
      e.algorithm = { ...e.algorithm, ...rules } as ExperimentDefinition['algorithm'];
      const r = await train(e, { out: join(root, name), plots: false });
      return r.metrics.map((l) => [l.iteration, l.predictedImprovement, l.actualImprovement]);
    };
    const split = await run('rule-split', { stepRule: 'laplace', pretrainStepRule: 'mc' });
    const mc = await run('rule-mc', { stepRule: 'mc' });
    const laplace = await run('rule-laplace', { stepRule: 'laplace' });
    expect(split).toHaveLength(4);
    expect(split[2][2]).not.toBeNull();
    expect(split).toEqual(mc);
    expect(split[2][2]).not.toBe(laplace[2][2]);
  }, 120_000);

  it('feeds the policy the camera image and joint state with the right shape', async () => {
    const { MujocoAgent, TASKS } = await import('@visuomotor/mujoco-agent');
    const { loadPolicy } = await import('@visuomotor/spatial-softmax');
    const policy = await loadPolicy(join(root, 'run', 'policy'));
    const agent = await MujocoAgent.create({
      task: 'reacher-vision',
      conditions: [TASKS['reacher-vision'].train[0]],
      obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES', 'RGB_IMAGE'],
      image: { width: 16, height: 16 },
      T: 3,
    });
    try {
      const seen: { dO: number; image: number[] }[] = [];
      const spy: Policy = {
        dU: policy.dU,
        act(x, o, t, noise, out) {
          seen.push({ dO: o.length, image: Array.from(o.subarray(4)) });
          policy.act(x, o, t, noise, out);
        },
      };
      const s = await agent.sample(spy, 0, { seed: 0, noiseScale: 0 });
      expect(s.dO).toBe(4 + 3 * 16 * 16);
      expect(seen.map((v) => v.dO)).toEqual([s.dO, s.dO, s.dO]);
      // A real picture in [0, 1] (the red target and the arm on the table), not zeros.
      const img = seen[0].image;
      expect(Math.min(...img)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...img)).toBeLessThanOrEqual(1);
      expect(new Set(img.map((v) => v.toFixed(2))).size).toBeGreaterThan(3);
    } finally {
      agent.dispose();
      policy.dispose();
    }
  }, 60_000);

  it('rejects an image size that does not match the agent’s camera, naming the field', async () => {
    const e = tiny();
    const bad = clone(e);
    bad.policy.network.image = { width: 32, height: 32 };
    bad.policy.posePretraining = undefined;
    delete bad.policy.posePretraining;
    await expect(train(bad, { out: join(root, 'bad-image'), plots: false })).rejects.toThrow(
      /^experiment\.policy\.network\.image: expected the agent's camera image size/,
    );
    const noImage = clone(e);
    noImage.task.options.obsSensors = ['JOINT_ANGLES', 'JOINT_VELOCITIES'];
    delete noImage.policy.posePretraining;
    await expect(train(noImage, { out: join(root, 'no-image'), plots: false })).rejects.toThrow(
      /^experiment\.task\.options\.obsSensors: expected observation sensors with 'RGB_IMAGE'/,
    );
    expect(existsSync(join(root, 'bad-image', 'config.json'))).toBe(false);
  }, 60_000);

  it('pose prediction: trains a state policy, then evaluates it on poses predicted from images', async () => {
    const dir = join(root, 'pose-prediction');
    const base = tiny();
    const pp = EXPERIMENTS['reacher-vision-mdgps-pose-prediction'];
    const e: ExperimentDefinition = {
      ...base,
      name: 'tiny-pose-prediction',
      // the built-in baseline's observation: joint state and the TRUE target-relative fingertip
      task: pp.task,
      policy: {
        network: { type: 'pose-prediction', ...TINY_NETWORK },
        iterations: 5,
        batchSize: 8,
        lr: 1e-3,
        posePretraining: base.policy?.posePretraining,
      },
    };
    const r = await train(e, { out: dir, plots: false });
    expect(r.metrics).toHaveLength(6);
    // The estimator (convolutions + head + label standardisation) is kept with the run.
    const head = JSON.parse(readFileSync(join(dir, 'pose', 'pose-head.json'), 'utf8'));
    // The target's height never varies: saved as a constant (std 0), returned exactly.
    expect(head.dPose).toBe(3);
    expect(head.std[2]).toBe(0);
    expect(head.mean[2]).toBeCloseTo(0.02, 12);
    expect(head.std[0]).toBeGreaterThan(0);
    // The exported policy is the MLP on joint state and the 3 target-relative ee entries.
    const pj = JSON.parse(readFileSync(join(dir, 'policy', 'policy.json'), 'utf8'));
    expect(pj.network.kind).toBe('mlp');
    expect(pj.dO).toBe(7);
    const pe = await evaluatePolicy(dir, { randomTargets: 1 });
    expect(pe.conditions).toHaveLength(4);
    for (const c of pe.conditions) {
      // Every rollout ran on predicted poses; the estimator's error is recorded.
      expect(typeof c.poseErrorCm).toBe('number');
      expect(Number.isFinite(c.poseErrorCm)).toBe(true);
      expect(c.poseErrorCm).toBeGreaterThan(0);
    }
    // A pose-prediction run without its estimator cannot be evaluated.
    rmSync(join(dir, 'pose', 'pose-head.json'));
    await expect(evaluatePolicy(dir)).rejects.toThrow(/cannot read a pose estimator/);
  }, 180_000);

  it('runs the pipeline on peg2d-vision (6-number pose label: the two peg target points)', async () => {
    const dir = join(root, 'peg2d-vision');
    const base = tiny();
    const e: ExperimentDefinition = {
      ...EXPERIMENTS['peg2d-vision-mdgps'],
      name: 'tiny-peg2d-vision',
      task: {
        name: 'peg2d-vision',
        options: {
          obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES', 'RGB_IMAGE'],
          image: { width: 16, height: 16 },
        },
      },
      conditions: { train: [0, 1], test: [0] },
      T: 10,
      iterations: 2,
      algorithm: {
        ...(base.algorithm as object),
        pretrainIterations: 1,
      } as ExperimentDefinition['algorithm'],
      policy: { ...base.policy, pretrainNetwork: undefined } as ExperimentDefinition['policy'],
    };
    delete e.policy?.pretrainNetwork;
    const r = await train(e, { out: dir, plots: false });
    expect(r.metrics).toHaveLength(4);
    const pose = JSON.parse(
      readFileSync(join(dir, 'pose', 'pose.json'), 'utf8'),
    ) as PosePretrainResult;
    expect(pose.config.task).toBe('peg2d-vision');
    expect(pose.trainImages).toBe(3 * 25); // T = 100 steps, every 4th frame
    const pe = await evaluatePolicy(dir);
    expect(pe.train.conditions).toBe(2);
    expect(pe.test.conditions).toBe(1);
    expect(pe.conditions.every((c) => typeof c.distance === 'number')).toBe(true);
  }, 180_000);

  it('pose data with clutter: collected on the clutter variant, also scored without clutter', async () => {
    const withClutter = (
      clutter: { min: number; max: number } | undefined,
      task = 'reacher-vision',
    ) => {
      const e = tiny();
      const p = e.policy as NonNullable<ExperimentDefinition['policy']>;
      const pose = p.posePretraining as NonNullable<typeof p.posePretraining>;
      return {
        ...e,
        task: { ...e.task, name: task },
        policy: { ...p, posePretraining: { ...pose, ...(clutter ? { clutter } : {}) } },
      } as ExperimentDefinition;
    };
    const dir = join(root, 'pose-clutter');
    const logs: string[] = [];
    const r = await posePretrain(withClutter({ min: 2, max: 4 }), dir, (m) => logs.push(m));
    expect(r.config.clutter).toEqual({ min: 2, max: 4 });
    expect(r.config.task).toBe('reacher-vision');
    expect(r.clutter?.task).toBe('reacher-vision-clutter');
    expect(r.trainImages).toBe(3 * 13);
    expect(Number.isFinite(r.clutter?.heldOutPlainCm.mean)).toBe(true);
    expect(r.clutter?.heldOutPlainCm.mean).not.toBe(r.heldOutCm.final.mean);
    expect(logs[0]).toMatch(/2-4 clutter objects each on reacher-vision-clutter/);
    expect(logs.some((l) => l.startsWith('pose pretraining: held-out error without clutter'))).toBe(
      true,
    );
    // The cache is keyed on the configuration: the same one is reused, another is recomputed.
    const again: string[] = [];
    await posePretrain(withClutter({ min: 2, max: 4 }), dir, (m) => again.push(m));
    expect(again).toEqual([`pose pretraining: reusing ${dir}`]);
    const plain: string[] = [];
    const r2 = await posePretrain(withClutter(undefined), dir, (m) => plain.push(m));
    expect(plain[0]).not.toMatch(/reusing|clutter/);
    expect(r2.clutter).toBeUndefined();
    // A task without a clutter variant, and more objects than the variant has, name the field.
    await expect(
      posePretrain(withClutter({ min: 0, max: 7 }), join(root, 'pose-clutter-7')),
    ).rejects.toThrow(
      /^experiment\.policy\.posePretraining\.clutter\.max: expected at most 6 \(the clutter objects of reacher-vision-clutter\), got 7/,
    );
    await expect(
      posePretrain(withClutter({ min: 0, max: 1 }, 'peg2d-vision'), join(root, 'pose-clutter-peg')),
    ).rejects.toThrow(
      /^experiment\.policy\.posePretraining\.clutter: expected a task with a clutter variant/,
    );
  }, 120_000);

  it('a run stopped during trajectory pretraining resumes to identical metrics', async () => {
    const e = tiny();
    const ref = join(root, 'run');
    const dir = join(root, 'stopped');
    const controller = new AbortController();
    await expect(
      train(e, {
        out: dir,
        plots: false,
        signal: controller.signal,
        progress: {
          update(ev) {
            if (ev.iteration === 1 && ev.phase === 'sampling') controller.abort();
          },
          log() {},
          done() {},
        },
      }),
    ).rejects.toBeInstanceOf(TrainingAbortedError);
    expect(readMetrics(dir)).toHaveLength(2);
    await resume(dir, { plots: false });
    expect(
      readFileSync(join(dir, 'metrics.jsonl')).equals(readFileSync(join(ref, 'metrics.jsonl'))),
    ).toBe(true);
    expect(readFileSync(join(dir, 'policy-best', 'best.json'), 'utf8')).toBe(
      readFileSync(join(ref, 'policy-best', 'best.json'), 'utf8'),
    );
  }, 120_000);
});
