/**
 * Render the README pictures with the package's own ray-cast renderer:
 *   pnpm --filter @visuomotor/mujoco-agent exec tsx --conditions=@visuomotor/source scripts/render-docs.ts [TASK...]
 * (all tasks without arguments).
 * For each task: a strip of the training conditions' initial states (`docs/<task>.png`), and a
 * strip + GIF of a rollout of a Jacobian-transpose controller that drives the end-effector
 * points to their targets (`docs/<task>-rollout.png`, `docs/<task>-rollout.gif`).
 * `reacher-vision-clutter`'s strip shows random pose-data conditions with 2-6 clutter objects.
 */
import { mkdirSync } from 'node:fs';
import {
  callbackPolicy,
  frameFromSensor,
  imageStrip,
  MujocoAgent,
  type RgbImage,
  randomVisionConditions,
  saveGif,
  savePng,
  TASKS,
  type TaskName,
  VISION_TASKS,
} from '../src/index.js';

const out = new URL('../docs/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

/** Gains of the demo controller u = -Jᵀ(kp e) - kd q̇ (swimmer: an open-loop travelling wave). */
const gains: Record<TaskName, [number, number]> = {
  pointmass: [20, 2],
  reacher: [2, 0.02],
  peg2d: [60, 2],
  'peg2d-plate': [60, 2],
  'peg2d-plate-side': [60, 2],
  peg3d: [300, 10],
  swimmer: [0, 0],
  'reacher-vision': [2, 0.02],
  'reacher-vision-distractors': [2, 0.02],
  'reacher-vision-clutter': [2, 0.02],
  'peg2d-vision': [60, 2],
};

const all = Object.keys(TASKS) as TaskName[];
const asked = process.argv.slice(2);
for (const t of asked) {
  if (!(all as string[]).includes(t)) {
    throw new Error(`render-docs: unknown task "${t}" (expected one of ${all.join(', ')})`);
  }
}
for (const name of asked.length > 0 ? (asked as TaskName[]) : all) {
  const conditions =
    name === 'reacher-vision-clutter'
      ? randomVisionConditions(VISION_TASKS[name], 6, 1, {
          randomArm: true,
          clutter: { min: 2, max: 6 },
        })
      : undefined;
  const a = await MujocoAgent.create({ task: name, conditions, image: { width: 128, height: 96 } });
  const frames: RgbImage[] = [];
  for (let c = 0; c < a.conditions; c++) frames.push(a.renderCondition(c));
  savePng(`${out}${name}.png`, imageStrip(frames));

  const [kp, kd] = gains[name];
  const demo = (ag: MujocoAgent) => {
    const { dQ, dU } = ag;
    const eOff = 2 * dQ;
    const m = 3 * ag.nPoints;
    return callbackPolicy(dU, (x, _o, t, _n, u) => {
      if (name === 'swimmer') {
        u[0] = Math.sin(t * 0.5);
        u[1] = Math.sin(t * 0.5 - 1.2);
        return;
      }
      const J = ag.sim.eeJac;
      for (let j = 0; j < dU; j++) {
        let acc = -kd * x[dQ + j];
        for (let r = 0; r < m; r++) acc -= kp * J[r * dQ + j] * x[eOff + r];
        u[j] = acc;
      }
    });
  };
  const policy = demo(a);
  const s = a.sampleSync(policy, 0, { seed: 0, noiseScale: 0, recordImages: false });
  const every = Math.max(1, Math.floor(a.T / 8));
  const replay = a.replay(s, every);
  savePng(`${out}${name}-rollout.png`, imageStrip(replay.slice(0, 8)));
  const small = await MujocoAgent.create({
    task: name,
    conditions,
    image: { width: 96, height: 72 },
  });
  saveGif(`${out}${name}-rollout.gif`, small.replay(s, Math.max(1, Math.floor(a.T / 40))), 80);
  if (name === 'peg3d') {
    // What a visuomotor policy sees: the recorded 64x64 RGB_IMAGE stream of the same rollout.
    const v = await MujocoAgent.create({ task: name });
    const rec = v.sampleSync(demo(v), 0, { seed: 0, noiseScale: 0, recordImages: true });
    const obs = [0, 10, 20, 40, 60, 99].map((t) =>
      frameFromSensor(rec.sensors.RGB_IMAGE.data, t, v.imageWidth, v.imageHeight),
    );
    savePng(`${out}${name}-rgb64.png`, imageStrip(obs));
    v.dispose();
  }
  const d = a.distanceToTarget(s);
  console.log(`${name}: distance to target ${d[0].toFixed(3)} -> ${d[a.T - 1].toFixed(3)} m`);
  small.dispose();
  a.dispose();
}
