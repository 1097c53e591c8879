import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MujocoAgent } from './agent.js';
import { ENGINE, type Engine, type EngineKind, loadEngine } from './engine.js';
import { ModelLoadError } from './errors.js';
import { callbackPolicy } from './policy.js';
import { peg3d, pointmass } from './tasks/index.js';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});
afterAll(() => engine.dispose());

describe('engine adapter', () => {
  it('loads the chosen build', () => {
    expect(engine.kind).toBe(ENGINE);
    expect(engine.version).toMatch(/MuJoCo|mujoco/);
  });

  it('re-fetches views that wasm memory growth detached', () => {
    const m = engine.compile(pointmass.xml, 'pointmass');
    const d = m.newData();
    const stale = d.qpos;
    d.qpos[0] = 0.123;
    const before = engine.heapBytes();
    // Each peg3d MjData reserves 2 MiB: enough of them grow the heap.
    const big = engine.compile(peg3d.xml, 'peg3d');
    const datas = Array.from({ length: 40 }, () => big.newData());
    expect(engine.heapBytes()).toBeGreaterThan(before);
    expect(stale.length).toBe(0); // detached by the growth
    expect(d.qpos.length).toBe(2); // the adapter hands out a fresh view
    expect(d.qpos[0]).toBe(0.123);
    d.step();
    expect(Number.isFinite(d.qpos[0])).toBe(true);
    for (const x of datas) x.dispose();
    big.dispose();
    m.dispose();
  });

  it('writes engine outputs through wasm buffers (mj_jacSite)', () => {
    const m = engine.compile(pointmass.xml, 'pointmass');
    const d = m.newData();
    d.forward();
    const out = new Float64Array(3 * m.nv);
    d.jacSite(m.siteId('center'), out);
    // Slide joints along x and y: J = [[1, 0], [0, 1], [0, 0]].
    expect([...out]).toEqual([1, 0, 0, 1, 0, 0]);
    m.dispose();
  });

  it('names missing elements and reports load errors as ModelLoadError', () => {
    const m = engine.compile(pointmass.xml, 'pointmass');
    expect(() => m.siteId('nope')).toThrow(/no site named "nope"/);
    expect(() => m.mocapId('mass')).toThrow(/not a mocap body/);
    m.dispose();
    expect(() => engine.compile('<mujoco><worldbody><geom/></worldbody>', 'bad')).toThrow(
      ModelLoadError,
    );
  });

  it('runs the same agent on the other build (switching is one line)', async () => {
    const other: EngineKind = ENGINE === 'mujoco-js' ? '@mujoco/mujoco' : 'mujoco-js';
    const e2 = await loadEngine({ kind: other });
    const a1 = await MujocoAgent.create({ task: 'peg2d', T: 30 }, { engine });
    const a2 = await MujocoAgent.create({ task: 'peg2d', T: 30 }, { engine: e2 });
    try {
      const p = callbackPolicy(3, (_x, _o, t, _n, u) => u.set([Math.sin(0.2 * t), 1, -0.5]));
      const s1 = a1.sampleSync(p, 1, { seed: 3 });
      const s2 = a2.sampleSync(p, 1, { seed: 3 });
      // Different MuJoCo versions: the same physics up to rounding.
      for (let i = 0; i < s1.X.length; i++) expect(s2.X[i]).toBeCloseTo(s1.X[i], 6);
      const f1 = a1.renderCondition(0);
      const f2 = a2.renderCondition(0);
      let same = 0;
      for (let p2 = 0; p2 < f1.segmentation.length; p2++)
        if (f1.segmentation[p2] === f2.segmentation[p2]) same++;
      expect(same / f1.segmentation.length).toBeGreaterThan(0.99);
    } finally {
      a1.dispose();
      a2.dispose();
      e2.dispose();
    }
  });
});
