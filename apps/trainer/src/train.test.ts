import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG_SIGNATURE } from '@visuomotor/spatial-softmax';
import { afterAll, describe, expect, it } from 'vitest';
import { RunDirError, TrainingAbortedError } from './errors.js';
import type { ExperimentDefinition } from './experiment.js';
import { EXPERIMENTS } from './experiments/index.js';
import { readLatestCheckpoint, readMetrics, readRunConfig } from './run-dir.js';
import { fakeRuntime } from './test-fakes.js';
import { evaluate, resume, train } from './train.js';

const root = mkdtempSync(join(tmpdir(), 'visuomotor-trainer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const small: ExperimentDefinition = { ...EXPERIMENTS.pointmass, T: 30, samples: 4 };
const ITER = 6;
const M = small.conditions.train.length;

const read = (dir: string, f: string) => readFileSync(join(dir, f));

let unbroken = '';
async function unbrokenRun(): Promise<string> {
  if (unbroken) return unbroken;
  unbroken = join(root, 'unbroken');
  await train(small, { runtime: fakeRuntime(), out: unbroken, iterations: ITER, seed: 5 });
  return unbroken;
}

function isPng(b: Uint8Array): boolean {
  return Buffer.from(b.subarray(0, 8)).equals(Buffer.from(PNG_SIGNATURE));
}

describe('run directory', () => {
  it('has the documented layout', async () => {
    const dir = await unbrokenRun();
    const cfg = readRunConfig(dir);
    expect(cfg.format).toBe('visuomotor-run');
    expect(cfg.seed).toBe(5);
    expect(cfg.experiment.seed).toBe(5);
    expect(cfg.experiment.iterations).toBe(ITER);
    expect(cfg.options).toEqual({ iterations: ITER, workers: 1 });
    expect(cfg.versions['@visuomotor/trainer']).toMatch(/^\d+\.\d+\.\d+/);
    expect(cfg.versions['@visuomotor/contracts']).toMatch(/^\d+\.\d+\.\d+/);
    expect(cfg.versions.node).toBe(process.versions.node);

    const metrics = readMetrics(dir);
    expect(metrics).toHaveLength(ITER * M);
    expect(metrics.map((l) => [l.iteration, l.condition])).toEqual(
      Array.from({ length: ITER * M }, (_, i) => [Math.floor(i / M), i % M]),
    );
    const first = metrics[0];
    expect(Object.keys(first)).toEqual([
      'iteration',
      'condition',
      'cost',
      'costStd',
      'distance',
      'success',
      'kl',
      'klStep',
      'eta',
      'stepMult',
      'predictedImprovement',
      'actualImprovement',
      'backwardCalls',
      'samples',
    ]);
    expect(first.samples).toBe(4);
    expect(metrics[metrics.length - 1].distance!).toBeLessThan(first.distance!);

    const cps = readdirSync(join(dir, 'checkpoints')).sort();
    expect(cps).toEqual(Array.from({ length: ITER + 1 }, (_, i) => `iter-000${i}.json`));
    expect(read(dir, 'latest').toString()).toBe(`checkpoints/iter-000${ITER}.json\n`);
    const cp = readLatestCheckpoint(dir)!;
    expect(cp.iteration).toBe(ITER);
    expect(cp.rng).toHaveLength(4);
    expect(cp.metricsBytes).toBe(read(dir, 'metrics.jsonl').length);
    expect((cp.algorithm.data.stats as Float64Array).constructor).toBe(Float64Array);
    expect(readFileSync(join(dir, 'timings.jsonl'), 'utf8').trim().split('\n')).toHaveLength(ITER);
    // no temporary files left behind by the atomic writes
    expect(readdirSync(join(dir, 'checkpoints')).some((f) => f.endsWith('.tmp'))).toBe(false);

    const ev = JSON.parse(read(dir, 'eval.json').toString());
    expect(ev.iteration).toBe(ITER);
    expect(ev.conditions).toHaveLength(M);
    expect(ev.success).toBe(true);
    for (const name of ['cost', 'distance', 'paths', 'frames']) {
      const svg = read(dir, `plots/${name}.svg`).toString();
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(isPng(read(dir, `plots/${name}.png`))).toBe(true);
    }
    for (let m = 0; m < M; m++) expect(isPng(read(dir, `frames/condition-${m}.png`))).toBe(true);
  });

  it('refuses to train into an existing run', async () => {
    const dir = await unbrokenRun();
    await expect(train(small, { runtime: fakeRuntime(), out: dir })).rejects.toBeInstanceOf(
      RunDirError,
    );
  });
});

describe('resume', () => {
  it('continues a stopped run to the same metrics, byte for byte', async () => {
    const ref = await unbrokenRun();
    const dir = join(root, 'stopped');
    const controller = new AbortController();
    const runtime = fakeRuntime();
    let rollouts = 0;
    const create = runtime.createAgent;
    runtime.createAgent = async (ctx) => {
      const a = await create(ctx);
      const sample = a.agent.sample.bind(a.agent);
      a.agent.sample = async (...args) => {
        // stop in the middle of iteration 3 (0-based 2), during condition 1
        if (++rollouts === 2 * M * 4 + 6) controller.abort();
        return sample(...args);
      };
      return a;
    };
    await expect(
      train(small, { runtime, out: dir, iterations: ITER, seed: 5, signal: controller.signal }),
    ).rejects.toBeInstanceOf(TrainingAbortedError);
    expect(readMetrics(dir)).toHaveLength(2 * M);
    expect(readLatestCheckpoint(dir)!.iteration).toBe(2);
    expect(runtime.agents[0].disposed).toBe(true);

    // A crash between the metrics append and the checkpoint leaves extra lines: dropped on resume.
    appendFileSync(join(dir, 'metrics.jsonl'), '{"iteration":2,"condition":0,"cost":1e9}\n{"trunc');
    await resume(dir, { runtime: fakeRuntime() });
    expect(read(dir, 'metrics.jsonl').equals(read(ref, 'metrics.jsonl'))).toBe(true);
    expect(
      read(dir, `checkpoints/iter-000${ITER}.json`).equals(
        read(ref, `checkpoints/iter-000${ITER}.json`),
      ),
    ).toBe(true);
    expect(read(dir, 'eval.json').equals(read(ref, 'eval.json'))).toBe(true);
    for (let i = 0; i <= ITER; i++) {
      const f = `checkpoints/iter-000${i}.json`;
      expect(read(dir, f).equals(read(ref, f)), f).toBe(true);
    }
  });

  it('survives a damaged latest pointer and newest checkpoint', async () => {
    const ref = await unbrokenRun();
    const dir = join(root, 'damaged');
    await train(small, { runtime: fakeRuntime(), out: dir, iterations: 3, seed: 5, plots: false });
    writeFileSync(join(dir, 'checkpoints/iter-0003.json'), '{"format": "visuomotor-chec');
    writeFileSync(join(dir, 'latest'), 'checkpoints/iter-0003.json\n');
    await resume(dir, { runtime: fakeRuntime(), iterations: ITER });
    expect(read(dir, 'metrics.jsonl').equals(read(ref, 'metrics.jsonl'))).toBe(true);
    expect(readRunConfig(dir).options.iterations).toBe(ITER);
  });

  it('extends a finished run like a longer unbroken run', async () => {
    const ref = await unbrokenRun();
    const dir = join(root, 'extended');
    await train(small, { runtime: fakeRuntime(), out: dir, iterations: 4, seed: 5, plots: false });
    await resume(dir, { runtime: fakeRuntime(), iterations: ITER, plots: false });
    expect(read(dir, 'metrics.jsonl').equals(read(ref, 'metrics.jsonl'))).toBe(true);
  });

  it('continues a process killed with SIGKILL mid-iteration to identical metrics', async () => {
    const dir = join(root, 'killed');
    const ref = join(root, 'killed-ref');
    await train(small, { runtime: fakeRuntime(), out: ref, iterations: 5, plots: false });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@visuomotor/source',
        join(__dirname, 'kill-child.test-helper.mts'),
        dir,
        '5',
      ],
      { stdio: 'ignore', cwd: join(__dirname, '..') },
    );
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const deadline = Date.now() + 60_000;
    // kill once two iterations are complete and the third is under way
    for (;;) {
      const p = join(dir, 'metrics.jsonl');
      if (existsSync(p) && readFileSync(p, 'utf8').split('\n').length > 2 * M) break;
      if (Date.now() > deadline) throw new Error('child did not progress');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    const lines = readMetrics(dir).length;
    expect(lines).toBeGreaterThanOrEqual(2 * M);
    expect(lines).toBeLessThan(5 * M);
    await resume(dir, { runtime: fakeRuntime(), plots: false });
    expect(read(dir, 'metrics.jsonl').equals(read(ref, 'metrics.jsonl'))).toBe(true);
    const last = 'checkpoints/iter-0005.json';
    expect(read(dir, last).equals(read(ref, last))).toBe(true);
    expect(readFileSync(join(dir, 'timings.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
  });

  it('evaluates a run again with the same result', async () => {
    const ref = await unbrokenRun();
    const before = read(ref, 'eval.json').toString();
    const ev = await evaluate(ref, { runtime: fakeRuntime() });
    expect(JSON.stringify(ev, null, 2)).toBe(before.trimEnd());
  });

  it('rejects a directory that is not a run', async () => {
    await expect(resume(join(root, 'nope'), { runtime: fakeRuntime() })).rejects.toThrow(
      /is not a run directory: no config.json/,
    );
  });
});
