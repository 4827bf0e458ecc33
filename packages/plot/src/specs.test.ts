import { cpu } from '@tessera/backend-cpu';
import { useBackend, ValueError } from '@tessera/core';
import { tensor1d, tensor2d, tensor4d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { confusionMatrix, plotConfusionMatrix } from './confusion.js';
import { movingAverage, plotEpisodeReturns } from './episode-returns.js';
import { plotHistory } from './history.js';
import { plotImageGrid } from './image-grid.js';
import { plotRoc, rocCurve } from './roc.js';
import { plotScatter } from './scatter.js';

beforeAll(async () => {
  await useBackend(cpu());
});

// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON read back field by field
type Json = any;
const rows = (spec: Json): Json[] => spec.data.values;

describe('plotHistory', () => {
  const history = {
    epoch: [0, 1, 2],
    history: { loss: [0.9, 0.5, 0.3], val_loss: [1.0, 0.7, Number.NaN], accuracy: [0.5, 0.7, 0.9], lr: [1, 1, 1] },
  };

  it('has one row per (metric, run, epoch), epochs 1-based, NaN left out, the learning rate skipped; one chart per metric', () => {
    const spec: Json = plotHistory(history);
    expect(rows(spec)).toEqual([
      { epoch: 1, metric: 'loss', series: 'train', value: 0.9 },
      { epoch: 2, metric: 'loss', series: 'train', value: 0.5 },
      { epoch: 3, metric: 'loss', series: 'train', value: 0.3 },
      { epoch: 1, metric: 'loss', series: 'validation', value: 1.0 },
      { epoch: 2, metric: 'loss', series: 'validation', value: 0.7 },
      { epoch: 1, metric: 'accuracy', series: 'train', value: 0.5 },
      { epoch: 2, metric: 'accuracy', series: 'train', value: 0.7 },
      { epoch: 3, metric: 'accuracy', series: 'train', value: 0.9 },
    ]);
    expect(spec.facet).toMatchObject({ field: 'metric', sort: ['loss', 'accuracy'] });
    expect(spec.spec.encoding.x.field).toBe('epoch');
    expect(spec.spec.mark.point).toBe(true);
    expect((plotHistory({ history: { loss: new Array(31).fill(1) } }) as Json).spec.mark.point).toBe(false);
    expect(spec.spec.encoding.y.field).toBe('value');
    expect(spec.spec.encoding.color.scale.domain).toEqual(['train', 'validation']);
    expect(spec.resolve.scale.y).toBe('independent');
  });

  it('plots the metrics asked for, and names the ones logged when one is not', () => {
    const spec: Json = plotHistory(history, { metrics: ['accuracy'], title: 'acc' });
    expect(new Set(rows(spec).map((r: Json) => r.metric))).toEqual(new Set(['accuracy']));
    expect(spec.title).toBe('acc');
    expect(() => plotHistory(history, { metrics: ['f1'] })).toThrow(/loss, accuracy/);
    expect(() => plotHistory({} as never)).toThrow(ValueError);
  });
});

describe('confusionMatrix / plotConfusionMatrix', () => {
  it('counts (true, predicted) pairs from indices, one-hot rows and score rows', () => {
    expect(confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2])).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const scores = [
      [0.9, 0.1],
      [0.2, 0.8],
      [0.6, 0.4],
    ];
    expect(
      confusionMatrix(
        [
          [1, 0],
          [0, 1],
          [0, 1],
        ],
        scores,
      ),
    ).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(confusionMatrix([0, 1], [0, 0], { numClasses: 3 })).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    expect(() => confusionMatrix([0, 1], [0])).toThrow(/2 predictions/);
    expect(() => confusionMatrix([0, 2], [0, 0], { numClasses: 2 })).toThrow(ValueError);
    expect(() => confusionMatrix([0, 1.5], [0, 0])).toThrow(/integer/);
  });

  it('reads tensors (logits [n, k]) without disposing them or leaking', () => {
    const labels = tensor1d([0, 1, 2, 2], 'int32');
    const logits = tensor2d([
      [2, 0, 0],
      [0, 3, 1],
      [0, 2, 1],
      [0, 0, 5],
    ]);
    const before = tensorCount();
    const spec: Json = plotConfusionMatrix(labels, logits, { classNames: ['a', 'b', 'c'] });
    expect(tensorCount()).toBe(before);
    expect(labels.isDisposed || logits.isDisposed).toBe(false);
    const cell = (t: string, p: string) => rows(spec).find((r: Json) => r.true === t && r.predicted === p);
    expect(cell('c', 'b')).toMatchObject({ count: 1, fraction: 0.5 });
    expect(cell('c', 'c')).toMatchObject({ count: 1, fraction: 0.5 });
    expect(cell('a', 'a')).toMatchObject({ count: 1, fraction: 1 });
    expect(rows(spec)).toHaveLength(9);
    expect(rows(spec).reduce((n: number, r: Json) => n + r.count, 0)).toBe(4);
    expect(spec.title).toBe('Confusion matrix (accuracy 75.0%, n = 4)');
    expect(spec.encoding.x.sort).toEqual(['a', 'b', 'c']);
    expect(spec.layer.map((l: Json) => l.mark.type ?? l.mark)).toEqual(['rect', 'text']);
    const normalized: Json = plotConfusionMatrix(labels, logits, { normalize: true });
    expect(rows(normalized).map((r: Json) => r.value)).toEqual([1, 0, 0, 0, 1, 0, 0, 0.5, 0.5]);
    labels.dispose();
    logits.dispose();
  });
});

describe('rocCurve / plotRoc', () => {
  it("matches the hand-computed curve (sklearn's roc_curve example, AUC 0.75)", () => {
    const roc = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(roc.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(roc.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(roc.thresholds).toEqual([Number.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1]);
    expect(roc.auc).toBeCloseTo(0.75, 12);
  });

  it('counts ties between classes as one half (Mann–Whitney U) and reaches 1 / 0.5 at the extremes', () => {
    // pairs (pos, neg): (0.5,0.5) tie = 0.5, (0.5,0.2) = 1, (0.9,0.5) = 1, (0.9,0.2) = 1 → 3.5 / 4
    expect(rocCurve([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.2]).auc).toBeCloseTo(0.875, 12);
    expect(rocCurve([0, 1], [0, 1]).auc).toBe(1);
    expect(rocCurve([0, 1, 0, 1], [1, 1, 1, 1]).auc).toBe(0.5);
    expect(() => rocCurve([1, 1], [0.2, 0.3])).toThrow(/both classes/);
    expect(() => rocCurve([0, 2], [0.2, 0.3])).toThrow(/binary/);
  });

  it('plots the curve points in order and the chance diagonal; tensors are read without a leak', () => {
    const y = tensor1d([0, 0, 1, 1]);
    const s = tensor2d([[0.1], [0.4], [0.35], [0.8]]);
    const before = tensorCount();
    const spec: Json = plotRoc(y, s, { name: 'spam' });
    expect(tensorCount()).toBe(before);
    const [chance, curve] = spec.layer;
    expect(chance.data.values.map((v: Json) => [v.fpr, v.tpr])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(curve.data.values.map((v: Json) => [v.i, v.fpr, v.tpr])).toEqual([
      [0, 0, 0],
      [1, 0, 0.5],
      [2, 0.5, 0.5],
      [3, 0.5, 1],
      [4, 1, 1],
    ]);
    expect(curve.encoding.color.scale.domain[0]).toBe('spam (AUC 0.750)');
    expect(spec.title).toBe('ROC curve, AUC 0.750');
    expect(plotRoc(rocCurve([0, 1], [0.2, 0.7]))).toBeTruthy();
    y.dispose();
    s.dispose();
  });
});

describe('plotEpisodeReturns', () => {
  it('moving average is the trailing mean over the window', () => {
    expect(movingAverage([1, 2, 3, 4], 2)).toEqual([1, 1.5, 2.5, 3.5]);
    expect(movingAverage([3, 6, 9], 5)).toEqual([3, 4.5, 6]);
    expect(() => movingAverage([1], 0)).toThrow(ValueError);
  });

  it('has each return and its moving average per episode; x is the env step when every episode has one; the target rule', () => {
    const spec: Json = plotEpisodeReturns([10, 20, 60], { window: 2, target: 50 });
    expect(rows(spec)).toEqual([
      { x: 1, value: 10, series: 'return' },
      { x: 1, value: 10, series: 'moving average (2)' },
      { x: 2, value: 20, series: 'return' },
      { x: 2, value: 15, series: 'moving average (2)' },
      { x: 3, value: 60, series: 'return' },
      { x: 3, value: 40, series: 'moving average (2)' },
    ]);
    expect(spec.layer[0].encoding.x.title).toBe('episode');
    expect(spec.layer[1].data.values).toEqual([{ target: 50 }]);
    const bySteps: Json = plotEpisodeReturns([
      { return: 5, step: 100 },
      { return: 7, step: 250 },
    ]);
    expect(rows(bySteps).map((r: Json) => r.x)).toEqual([100, 100, 250, 250]);
    expect(bySteps.layer[0].encoding.x.title).toBe('step');
    expect(() => plotEpisodeReturns([])).toThrow(ValueError);
    expect(() => plotEpisodeReturns([1, Number.NaN])).toThrow(/episodes\[1\]/);
  });
});

describe('plotImageGrid', () => {
  it('places n images in rows of `columns`, each a PNG data URL of the image size, from a tensor without a leak', () => {
    const images = tensor4d(
      Array.from({ length: 5 * 3 * 2 }, (_, i) => (i % 6) / 5),
      [5, 3, 2, 1],
    );
    const before = tensorCount();
    const spec: Json = plotImageGrid(images, { columns: 2, scale: 3, labels: ['0', '1', '2', '3', '4'] });
    expect(tensorCount()).toBe(before);
    expect(images.isDisposed).toBe(false);
    const r = rows(spec);
    expect(r.map((v: Json) => [v.col, v.row])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 2],
    ]);
    for (const v of r) {
      const png = Uint8Array.from(atob(v.url.slice('data:image/png;base64,'.length)), (c) => c.charCodeAt(0));
      const view = new DataView(png.buffer);
      expect([view.getUint32(16), view.getUint32(20), png[25]]).toEqual([2, 3, 0]); // width 2, height 3, gray
    }
    expect(spec.layer[0].mark).toMatchObject({ type: 'image', width: 6, height: 9 });
    expect(spec.layer[1].encoding.text.field).toBe('label');
    images.dispose();
  });

  it('maps floats from `range` and takes raw 8-bit images as they are', () => {
    const spec: Json = plotImageGrid(tensor4d([-1, 0, 1, 1], [1, 1, 4, 1]), { range: [-1, 1] });
    const png = Uint8Array.from(atob(rows(spec)[0].url.split(',')[1]), (c) => c.charCodeAt(0));
    // stored deflate: after the zlib header (2) and the block header (5), the row's filter byte then the pixels
    const idat = png.indexOf(0x49, 33); // 'I' of IDAT
    expect([...png.subarray(idat + 4 + 7 + 1, idat + 4 + 7 + 5)]).toEqual([0, 128, 255, 255]);
    const raw: Json = plotImageGrid([{ width: 1, height: 1, channels: 3, pixels: [1, 2, 3] }]);
    expect(rows(raw)).toHaveLength(1);
    expect(() =>
      plotImageGrid([
        { width: 1, height: 1, channels: 1, pixels: [0] },
        { width: 2, height: 1, channels: 1, pixels: [0, 0] },
      ]),
    ).toThrow(/1×1/);
    expect(() => plotImageGrid(tensor2d([[1]]))).toThrow(ValueError);
  });
});

describe('plotScatter', () => {
  it('one row per point, coloured by set, from tensors [n, 2] and pairs', () => {
    const pts = tensor2d([
      [0, 1],
      [2, 3],
    ]);
    const before = tensorCount();
    const spec: Json = plotScatter({ generated: pts, modes: [[5, 6]] }, { domain: [-1, 7] });
    expect(tensorCount()).toBe(before);
    expect(rows(spec)).toEqual([
      { x: 0, y: 1, series: 'generated' },
      { x: 2, y: 3, series: 'generated' },
      { x: 5, y: 6, series: 'modes' },
    ]);
    expect(spec.encoding.x.scale.domain).toEqual([-1, 7]);
    expect(spec.encoding.size).toEqual({ value: 6 });
    const emphasized: Json = plotScatter({ generated: [[0, 1]], modes: [[5, 6]] }, { emphasize: ['modes'] });
    expect(emphasized.encoding.size).toEqual({ condition: { test: 'indexof(["modes"], datum.series) >= 0', value: 80 }, value: 6 });
    expect(() => plotScatter({ a: [[0, 0]] }, { emphasize: ['b'] })).toThrow(/names of sets \(a\)/);
    expect(() => plotScatter({ a: tensor1d([1, 2]) })).toThrow(/\[n, 2\]/);
    pts.dispose();
  });
});
