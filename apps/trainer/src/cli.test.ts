import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, main, parseArgs } from './cli-main.js';
import { UsageError } from './errors.js';
import { EXPERIMENTS } from './experiments/index.js';
import { fakeRuntime } from './test-fakes.js';

const root = mkdtempSync(join(tmpdir(), 'visuomotor-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

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

async function run(argv: string[], withFakes = true) {
  const out = sink();
  const err = sink();
  const code = await main(argv, {
    stdout: out.stream,
    stderr: err.stream,
    runtime: withFakes ? fakeRuntime() : undefined,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

function usageMessage(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('argument parsing', () => {
  it('parses flags in both forms', () => {
    expect(
      parseArgs(['train', 'peg3d', '--iterations', '3', '--seed=9', '--out', 'x', '--workers=2']),
    ).toEqual({
      command: 'train',
      positional: ['peg3d'],
      flags: { iterations: 3, seed: 9, out: 'x', workers: 2 },
    });
  });

  it('names the flag and the expected value', () => {
    expect(usageMessage(['train', 'peg3d', '--iterations', 'abc'])).toBe(
      '--iterations: expected a positive integer, got "abc"',
    );
    expect(usageMessage(['train', 'peg3d', '--iterations=0'])).toBe(
      '--iterations: expected a positive integer, got "0"',
    );
    expect(usageMessage(['train', 'peg3d', '--seed', '-1'])).toBe(
      '--seed: expected an integer from 0 to 4294967295, got "-1"',
    );
    expect(usageMessage(['train', 'peg3d', '--workers'])).toBe(
      '--workers: expected an integer from 1 to 64, got undefined',
    );
    expect(usageMessage(['train', 'peg3d', '--iters', '3'])).toMatch(
      /^--iters: expected one of the options of 'train': --iterations, --seed, --out, --workers/,
    );
    expect(usageMessage(['train'])).toMatch(/^EXPERIMENT: expected a built-in experiment/);
    expect(usageMessage(['resume'])).toMatch(/^RUN_DIR: expected/);
    expect(usageMessage(['fly'])).toBe(
      'COMMAND: expected one of train, resume, eval, list, help, got "fly"',
    );
    expect(usageMessage(['list', 'extra'])).toMatch(/^arguments: expected 0 argument/);
  });
});

describe('visuomotor CLI', () => {
  it('prints help for every command and exits 0', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(EXIT.ok);
    expect(top.stdout).toMatch(/usage: visuomotor COMMAND/);
    for (const c of ['train', 'resume', 'eval', 'list']) {
      const r = await run([c, '--help']);
      expect(r.code).toBe(EXIT.ok);
      expect(r.stdout).toMatch(new RegExp(`^usage: visuomotor ${c}`));
      const h = await run(['help', c]);
      expect(h.stdout).toBe(r.stdout);
    }
    expect((await run([])).code).toBe(EXIT.usage);
  });

  it('exits 2 with a message naming the flag', async () => {
    const r = await run(['train', 'pointmass', '--iterations', '-3']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/^visuomotor: --iterations: expected a positive integer, got "-3"/);
    const u = await run(['train', 'nosuch']);
    expect(u.code).toBe(EXIT.usage);
    const builtIns = [
      'pointmass',
      'reacher',
      'peg2d',
      'peg3d',
      'swimmer',
      'peg2d-badmm',
      'peg2d-mdgps',
      'peg2d-plate-side-badmm',
      'peg2d-plate-side-mdgps',
      'peg3d-badmm',
      'peg3d-mdgps',
      'reacher-vision-mdgps',
      'reacher-vision-mdgps-pose-features',
      'reacher-vision-mdgps-pose-prediction',
      'reacher-vision-mdgps-12',
      'reacher-vision-mdgps-12-pose-features',
      'reacher-vision-mdgps-12-pose-prediction',
      'reacher-vision-mdgps-12-ee',
      'reacher-vision-mdgps-12-ee-pose-features',
      'reacher-vision-mdgps-12-ee-jitter',
      'reacher-vision-mdgps-12-ee-jitter-pose-features',
      'reacher-vision-mdgps-22-ee',
      'reacher-vision-mdgps-22-ee-pose-features',
      'reacher-vision-mdgps-22-pose-prediction',
      'peg2d-vision-mdgps',
      'peg2d-vision-mdgps-ee',
    ];
    expect(u.stderr).toContain(
      `EXPERIMENT: expected a built-in experiment (${builtIns.join(', ')}) or an existing definition file, got "nosuch"`,
    );
  });

  it('lists the built-in experiments', async () => {
    const r = await run(['list']);
    expect(r.code).toBe(EXIT.ok);
    for (const n of Object.keys(EXPERIMENTS)) expect(r.stdout).toContain(n);
    const j = await run(['list', '--json']);
    const rows = j.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.name)).toEqual(Object.keys(EXPERIMENTS));
    expect(rows.filter((x) => x.default).map((x) => x.name)).toEqual(['pointmass']);
  });

  it('validates an experiment file and exits 2 on schema errors', async () => {
    const bad = join(root, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        ...EXPERIMENTS.pointmass,
        algorithm: { ...EXPERIMENTS.pointmass.algorithm, klStep: -1 },
      }),
    );
    const r = await run(['train', bad]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('experiment.algorithm.klStep: expected a positive number, got -1');
  });

  it('trains, resumes and evaluates a run (fakes), printing where the plots are', async () => {
    const file = join(root, 'small.json');
    writeFileSync(
      file,
      JSON.stringify({ ...EXPERIMENTS.pointmass, name: 'small', T: 20, samples: 3 }),
    );
    const out = join(root, 'run');
    const t = await run(['train', file, '--iterations', '2', '--out', out, '--seed', '3']);
    expect(t.stderr).toContain('[trainer] iter 1/2 sampling cond 1/4');
    expect(t.code).toBe(EXIT.ok);
    expect(t.stdout).toContain('trained small: 2 iterations');
    expect(t.stdout).toContain(`plots: ${join(out, 'plots')}`);
    const again = await run(['train', file, '--out', out]);
    expect(again.code).toBe(EXIT.failed);
    expect(again.stderr).toContain('already holds a run');
    const r = await run(['resume', out, '--iterations', '3']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('resumed to 3 iterations');
    const e = await run(['eval', out, '--json']);
    expect(e.code).toBe(EXIT.ok);
    expect(JSON.parse(e.stdout).iteration).toBe(3);
  });

  it('exits 130 when interrupted, leaving a resumable run', async () => {
    const out = join(root, 'interrupted');
    const controller = new AbortController();
    controller.abort();
    const o = sink();
    const err = sink();
    const code = await main(['train', 'pointmass', '--out', out, '--iterations', '2'], {
      stdout: o.stream,
      stderr: err.stream,
      runtime: fakeRuntime(),
      signal: controller.signal,
    });
    expect(code).toBe(EXIT.interrupted);
    expect(err.text()).toContain(`visuomotor resume ${out}`);
  });
});
