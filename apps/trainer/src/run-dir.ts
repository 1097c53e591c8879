/**
 * The run directory: a public contract (see the package README).
 *
 * ```
 * RUN_DIR/
 *   config.json              resolved experiment, seed, options, package versions
 *   metrics.jsonl            one line per iteration and condition (deterministic numbers only)
 *   timings.jsonl            one line per iteration: wall-clock phase timings (ms)
 *   checkpoints/iter-NNNN.json  state after NNNN iterations, written atomically
 *   latest                   "checkpoints/iter-NNNN.json" of the newest checkpoint
 *   eval.json                result of the last evaluation of the final controllers
 *   plots/*.svg, plots/*.png cost, distance, end-effector paths, frame strip
 *   frames/condition-M.png   frames of the final controller's rollout of condition M
 * ```
 *
 * @packageDocumentation
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AlgorithmState } from './algorithm-types.js';
import { parseEncoded, stringifyEncoded } from './codec.js';
import { RunDirError } from './errors.js';
import { type ExperimentDefinition, validateExperiment } from './experiment.js';

/** Version of the run-directory format written by this trainer. */
export const RUN_FORMAT_VERSION = 1;

/** Paths inside a run directory. */
export function runPaths(dir: string) {
  return {
    dir,
    config: join(dir, 'config.json'),
    metrics: join(dir, 'metrics.jsonl'),
    timings: join(dir, 'timings.jsonl'),
    checkpoints: join(dir, 'checkpoints'),
    latest: join(dir, 'latest'),
    evalJson: join(dir, 'eval.json'),
    /** The final global policy of `badmm` / `mdgps` runs (`exportPolicy`). */
    policy: join(dir, 'policy'),
    /**
     * The best policy iterate of the policy phase so far (most training conditions within the
     * success distance in the noiseless policy rollouts, then the lowest mean distance), with
     * `best.json` ({@link BestPolicy}).
     */
    policyBest: join(dir, 'policy-best'),
    /** `visuomotor eval --policy` results. */
    evalPolicyJson: join(dir, 'eval-policy.json'),
    plots: join(dir, 'plots'),
    frames: join(dir, 'frames'),
    checkpoint: (iteration: number) =>
      join(dir, 'checkpoints', `iter-${String(iteration).padStart(4, '0')}.json`),
  };
}

/**
 * Write `data` to `path` atomically: write a temporary file in the same directory, fsync it,
 * rename it over `path`, and fsync the directory. A reader sees the old or the new file, never
 * a partial one.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${Math.random().toString(36).slice(2)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // directories cannot be fsynced on every platform
  }
}

/**
 * Replace directory `dir` by what `fill(tmp)` writes into a fresh temporary directory next to
 * it: the old directory is renamed aside, the new one renamed into place, the old one removed.
 * A crash leaves either the old or the new directory at `dir` (or, between the two renames, the
 * old one under a `.old` name and none at `dir`), never a partly written one.
 */
export async function replaceDirectory(
  dir: string,
  fill: (tmp: string) => Promise<void> | void,
): Promise<void> {
  const parent = dirname(dir);
  const stamp = `${Math.random().toString(36).slice(2)}.${process.pid}`;
  const tmp = join(parent, `.${stamp}.tmp`);
  const old = join(parent, `.${stamp}.old`);
  mkdirSync(parent, { recursive: true });
  try {
    await fill(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const had = existsSync(dir);
  if (had) renameSync(dir, old);
  renameSync(tmp, dir);
  if (had) rmSync(old, { recursive: true, force: true });
}

/** Append `text` to `path` and fsync. Returns the file size afterwards (bytes). */
export function appendDurable(path: string, text: string): number {
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, Buffer.from(text, 'utf8'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}

/** Options of a run, saved in config.json. */
export interface RunOptions {
  /** Total number of iterations to run. */
  iterations: number;
  /** Rollout workers. */
  workers: number;
}

/** Contents of config.json. */
export interface RunConfig {
  format: 'visuomotor-run';
  version: number;
  /** The resolved experiment (with seed and iterations overrides applied). */
  experiment: ExperimentDefinition;
  seed: number;
  options: RunOptions;
  /** Versions of the workspace packages and of Node. */
  versions: Record<string, string>;
  /** ISO time the run was created. */
  created: string;
}

const PACKAGES = [
  '@visuomotor/trainer',
  '@visuomotor/contracts',
  '@visuomotor/linalg',
  '@visuomotor/lqr',
  '@visuomotor/gmm-prior',
  '@visuomotor/badmm',
  '@visuomotor/mujoco-agent',
];

/** Versions of the visuomotor packages (read from their package.json files) and of Node. */
export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      const pj =
        name === '@visuomotor/trainer'
          ? findOwnPackageJson()
          : (require.resolve(`${name}/package.json`) as string);
      out[name] = (JSON.parse(readFileSync(pj, 'utf8')) as { version: string }).version;
    } catch {
      // not installed alongside this trainer
    }
  }
  out.node = process.versions.node;
  return out;
}

function findOwnPackageJson(): string {
  let dir = dirname(new URL(import.meta.url).pathname);
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pj = JSON.parse(readFileSync(p, 'utf8')) as { name?: string };
      if (pj.name === '@visuomotor/trainer') return p;
    }
    dir = dirname(dir);
  }
  throw new Error('package.json of @visuomotor/trainer not found');
}

/** Write config.json. */
export function writeRunConfig(dir: string, config: RunConfig): void {
  writeFileAtomic(runPaths(dir).config, `${JSON.stringify(config, null, 2)}\n`);
}

/** Read and validate config.json. */
export function readRunConfig(dir: string): RunConfig {
  const p = runPaths(dir).config;
  if (!existsSync(p))
    throw new RunDirError(`${dir} is not a run directory: no config.json`, { dir });
  let raw: RunConfig;
  try {
    raw = JSON.parse(readFileSync(p, 'utf8')) as RunConfig;
  } catch (err) {
    throw new RunDirError(`${p}: not valid JSON (${(err as Error).message})`, { path: p });
  }
  if (raw.format !== 'visuomotor-run' || raw.version !== RUN_FORMAT_VERSION) {
    throw new RunDirError(
      `${p}: expected format 'visuomotor-run' version ${RUN_FORMAT_VERSION}, got ${raw.format} ${raw.version}`,
    );
  }
  raw.experiment = validateExperiment(raw.experiment, 'config.json experiment');
  return raw;
}

/** One line of metrics.jsonl. Only deterministic numbers: a resumed run reproduces it byte for byte. */
/** Contents of `policy-best/best.json`: which iteration's policy it is and its score. */
export interface BestPolicy {
  /** 0-based iteration after whose policy update the policy was exported. */
  iteration: number;
  /** Training conditions whose noiseless policy rollout ended within the success distance. */
  successes: number;
  /** Mean final distance of those rollouts (m). */
  meanDistance: number;
}

/**
 * The best policy iterate in `lines` (metrics of a policy run): per iteration whose lines all
 * carry a numeric `policyDistance` and that is not before `fromIteration`, the number of
 * conditions with `policyDistance` ≤ `successDistance` (0 without one), then the lowest mean
 * distance; an earlier iteration wins a tie. Null when no iteration qualifies.
 */
export function bestPolicyIteration(
  lines: readonly MetricsLine[],
  successDistance: number | undefined,
  fromIteration = 0,
): BestPolicy | null {
  const byIteration = new Map<number, number[]>();
  const invalid = new Set<number>();
  for (const l of lines) {
    if (l.iteration < fromIteration) continue;
    const d = l.policyDistance;
    if (typeof d !== 'number' || !Number.isFinite(d)) {
      invalid.add(l.iteration);
      continue;
    }
    const list = byIteration.get(l.iteration) ?? [];
    list.push(d);
    byIteration.set(l.iteration, list);
  }
  let best: BestPolicy | null = null;
  for (const [iteration, ds] of [...byIteration].sort((a, b) => a[0] - b[0])) {
    if (invalid.has(iteration)) continue;
    const c: BestPolicy = {
      iteration,
      successes: successDistance === undefined ? 0 : ds.filter((d) => d <= successDistance).length,
      meanDistance: ds.reduce((a, b) => a + b, 0) / ds.length,
    };
    if (isBetterPolicy(c, best)) best = c;
  }
  return best;
}

/** Whether `a` beats `b` (more successes, then a lower mean distance; null loses). */
export function isBetterPolicy(a: BestPolicy, b: BestPolicy | null): boolean {
  if (!b) return true;
  if (a.successes !== b.successes) return a.successes > b.successes;
  return a.meanDistance < b.meanDistance;
}

export interface MetricsLine {
  /** 0-based iteration. */
  iteration: number;
  /** Condition index (position in the experiment's `conditions.train`). */
  condition: number;
  /** Mean total cost of the iteration's samples (drawn with the controller before the update). */
  cost: number;
  costStd: number;
  /** Mean over samples of the final end-effector distance to the target (m), null if unknown. */
  distance: number | null;
  /** Whether `distance` is within the experiment's success distance (null without criterion). */
  success: boolean | null;
  kl: number;
  klStep: number;
  eta: number;
  stepMult: number;
  predictedImprovement: number | null;
  actualImprovement: number | null;
  backwardCalls: number;
  /** Rollouts of this condition in this iteration. */
  samples: number;
  /**
   * `badmm` / `mdgps` only: final ee distance (m) of one noiseless rollout of the global policy
   * after this iteration's update (null if unknown).
   */
  policyDistance?: number | null;
}

/** Read metrics.jsonl (empty when missing). */
export function readMetrics(dir: string): MetricsLine[] {
  const p = runPaths(dir).metrics;
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l, i) => {
      try {
        return JSON.parse(l) as MetricsLine;
      } catch {
        throw new RunDirError(`${p}:${i + 1}: not valid JSON`, { path: p, line: i + 1 });
      }
    });
}

/** One checkpoint: the state after `iteration` iterations. */
export interface Checkpoint {
  format: 'visuomotor-checkpoint';
  version: number;
  /** Iterations completed. */
  iteration: number;
  /** Algorithm state (controllers, dynamics prior, eta, step multipliers...). */
  algorithm: AlgorithmState;
  /** The trainer's RNG state (four 32-bit words). */
  rng: number[];
  /**
   * Size of metrics.jsonl when the checkpoint was written (bytes). The checkpoint holds only
   * deterministic data, so a resumed run writes the same checkpoint files as an unbroken one.
   */
  metricsBytes: number;
}

/** Write checkpoints/iter-NNNN.json atomically, then the `latest` pointer. */
export function writeCheckpoint(dir: string, cp: Checkpoint): string {
  const paths = runPaths(dir);
  const path = paths.checkpoint(cp.iteration);
  writeFileAtomic(path, stringifyEncoded(cp));
  writeFileAtomic(paths.latest, `checkpoints/${path.split(/[\\/]/).pop()}\n`);
  return path;
}

function parseCheckpoint(path: string): Checkpoint {
  const cp = parseEncoded(readFileSync(path, 'utf8')) as Checkpoint;
  if (cp.format !== 'visuomotor-checkpoint' || cp.version !== RUN_FORMAT_VERSION) {
    throw new RunDirError(`${path}: not a version ${RUN_FORMAT_VERSION} checkpoint`);
  }
  return cp;
}

/**
 * The newest readable checkpoint: the one `latest` names, or else the highest-numbered file in
 * checkpoints/ that parses. Null when there is none.
 */
export function readLatestCheckpoint(dir: string): Checkpoint | null {
  const paths = runPaths(dir);
  if (existsSync(paths.latest)) {
    const rel = readFileSync(paths.latest, 'utf8').trim();
    const p = join(dir, rel);
    if (existsSync(p)) {
      try {
        return parseCheckpoint(p);
      } catch {
        // fall through to the scan
      }
    }
  }
  if (!existsSync(paths.checkpoints)) return null;
  const files = readdirSync(paths.checkpoints)
    .filter((f) => /^iter-\d+\.json$/.test(f))
    .sort()
    .reverse();
  for (const f of files) {
    try {
      return parseCheckpoint(join(paths.checkpoints, f));
    } catch {
      // a damaged file: try the previous one
    }
  }
  return null;
}

/** Keep the first `lines` lines of a text file (timings.jsonl on resume). */
export function keepLines(path: string, lines: number): void {
  if (!existsSync(path)) return;
  const all = readFileSync(path, 'utf8').split('\n');
  const kept = all.slice(0, lines).filter((l) => l.length > 0);
  writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
}

/** Cut a file back to `bytes` (drops lines written after the checkpoint). */
export function truncateTo(path: string, bytes: number): void {
  if (!existsSync(path)) {
    if (bytes === 0) return;
    throw new RunDirError(`${path} is missing but the checkpoint expects ${bytes} bytes`);
  }
  const size = statSync(path).size;
  if (size < bytes) {
    throw new RunDirError(`${path} has ${size} bytes but the checkpoint expects ${bytes}`);
  }
  if (size > bytes) truncateSync(path, bytes);
}
