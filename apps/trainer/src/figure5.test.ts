/**
 * Figure 5 (issue 7): the blind BADMM policies of `peg2d-plate-side-badmm`, exported at the
 * end of seeds 0–3 (`src/test-fixtures/peg2d-plate-side-badmm-sS`: the run's config.json and
 * policy/), reloaded and run by `eval --policy`, reach the training and held-out slots at the
 * rates docs/results.md records, with the distances of docs/results/policies/plate-side/.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluatePolicy, type PolicyEvalCondition } from './eval-policy.js';

const fixtures = new URL('./test-fixtures/', import.meta.url).pathname;
const recorded = new URL('../../../docs/results/policies/plate-side/', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'visuomotor-figure5-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Figure 5: the exported peg2d-plate-side-badmm policies', () => {
  it('reloaded, reach the recorded training and held-out slots (seeds 0-3)', async () => {
    let train = 0;
    let test = 0;
    for (const seed of [0, 1, 2, 3]) {
      const dir = join(root, `s${seed}`);
      cpSync(join(fixtures, `peg2d-plate-side-badmm-s${seed}`), dir, { recursive: true });
      const pe = await evaluatePolicy(dir);
      const docs = JSON.parse(
        readFileSync(join(recorded, `badmm-s${seed}-eval-policy.json`), 'utf8'),
      ) as { conditions: PolicyEvalCondition[] };
      // Bit for bit the distances the docs record.
      expect(pe.conditions).toEqual(docs.conditions);
      expect(pe.conditions.map((c) => c.split)).toEqual([
        ...Array(4).fill('train'),
        ...Array(4).fill('test'),
      ]);
      train += pe.conditions.filter((c) => c.split === 'train' && c.success).length;
      test += pe.conditions.filter((c) => c.split === 'test' && c.success).length;
    }
    // docs/results.md: 12 of 16 training slots, 11 of 16 held-out ones.
    expect(train).toBe(12);
    expect(test).toBe(11);
  }, 120_000);
});
