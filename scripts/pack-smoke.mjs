#!/usr/bin/env node
// Pack published packages that have no unpublished workspace dependencies, install the
// tarballs into a scratch npm project, and use them from both `import` and `require`.
//   node scripts/pack-smoke.mjs [package-dir ...]   (default: packages/linalg packages/contracts)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dirs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['packages/linalg', 'packages/contracts'];
const work = mkdtempSync(join(tmpdir(), 'visuomotor-pack-'));
const sh = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

const tarballs = [];
for (const d of dirs) {
  sh('pnpm', ['pack', '--pack-destination', work], resolve(root, d));
}
for (const f of readdirSync(work)) if (f.endsWith('.tgz')) tarballs.push(join(work, f));
const app = join(work, 'app');
execFileSync('mkdir', ['-p', app]);
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'scratch', private: true, version: '1.0.0' }),
);
sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);

const esm = `
import { Mat, cholesky, gemm } from '@visuomotor/linalg';
import { makeLayout } from '@visuomotor/contracts';
const A = Mat.from([[4, 2], [2, 3]]);
const R = Mat.zeros(2, 2);
if (cholesky(A, R, true) !== 0) throw new Error('cholesky failed');
const C = Mat.zeros(2, 2);
gemm(R, R, C, true, false);
if (Math.abs(C.get(0, 1) - 2) > 1e-14) throw new Error('RᵀR != A');
if (makeLayout([['JOINT_ANGLES', 2]]).size !== 2) throw new Error('layout');
console.log('import ok');
`;
const cjs = `
const { Mat, spdInverse } = require('@visuomotor/linalg');
const { ShapeError } = require('@visuomotor/contracts');
const out = Mat.zeros(2, 2);
if (spdInverse(Mat.from([[2, 0], [0, 4]]), out) !== 0 || out.get(1, 1) !== 0.25) throw new Error('inverse');
if (typeof ShapeError !== 'function') throw new Error('contracts');
console.log('require ok');
`;
writeFileSync(join(app, 'esm.mjs'), esm);
writeFileSync(join(app, 'cjs.cjs'), cjs);
process.stdout.write(sh('node', ['esm.mjs'], app));
process.stdout.write(sh('node', ['cjs.cjs'], app));
console.log(`pack smoke test passed: ${tarballs.map((t) => t.split('/').pop()).join(', ')}`);
