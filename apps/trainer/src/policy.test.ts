import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createPolicyInfo, stepNu } from '@visuomotor/badmm';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareIteration } from './algorithms.js';
import { main } from './cli-main.js';
import { ExperimentConfigError, TrainingAbortedError } from './errors.js';
import { evaluatePolicy } from './eval-policy.js';
import { type ExperimentDefinition, validateExperiment } from './experiment.js';
import { BLIND_OBSERVATION, EXPERIMENTS } from './experiments/index.js';
import { readMetrics } from './run-dir.js';
import { resume, train } from './train.js';

// biome-ignore lint/suspicious/noExplicitAny: tests poke invalid values into arbitrary fields
const clone = (e: ExperimentDefinition): any => JSON.parse(JSON.stringify(e));

function message(value: unknown): string {
  try {
    validateExperiment(value);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('policy experiment schema', () => {
  const b = EXPERIMENTS['peg2d-badmm'];
  it('names the invalid badmm / mdgps / policy field', () => {
    const e1 = clone(b);
    e1.algorithm.innerIterations = 0;
    expect(message(e1)).toMatch(/^experiment\.algorithm\.innerIterations: expected/);
    const e2 = clone(b);
    e2.algorithm.nuSchedule = 'sometimes';
    expect(message(e2)).toMatch(/^experiment\.algorithm\.nuSchedule: expected/);
    const e3 = clone(EXPERIMENTS['peg2d-mdgps']);
    e3.algorithm.stepRule = 'mean';
    expect(message(e3)).toMatch(/^experiment\.algorithm\.stepRule: expected/);
    const e4 = clone(b);
    e4.policy.network.hidden = [40, -1];
    expect(message(e4)).toMatch(/^experiment\.policy\.network\.hidden\[1\]: expected/);
    const e5 = clone(b);
    e5.policy.lr = 0;
    expect(message(e5)).toMatch(/^experiment\.policy\.lr: expected/);
    const e6 = clone(b);
    e6.policy.network.type = 'cnn';
    expect(message(e6)).toMatch(/^experiment\.policy\.network\.type: expected/);
    const e7 = clone(b);
    delete e7.policy;
    expect(message(e7)).toMatch(/^experiment\.policy: expected a policy section/);
    const e8 = clone(EXPERIMENTS.pointmass);
    e8.policy = b.policy;
    expect(message(e8)).toMatch(/^experiment\.policy: expected no policy section/);
    const e9 = clone(b);
    e9.algorithm.lgStepSchedule = [1, 0];
    expect(message(e9)).toMatch(/^experiment\.algorithm\.lgStepSchedule\[1\]: expected/);
    const e10 = clone(b);
    e10.algorithm.pretrainIterations = 1.5;
    expect(message(e10)).toMatch(/^experiment\.algorithm\.pretrainIterations: expected/);
    const e11 = clone(EXPERIMENTS['peg2d-mdgps']);
    e11.algorithm.policyPriorStrength = 0;
    expect(message(e11)).toMatch(/^experiment\.algorithm\.policyPriorStrength: expected/);
    const e12 = clone(EXPERIMENTS['peg2d-mdgps']);
    e12.algorithm.policyPrior = 'gmm';
    e12.algorithm.policyPriorStrength = 1;
    expect(message(e12)).toMatch(
      /^experiment\.algorithm\.policyPriorStrength: expected no policyPriorStrength without policyPrior 'constant'/,
    );
    const e13 = clone(EXPERIMENTS['peg2d-mdgps']);
    e13.algorithm.policyPriorStrength = 0.01;
    expect(validateExperiment(e13).algorithm).toMatchObject({ policyPriorStrength: 0.01 });
  });

  it('keeps ν of the built-in BADMM experiments bounded while the policy is far off', () => {
    // Regression (BADMM policy frozen, then `policy loss is Infinity`): with the reference's
    // default ν schedule (`'dgd'`, lgStep 10) ν grew by 10 · KL_t per iteration; on peg2d the
    // policy KL was ~10 nats per step, so ν went 0.01 → 95 → 2e4 → 3e6, and the reference's
    // target shift ν P⁻¹ λ (with λ itself ∝ ν) pushed the regression targets to 1e16: the
    // network saturated the torques (identical rollouts) and its float32 loss overflowed.
    for (const n of ['peg2d-badmm', 'peg3d-badmm']) {
      const e = EXPERIMENTS[n];
      const a = e.algorithm;
      if (a.type !== 'badmm') throw new Error(`${n} is not a BADMM experiment`);
      const T = 10;
      const info = createPolicyInfo(T, 1, 1, a.initNu ?? 0.01);
      const kl = Float64Array.from({ length: T }, (_, t) => 10 + t); // ~10 nats per step
      const policyIterations = e.iterations - (a.pretrainIterations ?? 0);
      const lg = a.lgStepSchedule ?? 10;
      for (let i = 0; i < policyIterations; i++) {
        stepNu(info, kl, {
          nuSchedule: a.nuSchedule ?? 'dgd',
          lgStep: typeof lg === 'number' ? lg : Math.max(...lg),
        });
        info.prevKl = kl;
      }
      expect(Math.max(...info.nu)).toBeLessThan(1);
    }
  });

  it('keeps the hole out of the built-in policies’ observations', () => {
    // Every built-in experiment with a state (MLP) policy is a blind peg experiment.
    const state = Object.entries(EXPERIMENTS).filter(([, e]) => e.policy?.network?.type === 'mlp');
    expect(state.map(([n]) => n)).toContain('peg2d-plate-side-badmm');
    expect(state.length).toBeGreaterThanOrEqual(6);
    for (const [, e] of state) {
      expect(e.task.name).toMatch(/^peg/);
      expect(e.task.options?.obsSensors).toEqual([...BLIND_OBSERVATION.obsSensors]);
    }
  });
});

// Real MuJoCo pointmass, tiny MLP, few optimiser steps.
const root = mkdtempSync(join(tmpdir(), 'visuomotor-policy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tiny = (type: 'badmm' | 'mdgps', extra: object = {}): ExperimentDefinition => ({
  ...EXPERIMENTS.pointmass,
  name: `tiny-${type}`,
  task: { name: 'pointmass', options: { obsSensors: ['JOINT_ANGLES', 'JOINT_VELOCITIES'] } },
  conditions: { train: [0, 1], test: [0] },
  T: 12,
  samples: 4,
  dynamics: {
    regularization: 1e-6,
    prior: { type: 'gmm', maxClusters: 4, minSamplesPerCluster: 8, maxSamples: 4, strength: 1 },
  },
  algorithm:
    type === 'badmm'
      ? { type, klStep: 0.2, minStepMult: 0.01, maxStepMult: 10, innerIterations: 1, ...extra }
      : { type, klStep: 0.2, minStepMult: 0.01, maxStepMult: 10, ...extra },
  policy: { network: { type: 'mlp', hidden: [8] }, iterations: 10, batchSize: 8, lr: 1e-3 },
});

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

describe('prepareIteration', () => {
  it('awaits an algorithm’s own prepare(samples) hook and nothing else', async () => {
    const seen: unknown[] = [];
    const withHook = {
      prepare: async (s: unknown) => {
        seen.push(s);
      },
    };
    await prepareIteration(withHook as never, [[]]);
    expect(seen).toEqual([[[]]]);
    // BADMM / MDGPS no longer carry a `prepare` of their own (their dynamics fit is
    // `fitConditions`), so the hook needs no special case for them.
    await prepareIteration({} as never, [[]]);
  });
});

describe('badmm / mdgps runs', () => {
  it('BADMM trains, exports the policy, and eval --policy runs it on train and test', async () => {
    const dir = join(root, 'badmm');
    const r = await train(tiny('badmm'), { out: dir, iterations: 2, plots: false });
    expect(r.metrics).toHaveLength(4);
    expect(r.metrics.every((l) => typeof l.policyDistance === 'number')).toBe(true);
    expect(existsSync(join(dir, 'policy', 'model.json'))).toBe(true);
    const out = sink();
    const err = sink();
    const code = await main(['eval', dir, '--policy', '--json'], {
      stdout: out.stream,
      stderr: err.stream,
    });
    expect(err.text()).toBe('');
    expect(code).toBe(0);
    const pe = JSON.parse(out.text());
    expect(pe.train.conditions).toBe(2);
    expect(pe.test.conditions).toBe(1);
    expect(pe.conditions.map((c: { split: string }) => c.split)).toEqual([
      'train',
      'train',
      'test',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'eval-policy.json'), 'utf8'))).toEqual(pe);
    // The rollouts' frames: one row per condition (2 train, 1 test) of 6 frames, labelled.
    expect(pe.frames).toBe('plots/policy-frames.png');
    const png = readFileSync(join(dir, pe.frames));
    expect([...png.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    const svg = readFileSync(join(dir, 'plots', 'policy-frames.svg'), 'utf8');
    expect((svg.match(/<image /g) ?? []).length).toBe(3 * 6);
    for (const label of ['train 0 ', 'train 1 ', 'test 0 ']) expect(svg).toContain(`>${label}`);
    // Deterministic: the same policy gives the same distances again.
    expect((await evaluatePolicy(dir)).conditions).toEqual(pe.conditions);
    // A config whose conditions the task does not have is an error naming the field.
    const cfgPath = join(dir, 'config.json');
    const cfg = readFileSync(cfgPath, 'utf8');
    const bad = JSON.parse(cfg);
    bad.experiment.conditions.test = [0, 9];
    writeFileSync(cfgPath, JSON.stringify(bad));
    await expect(evaluatePolicy(dir)).rejects.toThrow(ExperimentConfigError);
    await expect(evaluatePolicy(dir)).rejects.toThrow(/experiment\.conditions\.test\[1\].*got 9/);
    writeFileSync(cfgPath, cfg);
  });

  it('on-policy MDGPS: a stopped run resumes to identical metrics and checkpoints', async () => {
    const e = tiny('mdgps', { sampleOnPolicy: true });
    const ref = join(root, 'mdgps-ref');
    await train(e, { out: ref, iterations: 3, plots: false });
    const dir = join(root, 'mdgps-stopped');
    const controller = new AbortController();
    await expect(
      train(e, {
        out: dir,
        iterations: 3,
        plots: false,
        signal: controller.signal,
        progress: {
          update(ev) {
            if (ev.iteration === 2 && ev.phase === 'sampling') controller.abort();
          },
          log() {},
          done() {},
        },
      }),
    ).rejects.toBeInstanceOf(TrainingAbortedError);
    expect(readMetrics(dir)).toHaveLength(4);
    await resume(dir, { plots: false });
    expect(
      readFileSync(join(dir, 'metrics.jsonl')).equals(readFileSync(join(ref, 'metrics.jsonl'))),
    ).toBe(true);
    expect(
      readFileSync(join(dir, 'checkpoints/iter-0003.json')).equals(
        readFileSync(join(ref, 'checkpoints/iter-0003.json')),
      ),
    ).toBe(true);
  });
});
