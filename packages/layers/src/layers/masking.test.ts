import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { ShapeError, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { dispose, getBackend, notEqual, tensor2d, tensor3d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from '../layer.js';
import { Bidirectional } from './bidirectional.js';
import { GlobalAvgPool1D, GlobalMaxPool1D } from './global-pooling.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';

type Seq = number[][];
const A: Seq = [
  [0.5, -1],
  [1, 0.2],
  [-0.3, 0.7],
];
const B: Seq = [
  [0.1, 0.4],
  [-0.8, 0.6],
];
/** Padding values far from the data, so a leak of padding into a result shows. */
const GARBAGE = [9, -7];

/** A `[n, time, 2]` batch padded with garbage on the given side, and its `[n, time]` 0/1 mask. */
function pad(seqs: Seq[], time: number, side: 'right' | 'left'): { x: Tensor; mask: Tensor } {
  const x = seqs.map((s) => {
    const fill = Array.from({ length: time - s.length }, () => GARBAGE);
    return side === 'right' ? [...s, ...fill] : [...fill, ...s];
  });
  const m = seqs.map((s) => {
    const ones = s.map(() => 1);
    const zeros = Array.from({ length: time - s.length }, () => 0);
    return side === 'right' ? [...ones, ...zeros] : [...zeros, ...ones];
  });
  return { x: tensor3d(x), mask: tensor2d(m) };
}

const near = (got: unknown, want: unknown, tol = 1e-6) => {
  const g = (got as number[]).flat(3) as number[];
  const w = (want as number[]).flat(3) as number[];
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => {
    expect(Math.abs(v - (w[i] as number))).toBeLessThanOrEqual(tol);
  });
};

/** The output of `layer` on one unpadded sequence, as nested arrays. */
const alone = (layer: Layer, s: Seq) => {
  const x = tensor3d([s]);
  const y = layer.call(x);
  const out = (y.arraySync() as unknown[])[0];
  dispose([x, y]);
  return out;
};

const recurrent: Array<[string, (o: { returnSequences?: boolean; goBackwards?: boolean }) => Layer]> = [
  ['SimpleRNN', (o) => new SimpleRNN({ units: 3, seed: 1, ...o })],
  ['LSTM', (o) => new LSTM({ units: 3, seed: 2, ...o })],
  ['GRU', (o) => new GRU({ units: 3, seed: 3, ...o })],
  ['GRU resetAfter=false', (o) => new GRU({ units: 3, seed: 4, resetAfter: false, ...o })],
];

describe.each([cpu(), wasm()])('padding masks on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    expect(getBackend()).toBe(plugin.name);
  });

  for (const [name, make] of recurrent) {
    for (const side of ['right', 'left'] as const) {
      it(`${name}: masked ${side}-padded batch equals the unpadded sequences (last output)`, () => {
        for (const goBackwards of [false, true]) {
          const layer = make({ goBackwards });
          const { x, mask } = pad([A, B], 5, side);
          layer.build(x.shape);
          const before = tensorCount();
          const y = layer.call(x, { mask });
          near(y.arraySync(), [alone(layer, A), alone(layer, B)]);
          y.dispose();
          expect(tensorCount()).toBe(before);
          dispose([x, mask]);
          layer.dispose();
        }
      });

      it(`${name}: returnSequences, ${side} padding: real steps match, padded steps repeat the previous output`, () => {
        const layer = make({ returnSequences: true });
        const { x, mask } = pad([A, B], 4, side);
        const y = layer.call(x, { mask }).arraySync() as number[][][];
        const zeros = [0, 0, 0];
        for (const [row, s] of [
          [0, A],
          [1, B],
        ] as const) {
          const want = alone(layer, s) as number[][];
          const padN = 4 - s.length;
          const expected =
            side === 'right'
              ? [...want, ...Array.from({ length: padN }, () => want[want.length - 1])]
              : [...Array.from({ length: padN }, () => zeros), ...want];
          near(y[row], expected);
        }
        dispose([x, mask]);
      });
    }
  }

  it('a bool mask and a 0/1 float mask give the same result', () => {
    const layer = new LSTM({ units: 2, seed: 5 });
    const { x, mask } = pad([A, B], 4, 'right');
    const boolMask = notEqual(mask, 0);
    near(layer.call(x, { mask: boolMask }).arraySync(), layer.call(x, { mask }).arraySync(), 0);
  });

  it('a mask of the wrong shape is a ShapeError naming the layer', () => {
    const layer = new SimpleRNN({ units: 2, name: 'rnn_bad_mask' });
    const { x } = pad([A, B], 4, 'right');
    expect(() => layer.call(x, { mask: tensor2d([[1, 1, 1]]) })).toThrow(ShapeError);
    expect(() => layer.call(x, { mask: tensor2d([[1, 1, 1]]) })).toThrow(/rnn_bad_mask mask/);
  });

  for (const side of ['right', 'left'] as const) {
    it(`Bidirectional passes the mask to both directions (${side} padding)`, () => {
      const last = new Bidirectional({ layer: new GRU({ units: 2, seed: 6 }) });
      const seqs = new Bidirectional({ layer: new LSTM({ units: 2, seed: 7, returnSequences: true }), mergeMode: 'concat' });
      const { x, mask } = pad([A, B], 5, side);
      near(last.call(x, { mask }).arraySync(), [alone(last, A), alone(last, B)]);
      // returnSequences: real steps equal the unpadded run, padded steps are zeros (as in Keras)
      const y = seqs.call(x, { mask }).arraySync() as number[][][];
      for (const [row, s] of [
        [0, A],
        [1, B],
      ] as const) {
        const want = alone(seqs, s) as number[][];
        const zeros = Array.from({ length: 5 - s.length }, () => [0, 0, 0, 0]);
        near(y[row], side === 'right' ? [...want, ...zeros] : [...zeros, ...want]);
      }
      expect(seqs.computeMask(x, mask)).toBe(mask);
      expect(last.computeMask(x, mask)).toBeUndefined();
    });
  }

  for (const side of ['right', 'left'] as const) {
    it(`GlobalAvgPool1D / GlobalMaxPool1D pool real steps only (${side} padding)`, () => {
      const { x, mask } = pad([A, B], 4, side);
      const avg = new GlobalAvgPool1D();
      const max = new GlobalMaxPool1D();
      near(avg.call(x, { mask }).arraySync(), [
        [(0.5 + 1 - 0.3) / 3, (-1 + 0.2 + 0.7) / 3],
        [(0.1 - 0.8) / 2, (0.4 + 0.6) / 2],
      ]);
      near(max.call(x, { mask }).arraySync(), [
        [1, 0.7],
        [0.1, 0.6],
      ]);
      expect(avg.computeMask(x, mask)).toBeUndefined();
    });
  }

  it('global pooling of a sequence with no real step gives 0, and leaks nothing', () => {
    const x = tensor3d([
      [
        [1, -2],
        [3, 4],
      ],
    ]);
    const mask = tensor2d([[0, 0]]);
    const avg = new GlobalAvgPool1D();
    const max = new GlobalMaxPool1D();
    const before = tensorCount();
    const a = avg.call(x, { mask });
    const m = max.call(x, { mask });
    near(a.arraySync(), [[0, 0]], 0);
    near(m.arraySync(), [[0, 0]], 0);
    dispose([a, m]);
    expect(tensorCount()).toBe(before);
  });
});
