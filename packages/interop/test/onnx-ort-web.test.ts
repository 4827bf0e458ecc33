// Exported ONNX models run in onnxruntime (its WebAssembly build, onnxruntime-web, in Node: the
// onnxruntime-node package downloads CUDA libraries at install time, which fails offline) and
// give Tessera's outputs within 1e-5.
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/onnx/export-onnx.js';
import { type Case, caseNames, onnxCases, unsupportedCase } from './onnx-models.js';

let cases: Case[] = [];
beforeAll(async () => {
  await useBackend(cpu());
  ort.env.wasm.numThreads = 1;
  cases = onnxCases();
});

describe('exportOnnx runs in onnxruntime-web with Tessera outputs', () => {
  for (const name of caseNames) {
    it(name, async () => {
      const c = cases.find((k) => k.name === name) as Case;
      const bytes = exportOnnx(c.model);
      const session = await ort.InferenceSession.create(bytes);
      const feeds: Record<string, ort.Tensor> = {};
      session.inputNames.forEach((n, i) => {
        const x = c.inputs[i] as Tensor;
        feeds[n] = new ort.Tensor(x.dtype === 'int32' ? 'int32' : 'float32', x.dataSync() as Float32Array | Int32Array, x.shape);
      });
      const res = await session.run(feeds);
      const ys = c.model.call(c.inputs.length === 1 ? (c.inputs[0] as Tensor) : c.inputs, { training: false });
      const list = Array.isArray(ys) ? ys : [ys];
      expect(session.outputNames.length).toBe(list.length);
      list.forEach((y, i) => {
        const got = res[session.outputNames[i] as string] as ort.Tensor;
        expect(Array.from(got.dims)).toEqual(y.shape);
        const want = y.dataSync();
        let worst = 0;
        (got.data as Float32Array).forEach((v, j) => {
          worst = Math.max(worst, Math.abs(v - (want[j] as number)));
        });
        expect(worst).toBeLessThanOrEqual(1e-5);
        y.dispose();
      });
      await session.release();
    });
  }

  it('names an unsupported layer class', () => {
    expect(() => exportOnnx(unsupportedCase())).toThrow(/Conv2DTranspose/);
  });
});
