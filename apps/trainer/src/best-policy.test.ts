import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bestPolicyIteration,
  isBetterPolicy,
  type MetricsLine,
  replaceDirectory,
} from './run-dir.js';

/** Metrics lines of one iteration with these policy distances (other fields irrelevant here). */
function lines(iteration: number, ds: (number | null)[]): MetricsLine[] {
  return ds.map((d, condition) => ({ iteration, condition, policyDistance: d }) as MetricsLine);
}

describe('best policy iterate', () => {
  it('prefers more successes, then a lower mean distance, then the earlier iteration', () => {
    const m = [
      ...lines(0, [0.01, 0.01, 0.01]), // pretraining: skipped below
      ...lines(1, [0.01, 0.5, 0.5]), // 1 success, mean 0.337
      ...lines(2, [0.01, 0.015, 0.9]), // 2 successes, mean 0.308
      ...lines(3, [0.019, 0.01, 0.3]), // 2 successes, mean 0.110: best
      ...lines(4, [0.019, 0.01, 0.3]), // tie with 3: the earlier wins
      ...lines(5, [0.001, 0.001, null]), // a missing distance: not a candidate
    ];
    expect(bestPolicyIteration(m, 0.02, 1)).toEqual({
      iteration: 3,
      successes: 2,
      meanDistance: (0.019 + 0.01 + 0.3) / 3,
    });
    expect(bestPolicyIteration(m, 0.02, 0)?.iteration).toBe(0);
    // Without a success distance only the mean counts.
    expect(bestPolicyIteration(m, undefined, 1)?.iteration).toBe(3);
    expect(bestPolicyIteration(m, 0.02, 6)).toBeNull();
    expect(bestPolicyIteration([], 0.02)).toBeNull();
    const a = { iteration: 7, successes: 1, meanDistance: 0.2 };
    expect(isBetterPolicy(a, null)).toBe(true);
    expect(isBetterPolicy(a, { ...a, iteration: 2 })).toBe(false);
    expect(isBetterPolicy(a, { iteration: 2, successes: 0, meanDistance: 0.01 })).toBe(true);
    expect(isBetterPolicy(a, { iteration: 2, successes: 1, meanDistance: 0.3 })).toBe(true);
  });

  it('replaces a directory whole, and keeps the old one when writing the new one fails', async () => {
    const root = mkdtempSync(join(tmpdir(), 'replace-dir-'));
    const write =
      (text: string, fail = false) =>
      (tmp: string) => {
        mkdirSync(tmp);
        writeFileSync(join(tmp, 'a.txt'), text);
        if (fail) throw new Error('export failed');
      };
    try {
      const dir = join(root, 'policy-best');
      await replaceDirectory(dir, write('first'));
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('first');
      await replaceDirectory(dir, write('second'));
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('second');
      await expect(replaceDirectory(dir, write('partial', true))).rejects.toThrow('export failed');
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('second');
      // No temporary or old directories are left behind.
      expect(readdirSync(root)).toEqual(['policy-best']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
