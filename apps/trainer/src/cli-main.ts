/**
 * The `visuomotor` command line: argument parsing, help, commands and exit codes.
 *
 * Exit codes: 0 done; 1 failed (runtime error, missing integration); 2 usage error (unknown
 * command or flag, bad value, invalid experiment definition); 130 stopped by Ctrl-C (the run
 * stays resumable).
 *
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VisuomotorError } from '@visuomotor/contracts';
import { ExperimentConfigError, TrainingAbortedError, UsageError } from './errors.js';
import { evaluatePolicy, type PolicyEvalResult } from './eval-policy.js';
import { type ExperimentDefinition, validateExperiment } from './experiment.js';
import { DEFAULT_EXPERIMENT, EXPERIMENTS } from './experiments/index.js';
import { createProgress } from './progress.js';
import type { Runtime } from './runtime.js';
import { type EvalResult, evaluate, resume, train } from './train.js';

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Where the CLI writes. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  /** Runtime (tests inject fakes). Default: the MuJoCo agent and the real algorithms. */
  runtime?: Runtime;
  /** Aborts a running command (the CLI wires SIGINT to it). */
  signal?: AbortSignal;
}

type FlagType = 'int' | 'string' | 'bool';
interface FlagSpec {
  type: FlagType;
  /** Smallest value of an int flag. */
  min?: number;
  max?: number;
  help: string;
  value?: string;
}
interface CommandSpec {
  usage: string;
  summary: string;
  positional: { name: string; help: string }[];
  flags: Record<string, FlagSpec>;
}

const COMMON_FLAGS: Record<string, FlagSpec> = {
  help: { type: 'bool', help: 'show this help' },
};

const COMMANDS: Record<string, CommandSpec> = {
  train: {
    usage: 'visuomotor train EXPERIMENT [--iterations N] [--seed S] [--out DIR] [--workers N]',
    summary: 'train an experiment into a new run directory',
    positional: [
      {
        name: 'EXPERIMENT',
        help: `a built-in experiment (${Object.keys(EXPERIMENTS).join(', ')}) or a path to a .json/.js/.mjs definition`,
      },
    ],
    flags: {
      iterations: {
        type: 'int',
        min: 1,
        value: 'N',
        help: "number of iterations (default: the experiment's)",
      },
      seed: {
        type: 'int',
        min: 0,
        max: 2 ** 32 - 1,
        value: 'S',
        help: "random seed (default: the experiment's)",
      },
      out: { type: 'string', value: 'DIR', help: 'run directory (default: runs/NAME-DATE-sSEED)' },
      workers: {
        type: 'int',
        min: 1,
        max: 64,
        value: 'N',
        help: 'parallel rollout workers (default 1)',
      },
      'no-plots': { type: 'bool', help: 'skip the final evaluation and plots' },
      ...COMMON_FLAGS,
    },
  },
  resume: {
    usage: 'visuomotor resume RUN_DIR [--iterations N] [--workers N]',
    summary: 'continue a stopped or killed run from its newest checkpoint',
    positional: [{ name: 'RUN_DIR', help: 'a run directory written by `visuomotor train`' }],
    flags: {
      iterations: {
        type: 'int',
        min: 1,
        value: 'N',
        help: "new total number of iterations (default: the run's)",
      },
      workers: {
        type: 'int',
        min: 1,
        max: 64,
        value: 'N',
        help: "parallel rollout workers (default: the run's)",
      },
      'no-plots': { type: 'bool', help: 'skip the final evaluation and plots' },
      ...COMMON_FLAGS,
    },
  },
  eval: {
    usage:
      'visuomotor eval RUN_DIR [--policy [--best] [--task TASK] [--random-targets N]] [--json]',
    summary: 'roll out the newest controllers of a run without noise, write eval.json and plots',
    positional: [{ name: 'RUN_DIR', help: 'a run directory' }],
    flags: {
      json: { type: 'bool', help: 'print eval.json (eval-policy.json) to stdout' },
      policy: {
        type: 'bool',
        help: 'run the exported policy (RUN_DIR/policy) on train and test conditions',
      },
      task: {
        type: 'string',
        value: 'TASK',
        help: 'with --policy: roll out on another task, e.g. reacher-vision-distractors (writes eval-policy-TASK.json)',
      },
      'random-targets': {
        type: 'int',
        value: 'N',
        help: 'with --policy: also roll out on N new random targets of a vision task',
      },
      best: {
        type: 'bool',
        help: 'with --policy: the best policy iterate (RUN_DIR/policy-best, chosen on the training conditions; writes eval-policy-best*.json)',
      },
      ...COMMON_FLAGS,
    },
  },
  list: {
    usage: 'visuomotor list [--json]',
    summary: 'list the built-in experiments',
    positional: [],
    flags: { json: { type: 'bool', help: 'one JSON object per experiment' }, ...COMMON_FLAGS },
  },
};

/** Top-level help text. */
export function mainHelp(): string {
  const lines = [
    'visuomotor: guided policy search trainer',
    '',
    'usage: visuomotor COMMAND [ARGS] [--help]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(8)}${c.summary}`),
    `  ${'help'.padEnd(8)}show help of a command: visuomotor help train`,
    '',
    `default experiment (pnpm start): ${DEFAULT_EXPERIMENT}`,
    'exit codes: 0 done, 1 failed, 2 usage error, 130 interrupted (resumable)',
  ];
  return `${lines.join('\n')}\n`;
}

/** Help text of one command. */
export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  const lines = [`usage: ${c.usage}`, '', c.summary, ''];
  if (c.positional.length) {
    lines.push('arguments:');
    for (const p of c.positional) lines.push(`  ${p.name.padEnd(18)}${p.help}`);
    lines.push('');
  }
  lines.push('options:');
  for (const [f, s] of Object.entries(c.flags)) {
    lines.push(`  ${`--${f}${s.value ? ` ${s.value}` : ''}`.padEnd(18)}${s.help}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Parsed arguments of one command. */
export interface ParsedArgs {
  command: string;
  positional: string[];
  flags: Record<string, string | number | boolean>;
}

function expectedOf(s: FlagSpec): string {
  if (s.type !== 'int') return 'a value';
  if (s.min === 1 && s.max === undefined) return 'a positive integer';
  if (s.min !== undefined && s.max !== undefined) return `an integer from ${s.min} to ${s.max}`;
  if (s.min === 0) return 'a non-negative integer';
  return 'an integer';
}

/**
 * Parse `argv` (without `node` and the script). Accepts `--flag value` and `--flag=value`.
 *
 * @throws {@link UsageError} naming the flag or argument and the expected value
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (command === undefined)
    throw new UsageError('COMMAND', `one of ${Object.keys(COMMANDS).join(', ')}`, undefined);
  const spec = COMMANDS[command];
  if (!spec)
    throw new UsageError('COMMAND', `one of ${Object.keys(COMMANDS).join(', ')}, help`, command);
  const positional: string[] = [];
  const flags: Record<string, string | number | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '-h') {
      flags.help = true;
      continue;
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    const fs = spec.flags[name];
    if (!fs) {
      throw new UsageError(
        `--${name}`,
        `one of the options of '${command}': ${Object.keys(spec.flags)
          .map((f) => `--${f}`)
          .join(', ')}`,
        a,
      );
    }
    if (fs.type === 'bool') {
      if (eq >= 0) throw new UsageError(`--${name}`, 'no value', a.slice(eq + 1));
      flags[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = rest[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(
          `--${name}`,
          fs.type === 'int' ? expectedOf(fs) : `a ${fs.value ?? 'value'}`,
          undefined,
        );
      }
      i++;
    }
    if (fs.type === 'int') {
      const n = /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN;
      if (
        !Number.isSafeInteger(n) ||
        (fs.min !== undefined && n < fs.min) ||
        (fs.max !== undefined && n > fs.max)
      ) {
        throw new UsageError(`--${name}`, expectedOf(fs), value);
      }
      flags[name] = n;
    } else {
      if (value.length === 0) throw new UsageError(`--${name}`, `a ${fs.value ?? 'value'}`, value);
      flags[name] = value;
    }
  }
  if (!flags.help) {
    if (positional.length < spec.positional.length) {
      const missing = spec.positional[positional.length];
      throw new UsageError(missing.name, missing.help, undefined);
    }
    if (positional.length > spec.positional.length) {
      throw new UsageError(
        'arguments',
        `${spec.positional.length} argument(s) (${spec.usage})`,
        positional.slice(spec.positional.length).join(' '),
      );
    }
  }
  return { command, positional, flags };
}

/**
 * The experiment named on the command line: a built-in name, or a path to a JSON file or an ES
 * module whose default (or `experiment`) export is a definition.
 */
export async function loadExperiment(nameOrPath: string): Promise<ExperimentDefinition> {
  if (Object.hasOwn(EXPERIMENTS, nameOrPath)) return EXPERIMENTS[nameOrPath];
  const looksLikePath = /[\\/]/.test(nameOrPath) || /\.(json|js|mjs|ts)$/.test(nameOrPath);
  if (!looksLikePath || !existsSync(nameOrPath)) {
    throw new UsageError(
      'EXPERIMENT',
      `a built-in experiment (${Object.keys(EXPERIMENTS).join(', ')}) or an existing definition file`,
      nameOrPath,
    );
  }
  const path = resolve(nameOrPath);
  let value: unknown;
  if (extname(path) === '.json') {
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new UsageError(
        'EXPERIMENT',
        `a valid JSON file (${(err as Error).message})`,
        nameOrPath,
      );
    }
  } else {
    const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    value = mod.default ?? mod.experiment;
  }
  return validateExperiment(value);
}

function write(s: NodeJS.WritableStream, text: string): void {
  s.write(text);
}

function reportEval(io: CliIo, runDir: string, ev: EvalResult | null): void {
  if (!ev) return;
  for (const c of ev.conditions) {
    const d = c.distance === null ? 'n/a' : `${c.distance.toFixed(4)} m`;
    const s = c.success === null ? '' : c.success ? '  success' : '  not solved';
    write(io.stdout, `condition ${c.condition}: final distance ${d}${s}\n`);
  }
  if (ev.success !== null) {
    write(io.stdout, ev.success ? 'all conditions solved\n' : 'not all conditions solved\n');
  }
  if (ev.plots.length) write(io.stdout, `plots: ${resolve(runDir, 'plots')}\n`);
  write(io.stdout, `run directory: ${runDir}\n`);
}

function reportPolicyEval(io: CliIo, runDir: string, pe: PolicyEvalResult): void {
  for (const c of pe.conditions) {
    const d = c.distance === null ? 'n/a' : `${c.distance.toFixed(4)} m`;
    const s = c.success === null ? '' : c.success ? '  success' : '  not solved';
    write(io.stdout, `policy ${c.split} condition ${c.taskCondition}: final distance ${d}${s}\n`);
  }
  for (const split of ['train', 'test', 'random'] as const) {
    const r = pe[split];
    if (!r || r.conditions === 0) continue;
    const rate = r.successRate === null ? 'n/a' : `${(100 * r.successRate).toFixed(0)}%`;
    const md = r.meanDistance === null ? 'n/a' : `${r.meanDistance.toFixed(4)} m`;
    write(io.stdout, `${split}: success ${rate}, mean distance ${md}\n`);
  }
  write(io.stdout, `wrote ${resolve(runDir, pe.file)}\n`);
  if (pe.frames) write(io.stdout, `frames: ${resolve(runDir, pe.frames)}\n`);
}

/**
 * Run the CLI with `argv` (without `node` and the script) and return the exit code.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
      write(io.stdout, mainHelp());
      return argv.length === 0 ? EXIT.usage : EXIT.ok;
    }
    if (argv[0] === 'help') {
      const c = argv[1];
      if (c === undefined) write(io.stdout, mainHelp());
      else if (COMMANDS[c]) write(io.stdout, commandHelp(c));
      else throw new UsageError('COMMAND', `one of ${Object.keys(COMMANDS).join(', ')}`, c);
      return EXIT.ok;
    }
    const args = parseArgs(argv);
    if (args.flags.help) {
      write(io.stdout, commandHelp(args.command));
      return EXIT.ok;
    }
    const progress = createProgress({
      stream: io.stderr as NodeJS.WriteStream,
      tty: Boolean((io.stderr as { isTTY?: boolean }).isTTY),
    });
    const common = { runtime: io.runtime, signal: io.signal, progress };
    switch (args.command) {
      case 'list': {
        for (const e of Object.values(EXPERIMENTS)) {
          if (args.flags.json) {
            write(
              io.stdout,
              `${JSON.stringify({ name: e.name, description: e.description, task: e.task.name, conditions: e.conditions.train.length, T: e.T, samples: e.samples, iterations: e.iterations, algorithm: e.algorithm.type, prior: e.dynamics.prior.type, default: e.name === DEFAULT_EXPERIMENT })}\n`,
            );
          } else {
            const star = e.name === DEFAULT_EXPERIMENT ? '*' : ' ';
            write(io.stdout, `${star} ${e.name.padEnd(11)}${e.description}\n`);
          }
        }
        if (!args.flags.json) write(io.stdout, '(* default: pnpm start)\n');
        return EXIT.ok;
      }
      case 'train': {
        const experiment = await loadExperiment(args.positional[0]);
        const t0 = performance.now();
        const r = await train(experiment, {
          ...common,
          iterations: args.flags.iterations as number | undefined,
          seed: args.flags.seed as number | undefined,
          out: args.flags.out as string | undefined,
          workers: args.flags.workers as number | undefined,
          plots: !args.flags['no-plots'],
        });
        write(
          io.stdout,
          `trained ${experiment.name}: ${r.iterations} iterations in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
        );
        reportEval(io, r.runDir, r.evaluation);
        return EXIT.ok;
      }
      case 'resume': {
        const t0 = performance.now();
        const r = await resume(args.positional[0], {
          ...common,
          iterations: args.flags.iterations as number | undefined,
          workers: args.flags.workers as number | undefined,
          plots: !args.flags['no-plots'],
        });
        write(
          io.stdout,
          `resumed to ${r.iterations} iterations in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
        );
        reportEval(io, r.runDir, r.evaluation);
        return EXIT.ok;
      }
      case 'eval': {
        if (args.flags.policy) {
          const pe = await evaluatePolicy(args.positional[0], {
            task: args.flags.task as string | undefined,
            randomTargets: args.flags['random-targets'] as number | undefined,
            best: args.flags.best === true,
          });
          if (args.flags.json) write(io.stdout, `${JSON.stringify(pe)}\n`);
          else reportPolicyEval(io, resolve(args.positional[0]), pe);
          return EXIT.ok;
        }
        const ev = await evaluate(args.positional[0], common);
        if (args.flags.json) write(io.stdout, `${JSON.stringify(ev)}\n`);
        else reportEval(io, resolve(args.positional[0]), ev);
        return EXIT.ok;
      }
    }
    return EXIT.usage;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ExperimentConfigError) {
      write(io.stderr, `visuomotor: ${err.message}\n`);
      write(io.stderr, "run 'visuomotor --help' or 'visuomotor COMMAND --help' for usage\n");
      return EXIT.usage;
    }
    if (err instanceof TrainingAbortedError) {
      write(io.stderr, `\nvisuomotor: ${err.message}\n`);
      return EXIT.interrupted;
    }
    if (err instanceof VisuomotorError) {
      write(io.stderr, `visuomotor: ${err.name}: ${err.message}\n`);
      return EXIT.failed;
    }
    write(io.stderr, `visuomotor: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.failed;
  }
}
