import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueError } from '@tessera/core';
import { afterAll, describe, expect, it } from 'vitest';
import { plotHistory } from './history.js';
import { toPng, writePlot } from './node.js';
import { toSvg } from './render.js';
import { plotScatter } from './scatter.js';

/** Width, height, bit depth and colour type from a PNG's IHDR chunk (it follows the 8-byte signature). */
function ihdr(png: Uint8Array): { width: number; height: number; depth: number; colorType: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(view.getUint32(8)).toBe(13);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20), depth: png[24] as number, colorType: png[25] as number };
}
const svgSize = (svg: string) =>
  (svg
    .match(/<svg[^>]* width="([\d.]+)" height="([\d.]+)"/)
    ?.slice(1)
    .map(Number) ?? []) as number[];

const dir = await mkdtemp(join(tmpdir(), 'tessera-plot-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('@tessera/plot/node', () => {
  const spec = plotHistory({ history: { loss: [1, 0.5], val_loss: [1.2, 0.8] } });

  it('toPng: a PNG of the SVG size times the scale (8-bit RGBA)', async () => {
    const [w, h] = svgSize(await toSvg(spec));
    const one = ihdr(await toPng(spec, { scale: 1 }));
    expect(one).toEqual({ width: Math.ceil(w as number), height: Math.ceil(h as number), depth: 8, colorType: 6 });
    const two = ihdr(await toPng(spec));
    expect([two.width, two.height]).toEqual([Math.ceil(2 * (w as number)), Math.ceil(2 * (h as number))]);
    await expect(toPng(spec, { scale: 0 })).rejects.toThrow(ValueError);
  });

  it('writePlot: .svg, .png and .json by extension, folders created; other extensions refused', async () => {
    const s = plotScatter({
      a: [
        [0, 0],
        [1, 2],
      ],
    });
    await writePlot(s, join(dir, 'a/b/plot.svg'));
    await writePlot(s, join(dir, 'a/b/plot.png'), { scale: 1 });
    await writePlot(s, join(dir, 'a/b/plot.json'));
    const svg = await readFile(join(dir, 'a/b/plot.svg'), 'utf8');
    const noIds = (x: string) => x.replace(/clip\d+/g, 'clip'); // vega numbers clip paths per render
    expect(noIds(svg)).toBe(noIds(await toSvg(s)));
    const png = new Uint8Array(await readFile(join(dir, 'a/b/plot.png')));
    const [w, h] = svgSize(svg);
    expect(ihdr(png)).toMatchObject({ width: Math.ceil(w as number), height: Math.ceil(h as number) });
    expect(JSON.parse(await readFile(join(dir, 'a/b/plot.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(s)));
    await expect(writePlot(s, join(dir, 'plot.jpg'))).rejects.toThrow(/\.svg, \.png or \.json/);
  });
});
