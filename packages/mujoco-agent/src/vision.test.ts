import { InvalidArgumentError } from '@visuomotor/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MujocoAgent } from './agent.js';
import { type Engine, loadEngine } from './engine.js';
import { callbackPolicy, zeroPolicy } from './policy.js';
import type { Frame } from './render.js';
import {
  randomVisionConditions,
  setVisionTarget,
  TASKS,
  VISION_TASKS,
  type VisionTaskName,
} from './tasks/index.js';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});
afterAll(() => engine.dispose());

const NAMES = Object.keys(VISION_TASKS) as VisionTaskName[];

/** Centroid (column, row) of the reddish target pixels (r > 0.6, g and b < 0.3) of a frame. */
function redCentroid(f: Pick<Frame, 'width' | 'height' | 'rgb'>): [number, number, number] {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const o = 3 * (y * f.width + x);
      if (f.rgb[o] > 150 && f.rgb[o + 1] < 80 && f.rgb[o + 2] < 80) {
        sx += x;
        sy += y;
        n++;
      }
    }
  }
  return [sx / n, sy / n, n];
}

/**
 * Expect frame `b` to show the red target exactly where frame `a` does (same pixel count and
 * centroid), and return the number of pixels that show another geom in `b` than in `a`.
 */
function sameTargetOtherPixels(a: Frame, b: Frame): number {
  const [xa, ya, na] = redCentroid(a);
  const [xb, yb, nb] = redCentroid(b);
  expect(nb).toBe(na);
  expect([xb, yb]).toEqual([xa, ya]);
  let changed = 0;
  for (let p = 0; p < a.width * a.height; p++) {
    if (a.segmentation[p] !== b.segmentation[p]) changed++;
  }
  return changed;
}

describe('vision tasks', () => {
  for (const name of NAMES) {
    const vt = VISION_TASKS[name];

    it(`${name}: the observation is [joint angles, joint velocities, 64x64 image], no target`, () => {
      expect(TASKS[name]).toBe(vt.spec);
      const a = new MujocoAgent(engine, { task: name, conditions: 'all', T: 6 });
      try {
        const dQ = a.dQ;
        expect(a.obsLayout.blocks.map((b) => [b.sensor, b.size])).toEqual([
          ['JOINT_ANGLES', dQ],
          ['JOINT_VELOCITIES', dQ],
          ['RGB_IMAGE', 3 * 64 * 64],
        ]);
        expect(a.dO).toBe(2 * dQ + 3 * 64 * 64);
        expect(a.stateLayout.blocks.map((b) => b.sensor)).toContain('END_EFFECTOR_POINTS');
        expect(vt.spec.train.length).toBeGreaterThanOrEqual(4);
        expect(vt.spec.test.length).toBeGreaterThanOrEqual(2);
        // Two conditions differing only in the target: identical robot part of the
        // observation at every step, different images, different (target-relative) states.
        const p = zeroPolicy(a.dU);
        const s0 = a.sampleSync(p, 0, { seed: 1 });
        const s1 = a.sampleSync(p, 1, { seed: 1 });
        const img = 2 * dQ;
        let imgDiff = 0;
        for (let t = 0; t < a.T; t++) {
          for (let i = 0; i < img; i++) {
            expect(s0.obs[t * a.dO + i]).toBe(s1.obs[t * a.dO + i]);
          }
          for (let i = img; i < a.dO; i++) {
            imgDiff += Math.abs(s0.obs[t * a.dO + i] - s1.obs[t * a.dO + i]);
          }
        }
        expect(imgDiff).toBeGreaterThan(1);
        expect(Math.abs(s0.X[2 * dQ] - s1.X[2 * dQ])).toBeGreaterThan(0.01);
      } finally {
        a.dispose();
      }
    });

    it(`${name}: the target shows in the image where it is, and every target is reachable`, () => {
      const a = new MujocoAgent(engine, { task: name, conditions: 'all', T: 2 });
      try {
        const c0 = a.conditionList[0].mocap?.[vt.targetBody] ?? [0, 0, 0];
        const f0 = a.renderCondition(0);
        const [x0, y0, n0] = redCentroid(f0);
        expect(n0).toBeGreaterThan(4);
        // Move the target +5 cm in x and -3 cm in y: the red blob moves right and down
        // (overhead camera: image x = world x, image rows = -world y).
        setVisionTarget(a.sim, vt, [c0[0] + 0.05, c0[1] - 0.03]);
        const [x1, y1] = redCentroid(a.renderCurrent());
        expect(x1 - x0).toBeGreaterThan(1);
        expect(y1 - y0).toBeGreaterThan(0.5);
        // The state's target-relative ee points follow the moved target.
        expect(a.sim.eeTarget[0]).toBeCloseTo(a.conditionList[0].eeTarget[0] + 0.05, 12);

        // Reachability of train, test and random targets (gradient descent through the ee
        // Jacobians within the joint limits, as in the agent tests).
        const conds = [...a.conditionList, ...randomVisionConditions(vt, 12, 3)];
        // The reacher's arm (reacher-vision and its clutter variant) needs larger steps.
        const reacherArm = name.startsWith('reacher-vision');
        const b = new MujocoAgent(engine, { task: name, conditions: conds, T: 2 });
        try {
          const n = b.dQ;
          const k = 3 * b.nPoints;
          const raw = b.sim.model.raw as { jnt_range: Float64Array; jnt_limited: Uint8Array };
          const range = Float64Array.from(raw.jnt_range);
          const limited = Uint8Array.from(raw.jnt_limited);
          const v = new Float64Array(n);
          // Gradient descent from the start configuration, and, for targets where that stalls
          // (reacher-vision's targets behind the shoulder, where the start arm points away:
          // a saddle for local methods, as trajectory optimisation also finds), from the start
          // with the first joint turned by ±π/2 and π. Reachable = one of them gets within 1 cm.
          const descend = (c: number, turn: number) => {
            b.sim.reset(c);
            const q = Float64Array.from(b.conditionList[c].qpos0);
            q[0] += turn;
            let err = 0;
            for (let it = 0; it < 3000; it++) {
              b.sim.setJointState(q, v);
              err = 0;
              for (let r = 0; r < k; r++) err += (b.sim.ee[r] - b.sim.eeTarget[r]) ** 2;
              for (let j = 0; j < n; j++) {
                let g = 0;
                for (let r = 0; r < k; r++)
                  g += b.sim.eeJac[r * n + j] * (b.sim.ee[r] - b.sim.eeTarget[r]);
                q[j] -= (reacherArm ? 20 : 0.5) * g;
                if (limited[j]) q[j] = Math.min(range[2 * j + 1], Math.max(range[2 * j], q[j]));
              }
            }
            return Math.sqrt(err / b.nPoints);
          };
          const turns = reacherArm ? [0, Math.PI / 2, -Math.PI / 2, Math.PI] : [0];
          for (let c = 0; c < b.conditions; c++) {
            let best = Number.POSITIVE_INFINITY;
            for (const turn of turns) {
              if (best < 0.01) break;
              best = Math.min(best, descend(c, turn));
            }
            expect(best).toBeLessThan(0.01);
          }
        } finally {
          b.dispose();
        }
      } finally {
        a.dispose();
      }
    });

    it(`${name}: random conditions and image rollouts are deterministic`, () => {
      const c1 = randomVisionConditions(vt, 5, 42, { randomArm: true });
      const c2 = randomVisionConditions(vt, 5, 42, { randomArm: true });
      expect(c2).toEqual(c1);
      expect(randomVisionConditions(vt, 5, 43, { randomArm: true })).not.toEqual(c1);
      for (const c of c1) {
        expect(c.qpos0.length).toBe(vt.qposRange.length);
        expect(c.eeTarget.length).toBe(vt.dPose);
      }
      const a = new MujocoAgent(engine, { task: name, conditions: c1, T: 12 });
      try {
        // Random torques (as in pose-data collection) from random arm starts.
        const lim = vt.spec.torqueLimits;
        const p = callbackPolicy(a.dU, (_x, _o, _t, eps, u) => {
          for (let i = 0; i < u.length; i++) u[i] = lim[i] * eps[i];
        });
        for (let c = 0; c < a.conditions; c++) {
          const s1 = a.sampleSync(p, c, { seed: 7 });
          const s2 = a.sampleSync(p, c, { seed: 7 });
          expect(Buffer.from(s1.obs.buffer).equals(Buffer.from(s2.obs.buffer))).toBe(true);
          expect(s1.obs.every((v) => Number.isFinite(v))).toBe(true);
        }
      } finally {
        a.dispose();
      }
      expect(() => vt.condition([0.1])).toThrow(InvalidArgumentError);
      expect(() => vt.condition([0.1, Number.NaN])).toThrow(InvalidArgumentError);
    });
  }
});

describe('reacher-vision-distractors (visual test)', () => {
  it('has the dynamics, conditions and observation of reacher-vision, plus distractors in the image', () => {
    const make = (task: 'reacher-vision' | 'reacher-vision-distractors') =>
      new MujocoAgent(engine, { task, conditions: [TASKS['reacher-vision'].train[0]], T: 10 });
    const a = make('reacher-vision');
    const b = make('reacher-vision-distractors');
    try {
      expect(TASKS['reacher-vision-distractors'].train).toEqual(TASKS['reacher-vision'].train);
      expect(b.dO).toBe(a.dO);
      const policy = callbackPolicy(2, (_x, _o, t, _n, u) => {
        u[0] = 0.03 * Math.sin(t);
        u[1] = -0.02;
      });
      const sa = a.sampleSync(policy, 0, { seed: 3 });
      const sb = b.sampleSync(policy, 0, { seed: 3 });
      expect(Array.from(sb.X)).toEqual(Array.from(sa.X));
      // The red target is where it was (the distractors are not red), and other pixels show
      // the coloured objects.
      expect(sameTargetOtherPixels(a.renderCondition(0), b.renderCondition(0))).toBeGreaterThan(20);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('reacher-vision-clutter (pose data with clutter)', () => {
  const vt = VISION_TASKS['reacher-vision-clutter'];
  const spec = vt.clutter;

  it('renders exactly as reacher-vision while no clutter is placed', () => {
    expect(spec?.bodies.length).toBe(6);
    const conditions = randomVisionConditions(VISION_TASKS['reacher-vision'], 3, 5, {
      randomArm: true,
    });
    // Without the option the clutter variant draws the same conditions.
    expect(randomVisionConditions(vt, 3, 5, { randomArm: true })).toEqual(conditions);
    const a = new MujocoAgent(engine, { task: 'reacher-vision', conditions, T: 8 });
    const b = new MujocoAgent(engine, { task: 'reacher-vision-clutter', conditions, T: 8 });
    try {
      const p = callbackPolicy(2, (_x, _o, t, _n, u) => {
        u[0] = 0.04 * Math.cos(t);
        u[1] = 0.03;
      });
      for (let c = 0; c < 3; c++) {
        const sa = a.sampleSync(p, c, { seed: c });
        const sb = b.sampleSync(p, c, { seed: c });
        expect(Buffer.from(sb.obs.buffer).equals(Buffer.from(sa.obs.buffer))).toBe(true);
        expect(Array.from(sb.X)).toEqual(Array.from(sa.X));
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('places the asked number of objects in view, away from the target, deterministically', () => {
    if (!spec) throw new Error('no clutter');
    const conds = randomVisionConditions(vt, 40, 9, {
      randomArm: true,
      clutter: { min: 1, max: 4 },
    });
    expect(
      randomVisionConditions(vt, 40, 9, { randomArm: true, clutter: { min: 1, max: 4 } }),
    ).toEqual(conds);
    const counts = new Set<number>();
    for (const c of conds) {
      const target = c.mocap?.target;
      if (!target) throw new Error('no target');
      const placed = Object.entries(c.mocap ?? {}).filter(([b]) => b !== 'target');
      counts.add(placed.length);
      for (const [body, [x, y, z]] of placed) {
        const j = spec.bodies.indexOf(body);
        expect(j).toBeGreaterThanOrEqual(0);
        expect(z).toBe(spec.z[j]);
        expect(Math.max(Math.abs(x), Math.abs(y))).toBeLessThanOrEqual(spec.halfWidth);
        expect(Math.hypot(x - target[0], y - target[1])).toBeGreaterThanOrEqual(
          spec.minTargetDistance,
        );
      }
    }
    // Every count in [1, 4] occurs in 40 draws, and no other.
    expect([...counts].sort()).toEqual([1, 2, 3, 4]);
    // All six placed: the target's red pixels stay where they were, and clutter pixels appear.
    const all = randomVisionConditions(vt, 2, 3, { clutter: { min: 6, max: 6 } });
    const plain = all.map((c) => ({ ...c, mocap: { target: c.mocap?.target ?? [0, 0, 0] } }));
    const a = new MujocoAgent(engine, { task: 'reacher-vision-clutter', conditions: all, T: 2 });
    const b = new MujocoAgent(engine, { task: 'reacher-vision-clutter', conditions: plain, T: 2 });
    try {
      for (let c = 0; c < 2; c++) {
        expect(Object.keys(all[c].mocap ?? {}).length).toBe(7);
        // Six objects of at least 1.5 cm radius at 0.8 cm per pixel (some under the arm).
        expect(sameTargetOtherPixels(b.renderCondition(c), a.renderCondition(c))).toBeGreaterThan(
          6 * 6,
        );
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('rejects a bad clutter range and tasks without clutter', () => {
    expect(() => randomVisionConditions(vt, 1, 0, { clutter: { min: 2, max: 1 } })).toThrow(
      /clutter\.max: expected an integer in \[clutter\.min = 2, 6\], got 1/,
    );
    expect(() => randomVisionConditions(vt, 1, 0, { clutter: { min: -1, max: 1 } })).toThrow(
      /clutter\.min/,
    );
    expect(() => randomVisionConditions(vt, 1, 0, { clutter: { min: 0, max: 7 } })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      randomVisionConditions(VISION_TASKS['reacher-vision'], 1, 0, { clutter: { min: 0, max: 1 } }),
    ).toThrow(/task "reacher-vision" has no clutter objects/);
  });
});
