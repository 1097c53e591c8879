import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, type Engine, loadEngine } from './engine.js';
import { ModelLoadError } from './errors.js';
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
});
