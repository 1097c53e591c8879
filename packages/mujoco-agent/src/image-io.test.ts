import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MujocoAgent } from './agent.js';
import { decodePng, encodeGif, encodePng, frameFromSensor, imageStrip } from './image-io.js';
import { zeroPolicy } from './policy.js';
import { RayRenderer } from './render.js';

let agent: MujocoAgent;
beforeAll(async () => {
  agent = await MujocoAgent.create({ task: 'reacher', T: 6, image: { width: 40, height: 30 } });
});
afterAll(() => agent.dispose());

describe('renderer and image files', () => {
  it('renders depth, segmentation and shading consistent with the scene', () => {
    const f = agent.renderCondition(0);
    expect(f.width).toBe(40);
    expect(f.height).toBe(30);
    const m = agent.sim.model;
    const floor = m.geomId('floor');
    const arm = ['link1', 'link2', 'fingertip'].map((n) => m.geomId(n));
    // The top camera looks straight down at the floor 0.75 m below: centre-ish pixels hit
    // the floor or the arm at depth ≈ 0.73-0.75.
    let floorPx = 0;
    for (let p = 0; p < 40 * 30; p++) {
      if (f.segmentation[p] === floor) {
        floorPx++;
        expect(f.depth[p]).toBeGreaterThan(0.74);
        expect(f.depth[p]).toBeLessThan(0.9);
      }
    }
    expect(floorPx).toBeGreaterThan(600);
    expect(arm.some((g) => f.segmentation.includes(g))).toBe(true);
  });

  it('sees large flat geoms everywhere (no multiRay culling holes) at any image size', async () => {
    const a = await MujocoAgent.create({ task: 'peg3d' }, { engine: agent.engine });
    try {
      a.sim.reset(0);
      const floor = a.sim.model.geomId('floor');
      for (const [w, h] of [
        [32, 24],
        [17, 9],
        [32, 24],
      ]) {
        const r = new RayRenderer(a.sim.model, a.sim.data, a.sim.model.cameraId('front'), w, h);
        const f = r.render();
        // The bottom row looks down at the floor (or the table on it) from corner to corner.
        for (let j = 0; j < w; j++)
          expect(f.segmentation[(h - 1) * w + j]).toBeGreaterThanOrEqual(0);
        expect(f.segmentation[(h - 1) * w]).toBe(floor);
        expect(f.segmentation[h * w - 1]).toBe(floor);
      }
    } finally {
      a.dispose();
    }
  });

  it('writes PNGs that decode to the same pixels, GIFs and strips', () => {
    const s = agent.sampleSync(zeroPolicy(2), 1, { seed: 0, recordImages: true });
    const frames = Array.from({ length: 6 }, (_, t) =>
      frameFromSensor(s.sensors.RGB_IMAGE.data, t, agent.imageWidth, agent.imageHeight),
    );
    const png = encodePng(frames[0]);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const back = decodePng(png);
    expect(back.width).toBe(40);
    expect(Buffer.from(back.rgb).equals(Buffer.from(frames[0].rgb))).toBe(true);
    const gif = encodeGif(frames, 100);
    expect(Buffer.from(gif.subarray(0, 6)).toString()).toBe('GIF89a');
    const strip = imageStrip(frames.slice(0, 3), 2);
    expect(strip.width).toBe(3 * 40 + 4);
    expect(strip.height).toBe(30);
    // replay() re-renders the recorded states identically.
    const replayed = agent.replay(s);
    expect(Buffer.from(replayed[4].rgb).equals(Buffer.from(frames[4].rgb))).toBe(true);
  });
});
