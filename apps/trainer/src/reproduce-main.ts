/**
 * Entry point of the Figure 4 reproduction's child processes (spawned by
 * `scripts/reproduce.mjs`, run with tsx):
 *
 * - `job JSON RESULTS_DIR`: run one {@link Figure4Job} and write its result file;
 * - `report RESULTS_DIR PLOT_DIR MARKDOWN COMMAND [PLANNED_JOBS_JSON]`: write the plots and
 *   docs/results.md from every result file (and the discussion in `PLOT_DIR/discussion.md`).
 *
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Figure4Job,
  jobFile,
  readFigure4Results,
  runFigure4Job,
  writeFigure4Report,
} from './reproduce.js';

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'job') {
  const job = JSON.parse(args[0]) as Figure4Job;
  const r = await runFigure4Job(job, args[1]);
  const last = r.finalDistance.map((d) => d.toFixed(3)).join(' ');
  console.log(`${jobFile(job)}: final distances ${last} (${r.seconds.toFixed(0)} s)`);
} else if (cmd === 'report') {
  const [resultsDir, plotDir, markdownPath, command, planned] = args;
  const results = readFigure4Results(resultsDir);
  const have = new Set(results.map((r) => jobFile(r)));
  const missing = planned
    ? (JSON.parse(planned) as Figure4Job[]).filter((j) => !have.has(jobFile(j)))
    : [];
  const discussionFile = join(plotDir, 'discussion.md');
  const files = await writeFigure4Report({
    results,
    plotDir,
    markdownPath,
    command,
    missing,
    discussion: existsSync(discussionFile) ? readFileSync(discussionFile, 'utf8') : undefined,
  });
  for (const f of files) console.log(`wrote ${f}`);
} else {
  console.error(
    'usage: reproduce-main.ts job JSON RESULTS_DIR | report RESULTS_DIR PLOT_DIR MD CMD [JOBS]',
  );
  process.exit(2);
}
