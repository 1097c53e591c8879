/**
 * Benchmark harness shared by the workspace packages.
 *
 * A package's `bench/index.ts` calls {@link runBenchmarks} with its cases; `pnpm bench` (the
 * root) runs every package's `bench` script. With `--json` each result is printed as one
 * JSON line `{name, median_ms, min_ms, runs, cpu_median_ms, cpu_min_ms, ...extra}`; otherwise as an
 * aligned table. Next to the wall-clock times every case reports the process's CPU time per run
 * (`cpu_*`, all threads of the process; absent where `process.cpuUsage` is not available): on a
 * shared machine wall time includes waiting for a core, CPU time does not.
 * `--filter SUBSTRING` runs only matching cases; `--quick` cuts the time budget (CI smoke).
 *
 * @packageDocumentation
 */

/** One benchmark case. */
export interface BenchCase {
  /** Stable, published name, e.g. `lqr.update.pr2`. */
  name: string;
  /** Prepare inputs once, outside the timed region; the returned value is passed to `run`. */
  setup?: () => unknown | Promise<unknown>;
  /** The timed body. */
  run: (state: unknown) => unknown | Promise<unknown>;
  /** Release what setup made. */
  teardown?: (state: unknown) => void | Promise<void>;
  /** Minimum number of timed runs (default 5). */
  minRuns?: number;
  /** Time budget in ms for the timed runs (default 1000). */
  budgetMs?: number;
  /** Untimed warm-up runs (default 2). */
  warmup?: number;
  /** Extra fields added to the JSON line, computed from the timings. */
  extra?: (r: BenchResult, state: unknown) => Record<string, unknown>;
}

/** Timing of one case, in milliseconds. */
export interface BenchResult {
  name: string;
  median_ms: number;
  min_ms: number;
  mean_ms: number;
  runs: number;
  /** Median CPU time of the process (user + system, all threads) per run, when measurable. */
  cpu_median_ms?: number;
  /** Minimum CPU time per run, when measurable. */
  cpu_min_ms?: number;
  [key: string]: unknown;
}

/** Parsed command-line options of a bench script. */
export interface BenchOptions {
  json: boolean;
  filter?: string;
  quick: boolean;
}

/** Read `--json`, `--filter X`, `--quick` from argv. */
export function parseBenchArgs(argv: readonly string[] = process.argv.slice(2)): BenchOptions {
  const opts: BenchOptions = { json: false, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--quick') opts.quick = true;
    else if (a === '--filter') opts.filter = argv[++i];
    else if (a.startsWith('--filter=')) opts.filter = a.slice('--filter='.length);
  }
  return opts;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** Time one case: warm-up, then runs until both `minRuns` and the time budget are reached. */
export async function timeCase(c: BenchCase, quick = false): Promise<BenchResult> {
  const state = c.setup ? await c.setup() : undefined;
  try {
    const warmup = quick ? Math.min(1, c.warmup ?? 2) : (c.warmup ?? 2);
    for (let i = 0; i < warmup; i++) await c.run(state);
    const minRuns = quick ? Math.min(3, c.minRuns ?? 5) : (c.minRuns ?? 5);
    const budget = quick ? Math.min(200, c.budgetMs ?? 1000) : (c.budgetMs ?? 1000);
    const times: number[] = [];
    const cpu: number[] = [];
    const cpuUsage = processCpuUsage();
    const start = performance.now();
    while (
      times.length < minRuns ||
      (performance.now() - start < budget && times.length < 10_000)
    ) {
      const c0 = cpuUsage?.();
      const t0 = performance.now();
      await c.run(state);
      times.push(performance.now() - t0);
      if (cpuUsage && c0) {
        const d = cpuUsage(c0);
        cpu.push((d.user + d.system) / 1000);
      }
    }
    const r: BenchResult = {
      name: c.name,
      median_ms: round(median(times)),
      min_ms: round(Math.min(...times)),
      mean_ms: round(times.reduce((a, b) => a + b, 0) / times.length),
      runs: times.length,
    };
    if (cpu.length > 0) {
      r.cpu_median_ms = round(median(cpu));
      r.cpu_min_ms = round(Math.min(...cpu));
    }
    if (c.extra) Object.assign(r, c.extra(r, state));
    return r;
  } finally {
    if (c.teardown) await c.teardown(state);
  }
}

type CpuUsage = { user: number; system: number };

/** Node's `process.cpuUsage` (µs), or undefined outside Node. */
function processCpuUsage(): ((since?: CpuUsage) => CpuUsage) | undefined {
  const proc = (globalThis as { process?: { cpuUsage?: (since?: CpuUsage) => CpuUsage } }).process;
  return proc?.cpuUsage ? (since?: CpuUsage) => proc.cpuUsage!(since) : undefined;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * Run cases in order and print results (JSON lines with `--json`, a table otherwise).
 * Returns the results so that callers may derive ratios.
 */
export async function runBenchmarks(
  cases: readonly BenchCase[],
  opts: BenchOptions = parseBenchArgs(),
): Promise<BenchResult[]> {
  const selected = cases.filter((c) => !opts.filter || c.name.includes(opts.filter));
  const results: BenchResult[] = [];
  for (const c of selected) {
    const r = await timeCase(c, opts.quick);
    results.push(r);
    if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else {
      const extra = Object.entries(r)
        .filter(([k]) => !['name', 'median_ms', 'min_ms', 'mean_ms', 'runs'].includes(k))
        .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`)
        .join(' ');
      process.stdout.write(
        `${r.name.padEnd(36)} median ${fmt(r.median_ms)}  min ${fmt(r.min_ms)}  runs ${String(r.runs).padStart(5)}  ${extra}\n`,
      );
    }
  }
  return results;
}

function fmt(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(1).padStart(9)} ms` : `${ms.toFixed(4).padStart(9)} ms`;
}
