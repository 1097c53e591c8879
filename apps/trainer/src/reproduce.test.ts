import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { priorSpec } from './algorithms.js';
import { validateExperiment } from './experiment.js';
import { EXPERIMENTS } from './experiments/index.js';
import { runIlqgBaseline } from './ilqg-baseline.js';
import {
  type Figure4JobResult,
  figure4Experiment,
  figure4Jobs,
  writeFigure4Report,
} from './reproduce.js';

const root = mkdtempSync(join(tmpdir(), 'visuomotor-fig4-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Figure 4 reproduction', () => {
  it('builds the no-prior variant: 20 samples, no prior, diagonal ridge', () => {
    const e = validateExperiment(figure4Experiment('peg3d', 'noprior'));
    expect(e.samples).toBe(20);
    expect(e.dynamics.prior).toEqual({ type: 'none' });
    expect(e.dynamics.regularizationMode).toBe('diagonal');
    expect(e.dynamics.noPriorSingular).toBe('exactPivot');
    expect(figure4Experiment('peg3d', 'gmm')).toBe(EXPERIMENTS.peg3d);
  });

  it('passes the EM switches to the GMM prior', () => {
    expect(priorSpec(EXPERIMENTS.peg3d)).toMatchObject({
      type: 'gmm',
      maxIterations: 20,
      gmm: { quirks: { stopRule: 'relative' } },
    });
    expect(priorSpec(EXPERIMENTS.pointmass)).not.toHaveProperty('gmm');
  });

  it('lists every task × method × seed, one iLQG run per task', () => {
    const jobs = figure4Jobs(['peg2d'], [0, 1, 2]);
    expect(jobs.map((j) => `${j.method}${j.seed}`)).toEqual([
      'ilqg0',
      'gmm0',
      'noprior0',
      'gmm1',
      'noprior1',
      'gmm2',
      'noprior2',
    ]);
  });

  it('iLQG with the true model solves the point mass', async () => {
    const e = { ...EXPERIMENTS.pointmass, conditions: { train: [0], test: [] }, T: 20 };
    const r = await runIlqgBaseline(e, { iterations: 3 });
    expect(r.history[0]).toHaveLength(4);
    expect(r.finalCost[0]).toBeLessThan(r.history[0][0].cost);
    expect(r.finalDistance[0]).toBeLessThan(r.history[0][0].distance as number);
  });

  it('writes the table and one plot per task', async () => {
    const base = {
      task: 'peg2d',
      iterations: 2,
      seconds: 1,
      successDistance: 0.05,
    };
    const results: Figure4JobResult[] = [
      {
        ...base,
        method: 'gmm',
        seed: 0,
        samplesPerIteration: 5,
        curve: [
          { samples: 0, distance: 0.4, perCondition: [0.4] },
          { samples: 5, distance: 0.1, perCondition: [0.1] },
        ],
        finalDistance: [0.02],
      },
      {
        ...base,
        method: 'noprior',
        seed: 0,
        samplesPerIteration: 20,
        curve: [
          { samples: 0, distance: 0.4, perCondition: [0.4] },
          { samples: 20, distance: 0.3, perCondition: [0.3] },
        ],
        finalDistance: [0.2],
        error: { message: 'EtaOutOfBoundsError: x', iterationsCompleted: 2 },
      },
      {
        ...base,
        method: 'ilqg',
        seed: 0,
        samplesPerIteration: 0,
        curve: [{ samples: 0, distance: 0.4, perCondition: [0.4] }],
        finalDistance: [0.01],
      },
    ];
    const md = join(root, 'results.md');
    const files = await writeFigure4Report({
      results,
      plotDir: join(root, 'results'),
      markdownPath: md,
      command: 'node scripts/reproduce.mjs',
      discussion: 'Hand-written.',
    });
    expect(files.map((f) => f.slice(root.length + 1))).toEqual([
      'results/figure4-peg2d.svg',
      'results/figure4-peg2d.png',
      'results.md',
    ]);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('| ours, GMM prior (5 samples/iter) | 0 | 5 | 2 | 10 | 0.020 ± 0.000');
    expect(text).toContain('| 1/1 | > 10 | 1 s |');
    expect(text).toContain('| iLQG, true model | 0 (deterministic)');
    expect(text).toContain('stopped after 2 of 2 iterations (EtaOutOfBoundsError: x)');
    expect(text).toContain('Hand-written.');
  });
});
