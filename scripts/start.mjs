#!/usr/bin/env node
// pnpm start: the main job. Runs the trainer's default experiment when the trainer exists;
// until then, prints the package table with each package's status and runs the reference
// conformance check.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGES } from './packages.mjs';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', cwd: root }).status ?? 1;

const trainer = join(root, 'apps/trainer/package.json');
if (existsSync(trainer)) {
  process.exit(
    run('pnpm', ['--filter', '@visuomotor/trainer', 'run', 'start', ...process.argv.slice(2)]),
  );
}

console.log('visuomotor: guided policy search in TypeScript\n');
console.log(`${'package'.padEnd(28)}${'version'.padEnd(10)}${'status'.padEnd(26)}what`);
for (const [name, dir, what, issue] of PACKAGES) {
  const pj = join(root, dir, 'package.json');
  let version = '-';
  let status = `planned (${issue})`;
  if (existsSync(pj)) {
    version = JSON.parse(readFileSync(pj, 'utf8')).version;
    status = existsSync(join(root, dir, 'src/index.ts')) ? 'in the tree' : 'scaffold';
  }
  console.log(`${name.padEnd(28)}${version.padEnd(10)}${status.padEnd(26)}${what}`);
}
const fixtures = process.env.GPS_FIXTURES ?? join(root, '../shared/fixtures/gps-reference');
if (!existsSync(fixtures)) {
  console.log(
    `\nNo reference fixtures at ${fixtures}: set GPS_FIXTURES to run the conformance check.`,
  );
  process.exit(0);
}
console.log(`\nReference conformance (${fixtures}):\n`);
process.exit(run('pnpm', ['run', '--silent', 'conformance', fixtures]));
