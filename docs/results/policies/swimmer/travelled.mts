// Centre-of-mass travel (m, along x) of a swimmer run's exported policy, without noise, on its
// train and test shapes. Usage (from apps/trainer):
//   npx tsx --conditions=@visuomotor/source ../../docs/results/policies/swimmer/travelled.mts RUN_DIR [policy|policy-best]

import { swimmerDistanceTravelled } from '../../../../apps/trainer/src/experiments/swimmer.ts';
import { MujocoAgent, TASKS } from '../../../../packages/mujoco-agent/src/index.ts';
import { loadPolicy } from '../../../../packages/spatial-softmax/src/index.ts';

const [runDir, which = 'policy'] = process.argv.slice(2);
const cfg = JSON.parse((await import('node:fs')).readFileSync(`${runDir}/config.json`, 'utf8'));
const e = cfg.experiment;
const policy = await loadPolicy(`${runDir}/${which}`);
for (const split of ['train', 'test'] as const) {
  const conds = e.conditions[split].map((c: number) => TASKS.swimmer[split][c]);
  const agent = await MujocoAgent.create({ task: 'swimmer', conditions: conds, T: e.T });
  const out = [];
  for (let m = 0; m < conds.length; m++) {
    const s = await agent.sample(policy, m, { seed: 0, noiseScale: 0 });
    out.push(swimmerDistanceTravelled(s, agent.stateLayout).toFixed(3));
  }
  console.log(split, out.join(' '));
  agent.dispose();
}
policy.dispose();
