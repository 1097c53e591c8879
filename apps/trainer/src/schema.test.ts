import { describe, expect, it } from 'vitest';
import { ExperimentConfigError } from './errors.js';
import { type ExperimentDefinition, resolveExperiment, validateExperiment } from './experiment.js';
import { EXPERIMENTS } from './experiments/index.js';

// biome-ignore lint/suspicious/noExplicitAny: tests poke invalid values into arbitrary fields
const clone = (e: ExperimentDefinition): any => JSON.parse(JSON.stringify(e));

function message(value: unknown): string {
  try {
    validateExperiment(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ExperimentConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('experiment schema', () => {
  it('accepts every built-in experiment', () => {
    for (const e of Object.values(EXPERIMENTS)) expect(validateExperiment(e).name).toBe(e.name);
    expect(Object.keys(EXPERIMENTS).sort()).toEqual([
      'peg2d',
      'peg2d-badmm',
      'peg2d-mdgps',
      'peg2d-plate-side-badmm',
      'peg2d-plate-side-mdgps',
      'peg2d-vision-mdgps',
      'peg2d-vision-mdgps-ee',
      'peg3d',
      'peg3d-badmm',
      'peg3d-mdgps',
      'pointmass',
      'reacher',
      'reacher-vision-mdgps',
      'reacher-vision-mdgps-12',
      'reacher-vision-mdgps-12-ee',
      'reacher-vision-mdgps-12-ee-jitter',
      'reacher-vision-mdgps-12-ee-jitter-pose-features',
      'reacher-vision-mdgps-12-ee-pose-features',
      'reacher-vision-mdgps-12-pose-features',
      'reacher-vision-mdgps-12-pose-prediction',
      'reacher-vision-mdgps-22-ee',
      'reacher-vision-mdgps-22-ee-pose-features',
      'reacher-vision-mdgps-22-pose-prediction',
      'reacher-vision-mdgps-pose-features',
      'reacher-vision-mdgps-pose-prediction',
      'swimmer',
    ]);
  });

  it('names the field and the expected value', () => {
    const e = clone(EXPERIMENTS.peg3d);
    e.algorithm.klStep = -1;
    expect(message(e)).toBe('experiment.algorithm.klStep: expected a positive number, got -1');
  });

  it('reports nested cost fields with their path', () => {
    const e = clone(EXPERIMENTS.peg3d);
    e.cost.costs[1].wp[2] = 'x';
    expect(message(e)).toBe(
      'experiment.cost.costs[1].wp[2]: expected a non-negative number, got "x"',
    );
    const f = clone(EXPERIMENTS.peg3d);
    f.cost.costs[0].type = 'torque';
    expect(message(f)).toBe(
      "experiment.cost.costs[0].type: expected one of 'action' | 'state' | 'fk' | 'sum', got \"torque\"",
    );
  });

  it('rejects unknown fields (typos) and missing required fields', () => {
    const e = clone(EXPERIMENTS.pointmass);
    e.algorithm.klstep = 0.2;
    expect(message(e)).toMatch(
      /^experiment\.algorithm\.klstep: expected no such field \(known: type, klStep/,
    );
    const f = clone(EXPERIMENTS.pointmass);
    delete f.samples;
    expect(message(f)).toBe('experiment.samples: expected a value (required field), got undefined');
  });

  it('checks integers, enums and cross-field constraints', () => {
    const a = clone(EXPERIMENTS.pointmass);
    a.samples = 2.5;
    expect(message(a)).toBe('experiment.samples: expected an integer >= 1, got 2.5');
    const b = clone(EXPERIMENTS.pointmass);
    b.dynamics.prior = {
      type: 'gmm',
      maxClusters: 0,
      minSamplesPerCluster: 40,
      maxSamples: 20,
      strength: 1,
    };
    expect(message(b)).toBe(
      'experiment.dynamics.prior.maxClusters: expected an integer >= 1, got 0',
    );
    const c = clone(EXPERIMENTS.pointmass);
    c.algorithm.maxStepMult = 0.001;
    expect(message(c)).toBe(
      'experiment.algorithm.maxStepMult: expected a number >= minStepMult (0.01), got 0.001',
    );
    const d = clone(EXPERIMENTS.pointmass);
    d.conditions.train = [0, 1, 1];
    expect(message(d)).toBe(
      'experiment.conditions.train: expected distinct condition indices, got 1',
    );
    const s = clone(EXPERIMENTS.pointmass);
    s.cost.weights = [1];
    expect(message(s)).toBe('experiment.cost.weights.length: expected 2 (one per cost), got 1');
    expect(message(null)).toBe('experiment: expected an object, got null');
  });

  it('resolves overrides and defaults', () => {
    const r = resolveExperiment(EXPERIMENTS.pointmass, { iterations: 3, seed: 7 });
    expect(r.iterations).toBe(3);
    expect(r.seed).toBe(7);
    expect(r.noiseScale).toBe(1);
    expect(() => resolveExperiment(EXPERIMENTS.pointmass, { iterations: 0 })).toThrow(
      'experiment.iterations: expected an integer >= 1, got 0',
    );
  });

  it('encodes the paper settings for the PR2 peg task', () => {
    const p = EXPERIMENTS.peg3d;
    expect(p.T).toBe(100);
    expect(p.conditions.train).toHaveLength(4);
    expect(p.samples).toBe(5);
    expect(p.dynamics.prior.type).toBe('gmm');
    for (const e of Object.values(EXPERIMENTS)) {
      // the paper: 5 samples per condition with the GMM prior, 20 without
      expect(e.samples).toBe(e.dynamics.prior.type === 'gmm' ? 5 : 20);
    }
  });

  it('accepts the EM and dynamics-fit switches and checks their values', () => {
    const e = clone(EXPERIMENTS.peg3d);
    expect(validateExperiment(e).dynamics.prior).toMatchObject({
      stopRule: 'relative',
      maxIterations: 20,
    });
    e.dynamics.prior.stopRule = 'sometimes';
    expect(message(e)).toBe(
      "experiment.dynamics.prior.stopRule: expected one of 'reference' | 'relative', got \"sometimes\"",
    );
    const f = clone(EXPERIMENTS.peg3d);
    f.dynamics.prior.maxIterations = 0;
    expect(message(f)).toBe(
      'experiment.dynamics.prior.maxIterations: expected an integer >= 1, got 0',
    );
    const g = clone(EXPERIMENTS.peg3d);
    g.dynamics.regularizationMode = 'ridge';
    expect(message(g)).toBe(
      "experiment.dynamics.regularizationMode: expected one of 'allEntries' | 'diagonal', got \"ridge\"",
    );
  });
});
