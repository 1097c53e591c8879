import { encodePngRgb, PNG_SIGNATURE } from '@visuomotor/spatial-softmax';
import { describe, expect, it } from 'vitest';
import { plotFontFiles, svgToPng } from './plots/png.js';
import { frameStrip, lineChart, niceTicks, pathChart, tickLabel } from './plots/svg.js';

describe('SVG charts', () => {
  it('chooses nice ticks', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(5, 5)).toEqual([4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]);
    expect(tickLabel(1e-5)).toBe('1.0e-5');
    expect(tickLabel(0.25)).toBe('0.25');
  });

  it('draws axes, labels and a legend per series', () => {
    const svg = lineChart({
      title: 'cost <per> iteration',
      xLabel: 'iteration',
      yLabel: 'cost',
      series: [
        {
          name: 'condition 0',
          points: [
            [1, 10],
            [2, 5],
            [3, Number.NaN],
          ],
        },
        {
          name: 'condition 1',
          points: [
            [1, 12],
            [2, 4],
          ],
        },
      ],
      integerX: true,
      reference: { y: 3, label: 'success' },
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('cost &lt;per&gt; iteration');
    expect(svg).toContain('>condition 0<');
    expect(svg).toContain('>condition 1<');
    expect(svg).toContain('>iteration<');
    expect(svg).not.toContain('NaN');
    expect((svg.match(/<path /g) ?? []).length).toBe(2);
  });

  it('draws paths with targets and frame strips', () => {
    const p = pathChart({
      title: 'paths',
      xLabel: 'x (m)',
      yLabel: 'y (m)',
      paths: [
        {
          name: 'c0',
          points: [
            [0, 0],
            [0.1, 0.2],
          ],
          target: [0.1, 0.25],
        },
      ],
    });
    expect(p).toContain('>c0<');
    const png = encodePngRgb({ width: 2, height: 1, rgb: Uint8Array.of(255, 0, 0, 0, 0, 255) });
    const s = frameStrip({
      title: 'frames',
      rows: [
        {
          label: 'condition 0',
          frames: [png, png],
          captions: ['t = 0', 't = 9'],
          frameWidth: 2,
          frameHeight: 1,
        },
      ],
    });
    expect((s.match(/<image /g) ?? []).length).toBe(2);
    expect(s).toContain('data:image/png;base64,');
  });
});

describe('PNG output', () => {
  it('rasterises SVG with the shipped font (text renders)', async () => {
    expect(plotFontFiles().length).toBeGreaterThan(0);
    const blank =
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#fff"/></svg>';
    const withText = blank.replace(
      '</svg>',
      '<text x="4" y="28" font-family="DejaVu Sans" font-size="20">cost</text></svg>',
    );
    const a = await svgToPng(blank);
    const b = await svgToPng(withText);
    expect(Buffer.from(b.subarray(0, 8)).equals(Buffer.from(PNG_SIGNATURE))).toBe(true);
    // the text must change the pixels (no font = no glyphs = identical images)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});
