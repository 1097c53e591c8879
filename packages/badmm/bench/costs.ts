/**
 * Cost benchmarks at the paper's PR2 size (T = 100, dX = 26, dU = 7, two end-effector points
 * with Jacobians [6, 7]): one evaluation of the PR2 cost (action + log FK + state cost on the
 * velocities) and the expansion over N = 5 samples.
 *
 * Run: `tsx --conditions=@visuomotor/source packages/badmm/bench/costs.ts [--json] [--quick]`,
 * or import {@link costBenchCases} into the package's bench entry.
 */
import { type BenchCase, runBenchmarks } from '@visuomotor/bench';
import { makeLayout, type Sample } from '@visuomotor/contracts';
import { makeSample, randomKinematics, randomXU } from '../src/costs/test-utils.js';
import { createCost, evalCostExpansion } from '../src/index.js';

const T = 100;
const dU = 7;
const layout = makeLayout([
  ['JOINT_ANGLES', 7],
  ['JOINT_VELOCITIES', 7],
  ['END_EFFECTOR_POINTS', 6],
  ['END_EFFECTOR_POINT_VELOCITIES', 6],
]);

function pr2Setup(N: number) {
  const kin = randomKinematics(6, 7, 1, true);
  const samples: Sample[] = [];
  for (let n = 0; n < N; n++) {
    const { X, U } = randomXU(T, layout.size, dU, 10 + n);
    samples.push(makeSample(X, U, T, layout, dU, kin));
  }
  const cost = createCost(
    {
      type: 'sum',
      costs: [
        { type: 'action', wu: new Array(dU).fill(5e-5) },
        {
          type: 'fk',
          target: [0, 0.3, -0.5, 0, 0.3, -0.2],
          wp: [1, 1, 1, 1, 1, 1],
          l1: 0.1,
          l2: 10,
          alpha: 1e-5,
          ramp: 'linear',
        },
        {
          type: 'state',
          terms: [
            {
              sensor: 'JOINT_VELOCITIES',
              wp: new Array(7).fill(0.1),
              target: new Array(7).fill(0),
            },
          ],
        },
      ],
      weights: [1, 1, 1],
    },
    layout,
  );
  return { cost, samples };
}

type State = ReturnType<typeof pr2Setup>;

/** The cost benchmark cases. */
export const costBenchCases: BenchCase[] = [
  {
    name: 'costs.eval.pr2',
    setup: () => pr2Setup(1),
    run: (s) => (s as State).cost.eval((s as State).samples[0]),
  },
  {
    name: 'costs.expansion.pr2.N5',
    setup: () => pr2Setup(5),
    run: (s) => evalCostExpansion((s as State).cost, (s as State).samples),
  },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBenchmarks(costBenchCases);
}
