/**
 * `visuomotor eval RUN_DIR --policy`: run the exported global policy of a `badmm` / `mdgps` run
 * (`RUN_DIR/policy`, loaded with `loadPolicy` of `@visuomotor/spatial-softmax`, standalone)
 * noiselessly on the task's training AND held-out (test) conditions, and write
 * `eval-policy.json`.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findBlock, type Sample } from '@visuomotor/contracts';
import { MujocoAgent, TASKS, type TaskCondition } from '@visuomotor/mujoco-agent';
import { loadPolicy } from '@visuomotor/spatial-softmax';
import type { TaskAgentOptions } from './agents.js';
import { RunDirError } from './errors.js';
import { readRunConfig, runPaths, writeFileAtomic } from './run-dir.js';

/** Result of the policy on one task condition. */
export interface PolicyEvalCondition {
  /** `'train'` or `'test'` (held out: the policy never trained on it). */
  split: 'train' | 'test';
  /** Index into the task's conditions of that split. */
  taskCondition: number;
  /** Final mean end-effector distance to the target (m), null if the state has no ee points. */
  distance: number | null;
  /** distance ≤ the experiment's success distance (null without a criterion). */
  success: boolean | null;
}

/** Success rate and mean distance over one split. */
export interface PolicyEvalSummary {
  conditions: number;
  /** Fraction of successful conditions (null without a criterion). */
  successRate: number | null;
  /** Mean final distance (null if unknown). */
  meanDistance: number | null;
}

/** Contents of eval-policy.json. */
export interface PolicyEvalResult {
  /** The exported policy directory evaluated. */
  policy: string;
  conditions: PolicyEvalCondition[];
  train: PolicyEvalSummary;
  test: PolicyEvalSummary;
}

function finalDist(stateLayout: MujocoAgent['stateLayout'], s: Sample): number | null {
  const block = findBlock(stateLayout, 'END_EFFECTOR_POINTS');
  if (!block || block.size < 3) return null;
  const base = (s.T - 1) * s.dX + block.offset;
  const n = Math.floor(block.size / 3);
  let sum = 0;
  for (let p = 0; p < n; p++) {
    const o = base + 3 * p;
    sum += Math.hypot(s.X[o], s.X[o + 1], s.X[o + 2]);
  }
  return sum / n;
}

function summary(cs: readonly PolicyEvalCondition[]): PolicyEvalSummary {
  const d = cs.map((c) => c.distance);
  const f = cs.map((c) => c.success);
  return {
    conditions: cs.length,
    successRate:
      cs.length === 0 || f.some((x) => x === null) ? null : f.filter(Boolean).length / cs.length,
    meanDistance:
      cs.length === 0 || d.some((x) => x === null)
        ? null
        : (d as number[]).reduce((a, b) => a + b, 0) / cs.length,
  };
}

/**
 * Load `RUN_DIR/policy` and roll it out once without noise on the experiment's training
 * conditions and its test conditions (the task's held-out hole positions), with the run's
 * horizon and observation options; write `eval-policy.json`.
 *
 * @throws {@link RunDirError} when the run has no exported policy
 */
export async function evaluatePolicy(runDir: string): Promise<PolicyEvalResult> {
  runDir = resolve(runDir);
  const config = readRunConfig(runDir);
  const paths = runPaths(runDir);
  if (!existsSync(paths.policy)) {
    throw new RunDirError(
      `${runDir}: no exported policy (${paths.policy}); only finished badmm/mdgps runs have one`,
      { runDir },
    );
  }
  const e = config.experiment;
  const name = e.task.name as keyof typeof TASKS;
  const spec = TASKS[name];
  const policy = await loadPolicy(paths.policy);
  const results: PolicyEvalCondition[] = [];
  const successDistance = e.success?.distance;
  for (const split of ['train', 'test'] as const) {
    const idx = e.conditions[split];
    if (idx.length === 0) continue;
    const conditions: TaskCondition[] = idx.map((c) => spec[split][c]);
    const agent = await MujocoAgent.create({
      ...((e.task.options ?? {}) as TaskAgentOptions),
      task: name,
      conditions,
      T: e.T,
    });
    try {
      for (let m = 0; m < conditions.length; m++) {
        const s = await agent.sample(policy, m, { seed: e.seed, noiseScale: 0 });
        const distance = finalDist(agent.stateLayout, s);
        results.push({
          split,
          taskCondition: idx[m],
          distance,
          success:
            distance === null || successDistance === undefined ? null : distance <= successDistance,
        });
      }
    } finally {
      agent.dispose();
    }
  }
  const out: PolicyEvalResult = {
    policy: 'policy',
    conditions: results,
    train: summary(results.filter((c) => c.split === 'train')),
    test: summary(results.filter((c) => c.split === 'test')),
  };
  writeFileAtomic(paths.evalPolicyJson, `${JSON.stringify(out, null, 2)}\n`);
  return out;
}
