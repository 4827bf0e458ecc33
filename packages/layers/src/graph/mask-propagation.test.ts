import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import type { Scalar, Tensor } from '@tessera/tensor';
import { add, dispose, getBackend, scope, sum, tensor2d, tensorCount, variableGrads } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from '../layer.js';
import { Dense, dense } from '../layers/dense.js';
import { dropoutLayer } from '../layers/dropout.js';
import { Embedding, embedding } from '../layers/embedding.js';
import { globalAvgPool1d } from '../layers/global-pooling.js';
import { addLayer } from '../layers/merge.js';
import { gru, lstm } from '../layers/recurrent.js';
import { flatten } from '../layers/shape-layers.js';
import { deserializeModule, serializeModule } from '../serialize.js';
import { input } from './input-layer.js';
import { model } from './model.js';
import { sequential } from './sequential.js';

/** Id sequences, padded with 0 on the right and on the left. */
const SEQS = [
  [3, 5, 2],
  [7, 1],
  [4, 4, 6, 1],
];
const padIds = (side: 'right' | 'left', time = 5) =>
  tensor2d(
    SEQS.map((s) => {
      const z = Array.from({ length: time - s.length }, () => 0);
      return side === 'right' ? [...s, ...z] : [...z, ...s];
    }),
    [SEQS.length, time],
    'int32',
  );

const rowsAlone = (m: Layer<Tensor | Tensor[]>, seqs: number[][]) =>
  seqs.map((s) => {
    const x = tensor2d([s], [1, s.length], 'int32');
    const y = m.call(x) as Tensor;
    const out = (y.arraySync() as number[][])[0] as number[];
    dispose([x, y]);
    return out;
  });

const near = (got: number[][], want: number[][], tol = 1e-6) => {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => {
    row.forEach((v, j) => {
      expect(Math.abs(v - (want[i]?.[j] as number))).toBeLessThanOrEqual(tol);
    });
  });
};

describe('mask propagation (cpu)', () => {
  beforeAll(async () => {
    await useBackend(cpu());
    expect(getBackend()).toBe('cpu');
  });

  for (const side of ['right', 'left'] as const) {
    it(`sequential([embedding(maskZero), lstm, dense]) on ${side}-padded ids equals the unpadded sequences`, () => {
      const m = sequential([embedding(10, 4, { maskZero: true, seed: 1 }), lstm(3, { seed: 2 }), dense(2, { seed: 3 })]);
      const ids = padIds(side);
      m.build(ids.shape);
      const before = tensorCount();
      const y = m.call(ids);
      near(y.arraySync() as number[][], rowsAlone(m, SEQS));
      y.dispose();
      expect(tensorCount()).toBe(before);
      // without maskZero the padding changes the result
      const plain = sequential([embedding(10, 4, { seed: 1 }), lstm(3, { seed: 2 }), dense(2, { seed: 3 })]);
      const p = plain.call(ids).arraySync() as number[][];
      expect(Math.abs((p[1]?.[0] as number) - (rowsAlone(plain, SEQS)[1]?.[0] as number))).toBeGreaterThan(1e-4);
    });
  }

  it('a mask given in the call options works like maskZero', () => {
    const m = sequential([embedding(10, 4, { seed: 1 }), dropoutLayer(0.5), gru(3, { seed: 2 }), dense(2, { seed: 3 })]);
    const ids = padIds('right');
    const mask = tensor2d(
      SEQS.map((s) => Array.from({ length: 5 }, (_, t) => (t < s.length ? 1 : 0))),
      [3, 5],
    );
    near(m.call(ids, { mask }).arraySync() as number[][], rowsAlone(m, SEQS));
  });

  it('callWithMask reports each layer kind as Keras does (pass through, new mask, dropped)', () => {
    const ids = padIds('right');
    const want = (ids.arraySync() as number[][]).map((r) => r.map((v) => (v !== 0 ? 1 : 0)));
    const check = (layers: Layer[], expected: number[][] | undefined) => {
      const [y, mask] = sequential(layers).callWithMask(ids);
      if (expected) expect(mask?.arraySync()).toEqual(expected);
      else expect(mask).toBeUndefined();
      dispose([y, mask as Tensor]);
    };
    check([embedding(10, 4, { maskZero: true })], want);
    check([embedding(10, 4, { maskZero: true }), lstm(3, { returnSequences: true }), new Dense({ units: 2 })], want);
    check([embedding(10, 4, { maskZero: true }), lstm(3)], undefined);
    check([embedding(10, 4, { maskZero: true }), flatten()], undefined);
    check([embedding(10, 4)], undefined);
    // the public computeMask of a model runs the pass and returns only the mask
    const m = sequential([embedding(10, 4, { maskZero: true }), dropoutLayer(0.1)]);
    expect(m.computeMask(ids)?.arraySync()).toEqual(want);
  });

  it('a functional model propagates masks, merges them at add(), and matches the unpadded sequences', () => {
    const x = input({ shape: [null] });
    const e = embedding(10, 4, { maskZero: true, seed: 4 }).call(x);
    const h = lstm(4, { returnSequences: true, seed: 5 }).call(e);
    const s = addLayer([e, h]);
    const p = globalAvgPool1d().call(s);
    const m = model({ inputs: x, outputs: dense(2, { seed: 6 }).call(p) });
    for (const side of ['right', 'left'] as const) {
      const ids = padIds(side);
      const before = tensorCount();
      const y = m.call(ids) as Tensor;
      near(y.arraySync() as number[][], rowsAlone(m, SEQS));
      y.dispose();
      expect(tensorCount()).toBe(before);
    }
    const [, mask] = model({ inputs: x, outputs: s }).callWithMask(padIds('right'));
    expect(mask?.arraySync()).toEqual((padIds('right').arraySync() as number[][]).map((r) => r.map((v) => (v !== 0 ? 1 : 0))));
  });

  it('gradients are unaffected by padding', () => {
    const m = sequential([embedding(10, 4, { maskZero: true, seed: 7 }), gru(3, { seed: 8 }), dense(1, { seed: 9 })]);
    const ids = padIds('left');
    m.call(ids).dispose();
    const params = m.parameters();
    const before = tensorCount();
    const padded = variableGrads(() => sum(m.call(ids)) as Scalar, Object.values(params));
    const unpadded = variableGrads(
      () => scope(() => SEQS.map((s) => sum(m.call(tensor2d([s], [1, s.length], 'int32')))).reduce((a, b) => add(a, b)) as Scalar),
      Object.values(params),
    );
    for (const name of Object.keys(padded.grads)) {
      const a = padded.grads[name]?.dataSync() as Float32Array;
      const b = unpadded.grads[name]?.dataSync() as Float32Array;
      expect(a.length).toBe(b.length);
      a.forEach((v, i) => {
        expect(Math.abs(v - (b[i] as number))).toBeLessThanOrEqual(1e-5);
      });
    }
    dispose([padded.value, unpadded.value, ...Object.values(padded.grads), ...Object.values(unpadded.grads)]);
    expect(tensorCount()).toBe(before);
  });

  it('maskZero survives a serialization round trip', () => {
    const m = sequential([embedding(10, 4, { maskZero: true, name: 'emb_mz' }), lstm(3)]);
    const cfg = (m.layers[0] as Embedding).getConfig();
    expect(cfg.config.maskZero).toBe(true);
    expect(new Embedding({ inputDim: 3, outputDim: 2 }).getConfig().config.maskZero).toBe(false);
    const back = deserializeModule(serializeModule(m)) as ReturnType<typeof sequential>;
    const e = back.layers[0] as Embedding;
    expect(e).toBeInstanceOf(Embedding);
    expect(e.maskZero).toBe(true);
    const ids = padIds('right');
    expect(e.computeMask(ids)?.arraySync()).toEqual((ids.arraySync() as number[][]).map((r) => r.map((v) => (v !== 0 ? 1 : 0))));
    expect(() => new Embedding({ inputDim: 3, outputDim: 2, maskZero: 'yes' as unknown as boolean })).toThrow(/maskZero/);
  });
});
