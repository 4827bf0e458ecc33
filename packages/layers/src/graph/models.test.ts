import { cpu } from '@tessera/backend-cpu';
import { rngKey, ShapeError, useBackend, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add as addOp, mean, mul, ones, scope, square, sub, tensorCount, valueAndGrad, variableGrads, zeros } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  add,
  batchNormalization,
  bidirectional,
  concatenate,
  conv2d,
  conv2dTranspose,
  dense,
  deserializeModule,
  dropout,
  embedding,
  flatten,
  groupNormalization,
  gru,
  input,
  l2,
  layerNormalization,
  lstm,
  maxPool2d,
  model,
  rmsNormalization,
  Sequential,
  sequential,
  serializeModule,
  simpleRnn,
} from '../index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('parameter counts match Keras', () => {
  const count = (
    l: { build(s: Array<number | null>): void; countParams(): { total: number; nonTrainable: number } },
    s: Array<number | null>,
  ) => {
    l.build(s);
    return l.countParams();
  };
  it.each([
    ['Dense 784->128', () => dense(128), [null, 784], 100480, 0],
    ['Conv2D 32x3x3 on 1 channel', () => conv2d(32, 3), [null, 28, 28, 1], 320, 0],
    ['Conv2D 64x3x3 on 32 channels', () => conv2d(64, 3), [null, 13, 13, 32], 18496, 0],
    ['Conv2DTranspose 16x3x3 on 8 channels', () => conv2dTranspose(16, 3), [null, 7, 7, 8], 1168, 0],
    ['LSTM 64 on 32 features', () => lstm(64), [null, 10, 32], 24832, 0],
    ['GRU 64 on 32 features (resetAfter)', () => gru(64), [null, 10, 32], 18816, 0],
    ['SimpleRNN 64 on 32 features', () => simpleRnn(64), [null, 10, 32], 6208, 0],
    ['Bidirectional LSTM 64 on 32 features', () => bidirectional(lstm(64)), [null, 10, 32], 49664, 0],
    ['BatchNormalization 64', () => batchNormalization(), [null, 64], 256, 128],
    ['LayerNormalization 64', () => layerNormalization(), [null, 64], 128, 0],
    ['GroupNormalization 64', () => groupNormalization({ groups: 8 }), [null, 64], 128, 0],
    ['RMSNormalization 64', () => rmsNormalization(), [null, 64], 64, 0],
    ['Embedding 1000x64', () => embedding(1000, 64), [null, 20], 64000, 0],
  ] as const)('%s', (_, make, shape, total, nonTrainable) => {
    const c = count(make(), [...shape]);
    expect(c.total).toBe(total);
    expect(c.nonTrainable).toBe(nonTrainable);
  });

  it('summary after a lazy build shows the batch dimension as null', () => {
    const m = sequential([dense(128), dense(10)]);
    m.call(zeros([32, 784]));
    expect(m.summary()).toMatch(/\[null, 128\]\s+100480/);
    expect(m.summary()).toContain('Total params: 101,770');
  });

  it('the Keras MNIST convnet has 34,826 parameters and summary() says so', () => {
    const m = sequential(
      [
        conv2d(32, 3, { activation: 'relu' }),
        maxPool2d(2),
        conv2d(64, 3, { activation: 'relu' }),
        maxPool2d(2),
        flatten(),
        dropout(0.5),
        dense(10),
      ],
      {
        inputShape: [28, 28, 1],
        name: 'mnist_cnn',
      },
    );
    expect(m.countParams().total).toBe(34826);
    const text = m.summary();
    expect(text).toContain('Model: "mnist_cnn"');
    expect(text).toContain('[null, 5, 5, 64]');
    expect(text).toContain('[null, 1600]');
    expect(text).toContain('Total params: 34,826');
    expect(text).toContain('Trainable params: 34,826');
    expect(text).toContain('Non-trainable params: 0');
    expect(text).toMatch(/dense(_\d+)? \(Dense\)\s+\[null, 10\]\s+16010/);
  });
});

describe('errors name the layer, the expected and the received value', () => {
  it('wrong input shape', () => {
    const d = dense(4, { name: 'dense_in', inputShape: [784] });
    expect(() => d.call(zeros([32, 10]))).toThrow(ShapeError);
    expect(() => d.call(zeros([32, 10]))).toThrow('dense_in input: expected shape [null, 784], received [32, 10]');
  });
  it('auto-named layers in a sequential model', () => {
    const m = sequential([dense(8), dense(3)], { inputShape: [784] });
    const first = m.layers[0]?.name as string;
    expect(first).toMatch(/^dense(_\d+)?$/);
    expect(() => m.call(zeros([32, 10]))).toThrow(`${first} input: expected shape [null, 784], received [32, 10]`);
  });
  it('wrong rank for a conv layer', () => {
    expect(() => conv2d(2, 3, { name: 'c2' }).call(zeros([4, 5]))).toThrow(
      'c2 input: expected shape [null, null, null, 5], received [4, 5] (expected rank 4, received rank 2)',
    );
  });
  it('bad options', () => {
    expect(() => dense(-3, { name: 'bad_dense' })).toThrow(ValueError);
    expect(() => dense(-3, { name: 'bad_dense' })).toThrow('bad_dense units: expected a positive integer, received -3');
    expect(() => dense(3, { name: 'bad_act', activation: 'relu6' as never })).toThrow(
      /bad_act activation: expected one of relu, .*received "relu6"/,
    );
    expect(() => dropout(1.5, { name: 'bad_drop' })).toThrow('bad_drop rate: expected a number in [0, 1), received 1.5');
    expect(() => conv2d(4, 3, { name: 'bad_pad', padding: 'full' as never })).toThrow('bad_pad padding');
    expect(() => groupNormalization({ groups: 3, name: 'gn' }).call(zeros([1, 4]))).toThrow(
      'gn groups: expected a divisor of the 4 channels, received 3',
    );
  });
  it('add() of mismatched shapes', () => {
    const a = input({ shape: [3] });
    const b = input({ shape: [4] });
    expect(() => add([a, b], { name: 'res' })).toThrow(/res input 1: expected shape \[null, 3\], received \[null, 4\]/);
  });
});

describe('names', () => {
  it('a standalone layer is named after its class and keys its parameters by that name', () => {
    const a = dense(2, { inputShape: [3] });
    const b = dense(2, { inputShape: [3] });
    expect([a.name, b.name]).toEqual(['dense', 'dense']);
    expect(Object.keys(a.parameters())).toEqual(['dense/kernel', 'dense/bias']);
  });
});

describe('functional models', () => {
  it('multiple inputs and outputs, residual add and concatenate, summary and round trip', () => {
    const a = input({ shape: [4], name: 'a_in' });
    const b = input({ shape: [2], name: 'b_in' });
    const h = dense(4, { activation: 'relu', seed: 1 }).call(a);
    const r = add([a, h]);
    const c = concatenate([r, b]);
    const y1 = dense(1, { seed: 2 }).call(c);
    const y2 = dense(3, { activation: 'softmax', seed: 3 }).call(r);
    const m = model({ inputs: [a, b], outputs: [y1, y2], name: 'two_heads' });
    const out = m.call([ones([5, 4]), ones([5, 2])]) as Tensor[];
    expect(out.map((t) => t.shape)).toEqual([
      [5, 1],
      [5, 3],
    ]);
    expect(m.countParams().total).toBe(4 * 4 + 4 + 6 + 1 + 4 * 3 + 3);
    expect(m.summary()).toContain('a_in (InputLayer)');
    const copy = deserializeModule(serializeModule(m));
    for (const [k, v] of Object.entries(copy.variables())) v.assign(m.variables()[k] as Tensor);
    const out2 = copy.call([ones([5, 4]), ones([5, 2])]) as Tensor[];
    out.forEach((t, i) => {
      expect(Array.from((out2[i] as Tensor).dataSync())).toEqual(Array.from(t.dataSync()));
    });
  });
  it('accepts inputs by name', () => {
    const a = input({ shape: [2], name: 'left' });
    const b = input({ shape: [2], name: 'right' });
    const m = model({ inputs: [a, b], outputs: add([a, b]) });
    expect(m.inputNames).toEqual(['left', 'right']);
    const named: Record<string, Tensor> = { right: ones([1, 2]), left: zeros([1, 2]) };
    const y = m.call(named);
    expect(Array.from((y as Tensor).dataSync())).toEqual([1, 1]);
    const partial: Record<string, Tensor> = { left: ones([1, 2]) };
    expect(() => m.call(partial)).toThrow(/inputs: expected a tensor for every input name \(left, right\)/);
  });

  it('models nest inside sequential models', () => {
    const x = input({ shape: [3] });
    const inner = model({ inputs: x, outputs: dense(2).call(x) });
    const outer = sequential([inner, dense(1)]);
    expect(outer.call(zeros([4, 3])).shape).toEqual([4, 1]);
    expect(outer.countParams().total).toBe(8 + 3);
    const copy = deserializeModule(serializeModule(outer));
    expect(copy).toBeInstanceOf(Sequential);
    expect((copy.call(zeros([4, 3])) as Tensor).shape).toEqual([4, 1]);
  });
  it('a disconnected graph is rejected', () => {
    const a = input({ shape: [3] });
    const b = input({ shape: [3] });
    expect(() => model({ inputs: a, outputs: add([a, b]) })).toThrow(ValueError);
  });
});

describe('the trainer contract', () => {
  it('builds on a first call outside a tape, then trains inside variableGrads with a constant tensor count', () => {
    const m = sequential([dense(8, { activation: 'relu', kernelRegularizer: l2(1e-3) }), batchNormalization(), dropout(0.5), dense(1)]);
    const x = ones([4, 3]);
    const y = zeros([4, 1]);
    scope(() => m.call(x, { training: false }));
    expect(m.built).toBe(true);
    const params = Object.values(m.parameters());
    expect(params.length).toBe(6);
    expect(Object.keys(m.state()).length).toBe(2);
    const counts: number[] = [];
    for (let step = 0; step < 4; step++) {
      scope(() => {
        const { grads } = variableGrads(() => {
          const p = m.call(x, { training: true, rng: rngKey(step) });
          const reg = m.regularizationLoss();
          const data = mean(square(sub(p, y)));
          return (reg ? addOp(data, reg) : data) as never;
        }, params);
        for (const v of params) v.assign(sub(v, mul(grads[v.name] as Tensor, 0.01)));
      });
      counts.push(tensorCount());
    }
    expect(new Set(counts).size).toBe(1);
  });
  it('building lazily inside a gradient tape also works', () => {
    const d = dense(2, { kernelInitializer: 'ones' });
    const x = ones([2, 3]);
    const before = tensorCount();
    const g = scope(() => valueAndGrad((t: Tensor) => mean(d.call(t)))(x).grad);
    expect(d.built).toBe(true);
    // d mean / d x = row sums of the kernel / (batch * units) = 2 / 4
    expect(Array.from(g.dataSync())).toEqual(new Array(6).fill(0.5));
    g.dispose();
    expect(tensorCount()).toBe(before + 2); // the two new variables
  });
});

describe('apply (functional forward pass)', () => {
  it('uses the given tensors instead of the variables, and gradients flow to them', async () => {
    const { grads, mul: mulOp, tensor } = await import('@tessera/tensor');
    const { lstm: lstmF, dense: denseF, sequential: seq } = await import('../index.js');
    const m = seq([lstmF(3, { seed: 1 }), denseF(2, { seed: 2 })], { inputShape: [4, 2] });
    const x = tensor(
      Array.from({ length: 16 }, (_, i) => Math.sin(i)),
      [2, 4, 2],
    );
    const names = Object.keys(m.parameters());
    const doubled = Object.fromEntries(names.map((k) => [k, mulOp(m.parameters()[k] as Tensor, 2)]));
    const viaApply = Array.from(m.apply(doubled, x).dataSync());
    const before = Array.from(m.call(x).dataSync());
    expect(viaApply).not.toEqual(before);
    for (const k of names) m.parameters()[k]?.assign(doubled[k] as Tensor);
    const viaAssign = Array.from(m.call(x).dataSync());
    viaApply.forEach((v, i) => {
      expect(Math.abs(v - (viaAssign[i] as number))).toBeLessThan(1e-6);
    });
    const tensors = names.map((k) => doubled[k] as Tensor);
    const g = grads((...ps: Tensor[]) => mean(m.apply(Object.fromEntries(names.map((k, i) => [k, ps[i] as Tensor])), x)))(tensors);
    expect(g.length).toBe(names.length);
    for (const t of g) expect(Array.from(t.dataSync()).some((v) => v !== 0)).toBe(true);
  });
});
