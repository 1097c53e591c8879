import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExperimentConfigError, TrainingAbortedError } from './errors.js';
import type { ExperimentDefinition } from './experiment.js';
import { EXPERIMENTS } from './experiments/index.js';
import { readMetrics } from './run-dir.js';
import { resume, train } from './train.js';

// End to end on the real MuJoCo agent, costs, initial controllers, GMM prior and
// trajectory optimisation (small: pointmass, 2 conditions, T = 20).
const root = mkdtempSync(join(tmpdir(), 'visuomotor-real-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const small: ExperimentDefinition = {
  ...EXPERIMENTS.pointmass,
  conditions: { train: [0, 1], test: [] },
  T: 20,
};

describe('default runtime (MuJoCo + trajectory optimisation)', () => {
  it('trains, and a stopped run resumes to identical metrics', async () => {
    const ref = join(root, 'ref');
    const r = await train(small, { out: ref, iterations: 3, plots: false });
    expect(r.metrics).toHaveLength(6);
    expect(r.metrics[5].cost).toBeLessThan(r.metrics[1].cost);

    const dir = join(root, 'stopped');
    const controller = new AbortController();
    let lines = 0;
    await expect(
      train(small, {
        out: dir,
        iterations: 3,
        plots: false,
        signal: controller.signal,
        progress: {
          update(e) {
            if (e.iteration === 1 && e.phase === 'sampling' && e.fraction > 0.5) controller.abort();
          },
          log() {
            lines++;
          },
          done() {},
        },
      }),
    ).rejects.toBeInstanceOf(TrainingAbortedError);
    expect(readMetrics(dir)).toHaveLength(2);
    await resume(dir, { plots: false });
    expect(
      readFileSync(join(dir, 'metrics.jsonl')).equals(readFileSync(join(ref, 'metrics.jsonl'))),
    ).toBe(true);
    expect(
      readFileSync(join(dir, 'checkpoints/iter-0003.json')).equals(
        readFileSync(join(ref, 'checkpoints/iter-0003.json')),
      ),
    ).toBe(true);
    expect(lines).toBeGreaterThan(0);
  });

  it('fits the GMM priors on worker threads with identical metrics and checkpoints', async () => {
    const serial = join(root, 'serial');
    const parallel = join(root, 'parallel');
    await train(small, { out: serial, iterations: 2, plots: false });
    await train(small, { out: parallel, iterations: 1, plots: false, workers: 2 });
    await resume(parallel, { iterations: 2, plots: false });
    expect(
      readFileSync(join(parallel, 'metrics.jsonl')).equals(
        readFileSync(join(serial, 'metrics.jsonl')),
      ),
    ).toBe(true);
    expect(
      readFileSync(join(parallel, 'checkpoints/iter-0002.json')).equals(
        readFileSync(join(serial, 'checkpoints/iter-0002.json')),
      ),
    ).toBe(true);
  });

  it('names experiment fields the agent rejects', async () => {
    await expect(
      train({ ...small, conditions: { train: [0, 9], test: [] } }, { out: join(root, 'bad') }),
    ).rejects.toThrow(
      new ExperimentConfigError(
        'experiment.conditions.train[1]',
        "an index < 4 (the task 'pointmass' has 4 train conditions)",
        9,
      ),
    );
    await expect(
      train({ ...small, cost: { type: 'action', wu: [1, 1, 1] } }, { out: join(root, 'bad2') }),
    ).rejects.toThrow(/^experiment\.cost\.wu\.length: expected 2/);
  });
});
