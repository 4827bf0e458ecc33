import { cpu } from '@tessera/backend-cpu';
import { useBackend, ValueError } from '@tessera/core';
import { ones, type Tensor, zeros } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  batchNormalization,
  bidirectional,
  conv2d,
  dense,
  deserializeModule,
  dropout,
  flatten,
  input,
  lstm,
  maxPool2d,
  model,
  type Sequential,
  sequential,
  serializeModule,
} from '../index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const keys = (m: { variables(): object }) => Object.keys(m.variables());

function convnet(): Sequential {
  return sequential([conv2d(4, 3), maxPool2d(2), conv2d(8, 3), maxPool2d(2), flatten(), dropout(0.5), batchNormalization(), dense(10)], {
    inputShape: [12, 12, 1],
  });
}

describe('layer names are scoped per model', () => {
  it('a model gets the same names whatever was constructed before it', () => {
    const a = sequential([dense(3), dense(2), batchNormalization()]);
    a.build([null, 4]);
    const b1 = convnet();
    dense(5, { inputShape: [2] });
    const b2 = convnet();
    expect(keys(b1)).toEqual(keys(b2));
    expect(b1.layers.map((l) => l.name)).toEqual([
      'conv2d',
      'max_pool2d',
      'conv2d_1',
      'max_pool2d_1',
      'flatten',
      'dropout',
      'batch_normalization',
      'dense',
    ]);
    expect(keys(b1)).toEqual([
      'conv2d/kernel',
      'conv2d/bias',
      'conv2d_1/kernel',
      'conv2d_1/bias',
      'batch_normalization/gamma',
      'batch_normalization/beta',
      'dense/kernel',
      'dense/bias',
      'batch_normalization/moving_mean',
      'batch_normalization/moving_variance',
    ]);
  });

  it('automatic names follow construction order, as a process-wide counter did', () => {
    const late = dense(1);
    const early = dense(2);
    const x = input({ shape: [3] });
    const m = model({ inputs: x, outputs: late.call(early.call(x)) });
    expect([late.name, early.name]).toEqual(['dense', 'dense_1']);
    expect(m.inputNames).toEqual(['input']);
  });

  it('explicit names are kept, automatic ones avoid them, duplicates are a ValueError', () => {
    const m = sequential([dense(2), dense(2, { name: 'dense' }), dense(2, { name: 'dense_1' })]);
    expect(m.layers.map((l) => l.name)).toEqual(['dense_2', 'dense', 'dense_1']);
    const make = () => sequential([dense(2, { name: 'head' }), dense(2, { name: 'head' })], { name: 'twins' });
    expect(make).toThrow(ValueError);
    expect(make).toThrow('twins layer names: expected unique layer names within one model');
    expect(make).toThrow(/two layers named .*head.* \(Dense and Dense\)/);
  });

  it('a nested model keeps its own names; the outer model avoids them', () => {
    const inner = sequential([dense(4), dense(4)], { inputShape: [3] });
    expect(keys(inner)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    const outer = sequential([inner, dense(1)]);
    expect(keys(inner)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    expect(outer.layers.map((l) => l.name)).toEqual(['sequential', 'dense_2']);
    expect(outer.call(zeros([2, 3])).shape).toEqual([2, 1]);
    expect(Object.keys(outer.parameters())).toHaveLength(6);
  });

  it('two nested models whose names collide are a ValueError, not silently shared keys', () => {
    const g = sequential([dense(4)], { inputShape: [3] });
    const d = sequential([dense(3)], { inputShape: [4] });
    expect(() => sequential([g, d], { name: 'gan' })).toThrow('gan layer names: expected unique layer names within one model');
    const d2 = sequential([dense(3, { name: 'critic_out' })], { inputShape: [4] });
    expect(Object.keys(sequential([g, d2]).parameters())).toEqual(['dense/kernel', 'dense/bias', 'critic_out/kernel', 'critic_out/bias']);
  });

  it('a layer joining a model takes the model name everywhere, apply included', () => {
    const first = dense(2, { kernelInitializer: 'ones' });
    const second = dense(2, { kernelInitializer: 'ones', inputShape: [2] });
    const m = sequential([first, second]);
    expect(second.name).toBe('dense_1');
    expect(Object.keys(second.parameters())).toEqual(['dense_1/kernel', 'dense_1/bias']);
    const y = m.apply({ 'dense_1/kernel': zeros([2, 2]) }, ones([1, 2])) as Tensor;
    expect(Array.from(y.dataSync())).toEqual([0, 0]);
  });

  it('Bidirectional names its backward copy after itself and the forward layer', () => {
    const m = sequential([lstm(2, { returnSequences: true }), bidirectional(lstm(2))], { inputShape: [3, 2] });
    expect(keys(m)).toEqual([
      'lstm/kernel',
      'lstm/recurrent_kernel',
      'lstm/bias',
      'lstm_1/kernel',
      'lstm_1/recurrent_kernel',
      'lstm_1/bias',
      'bidirectional_backward_lstm_1/kernel',
      'bidirectional_backward_lstm_1/recurrent_kernel',
      'bidirectional_backward_lstm_1/bias',
    ]);
    const copy = deserializeModule(serializeModule(m));
    expect(keys(copy)).toEqual(keys(m));
  });

  it('Sequential.add names the new layer within the model', () => {
    const m = sequential([dense(2, { name: 'dense_1' })]);
    m.add(dense(1));
    m.add(dense(1));
    expect(m.layers.map((l) => l.name)).toEqual(['dense_1', 'dense', 'dense_2']);
    expect(() => m.add(dense(1, { name: 'dense' }))).toThrow(/two layers named .*dense/);
    expect(m.layers).toHaveLength(3);
  });

  it('input layers of a functional model are named in model order: input, input_1', () => {
    const a = input({ shape: [2] });
    const b = input({ shape: [2] });
    const m = model({ inputs: [a, b], outputs: dense(1).call(a) });
    expect(m.inputNames).toEqual(['input', 'input_1']);
  });
});
