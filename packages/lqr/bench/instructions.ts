/**
 * Deterministic workload for instruction counting (wall-clock time is noisy on the shared
 * machine): runs 3 warm-up calls and then N calls of CASE (`backward`, `forward` or `update`,
 * the workloads of `lqr.*.pr2` in bench/index.ts). Bundle it (so that no TypeScript transform
 * is counted) and run it under callgrind with synchronous compilation, for two values of N:
 *
 *   esbuild bench/instructions.ts --bundle --platform=node --format=esm \
 *     --conditions=@visuomotor/source --outfile=/tmp/instr.mjs
 *   valgrind --tool=callgrind node --single-threaded /tmp/instr.mjs update 1   # and ... 6
 *
 * The difference of the totals divided by the difference of N is the instruction count of one
 * call, free of start-up and compilation.
 */
import {
  backward,
  controllerKlCost,
  controllerKlTerms,
  forward,
  forwardScratch,
  KlConstrainedLqr,
  LqrWorkspace,
  zeroMarginals,
} from '../src/index.js';
import { pr2Problem } from '../src/pr2-problem.js';

const [which = 'update', nArg = '10'] = process.argv.slice(2);
const N = Number(nArg);
const p = pr2Problem(1);
const { T, dX, dU } = p.dynamics;
const n = dX + dU;

let body: () => void;
if (which === 'backward') {
  const ws = new LqrWorkspace(T, dX, dU);
  const PKLm = new Float64Array(T * n * n);
  const PKLv = new Float64Array(T * n);
  controllerKlTerms(p.controller, PKLm, PKLv);
  const augmentedCost = controllerKlCost(p.cost, PKLm, PKLv);
  body = () => backward(p.dynamics, p.cost, p.controller, 1, {}, { augmentedCost }, ws);
} else if (which === 'forward') {
  const out = zeroMarginals(T, dX, dU);
  const G = forwardScratch(dX, dU);
  body = () => forward(p.controller, p.dynamics, out, G);
} else if (which === 'update') {
  const lqr = new KlConstrainedLqr(T, dX, dU);
  body = () =>
    lqr.update({
      dynamics: p.dynamics,
      cost: p.cost,
      prevController: p.controller,
      eta0: 1,
      klStep: p.klStep,
    });
} else throw new Error(`unknown case ${which}`);
for (let i = 0; i < 3 + N; i++) body();
