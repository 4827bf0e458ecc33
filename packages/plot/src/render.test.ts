import { describe, expect, it } from 'vitest';
import { plotConfusionMatrix } from './confusion.js';
import { plotEpisodeReturns } from './episode-returns.js';
import { plotHistory } from './history.js';
import { plotImageGrid } from './image-grid.js';
import { toSvg } from './render.js';
import { plotRoc } from './roc.js';
import { plotScatter } from './scatter.js';

/** The SVG elements inside the mark group of a kind (`mark-line`, `mark-rect`, ...), one list per group. */
function markGroups(svg: string, kind: string): string[] {
  const out: string[] = [];
  const open = new RegExp(`<g class="mark-${kind} role-mark[^"]*"[^>]*>`, 'g');
  for (let m = open.exec(svg); m; m = open.exec(svg)) {
    // mark groups of these kinds hold leaf elements only: the group ends at the first </g>
    out.push(svg.slice(m.index + m[0].length, svg.indexOf('</g>', m.index)));
  }
  return out;
}
const count = (s: string, tag: string) => (s.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length;
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('toSvg (vega, headless)', () => {
  it('history: two line paths (train, validation) per metric chart, the metric titles and the legend', async () => {
    const svg = await toSvg(
      plotHistory({
        history: { loss: [0.9, 0.5, 0.3], val_loss: [1, 0.7, 0.6], accuracy: [0.5, 0.7, 0.9], val_accuracy: [0.4, 0.6, 0.8] },
      }),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    const lines = markGroups(svg, 'line');
    expect(lines).toHaveLength(4); // 2 charts × 2 series
    for (const g of lines) expect(count(g, 'path')).toBe(1);
    const points = markGroups(svg, 'symbol').filter((g) => !g.includes('legend'));
    expect(points.reduce((n, g) => n + count(g, 'path'), 0)).toBeGreaterThanOrEqual(12); // 3 points × 4 lines (+ legend symbols)
    const labels = texts(svg);
    for (const t of ['loss', 'accuracy', 'train', 'validation', 'epoch', 'Training history']) expect(labels).toContain(t);
  });

  it('confusion matrix: k² cells and k² count labels', async () => {
    const svg = await toSvg(plotConfusionMatrix([0, 1, 2, 2, 1], [0, 1, 2, 1, 1], { classNames: ['a', 'b', 'c'] }));
    const [rects] = markGroups(svg, 'rect');
    expect(count(rects as string, 'path')).toBe(9);
    const [cellText] = markGroups(svg, 'text');
    expect(count(cellText as string, 'text')).toBe(9);
    expect(
      texts(cellText as string)
        .map(Number)
        .sort(),
    ).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 2]);
  });

  it('ROC: the curve and the diagonal as two lines; the AUC in the legend', async () => {
    const svg = await toSvg(plotRoc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], { name: 'm' }));
    expect(markGroups(svg, 'line')).toHaveLength(2);
    expect(texts(svg)).toContain('m (AUC 0.750)');
    expect(texts(svg)).toContain('false-positive rate');
  });

  it('image grid: one <image> per sample, each a PNG data URL', async () => {
    const img = { width: 2, height: 2, channels: 1, pixels: [0, 64, 128, 255] };
    const svg = await toSvg(plotImageGrid([img, img, img], { columns: 2 }));
    const [images] = markGroups(svg, 'image');
    expect(count(images as string, 'image')).toBe(3);
    expect((images as string).match(/href="data:image\/png;base64,/g)).toHaveLength(3);
  });

  it('episode returns: the returns and their moving average as two lines, the target as a rule; scatter: one circle per point', async () => {
    const svg = await toSvg(plotEpisodeReturns([1, 5, 3, 8, 6], { window: 2, target: 7 }));
    expect(markGroups(svg, 'line')).toHaveLength(2);
    expect(count(markGroups(svg, 'rule')[0] as string, 'line')).toBe(1);
    const sc = await toSvg(
      plotScatter({
        a: [
          [0, 0],
          [1, 1],
        ],
        b: [[0.5, 0.5]],
      }),
    );
    expect(count(markGroups(sc, 'symbol')[0] as string, 'path')).toBe(3);
  });

  it('scales the SVG size', async () => {
    const spec = plotScatter({ a: [[0, 0]] });
    const size = (svg: string) =>
      svg
        .match(/<svg[^>]* width="([\d.]+)" height="([\d.]+)"/)
        ?.slice(1)
        .map(Number);
    const [w1, h1] = size(await toSvg(spec)) as number[];
    const [w2, h2] = size(await toSvg(spec, { scale: 2 })) as number[];
    expect([w2, h2]).toEqual([2 * (w1 as number), 2 * (h1 as number)]);
  });
});
