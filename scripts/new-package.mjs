#!/usr/bin/env node
// Scaffold a workspace package with the project's conventions:
//   node scripts/new-package.mjs packages/NAME "One-line description" [--private]
// Writes package.json (exports map with the @visuomotor/source condition, ESM + CJS + d.ts),
// tsconfig.json, tsup.config.ts, vitest.config.ts, src/index.ts and a README skeleton.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const [dir, description = '', ...flags] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/new-package.mjs packages/NAME "description" [--private]');
  process.exit(2);
}
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${dir}/package.json exists already`);
  process.exit(2);
}
const name = `@visuomotor/${basename(dir)}`;
const isPrivate = flags.includes('--private');
const up = relative(dir, '.') || '.';
mkdirSync(join(dir, 'src'), { recursive: true });
const pkg = {
  name,
  version: '0.0.0',
  description,
  ...(isPrivate ? { private: true } : {}),
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': {
      '@visuomotor/source': './src/index.ts',
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'README.md'],
  engines: { node: '>=20.19' },
  scripts: {
    build: 'tsup',
    typecheck: 'tsc -p tsconfig.json',
    lint: 'biome check .',
    test: 'vitest run',
  },
  ...(isPrivate ? {} : { publishConfig: { access: 'public' } }),
  dependencies: {},
  devDependencies: {},
};
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(dir, 'tsconfig.json'),
  `${JSON.stringify({ extends: `${up}/tsconfig.base.json`, include: ['src', 'test', 'bench', '*.ts'] }, null, 2)}\n`,
);
writeFileSync(join(dir, 'tsup.config.ts'), `export { default } from '${up}/tsup.shared';\n`);
writeFileSync(join(dir, 'vitest.config.ts'), `export { default } from '${up}/vitest.shared';\n`);
if (!existsSync(join(dir, 'src/index.ts'))) {
  writeFileSync(
    join(dir, 'src/index.ts'),
    `/**\n * ${description}\n *\n * @packageDocumentation\n */\n`,
  );
}
if (!existsSync(join(dir, 'README.md'))) {
  writeFileSync(join(dir, 'README.md'), `# ${name}\n\n${description}\n`);
}
console.log(`created ${name} in ${dir}`);
