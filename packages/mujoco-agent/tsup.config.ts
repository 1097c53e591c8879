import { defineConfig, type Options } from 'tsup';
import shared from '../../tsup.shared';

/**
 * The shared build plus the rollout worker as a second entry (the pool starts
 * `dist/worker.js` / `dist/worker.cjs`), with `import.meta.url` shimmed in the CJS build.
 */
export default defineConfig({
  ...(shared as Options),
  entry: ['src/index.ts', 'src/worker.ts'],
  shims: true,
});
