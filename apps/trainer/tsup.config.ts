import { defineConfig } from 'tsup';

/**
 * The trainer builds the programmatic API (`index`, ESM + CJS + .d.ts) with the GMM prior
 * worker (`prior-worker`, started by `PriorWorkerPool` next to the bundle), and the
 * `visuomotor` binary (`cli`, ESM with a shebang).
 */
export default defineConfig([
  {
    entry: ['src/index.ts', 'src/prior-worker.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    treeshake: true,
    shims: true,
  },
  {
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    splitting: false,
    treeshake: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
