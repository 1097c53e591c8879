import { defineConfig } from 'tsup';

/** Build shared by every published package: one entry, ESM + CJS + .d.ts, for Node 20. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
});
