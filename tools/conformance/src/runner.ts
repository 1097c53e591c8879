import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Checker, type CheckRecord } from './check.js';
import { loadFixture } from './fixture.js';
import { kindOf, loadHandler } from './kinds.js';

/** Outcome of one fixture file (the `--json` line). */
export interface FileResult {
  file: string;
  kind: string | null;
  status: 'pass' | 'fail' | 'skipped';
  maxAbsErr: number | null;
  maxRelErr: number | null;
  checks: number;
  /** Why a file was skipped or failed outside a comparison. */
  reason?: string;
  failures?: CheckRecord[];
  records?: CheckRecord[];
  notes?: string[];
  implementedBy?: string;
  ms: number;
}

/** The fixture files of a directory (or a single file), sorted by name. */
export function listFixtures(dirOrFile: string): string[] {
  if (statSync(dirOrFile).isFile()) return [dirOrFile];
  return readdirSync(dirOrFile)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dirOrFile, f));
}

/** Run the handler of one fixture file and collect its comparisons. */
export async function runFile(path: string, withRecords = false): Promise<FileResult> {
  const file = basename(path);
  const kind = kindOf(file);
  const t0 = performance.now();
  const base = { file, kind: kind ?? null, maxAbsErr: null, maxRelErr: null, checks: 0 };
  if (!kind) {
    return { ...base, status: 'skipped', reason: 'unknown kind', ms: 0 };
  }
  const handler = await loadHandler(kind);
  if (!handler) {
    return { ...base, status: 'skipped', reason: `kind ${kind} not implemented yet`, ms: 0 };
  }
  const check = new Checker();
  try {
    const fixture = loadFixture(path);
    await handler.run(fixture, check, file);
  } catch (err) {
    const e = err as Error;
    return {
      ...base,
      status: 'fail',
      checks: check.records.length,
      reason: `${e.name}: ${e.message}`,
      implementedBy: handler.implementedBy,
      ms: performance.now() - t0,
      ...(withRecords ? { records: check.records, notes: check.notes } : {}),
    };
  }
  const s = check.summary();
  if (s.checks === 0) {
    return {
      ...base,
      status: 'fail',
      reason: 'the handler compared nothing',
      implementedBy: handler.implementedBy,
      ms: performance.now() - t0,
    };
  }
  return {
    file,
    kind,
    status: s.pass ? 'pass' : 'fail',
    maxAbsErr: s.maxAbsErr,
    maxRelErr: s.maxRelErr,
    checks: s.checks,
    implementedBy: handler.implementedBy,
    failures: s.pass ? undefined : check.records.filter((r) => !r.pass),
    ms: performance.now() - t0,
    ...(withRecords ? { records: check.records, notes: check.notes } : {}),
  };
}
