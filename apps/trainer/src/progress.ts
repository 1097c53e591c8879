/**
 * Progress reporting: a one-line bar with phase, iteration, condition and ETA redrawn in place
 * on a terminal, plain log lines otherwise (CI, pipes, files).
 *
 * @packageDocumentation
 */

/** What the trainer reports while it runs. */
export interface ProgressEvent {
  /** Phase name: `sampling`, `update`, `checkpoint`, `evaluate`, `plots`. */
  phase: string;
  /** 0-based iteration. */
  iteration: number;
  /** Total iterations of the run. */
  iterations: number;
  /** Condition being sampled (0-based), if any. */
  condition?: number;
  conditions?: number;
  /** Fraction of the current iteration done, in [0, 1]. */
  fraction: number;
}

/** Receives progress events and messages. */
export interface ProgressReporter {
  /** Update the current phase. */
  update(e: ProgressEvent): void;
  /** Print a complete line (clears the bar first). */
  log(line: string): void;
  /** Finish (clears the bar). */
  done(): void;
}

/** A reporter that prints nothing. */
export const silentProgress: ProgressReporter = {
  update() {},
  log() {},
  done() {},
};

/** Format seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Stream to write to. Default `process.stderr`. */
  stream?: NodeJS.WriteStream;
  /** Force the bar (true) or plain lines (false). Default: the stream's `isTTY`. */
  tty?: boolean;
  /** Clock in ms (for tests). Default `performance.now`. */
  now?: () => number;
}

/**
 * Progress to a stream: on a TTY one bar redrawn in place
 * (`iter 3/10 [#####-----] 47% sampling cond 2/4  ETA 0:41`); otherwise one plain line per
 * phase change (`[trainer] iter 3/10 sampling cond 2/4 (47%, ETA 0:41)`).
 */
export function createProgress(opts: ProgressOptions = {}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean(stream.isTTY);
  const now = opts.now ?? (() => performance.now());
  const start = now();
  let startIteration: number | null = null;
  let lastKey = '';
  let drawn = false;
  const width = 24;

  const clear = () => {
    if (tty && drawn) {
      stream.write('\r\x1b[2K');
      drawn = false;
    }
  };
  const eta = (e: ProgressEvent): string => {
    if (startIteration === null) startIteration = e.iteration;
    const doneIters = e.iteration - startIteration + e.fraction;
    const elapsed = (now() - start) / 1000;
    if (doneIters <= 0) return '--:--';
    const remaining = e.iterations - e.iteration - e.fraction;
    return formatDuration((elapsed / doneIters) * remaining);
  };
  return {
    update(e) {
      const total = e.iterations > 0 ? (e.iteration + e.fraction) / e.iterations : 1;
      const pct = Math.min(100, Math.max(0, Math.floor(total * 100)));
      const cond =
        e.condition !== undefined && e.conditions !== undefined
          ? ` cond ${e.condition + 1}/${e.conditions}`
          : '';
      const iter = `iter ${Math.min(e.iteration + 1, e.iterations)}/${e.iterations}`;
      if (tty) {
        const filled = Math.round((pct / 100) * width);
        const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
        stream.write(
          `\r\x1b[2K${iter} [${bar}] ${String(pct).padStart(3)}% ${e.phase}${cond}  ETA ${eta(e)}`,
        );
        drawn = true;
      } else {
        const key = `${e.iteration}|${e.phase}|${e.condition ?? ''}`;
        if (key === lastKey) return;
        lastKey = key;
        stream.write(`[trainer] ${iter} ${e.phase}${cond} (${pct}%, ETA ${eta(e)})\n`);
      }
    },
    log(line) {
      clear();
      stream.write(`${line}\n`);
    },
    done() {
      clear();
    },
  };
}
