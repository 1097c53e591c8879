/**
 * Benchmarks of @visuomotor/badmm: the cost cases of `costs.ts`. (The full-iteration benchmark
 * `iteration.peg3d` needs the MuJoCo agent and the trainer's experiments, so it lives in
 * apps/trainer/bench.)
 *
 * Run: `pnpm --filter @visuomotor/badmm bench [--json] [--filter NAME] [--quick]`.
 */
import { runBenchmarks } from '@visuomotor/bench';
import { costBenchCases } from './costs.js';

await runBenchmarks(costBenchCases);
