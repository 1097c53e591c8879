/**
 * The paper's Figure 4 comparison (Section 6.1): final distance to the target (peg2d, peg3d)
 * or distance travelled (swimmer) against the number of samples, for trajectory optimisation
 * with the GMM dynamics prior (5 samples per condition and iteration), without a prior (20 per
 * iteration), and iLQG with the true model as the reference line. `scripts/reproduce.mjs`
 * runs {@link runFigure4Job} for every job of {@link figure4Jobs} in child processes, then
 * {@link writeFigure4Report} writes `docs/results.md` and the plots.
 *
 * @packageDocumentation
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Agent, type VectorLayout, VisuomotorError } from '@visuomotor/contracts';
import { defaultRuntime } from './algorithms.js';
import type { ExperimentDefinition } from './experiment.js';
import { EXPERIMENTS } from './experiments/index.js';
import { swimmerDistanceTravelled } from './experiments/swimmer.js';
import { runIlqgBaseline } from './ilqg-baseline.js';
import { lineChart, svgToPng } from './plots/index.js';
import type { Series } from './plots/svg.js';
import { readMetrics } from './run-dir.js';
import type { Runtime } from './runtime.js';
import { evaluate, train } from './train.js';

/** Methods compared in Figure 4. */
export type Figure4Method = 'gmm' | 'noprior' | 'ilqg';

/** Tasks of Figure 4. */
export const FIGURE4_TASKS = ['peg2d', 'peg3d', 'swimmer'] as const;

/**
 * What a task's curve measures: `'distance'`, the final end-effector distance to the target
 * (smaller is better; the trainer's metric), or `'travelled'`, the swimmer's forward
 * displacement of the centre of mass over the rollout ({@link swimmerDistanceTravelled}; larger
 * is better).
 */
export type Figure4Metric = 'distance' | 'travelled';

/** The metric of a task: `'travelled'` for the swimmer, `'distance'` otherwise. */
export function figure4Metric(task: string): Figure4Metric {
  return task === 'swimmer' ? 'travelled' : 'distance';
}

/** One run of the comparison. */
export interface Figure4Job {
  task: string;
  method: Figure4Method;
  /** Seed (the iLQG baseline is deterministic; its seed only names the job). */
  seed: number;
  /** GPS iterations (iLQG iterations for `ilqg`). */
  iterations: number;
}

/** Result of one job, stored as `<resultsDir>/<task>-<method>-s<seed>.json`. */
export interface Figure4JobResult extends Figure4Job {
  /** Samples per condition and iteration (0 for iLQG). */
  samplesPerIteration: number;
  /** Wall time of the job in seconds. */
  seconds: number;
  /**
   * Learning curve: `samples` is the number of samples per condition the controller was trained
   * on; `distance` the mean over conditions of the mean final distance of the iteration's
   * samples (drawn with that controller), `perCondition` the per-condition values.
   */
  curve: { samples: number; distance: number; perCondition: number[] }[];
  /** Noiseless rollouts of the final controllers, per condition. */
  finalDistance: number[];
  /** Success threshold of the experiment (m), null if none. */
  successDistance: number | null;
  /**
   * What `curve[].distance`, `perCondition` and `finalDistance` hold (see
   * {@link Figure4Metric}). Absent in results written before the field existed: the final
   * end-effector distance (for the swimmer then the nose's distance from the origin).
   */
  metric?: Figure4Metric;
  /**
   * Set when training stopped early with an error (e.g. the dual search found no
   * positive-definite Q_uu): the message and the iterations completed; the curve and the final
   * distances are those of the last checkpoint.
   */
  error?: { message: string; iterationsCompleted: number };
}

/** Iterations used by {@link figure4Jobs} per task and method (see docs/results.md). */
export const FIGURE4_ITERATIONS: Record<string, Record<Figure4Method, number>> = {
  peg2d: { gmm: 10, noprior: 10, ilqg: 15 },
  peg3d: { gmm: 15, noprior: 15, ilqg: 15 },
  swimmer: { gmm: 20, noprior: 20, ilqg: 20 },
};

/** Seeds of the comparison. */
export const FIGURE4_SEEDS = [0, 1, 2];

/**
 * The experiment of a task and method: the built-in one, or its no-prior variant (20 samples
 * per condition and iteration as in the paper, plain regression per step with the diagonal
 * ridge, which stays well posed when every sample starts from the same state and when
 * N = 20 <= dX + dU, as on peg2d (21) and peg3d (33)).
 */
export function figure4Experiment(task: string, method: Figure4Method): ExperimentDefinition {
  const base = EXPERIMENTS[task];
  if (!base) throw new VisuomotorError(`no built-in experiment '${task}'`, { task });
  if (method !== 'noprior') return base;
  return {
    ...base,
    name: `${base.name}-noprior`,
    description: `${base.description} (no prior, 20 samples)`,
    samples: 20,
    dynamics: {
      ...base.dynamics,
      prior: { type: 'none' },
      regularizationMode: 'diagonal',
      noPriorSingular: 'exactPivot',
    },
  };
}

/** Every job of the comparison: tasks × methods × seeds (one iLQG job per task). */
export function figure4Jobs(
  tasks: readonly string[] = FIGURE4_TASKS,
  seeds: readonly number[] = FIGURE4_SEEDS,
): Figure4Job[] {
  const jobs: Figure4Job[] = [];
  for (const task of tasks) {
    const its = FIGURE4_ITERATIONS[task] ?? { gmm: 10, noprior: 10, ilqg: 10 };
    jobs.push({ task, method: 'ilqg', seed: 0, iterations: its.ilqg });
    for (const seed of seeds) {
      for (const method of ['gmm', 'noprior'] as const) {
        jobs.push({ task, method, seed, iterations: its[method] });
      }
    }
  }
  return jobs;
}

/** File name of a job's result. */
export function jobFile(j: Figure4Job): string {
  return `${j.task}-${j.method}-s${j.seed}.json`;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The state layout of an experiment's agent (creates and disposes one agent). */
async function stateLayoutOf(experiment: ExperimentDefinition): Promise<VectorLayout> {
  const a = await defaultRuntime.createAgent({ experiment, workers: 1 });
  try {
    return a.agent.stateLayout;
  } finally {
    await a.agent.dispose();
  }
}

/** One recorded controller rollout: its condition, noise scale and distance travelled. */
interface RecordedRollout {
  condition: number;
  noiseScale: number;
  travelled: number;
}

/**
 * The default runtime, with every rollout of the agent recorded (condition, noise scale and
 * {@link swimmerDistanceTravelled}) into `out`, in the order the trainer draws them.
 */
export function recordingRuntime(out: RecordedRollout[]): Runtime {
  return {
    ...defaultRuntime,
    async createAgent(ctx) {
      const a = await defaultRuntime.createAgent(ctx);
      const inner = a.agent;
      const layout = inner.stateLayout;
      const agent: Agent = Object.create(inner);
      agent.sample = async (policy, condition, options) => {
        const s = await inner.sample(policy, condition, options);
        out.push({
          condition,
          noiseScale: options.noiseScale ?? 1,
          travelled: swimmerDistanceTravelled(s, layout),
        });
        return s;
      };
      return { ...a, agent, sampleMany: undefined };
    },
  };
}

/**
 * Run one job and write its result into `resultsDir` (the training run goes to
 * `resultsDir/runs/`, which is replaced if a previous attempt left it).
 */
export async function runFigure4Job(
  job: Figure4Job,
  resultsDir: string,
): Promise<Figure4JobResult> {
  mkdirSync(resultsDir, { recursive: true });
  const experiment = figure4Experiment(job.task, job.method);
  const metric = figure4Metric(job.task);
  const t0 = performance.now();
  let result: Figure4JobResult;
  if (job.method === 'ilqg') {
    // Swimmer: the distance travelled of every iteration's noiseless rollout, per condition.
    const layout = metric === 'travelled' ? await stateLayoutOf(experiment) : null;
    const travelled: number[][] = [];
    const r = await runIlqgBaseline(experiment, {
      iterations: job.iterations,
      onIteration: (rec, s) => {
        if (!layout) return;
        travelled[rec.condition] ??= [];
        travelled[rec.condition][rec.iteration] = swimmerDistanceTravelled(s, layout);
      },
    });
    const value = (m: number, it: number) =>
      metric === 'travelled' ? travelled[m][it] : (r.history[m][it].distance ?? Number.NaN);
    const curve = r.history[0].map((_, it) => {
      const per = r.history.map((_h, m) => value(m, it));
      return { samples: it, distance: mean(per), perCondition: per };
    });
    result = {
      ...job,
      samplesPerIteration: 0,
      seconds: (performance.now() - t0) / 1000,
      curve,
      finalDistance:
        layout !== null
          ? r.finalRollouts.map((s) => swimmerDistanceTravelled(s, layout))
          : r.finalDistance.map((d) => d ?? Number.NaN),
      successDistance: experiment.success?.distance ?? null,
      metric,
    };
  } else {
    const out = join(resultsDir, 'runs', jobFile(job).replace(/\.json$/, ''));
    rmSync(out, { recursive: true, force: true });
    let error: Figure4JobResult['error'];
    // Swimmer: every rollout's distance travelled, recorded as the trainer draws it.
    const trained: RecordedRollout[] = [];
    const evaluated: RecordedRollout[] = [];
    const travelled = metric === 'travelled';
    try {
      await train(experiment, {
        iterations: job.iterations,
        seed: job.seed,
        out,
        workers: 1,
        plots: false,
        ...(travelled ? { runtime: recordingRuntime(trained) } : {}),
      });
    } catch (err) {
      if (!existsSync(join(out, 'config.json'))) throw err;
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      error = { message, iterationsCompleted: 0 };
    }
    const ev = await evaluate(out, {
      plots: false,
      ...(travelled ? { runtime: recordingRuntime(evaluated) } : {}),
    });
    const metrics = readMetrics(out);
    const N = experiment.samples;
    const M = experiment.conditions.train.length;
    const curve: Figure4JobResult['curve'] = [];
    const done = error ? ev.iteration : job.iterations;
    if (error) error.iterationsCompleted = done;
    // The noisy rollouts, iteration by iteration (M conditions × N samples, condition-major).
    const noisy = trained.filter((r) => r.noiseScale !== 0);
    for (let it = 0; it < done; it++) {
      const per = travelled
        ? Array.from({ length: M }, (_, m) =>
            mean(noisy.slice((it * M + m) * N, (it * M + m + 1) * N).map((r) => r.travelled)),
          )
        : metrics
            .filter((l) => l.iteration === it)
            .map((l) => (l.distance === null ? Number.NaN : l.distance));
      curve.push({ samples: it * N, distance: mean(per), perCondition: per });
    }
    // The evaluation's noiseless rollouts are the last M recorded.
    const finalTravelled = evaluated.filter((r) => r.noiseScale === 0).slice(-M);
    result = {
      ...job,
      samplesPerIteration: N,
      seconds: (performance.now() - t0) / 1000,
      curve,
      finalDistance: travelled
        ? finalTravelled.map((r) => r.travelled)
        : ev.conditions.map((c) => c.distance ?? Number.NaN),
      successDistance: experiment.success?.distance ?? null,
      metric,
      ...(error ? { error } : {}),
    };
  }
  writeFileSync(join(resultsDir, jobFile(job)), `${JSON.stringify(result, null, 1)}\n`);
  return result;
}

/** Read every job result in a directory. */
export function readFigure4Results(resultsDir: string): Figure4JobResult[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as Figure4JobResult);
}

/** What the paper reports for each task (Section 6.1, Figure 4), beside our numbers. */
export const PAPER_CLAIMS: Record<string, string> = {
  peg2d:
    'Paper: with the GMM prior the peg is inserted (distance to the slot bottom below 0.1, with a 0.5-long peg) within a few hundred samples, where prior methods fail; without the prior (20 samples per iteration) more samples are needed; iLQG with the true model is the reference. Ours: 0.2 m peg, 10 cm deep slot, distance = mean over the peg tip and base of the distance to the inserted pose; success ≤ 0.05 m (the peg at least half inserted; fully inserted it rests at 0.02 m, the slot bottom).',
  peg3d:
    'Paper: with the GMM prior the peg is inserted (distance below 0.1, with a 0.5-long peg) within a few hundred samples, where prior methods fail; without the prior more samples are needed; iLQG with the true model is the reference. Ours: 7-DoF PR2-like arm, 0.3 m peg, 10 cm deep hole, distance = mean over the peg tip and base of the distance to the inserted pose; success ≤ 0.06 m (the peg at least 4 cm into the hole).',
  swimmer:
    'Paper: the swimmer learns to swim forward (distance travelled) from a few hundred samples with the GMM prior, and learns worse without it (20 samples per iteration); iLQG with the true model is the reference. Ours: 3-link swimmer, 2 conditions (body bent at rest), 10 s (T = 200 at 20 Hz); distance travelled = x of the centre of mass at the last step minus at the first (larger is better; no success threshold).',
};

const METHOD_LABEL: Record<Figure4Method, string> = {
  gmm: 'ours, GMM prior (5 samples/iter)',
  noprior: 'ours, no prior (20 samples/iter)',
  ilqg: 'iLQG, true model',
};

const METHOD_COLOR: Record<Figure4Method, string> = {
  gmm: '#1f77b4',
  noprior: '#d62728',
  ilqg: '#2ca02c',
};

function f3(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : 'n/a';
}

function std(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

/**
 * Samples per condition of the first iteration whose sampled rollouts are all within the
 * threshold in every condition (the controller that drew them was trained on that many), or
 * `> N` when no iteration got there.
 */
function samplesToSuccess(r: Figure4JobResult, threshold: number): string {
  const hit = r.curve.find((p) => p.perCondition.every((d) => d <= threshold));
  if (hit) return String(hit.samples);
  const total = (r.error?.iterationsCompleted ?? r.iterations) * r.samplesPerIteration;
  return `> ${total}`;
}

/** Options of {@link writeFigure4Report}. */
export interface Figure4ReportOptions {
  /** Job results. */
  results: readonly Figure4JobResult[];
  /** Where the plots go (`docs/results`). */
  plotDir: string;
  /** Path of the markdown file (`docs/results.md`). */
  markdownPath: string;
  /** Relative link from the markdown file to the plot directory. Default `results`. */
  plotLink?: string;
  /** The exact command and environment, printed in the report. */
  command: string;
  /** Jobs planned but without a result (not finished in the time budget). */
  missing?: readonly Figure4Job[];
  /** Free text inserted under "Discussion" (hand-written observations). */
  discussion?: string;
}

/**
 * Write the Figure 4 plots (one SVG + PNG per task: mean over seeds of the distance against the
 * samples per condition, iLQG as the reference line) and the markdown report with the table.
 */
export async function writeFigure4Report(o: Figure4ReportOptions): Promise<string[]> {
  mkdirSync(o.plotDir, { recursive: true });
  const link = o.plotLink ?? 'results';
  const files: string[] = [];
  const md: string[] = [];
  md.push('# Results: Figure 4 of the paper (Section 6.1)');
  md.push('');
  md.push(
    '_Generated by `pnpm --filter @visuomotor/trainer run reproduce` (`node scripts/reproduce.mjs`); do not edit by hand: the discussion comes from `docs/results/discussion.md`._',
  );
  md.push('');
  md.push(`Command: \`${o.command}\``);
  md.push('');
  const tasks = [...new Set(o.results.map((r) => r.task))];
  for (const task of tasks) {
    const rs = o.results.filter((r) => r.task === task);
    const isSwimmer = task === 'swimmer';
    // Results written before `metric` existed hold the final distance (for the swimmer: of the
    // nose from the origin).
    const travelled = rs.every((r) => r.metric === 'travelled');
    const yLabel = travelled
      ? 'distance travelled by the centre of mass (m)'
      : isSwimmer
        ? 'distance of the nose from the origin (m)'
        : 'final distance to target (m)';
    const what = travelled ? 'distance travelled' : 'final distance';
    const nConditions = rs[0]?.finalDistance.length ?? 0;
    const series: Series[] = [];
    let ilqgFinal: number | null = null;
    for (const method of ['gmm', 'noprior'] as const) {
      const runs = rs.filter((r) => r.method === method);
      if (!runs.length) continue;
      const len = Math.min(...runs.map((r) => r.curve.length));
      const points: [number, number][] = [];
      for (let i = 0; i < len; i++) {
        points.push([runs[0].curve[i].samples, mean(runs.map((r) => r.curve[i].distance))]);
      }
      // The final controllers (noiseless) after all iterations.
      const N = runs[0].samplesPerIteration;
      const its = Math.min(...runs.map((r) => r.error?.iterationsCompleted ?? r.iterations));
      points.push([its * N, mean(runs.map((r) => mean(r.finalDistance)))]);
      series.push({
        name: `${METHOD_LABEL[method]}, mean of ${runs.length} seeds`,
        points,
        color: METHOD_COLOR[method],
      });
    }
    const thr = rs[0]?.successDistance;
    if (thr != null && series.length) {
      const xMax = Math.max(...series.flatMap((x) => x.points.map((p) => p[0])));
      series.push({
        name: `success threshold (${thr} m)`,
        points: [
          [0, thr],
          [xMax, thr],
        ],
        color: '#999999',
      });
    }
    const il = rs.find((r) => r.method === 'ilqg');
    if (il) ilqgFinal = mean(il.finalDistance);
    const svg = lineChart({
      title: `${task}: ${travelled ? 'distance travelled' : isSwimmer ? 'nose distance from the origin' : 'final distance to target'} vs samples per condition`,
      xLabel: 'samples per condition',
      yLabel,
      series,
      reference: ilqgFinal === null ? undefined : { y: ilqgFinal, label: 'iLQG, true model' },
    });
    const svgPath = join(o.plotDir, `figure4-${task}.svg`);
    writeFileSync(svgPath, svg);
    const pngPath = join(o.plotDir, `figure4-${task}.png`);
    writeFileSync(pngPath, await svgToPng(svg));
    files.push(svgPath, pngPath);

    md.push(`## ${task}`);
    md.push('');
    if (PAPER_CLAIMS[task]) {
      md.push(PAPER_CLAIMS[task]);
      md.push('');
    }
    md.push(`![${task}](${link}/figure4-${task}.png)`);
    md.push('');
    const succ = rs[0]?.successDistance;
    md.push(
      `| method | seeds | samples/iter/cond | iterations | samples per cond | ${what} (mean ± sd over seeds) | per seed (mean over ${nConditions} condition${nConditions === 1 ? '' : 's'}) | conditions solved${succ ? ` (≤ ${succ} m)` : ''} | samples per cond until every condition's samples are within the threshold (per seed) | wall time per run |`,
    );
    md.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const method of ['gmm', 'noprior', 'ilqg'] as const) {
      const runs = rs.filter((r) => r.method === method);
      if (!runs.length) continue;
      const finals = runs.map((r) => mean(r.finalDistance));
      const solved =
        succ == null
          ? '—'
          : runs
              .map(
                (r) =>
                  `${r.finalDistance.filter((d) => d <= succ).length}/${r.finalDistance.length}`,
              )
              .join(', ');
      const samples =
        method === 'ilqg'
          ? '— (true model)'
          : String(runs[0].iterations * runs[0].samplesPerIteration);
      md.push(
        `| ${METHOD_LABEL[method]} | ${runs.map((r) => r.seed).join(', ')}${method === 'ilqg' ? ' (deterministic)' : ''} | ${method === 'ilqg' ? '—' : runs[0].samplesPerIteration} | ${runs[0].iterations} | ${samples} | ${f3(mean(finals))} ± ${f3(std(finals))} | ${finals.map(f3).join(', ')} | ${solved} | ${method === 'ilqg' || succ == null ? '—' : runs.map((r) => samplesToSuccess(r, succ)).join(', ')} | ${runs.map((r) => `${r.seconds.toFixed(0)} s`).join(', ')} |`,
      );
    }
    md.push('');
    for (const r of rs.filter((x) => x.error)) {
      md.push(
        `- ${METHOD_LABEL[r.method]}, seed ${r.seed}: stopped after ${r.error?.iterationsCompleted} of ${r.iterations} iterations (${r.error?.message}); its final distances are those of the last completed iteration's controllers.`,
      );
    }
    if (rs.some((x) => x.error)) md.push('');
    // Distance after a given number of samples (curve points), per method.
    const gmm = rs.filter((r) => r.method === 'gmm');
    const nop = rs.filter((r) => r.method === 'noprior');
    if (gmm.length && nop.length) {
      const xs = [...new Set([...gmm[0].curve, ...nop[0].curve].map((p) => p.samples))].sort(
        (a, b) => a - b,
      );
      const at = (runs: Figure4JobResult[], x: number) => {
        const v = runs
          .map((r) => r.curve.find((p) => p.samples === x)?.distance)
          .filter((d): d is number => d !== undefined);
        return v.length === runs.length ? f3(mean(v)) : '';
      };
      md.push(
        `<details><summary>${travelled ? 'Distance travelled by' : 'Distance of'} the sampled rollouts against samples per condition (mean over seeds and conditions)</summary>`,
      );
      md.push('');
      md.push('| samples per cond | GMM prior | no prior |');
      md.push('|---|---|---|');
      for (const x of xs) {
        const a = at(gmm, x);
        const b = at(nop, x);
        if (a || b) md.push(`| ${x} | ${a} | ${b} |`);
      }
      md.push('');
      md.push('</details>');
      md.push('');
    }
  }
  if (o.missing?.length) {
    md.push('## Not run');
    md.push('');
    md.push(
      `These planned jobs have no result (they did not finish in the time budget): ${o.missing
        .map((j) => `${j.task}/${j.method}/seed ${j.seed}`)
        .join(', ')}.`,
    );
    md.push('');
  }
  if (o.discussion) {
    md.push('## Discussion');
    md.push('');
    md.push(o.discussion.trim());
    md.push('');
  }
  writeFileSync(o.markdownPath, `${md.join('\n')}\n`);
  files.push(o.markdownPath);
  return files;
}
