/**
 * The `visuomotor` binary. See `cli-main.ts` for commands and exit codes.
 *
 * @packageDocumentation
 */
import { main } from './cli-main.js';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('\nstopping after the current rollout (Ctrl-C again to quit now)\n');
  controller.abort();
});

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`visuomotor: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
