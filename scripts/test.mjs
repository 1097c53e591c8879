#!/usr/bin/env node
// pnpm test [-- turbo args]
// Runs every workspace package's tests through turbo (cached), then sums the per-package
// vitest JSON reports into one closing line: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaceDirs = ['packages', 'apps', 'tools']
  .filter((d) => existsSync(join(root, d)))
  .flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p)))
  .filter((p) => existsSync(join(p, 'package.json')));

// Stale reports must not count: turbo restores cached ones.
for (const dir of workspaceDirs)
  rmSync(join(dir, '.test-results'), { recursive: true, force: true });

const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const dir of workspaceDirs) {
  const report = join(dir, '.test-results', 'vitest.json');
  if (!existsSync(report)) continue;
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  // A suite that failed to load counts as a failure even if no test inside it ran.
  const brokenSuites = (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
  ).length;
  const p = r.numPassedTests ?? 0;
  const f = (r.numFailedTests ?? 0) + brokenSuites;
  const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  passed += p;
  failed += f;
  skipped += s;
  rows.push(`  ${name.padEnd(28)} ${String(p).padStart(4)} passed ${String(f).padStart(3)} failed`);
}
console.log('\nTests by package:');
console.log(rows.join('\n'));
if (turbo.status !== 0 && failed === 0) failed = 1; // a package failed before reporting
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(turbo.status === 0 && failed === 0 ? 0 : 1);
