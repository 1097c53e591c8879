#!/usr/bin/env node
/**
 * Assemble a WebAssembly text module (SIMD enabled) with the package's own `wabt` devDependency
 * and write its bytes, base64-encoded, into a TypeScript module exporting one string constant.
 * The generated module is committed, so building a package needs no wabt; each package's test
 * assembles the .wat again and compares the bytes.
 *
 *   node scripts/wat-to-ts.mjs <package dir> <wat> <out ts> <EXPORT_NAME>
 *
 * <wat> and <out ts> are relative to the package directory. Packages call it as their
 * `build:wasm` script, e.g. `node ../../scripts/wat-to-ts.mjs . wasm/kernels.wat
 * src/wasm-kernels-bytes.ts LQR_WASM_BASE64`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';

const [pkgArg, watArg, outArg, exportName] = process.argv.slice(2);
if (!pkgArg || !watArg || !outArg || !/^[A-Za-z_$][\w$]*$/.test(exportName ?? '')) {
  process.stderr.write(
    'usage: node scripts/wat-to-ts.mjs <package dir> <wat> <out ts> <EXPORT_NAME>\n',
  );
  process.exit(2);
}
const pkgDir = resolve(pkgArg);
const watPath = resolve(pkgDir, watArg);
const outPath = resolve(pkgDir, outArg);
const watRel = relative(pkgDir, watPath).replaceAll('\\', '/');
const outRel = relative(pkgDir, outPath).replaceAll('\\', '/');

// wabt is a devDependency of the package, not of the root: resolve it from there.
const wabtInit = createRequire(join(pkgDir, 'package.json'))('wabt');
const wabt = await wabtInit();
const mod = wabt.parseWat(basename(watPath), readFileSync(watPath, 'utf8'), { simd: true });
try {
  mod.validate();
  const { buffer } = mod.toBinary({});
  const b64 = Buffer.from(buffer).toString('base64');
  const lines = [];
  for (let i = 0; i < b64.length; i += 96) lines.push(`  '${b64.slice(i, i + 96)}'`);
  const out = `// Generated from ${watRel} by scripts/wat-to-ts.mjs (\`build:wasm\`); do not edit.
/** The WebAssembly SIMD kernel module of \`${watRel}\` (${buffer.length} bytes), base64. */
export const ${exportName} =\n${lines.join(' +\n')};\n`;
  writeFileSync(outPath, out);
  process.stdout.write(`${watRel} -> ${outRel} (${buffer.length} bytes)\n`);
} finally {
  mod.destroy();
}
