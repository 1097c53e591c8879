import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@visuomotor/contracts';
import { MujocoAgent } from '@visuomotor/mujoco-agent';
import { afterAll, describe, expect, it } from 'vitest';
import { priorSpec } from './algorithms.js';
import { validateExperiment } from './experiment.js';
import { EXPERIMENTS } from './experiments/index.js';
import { swimmerCentreOfMass, swimmerDistanceTravelled } from './experiments/swimmer.js';
import { runIlqgBaseline } from './ilqg-baseline.js';
import {
  type Figure4JobResult,
  figure4Experiment,
  figure4Jobs,
  figure4Metric,
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

  it('the swimmer experiment is valid and rewards forward speed of the body', () => {
    const e = validateExperiment(EXPERIMENTS.swimmer);
    expect(e.task.name).toBe('swimmer');
    expect(e.samples).toBe(5);
    expect(e.dynamics.prior.type).toBe('gmm');
    expect(e.initialController).toMatchObject({ type: 'lqr', initVar: 1, stiffness: 0 });
    expect(e.cost).toMatchObject({
      type: 'sum',
      costs: [
        { type: 'action' },
        {
          type: 'state',
          terms: [{ sensor: 'JOINT_VELOCITIES', wp: [1, 0, 0, 0, 0], target: [5, 0, 0, 0, 0] }],
        },
      ],
    });
    const np = validateExperiment(figure4Experiment('swimmer', 'noprior'));
    expect(np.samples).toBe(20);
    expect(np.T).toBe(e.T);
    expect(figure4Metric('swimmer')).toBe('travelled');
    expect(figure4Metric('peg3d')).toBe('distance');
  });

  it("the swimmer's centre of mass is the mean of its capsule centres (MuJoCo's geom_xpos)", async () => {
    const a = await MujocoAgent.create({ task: 'swimmer', T: 2 });
    try {
      const ids = ['head', 'mid', 'tail'].map((g) => a.sim.model.geomId(g));
      for (const q of [
        [0, 0, 0, 0, 0],
        [0.3, -0.2, 0.4, 0.9, -1.2],
        [-1, 2, -2.5, -0.5, 1.5],
      ]) {
        a.sim.setJointState(q, [0, 0, 0, 0, 0]);
        const g = a.sim.data.geomXpos;
        const x = ids.reduce((sum, id) => sum + g[3 * id], 0) / 3;
        const y = ids.reduce((sum, id) => sum + g[3 * id + 1], 0) / 3;
        const [cx, cy] = swimmerCentreOfMass(q);
        expect(cx).toBeCloseTo(x, 12);
        expect(cy).toBeCloseTo(y, 12);
      }
      // Straight body: the centre of mass is the root.
      const [sx, sy] = swimmerCentreOfMass([0.7, 0.1, 0, 0, 0]);
      expect(sx).toBeCloseTo(0.7, 12);
      expect(sy).toBeCloseTo(0.1, 12);
    } finally {
      a.dispose();
    }
  });

  it('distance travelled: x of the centre of mass at the end minus at the start', () => {
    // Layout of the swimmer's state: JOINT_ANGLES first (5), then 11 more values.
    const layout = {
      blocks: [
        { sensor: 'JOINT_ANGLES', offset: 0, size: 5 },
        { sensor: 'JOINT_VELOCITIES', offset: 5, size: 5 },
        { sensor: 'END_EFFECTOR_POINTS', offset: 10, size: 3 },
        { sensor: 'END_EFFECTOR_POINT_VELOCITIES', offset: 13, size: 3 },
      ],
      size: 16,
    } as const;
    const T = 3;
    const dX = 16;
    const X = new Float64Array(T * dX);
    X.set([0.2, 0, 0, 0, 0], 0);
    X.set([0.5, 0.3, 0, 0.4, -0.4], dX);
    // Last step: moved 1.5 m forward, bent, turned a little.
    X.set([1.7, 0.1, 0.2, 0.8, 0.5], 2 * dX);
    const sample = { T, dX, X } as unknown as Sample;
    const d = swimmerDistanceTravelled(sample, layout as never);
    expect(d).toBeCloseTo(swimmerCentreOfMass(X, 2 * dX)[0] - 0.2, 12);
    // Going backwards is negative.
    X.set([-0.8, 0, 0, 0, 0], 2 * dX);
    expect(swimmerDistanceTravelled(sample, layout as never)).toBeCloseTo(-1, 12);
    expect(() => swimmerDistanceTravelled(sample, { blocks: [], size: 16 } as never)).toThrow(
      /JOINT_ANGLES/,
    );
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
