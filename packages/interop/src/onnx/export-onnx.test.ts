import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { conv2dTranspose, dense, input, lstm, model, multiHeadAttention, rmsNormalization, sequential } from '@tessera/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('exportOnnx errors name what is not exported', () => {
  it('an unsupported layer class', () => {
    expect(() => exportOnnx(sequential([rmsNormalization()], { inputShape: [4] }))).toThrow(/RMSNormalization/);
    expect(() => exportOnnx(sequential([conv2dTranspose(2, 3)], { inputShape: [4, 4, 1] }))).toThrow(/Conv2DTranspose/);
  });
  it('a recurrent layer that runs backwards', () => {
    expect(() => exportOnnx(sequential([lstm(3, { goBackwards: true })], { inputShape: [4, 2] }))).toThrow(/goBackwards/);
  });
  it('causal attention', () => {
    const x = input({ shape: [4, 6] });
    const m = model({ inputs: x, outputs: multiHeadAttention(2, 3, { causal: true }).call(x) });
    expect(() => exportOnnx(m)).toThrow(/causal/);
  });
  it('a model that is not built, and a plain layer', () => {
    expect(() => exportOnnx(sequential([dense(2)]))).toThrow(/built/);
    expect(() => exportOnnx(dense(2))).toThrow(/Sequential or functional/);
  });
});
