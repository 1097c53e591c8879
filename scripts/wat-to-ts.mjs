#!/usr/bin/env node
/**
 * Assemble a WebAssembly text module (SIMD enabled) with the package's own `wabt` devDependency
 * and write its bytes, base64-encoded, into a TypeScript module exporting one string constant.
 * The generated module is committed, so building a package needs no wabt; each package's test
 * calls {@link assembleWatBase64} and compares the result with the committed constant.
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
import { pathToFileURL } from 'node:url';

/**
 * The module of `<pkgDir>/<wat>` assembled (SIMD enabled, validated) with the package's `wabt`.
 * @returns {Promise<Uint8Array>}
 */
export async function assembleWat(pkgDir, wat) {
  const watPath = resolve(pkgDir, wat);
  // wabt is a devDependency of the package, not of the root: resolve it from there.
  const wabtInit = createRequire(join(resolve(pkgDir), 'package.json'))('wabt');
  const wabt = await wabtInit();
  const mod = wabt.parseWat(basename(watPath), readFileSync(watPath, 'utf8'), { simd: true });
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

/** {@link assembleWat} as base64, the form the generated modules hold. */
export async function assembleWatBase64(pkgDir, wat) {
  return Buffer.from(await assembleWat(pkgDir, wat)).toString('base64');
}

async function main() {
  const [pkgArg, watArg, outArg, exportName] = process.argv.slice(2);
  if (!pkgArg || !watArg || !outArg || !/^[A-Za-z_$][\w$]*$/.test(exportName ?? '')) {
    process.stderr.write(
      'usage: node scripts/wat-to-ts.mjs <package dir> <wat> <out ts> <EXPORT_NAME>\n',
    );
    process.exit(2);
  }
  const pkgDir = resolve(pkgArg);
  const outPath = resolve(pkgDir, outArg);
  const watRel = relative(pkgDir, resolve(pkgDir, watArg)).replaceAll('\\', '/');
  const outRel = relative(pkgDir, outPath).replaceAll('\\', '/');
  const bytes = await assembleWat(pkgDir, watArg);
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = [];
  for (let i = 0; i < b64.length; i += 96) lines.push(`  '${b64.slice(i, i + 96)}'`);
  const out = `// Generated from ${watRel} by scripts/wat-to-ts.mjs (\`build:wasm\`); do not edit.
/** The WebAssembly SIMD kernel module of \`${watRel}\` (${bytes.length} bytes), base64. */
export const ${exportName} =\n${lines.join(' +\n')};\n`;
  writeFileSync(outPath, out);
  process.stdout.write(`${watRel} -> ${outRel} (${bytes.length} bytes)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
