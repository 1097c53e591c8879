import {
  backward,
  controllerKlCost,
  controllerKlTerms,
  forward,
  forwardScratch,
  KlConstrainedLqr,
  klScratch,
  LqrWorkspace,
  trajDistrKlSelf,
  zeroMarginals,
} from '../src/index.js';
import { pr2Problem } from './pr2.js';

const p = pr2Problem(1);
const { T, dX, dU } = p.dynamics;
const n = dX + dU;
const ws = new LqrWorkspace(T, dX, dU);
const PKLm = new Float64Array(T * n * n),
  PKLv = new Float64Array(T * n);
controllerKlTerms(p.controller, PKLm, PKLv);
const cf = controllerKlCost(p.cost, PKLm, PKLv);
const noop = () => {};
cf(1, ws.fCm, ws.fcv);
function time(name: string, f: () => void, reps = 200) {
  for (let i = 0; i < 20; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  console.log(name.padEnd(20), 'min', ts[0].toFixed(3), 'med', ts[reps >> 1].toFixed(3));
}
time('costFn', () => cf(1, ws.fCm, ws.fcv));
time('backward(noop)', () =>
  backward(p.dynamics, p.cost, p.controller, 1, {}, { augmentedCost: noop }, ws),
);
const out = zeroMarginals(T, dX, dU);
const G = forwardScratch(dX, dU);
time('forward', () => forward(p.controller, p.dynamics, out, G));
const kl = new Float64Array(T);
const sc = klScratch(dX, dU);
backward(p.dynamics, p.cost, p.controller, 1, {}, { augmentedCost: cf }, ws);
forward(ws.ctrl, p.dynamics, out, G);
time('klSelf', () => trajDistrKlSelf(out, ws.ctrl, p.controller, kl, sc));
const solver = new KlConstrainedLqr(T, dX, dU);
time(
  'update',
  () =>
    solver.update({
      dynamics: p.dynamics,
      cost: p.cost,
      prevController: p.controller,
      eta0: 1,
      klStep: p.klStep,
    }),
  30,
);
