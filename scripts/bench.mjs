#!/usr/bin/env node
// pnpm bench [--json] [--filter NAME] [--quick]
// Runs every workspace package's `bench` script through turbo, one package at a time (two
// cores: parallel benchmarks would disturb each other). With --json, prints only the result
// lines, one JSON object each: {name, median_ms, min_ms, runs, ...}.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const json = args.includes('--json');
const child = spawn(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'bench',
    '--concurrency=1',
    '--log-prefix=none',
    '--output-logs=full',
    '--',
    ...args,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const rl = createInterface({ input: child.stdout });
rl.on('line', (line) => {
  if (!json) {
    process.stdout.write(`${line}\n`);
    return;
  }
  const t = line.trim();
  if (!t.startsWith('{')) return;
  try {
    const o = JSON.parse(t);
    if (o && typeof o.name === 'string' && typeof o.median_ms === 'number')
      process.stdout.write(`${t}\n`);
  } catch {
    /* not a result line */
  }
});
child.on('exit', (code) => process.exit(code ?? 1));
