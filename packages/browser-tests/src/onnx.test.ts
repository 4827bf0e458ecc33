/// <reference types="vite/client" />
import { cpu } from '@tessera/backend-cpu';
import { exportOnnx } from '@tessera/interop';
import {
  add,
  batchNormalization,
  conv2d,
  dense,
  embedding,
  flatten,
  globalAvgPool1d,
  input,
  type Layer,
  layerNormalization,
  maxPool2d,
  model,
  multiHeadAttention,
  sequential,
} from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { randomNormal, randomUniformInt, tensorCount } from '@tessera/tensor';
// served by Vite from node_modules: the page fetches no file from the network
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import * as ort from 'onnxruntime-web/wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { activate } from './suite.js';

/** Runs `bytes` in onnxruntime-web and returns the worst |ort - Tessera| over every output. */
async function worstDifference(m: Layer<Tensor | Tensor[]>, inputs: Tensor[]): Promise<number> {
  const before = tensorCount();
  const bytes = exportOnnx(m);
  expect(tensorCount()).toBe(before);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((n, i) => {
    const x = inputs[i] as Tensor;
    feeds[n] = new ort.Tensor(x.dtype === 'int32' ? 'int32' : 'float32', x.dataSync() as Float32Array | Int32Array, x.shape);
  });
  const res = await session.run(feeds);
  const ys = m.call(inputs.length === 1 ? (inputs[0] as Tensor) : inputs, { training: false });
  const list = Array.isArray(ys) ? ys : [ys];
  expect(session.outputNames.length).toBe(list.length);
  let worst = 0;
  list.forEach((y, i) => {
    const got = res[session.outputNames[i] as string] as ort.Tensor;
    expect(Array.from(got.dims)).toEqual(y.shape);
    const want = y.dataSync();
    expect(got.data.length).toBe(want.length);
    (got.data as Float32Array).forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - (want[j] as number)));
    });
    y.dispose();
  });
  await session.release();
  return worst;
}

describe('@tessera/interop ONNX export runs in onnxruntime-web in the browser', () => {
  beforeAll(async () => {
    await activate(cpu());
    ort.env.wasm.wasmPaths = { wasm: ortWasm };
    ort.env.wasm.numThreads = 1; // no cross-origin isolation in the test page
  });

  it('loads onnxruntime-web from this origin', () => {
    expect(new URL(ortWasm, location.href).origin).toBe(location.origin);
    expect(globalThis.crossOriginIsolated).toBe(false);
  });

  it('a Sequential CNN (conv, batch norm, pooling, dense) matches Tessera within 1e-5', async () => {
    const m = sequential(
      [
        conv2d(4, 3, { padding: 'same', activation: 'relu', seed: 1 }),
        batchNormalization(),
        maxPool2d(2),
        flatten(),
        dense(8, { activation: 'gelu', seed: 2 }),
        dense(3, { activation: 'softmax', seed: 3 }),
      ],
      { inputShape: [8, 8, 2] },
    );
    const x = randomNormal([4, 8, 8, 2], 0, 1, 'float32', 4);
    // move the batch-norm statistics off 0/1 so inference-mode normalization matters
    const shifted = randomNormal([4, 8, 8, 2], 1, 2, 'float32', 5);
    for (let i = 0; i < 3; i++) (m.call(shifted, { training: true }) as Tensor).dispose();
    shifted.dispose();
    const worst = await worstDifference(m, [x]);
    console.log(`[browser-tests] onnx cnn: max |ort - tessera| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    x.dispose();
    m.dispose();
  });

  it('a functional model (embedding, attention, residual add, layer norm) matches Tessera within 1e-5', async () => {
    const ids = input({ shape: [5], name: 'ids' });
    const e = embedding(12, 8, { seed: 5 }).call(ids);
    const att = multiHeadAttention(2, 4, { seed: 6 }).call(e);
    const h = layerNormalization().call(add([e, att]));
    const out = dense(3, { seed: 7 }).call(globalAvgPool1d().call(h));
    const m = model({ inputs: ids, outputs: out, name: 'attention' });
    const x = randomUniformInt([3, 5], 0, 12, 8);
    const worst = await worstDifference(m, [x]);
    console.log(`[browser-tests] onnx attention: max |ort - tessera| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    x.dispose();
    m.dispose();
  });
});
