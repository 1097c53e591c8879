/**
 * How sensitive is a pose-prediction run's state policy to errors in the target pose?
 *
 *   tsx --conditions=@visuomotor/source scripts/pose-noise-sensitivity.ts RUN_DIR [CM ...]
 *
 * Rolls the run's exported policy out (noiselessly) on its training conditions through
 * `PosePredictionPolicy`, with a synthetic estimator instead of the trained one: the true
 * target plus (a) a constant offset of CM centimetres along x and along y, and (b) fresh
 * Gaussian noise of standard deviation CM centimetres per axis at every step (two seeded
 * rollouts). Prints the final fingertip distances (cm) per condition. Used for
 * docs/results-visuomotor.md (pose-prediction baseline).
 */
import { makeLayout } from '@visuomotor/contracts';
import { MujocoAgent, TASKS } from '@visuomotor/mujoco-agent';
import { loadPolicy, type PoseEstimator } from '@visuomotor/spatial-softmax';
import { PosePredictionPolicy } from '../src/pose-prediction.js';
import { readRunConfig } from '../src/run-dir.js';

const [runDir, ...levels] = process.argv.slice(2);
if (!runDir) {
  console.error('usage: pose-noise-sensitivity.ts RUN_DIR [CM ...]');
  process.exit(2);
}
const cms = levels.length > 0 ? levels.map(Number) : [0, 0.25, 0.5, 1, 2];
const e = readRunConfig(runDir).experiment;
const net = e.policy?.network;
if (net?.type !== 'pose-prediction') {
  console.error(`${runDir}: not a pose-prediction run (policy.network.type ${net?.type})`);
  process.exit(2);
}
const task = e.task.name as keyof typeof TASKS;
const conditions = e.conditions.train.map((c) => TASKS[task].train[c]);
const sensors = [...(e.task.options?.obsSensors ?? []), 'RGB_IMAGE'];
const agent = await MujocoAgent.create({
  task,
  conditions,
  T: e.T,
  obsSensors: sensors,
  image: net.image,
});
const policy = await loadPolicy(`${runDir}/policy`);
const policyObs = makeLayout(
  agent.obsLayout.blocks.filter((b) => b.sensor !== 'RGB_IMAGE').map((b) => [b.sensor, b.size]),
);
let state = 12345;
const uniform = () => {
  state = (state * 16807) % 2147483647;
  return state / 2147483647;
};
const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());

/** Final fingertip distance (cm) with `predict` as the estimator. */
async function rollout(m: number, predict: (truth: readonly number[]) => number[]) {
  const truth = conditions[m].eeTarget;
  const fake = {
    dPose: truth.length,
    imageSize: 3 * net.image.width * net.image.height,
    predict: () => Float64Array.from(predict(truth)),
    dispose() {},
  } as unknown as PoseEstimator;
  const p = new PosePredictionPolicy(policy, fake, { agentObs: agent.obsLayout, policyObs }, truth);
  const s = await agent.sample(p, m, { seed: e.seed, noiseScale: 0 });
  const ee = policyObs.blocks.find((b) => b.sensor === 'END_EFFECTOR_POINTS');
  const stateEe = agent.stateLayout.blocks.find((b) => b.sensor === 'END_EFFECTOR_POINTS');
  if (!ee || !stateEe) throw new Error('no END_EFFECTOR_POINTS');
  const o = (s.T - 1) * s.dX + stateEe.offset;
  return 100 * Math.hypot(s.X[o], s.X[o + 1], s.X[o + 2]);
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' ');
try {
  for (const cm of cms) {
    const d = cm / 100;
    const offset: number[] = [];
    const noise: number[] = [];
    for (let m = 0; m < conditions.length; m++) {
      offset.push(await rollout(m, (t) => [t[0] + d, t[1], t[2]]));
      offset.push(await rollout(m, (t) => [t[0], t[1] + d, t[2]]));
      for (let r = 0; r < 2; r++) {
        noise.push(await rollout(m, (t) => [t[0] + d * gauss(), t[1] + d * gauss(), t[2]]));
      }
    }
    const ok = (xs: number[]) => xs.filter((x) => x <= 100 * (e.success?.distance ?? 0)).length;
    console.log(
      `${cm} cm: constant offset (x, y per condition) ${fmt(offset)}  [${ok(offset)}/${offset.length} ≤ success]`,
    );
    console.log(
      `${cm} cm: per-step noise (2 rollouts per condition) ${fmt(noise)}  [${ok(noise)}/${noise.length} ≤ success]`,
    );
  }
} finally {
  policy.dispose();
  agent.dispose();
}
