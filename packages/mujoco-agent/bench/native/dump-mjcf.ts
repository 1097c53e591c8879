/**
 * Write each task's MJCF (without `<size memory>`, which MuJoCo 2.x does not know) and its
 * first condition's qpos0 for the native side-by-side measurement:
 *   tsx --conditions=@visuomotor/source bench/native/dump-mjcf.ts OUTDIR
 *   apt-get install libmujoco-dev && gcc -O2 -o step bench/native/step.c -lmujoco -lm
 *   ./step OUTDIR/peg3d.xml OUTDIR/peg3d.q0
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TASKS } from '../../src/index.js';

const dir = process.argv[2] ?? 'native-models';
mkdirSync(dir, { recursive: true });
for (const [name, t] of Object.entries(TASKS)) {
  writeFileSync(join(dir, `${name}.xml`), t.xml.replace(/<size memory="[^"]*"\/>/, ''));
  writeFileSync(join(dir, `${name}.q0`), t.train[0].qpos0.join(' '));
}
console.log(`wrote ${Object.keys(TASKS).length} models to ${dir}`);
