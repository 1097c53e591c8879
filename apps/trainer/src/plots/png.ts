/**
 * PNG output: SVG rasterisation with resvg (raw RGB frames are encoded by
 * `encodePngRgb` of `@visuomotor/spatial-softmax`), using the DejaVu Sans font shipped by the `dejavu-fonts-ttf` package so text renders
 * on machines without system fonts.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let fontFiles: string[] | null = null;

/** Paths of the TTF files used to render text (DejaVu Sans regular and bold). */
export function plotFontFiles(): string[] {
  if (fontFiles) return fontFiles;
  const require = createRequire(import.meta.url);
  let dir: string | null = null;
  try {
    dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch {
    dir = null;
  }
  fontFiles = dir
    ? ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(dir, f)).filter(existsSync)
    : [];
  return fontFiles;
}

/** Rasterise an SVG document to PNG bytes with resvg (text in DejaVu Sans). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const files = plotFontFiles();
  const r = new Resvg(svg, {
    background: '#ffffff',
    font: {
      fontFiles: files,
      loadSystemFonts: files.length === 0,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return r.render().asPng();
}
