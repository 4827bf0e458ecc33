import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { conv2d, dense, gru, input, layerNormalization, model, multiHeadAttention, rmsNormalization, sequential } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { decodeSafetensors, randomNormal, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportTorchSafetensors, fromTorchStateDict, importTorchSafetensors, toTorchStateDict } from './state-dict.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const values = (t: Tensor) => Array.from(t.dataSync());

describe('toTorchStateDict', () => {
  it('names Sequential layers by index and transposes Linear weights to [out, in]', () => {
    const m = sequential([dense(3, { seed: 1 }), dense(2, { useBias: false, seed: 2 })], { inputShape: [4] });
    const sd = toTorchStateDict(m);
    expect(Object.keys(sd)).toEqual(['0.weight', '0.bias', '1.weight']);
    expect(sd['0.weight']?.shape).toEqual([3, 4]);
    const k = m.variables()[`${m.layers[0]?.name}/kernel`] as Tensor;
    // weight[o][i] = kernel[i][o]
    expect(sd['0.weight']?.arraySync()).toEqual(
      (k.arraySync() as number[][])[0]?.map((_, o) => (k.arraySync() as number[][]).map((row) => row[o])),
    );
    for (const t of Object.values(sd)) t.dispose();
  });

  it('lays conv kernels out as [out, in, kh, kw]', () => {
    const m = sequential([conv2d(5, [3, 2], { seed: 3 })], { inputShape: [6, 6, 4] });
    const sd = toTorchStateDict(m);
    expect(sd['0.weight']?.shape).toEqual([5, 4, 3, 2]);
    const k = m.variables()[`${m.layers[0]?.name}/kernel`]?.arraySync() as number[][][][];
    const w = sd['0.weight']?.arraySync() as number[][][][];
    expect(w[4]?.[1]?.[2]?.[0]).toBe(k[2]?.[0]?.[1]?.[4]);
    for (const t of Object.values(sd)) t.dispose();
  });

  it('round-trips through safetensors into a fresh model without leaking', () => {
    const build = (seed: number) => {
      const x = input({ shape: [4, 6], name: 'x' });
      const a = multiHeadAttention(2, 3, { name: 'mha', seed }).call(x);
      const h = layerNormalization({ name: 'ln' }).call(a);
      return model({ inputs: x, outputs: gru(3, { name: 'gru', seed: seed + 1 }).call(h) });
    };
    const src = build(1);
    const dst = build(10);
    const before = tensorCount();
    const bytes = exportTorchSafetensors(src);
    importTorchSafetensors(dst, bytes);
    expect(tensorCount()).toBe(before);
    const names = Object.keys(decodeSafetensors(bytes).tensors).sort();
    expect(names).toEqual([
      'gru.bias_hh_l0',
      'gru.bias_ih_l0',
      'gru.weight_hh_l0',
      'gru.weight_ih_l0',
      'ln.bias',
      'ln.weight',
      'mha.in_proj_bias',
      'mha.in_proj_weight',
      'mha.out_proj.bias',
      'mha.out_proj.weight',
    ]);
    for (const [k, v] of Object.entries(src.variables())) expect(values(dst.variables()[k] as Tensor)).toEqual(values(v));
    const x = randomNormal([2, 4, 6], 0, 1, 'float32', 3);
    expect(values(dst.call(x) as Tensor)).toEqual(values(src.call(x) as Tensor));
  });
});

describe('errors', () => {
  it('names a missing entry and a wrong shape', () => {
    const m = sequential([dense(3)], { inputShape: [4] });
    const sd = toTorchStateDict(m);
    expect(() => fromTorchStateDict(m, { '0.weight': sd['0.weight'] as Tensor })).toThrow(/dense\/bias \(module 0\)/);
    expect(() => fromTorchStateDict(m, { '0.weight': sd['0.bias'] as Tensor, '0.bias': sd['0.bias'] as Tensor })).toThrow(/shape/);
    for (const t of Object.values(sd)) t.dispose();
  });
  it('names a layer class or a layout without a torch form', () => {
    const x = input({ shape: [4, 6] });
    const m = model({ inputs: x, outputs: multiHeadAttention(2, 3, { causal: true, seed: 1 }).call(x) });
    // attention with projections that are not square has no nn.MultiheadAttention form
    const y = input({ shape: [4, 5] });
    const odd = model({ inputs: y, outputs: multiHeadAttention(2, 3, { seed: 1 }).call(y) });
    expect(() => toTorchStateDict(odd)).toThrow(/square projections/);
    const sd = toTorchStateDict(m);
    expect(Object.keys(sd).length).toBe(4);
    for (const t of Object.values(sd)) t.dispose();
    expect(() => toTorchStateDict(sequential([rmsNormalization()], { inputShape: [4] }))).toThrow(/RMSNormalization/);
  });
});
