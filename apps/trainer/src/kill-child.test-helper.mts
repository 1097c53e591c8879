// Run by train.test.ts in a child process (tsx): trains with the fakes until killed.
import { EXPERIMENTS } from './experiments/index.js';
import { fakeRuntime } from './test-fakes.js';
import { train } from './train.js';

const [out, iterations] = process.argv.slice(2);
await train(
  { ...EXPERIMENTS.pointmass, T: 30, samples: 4 },
  { runtime: fakeRuntime(15), out, iterations: Number(iterations), plots: false },
);
