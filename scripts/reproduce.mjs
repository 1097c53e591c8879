#!/usr/bin/env node
// Reproduce Figure 4 of the paper (Section 6.1) and write docs/results.md + docs/results/*.svg|png.
//
//   node scripts/reproduce.mjs [--tasks peg2d,peg3d,swimmer] [--seeds 0,1,2] [--jobs 2]
//                              [--force] [--report-only] [--iterations N] [--out DIR]
//   (also: pnpm --filter @visuomotor/trainer run reproduce -- ...)
//
// Every run (task × method × seed; one deterministic iLQG run per task) is a child process;
// `--jobs` of them run at once. Each finished run writes docs/results/data/<task>-<method>-s<seed>.json,
// and a second invocation skips runs that already have a result (`--force` reruns them), so an
// interrupted reproduction continues where it stopped. The training run directories go to
// docs/results/data/runs/ (git-ignored). The report is regenerated from whatever results exist;
// runs without a result are listed as not run. `--iterations N` overrides every run's iterations
// and `--out DIR` writes DIR/results.md and DIR/results/ instead of docs/ (smoke tests).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2).filter((a) => a !== '--');
const flag = (name) => argv.includes(name);
const value = (name, dflt) => {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return dflt;
  return argv[i].includes('=') ? argv[i].slice(name.length + 1) : argv[i + 1];
};
const tasks = value('--tasks', 'peg2d,peg3d,swimmer').split(',');
const seeds = value('--seeds', '0,1,2').split(',').map(Number);
const parallel = Number(value('--jobs', '2'));
const outDir = value('--out', join(root, 'docs'));
const itOverride = value('--iterations', undefined);
const resultsDir = join(outDir, 'results/data');
const plotDir = join(outDir, 'results');
const markdown = join(outDir, 'results.md');
const entry = join(root, 'apps/trainer/src/reproduce-main.ts');
const tsx = join(root, 'node_modules/.bin/tsx');

function run(args, label) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(tsx, ['--conditions=@visuomotor/source', entry, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => {
      const secs = ((Date.now() - t0) / 1000).toFixed(0);
      const last = out.trim().split('\n').slice(-1)[0] ?? '';
      console.log(
        `[reproduce] ${label}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${secs} s  ${last}`,
      );
      if (code !== 0) console.log(out);
      resolve(code);
    });
  });
}

// The job list comes from the trainer (FIGURE4_ITERATIONS, seeds) through a tiny tsx call.
const list = await new Promise((resolve, reject) => {
  const child = spawn(
    tsx,
    [
      '--conditions=@visuomotor/source',
      '-e',
      `import('${join(root, 'apps/trainer/src/reproduce.ts')}').then((m) => console.log(JSON.stringify(m.figure4Jobs(${JSON.stringify(tasks)}, ${JSON.stringify(seeds)}))))`,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.on('close', (code) =>
    code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`job list: exit ${code}`)),
  );
});
const file = (j) => join(resultsDir, `${j.task}-${j.method}-s${j.seed}.json`);
// Task by task (peg2d, peg3d, swimmer), iLQG first, then seed by seed.
if (itOverride !== undefined) for (const j of list) j.iterations = Number(itOverride);
const order = list;
const todo = flag('--report-only')
  ? []
  : order.filter((j) => flag('--force') || !existsSync(file(j)));
console.log(
  `[reproduce] ${list.length} runs (${tasks.join(', ')} × GMM prior / no prior / iLQG × seeds ${seeds.join(', ')}), ${todo.length} to do, ${parallel} at a time`,
);
const t0 = Date.now();
let next = 0;
async function worker() {
  while (next < todo.length) {
    const j = todo[next++];
    await run(
      ['job', JSON.stringify(j), resultsDir],
      `${j.task} ${j.method} seed ${j.seed} (${j.iterations} it)`,
    );
  }
}
await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
const command = `node scripts/reproduce.mjs --tasks ${tasks.join(',')} --seeds ${seeds.join(',')} --jobs ${parallel}${itOverride !== undefined ? ` --iterations ${itOverride}` : ''}`;
const code = await run(
  ['report', resultsDir, plotDir, markdown, command, JSON.stringify(list)],
  'report',
);
console.log(`[reproduce] total ${((Date.now() - t0) / 60000).toFixed(1)} min; see docs/results.md`);
process.exit(code);
