#!/usr/bin/env node
/**
 * pnpm conformance [DIR|FILE] [--json] [--verbose] [--kind KIND]
 *
 * Checks the implementation against every fixture in DIR (default: $GPS_FIXTURES, else
 * ../shared/fixtures/gps-reference beside the repository). Prints one line per file with the
 * worst absolute and relative errors, then `N passed, N failed, N skipped`; with --json, one
 * JSON object per file `{file, kind, status, maxAbsErr, maxRelErr, checks, ...}` on stdout and
 * the summary line on stderr. Exits 1 when any file fails, 2 on bad usage.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS } from './kinds.js';
import { type FileResult, listFixtures, runFile } from './runner.js';

const usage = 'usage: pnpm conformance [DIR|FILE] [--json] [--verbose] [--kind KIND]';

function parseArgs(argv: string[]) {
  const o = {
    dir: undefined as string | undefined,
    json: false,
    verbose: false,
    kind: undefined as string | undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--kind') o.kind = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log(usage);
      process.exit(0);
    } else if (a.startsWith('-')) {
      console.error(`unknown option ${a}\n${usage}`);
      process.exit(2);
    } else if (o.dir === undefined) o.dir = a;
    else {
      console.error(`unexpected argument ${a}\n${usage}`);
      process.exit(2);
    }
  }
  if (o.kind && !(KINDS as readonly string[]).includes(o.kind)) {
    console.error(`--kind ${o.kind}: expected one of ${KINDS.join(', ')}`);
    process.exit(2);
  }
  return o;
}

function defaultDir(): string {
  if (process.env.GPS_FIXTURES) return process.env.GPS_FIXTURES;
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  return resolve(repoRoot, '../shared/fixtures/gps-reference');
}

function fmt(x: number | null): string {
  return x === null ? '-' : x.toExponential(2);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  // pnpm runs scripts from the workspace root; a relative DIR is meant from where pnpm was called.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const dir = opts.dir ? resolve(cwd, opts.dir) : defaultDir();
  if (!existsSync(dir)) {
    console.error(`conformance: ${dir} does not exist`);
    process.exit(2);
  }
  const files = listFixtures(dir);
  const counts = { pass: 0, fail: 0, skipped: 0 };
  for (const path of files) {
    const r: FileResult = await runFile(path, opts.verbose);
    if (opts.kind && r.kind !== opts.kind) continue;
    counts[r.status]++;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      continue;
    }
    const tag = r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : 'SKIP';
    const detail =
      r.status === 'skipped'
        ? r.reason
        : `maxAbsErr ${fmt(r.maxAbsErr)}  maxRelErr ${fmt(r.maxRelErr)}  ${r.checks} checks  ${r.ms.toFixed(0)} ms`;
    console.log(`${tag}  ${r.file.padEnd(30)} ${(r.kind ?? '?').padEnd(22)} ${detail}`);
    if (r.status === 'fail' && r.reason) console.log(`      ${r.reason}`);
    for (const f of r.failures ?? []) {
      console.log(
        `      ${f.name}: maxAbsErr ${fmt(f.maxAbsErr)} maxRelErr ${fmt(f.maxRelErr)} (rtol ${f.rtol ?? '-'}, atol ${f.atol === undefined ? '-' : fmt(f.atol)}) ${f.message ?? ''}`,
      );
    }
    if (opts.verbose) {
      for (const rec of r.records ?? []) {
        console.log(
          `      ${rec.pass ? 'ok  ' : 'FAIL'} ${rec.name}: abs ${fmt(rec.maxAbsErr)} rel ${fmt(rec.maxRelErr)} [${rec.size}]`,
        );
      }
      for (const n of r.notes ?? []) console.log(`      note: ${n}`);
    }
  }
  const line = `${counts.pass} passed, ${counts.fail} failed, ${counts.skipped} skipped`;
  if (opts.json) console.error(line);
  else console.log(line);
  process.exit(counts.fail > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
