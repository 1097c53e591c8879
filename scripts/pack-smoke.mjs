#!/usr/bin/env node
// Pack every published package and app, install the tarballs into a scratch npm project (npm, not pnpm:
// what a user does), and use them from both `import` and `require`: the linear algebra, a
// MuJoCo rollout on the WebAssembly engine, and a TensorFlow.js policy on its default backend.
//   pnpm run pack:smoke   (after pnpm build)
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const published = ['packages', 'apps']
  .flatMap((top) => readdirSync(join(root, top)).map((d) => join(root, top, d)))
  .filter((d) => existsSync(join(d, 'package.json')))
  .filter((d) => !JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).private);
const work = mkdtempSync(join(tmpdir(), 'visuomotor-pack-'));
const sh = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

for (const d of published) {
  if (!existsSync(join(d, 'dist'))) {
    console.error(`${d}/dist is missing: run pnpm build first`);
    process.exit(1);
  }
  sh('pnpm', ['pack', '--pack-destination', work], d);
}
const tarballs = readdirSync(work)
  .filter((f) => f.endsWith('.tgz'))
  .map((f) => join(work, f));
const app = join(work, 'app');
mkdirSync(app);
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'scratch', private: true, version: '1.0.0' }),
);
sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);

const esm = `
import { Mat, cholesky, gemm } from '@visuomotor/linalg';
import { makeLayout } from '@visuomotor/contracts';
import { initLqr } from '@visuomotor/lqr';
import { GmmDynamicsPrior } from '@visuomotor/gmm-prior';
import { TrajOptAlgorithm, createCost } from '@visuomotor/badmm';
import { MujocoAgent, zeroPolicy } from '@visuomotor/mujoco-agent';
import { createPolicyOptimizer, mlp } from '@visuomotor/spatial-softmax';
const A = Mat.from([[4, 2], [2, 3]]);
const R = Mat.zeros(2, 2);
if (cholesky(A, R, true) !== 0) throw new Error('cholesky failed');
const C = Mat.zeros(2, 2);
gemm(R, R, C, true, false);
if (Math.abs(C.get(0, 1) - 2) > 1e-14) throw new Error('RᵀR != A');
if (makeLayout([['JOINT_ANGLES', 2]]).size !== 2) throw new Error('layout');
const c = initLqr({ x0: new Float64Array(4), dX: 4, dU: 2, T: 5, dt: 0.05 });
if (c.K.length !== 40) throw new Error('initLqr');
if (typeof GmmDynamicsPrior !== 'function' || typeof TrajOptAlgorithm !== 'function') throw new Error('classes');
if (typeof createCost({ type: 'action', wu: [1, 1] }, makeLayout([])).eval !== 'function') throw new Error('cost');
const agent = await MujocoAgent.create({ task: 'pointmass' });
const s = await agent.sample(zeroPolicy(agent.dU), 0, { seed: 1 });
if (s.X.length !== agent.T * agent.dX || !s.X.every(Number.isFinite)) throw new Error('rollout');
agent.dispose();
const opt = await createPolicyOptimizer(4, 2, { network: mlp({ hidden: [8] }), iterations: 5 });
const p = opt.prob(new Float64Array(4), 1, 1);
if (p.mu.length !== 2) throw new Error('policy');
opt.dispose();
console.log('import ok: linalg, contracts, lqr, gmm-prior, badmm, a MuJoCo rollout, a tfjs policy');
`;
const cjs = `
const { Mat, spdInverse } = require('@visuomotor/linalg');
const out = Mat.zeros(2, 2);
if (spdInverse(Mat.from([[2, 0], [0, 4]]), out) !== 0 || out.get(1, 1) !== 0.25) throw new Error('inverse');
for (const n of ['contracts', 'lqr', 'gmm-prior', 'badmm', 'mujoco-agent', 'spatial-softmax']) {
  const m = require('@visuomotor/' + n);
  if (Object.keys(m).length === 0) throw new Error(n + ' exports nothing under require');
}
console.log('require ok: every package');
`;
writeFileSync(join(app, 'esm.mjs'), esm);
writeFileSync(join(app, 'cjs.cjs'), cjs);
process.stdout.write(sh('node', ['esm.mjs'], app));
process.stdout.write(sh('node', ['cjs.cjs'], app));
const list = sh(join(app, 'node_modules/.bin/visuomotor'), ['list'], app);
if (!list.includes('pointmass')) throw new Error(`visuomotor list printed no pointmass:\n${list}`);
console.log('bin ok: visuomotor list');
console.log(`pack smoke test passed: ${tarballs.map((t) => t.split('/').pop()).join(', ')}`);
