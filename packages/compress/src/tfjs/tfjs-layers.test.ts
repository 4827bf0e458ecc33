// Checked by the other side's own code: tfjs-layers (`@tensorflow/tfjs`) loads what Tessera
// exports, and Tessera imports what tfjs-layers saves; predictions must agree within 1e-5.
import * as tf from '@tensorflow/tfjs';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import {
  activation,
  add,
  batchNormalization,
  concatenate,
  conv2d,
  dense,
  dropout,
  flatten,
  globalAvgPool2d,
  input,
  layerNormalization,
  lstm,
  maxPool2d,
  model,
  reshape,
  sequential,
} from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { randomNormal, randomUniform, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { toTfjsLayers } from './export.js';
import { fromTfjsLayers } from './import.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const maxDiff = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  return Math.max(...Array.from(x, (v, i) => Math.abs(v - (y[i] as number))));
};

function artifacts(exported: ReturnType<typeof toTfjsLayers>): tf.io.ModelArtifacts {
  const { modelJson, weightSpecs, weightData } = exported;
  return {
    modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData: weightData.slice().buffer,
  };
}

/** Pushes a batch of BN statistics away from 0/1 so the moving averages matter. */
async function shiftStatistics(m: { call: (x: Tensor, o: { training: boolean }) => unknown }, x: Tensor) {
  for (let i = 0; i < 3; i++) tf.dispose(m.call(x, { training: true }) as Tensor);
}

describe('Tessera → tfjs-layers', () => {
  it('a Sequential CNN loads with tf.loadLayersModel and predicts the same (≤ 1e-5)', async () => {
    const m = sequential([
      reshape([8, 8, 2]),
      conv2d(6, 3, { activation: 'relu', padding: 'same', seed: 1 }),
      maxPool2d(2),
      conv2d(4, 2, { seed: 2 }),
      batchNormalization(),
      activation('tanh'),
      flatten(),
      dropout(0.3),
      dense(5, { activation: 'softmax', seed: 3 }),
    ]);
    const x = randomNormal([4, 128], 0, 1, 'float32', 4);
    await shiftStatistics(m, x);
    const exported = toTfjsLayers(m, { inputShape: [128] });
    expect(exported.modelJson.format).toBe('layers-model');
    expect(exported.shards.length).toBe(1);
    const names = m.layers.map((l) => l.name);
    const ours = m.call(x);
    // tfjs-layers names its variables `layer/weight` in the one shared engine without deduplicating
    // against variables that exist: free Tessera's before tfjs builds its copy
    m.dispose();
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts(exported)));
    expect(loaded.layers.map((l) => l.name)).toEqual(names);
    const theirs = loaded.predict(x) as tf.Tensor;
    expect(maxDiff(ours, theirs)).toBeLessThanOrEqual(1e-5);
    // and back: Tessera reads its own export to the same predictions
    const again = fromTfjsLayers(exported.modelJson, exported.shards);
    const back = again.call(x) as Tensor;
    expect(maxDiff(ours, back)).toBe(0);
    tf.dispose([x, ours, theirs, back]);
    loaded.dispose();
    again.dispose();
  });

  it('a functional graph (add, concatenate, layer norm, global pooling) and sharded weights', async () => {
    const a = input({ shape: [6, 6, 3], name: 'image' });
    const c = conv2d(4, 3, { padding: 'same', activation: 'relu', seed: 5 }).call(a);
    const p = globalAvgPool2d().call(c);
    const h = dense(8, { activation: 'relu', seed: 6 }).call(p);
    const s = add([h, dense(8, { seed: 7 }).call(p)]);
    const n = layerNormalization().call(s);
    const out = dense(3, { seed: 8 }).call(concatenate([n, dense(2, { activation: 'sigmoid', seed: 9 }).call(p)]));
    const m = model({ inputs: a, outputs: out });
    const x = randomUniform([5, 6, 6, 3], -1, 1, 'float32', 10);
    const ours = m.call(x) as Tensor;
    const exported = toTfjsLayers(m, { shardBytes: 256 });
    m.dispose();
    expect(exported.shards.length).toBeGreaterThan(2);
    expect(exported.modelJson.weightsManifest[0]?.paths[0]).toBe(`group1-shard1of${exported.shards.length}.bin`);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts(exported)));
    const theirs = loaded.predict(x) as tf.Tensor;
    expect(maxDiff(ours, theirs)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, ours, theirs]);
    loaded.dispose();
  });

  it('quantized weights (uint8, uint16, float16) use tfjs manifest quantization and tfjs dequantizes them as Tessera does', async () => {
    const m = sequential([dense(16, { activation: 'relu', seed: 11, inputShape: [10] }), dense(4, { seed: 12 })]);
    const x = randomNormal([6, 10], 0, 1, 'float32', 13);
    const ours = m.call(x);
    const exports = (['uint8', 'uint16', 'float16'] as const).map((q) => toTfjsLayers(m, { quantize: q }));
    m.dispose();
    for (const [k, [dtype, bytesPer, tol]] of [
      ['uint8', 1, 0.05],
      ['uint16', 2, 5e-4],
      ['float16', 2, 5e-3],
    ].entries() as IterableIterator<[number, ['uint8' | 'uint16' | 'float16', number, number]]>) {
      const exported = exports[k] as ReturnType<typeof toTfjsLayers>;
      expect(exported.weightData.byteLength).toBe((10 * 16 + 16 + 16 * 4 + 4) * bytesPer);
      const spec = exported.weightSpecs[0];
      expect(spec?.quantization?.dtype).toBe(dtype);
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts(exported)));
      const theirs = loaded.predict(x) as tf.Tensor;
      const imported = fromTfjsLayers(exported.modelJson, exported.weightData);
      const back = imported.call(x) as Tensor;
      loaded.dispose();
      expect(maxDiff(back, theirs)).toBeLessThanOrEqual(1e-5); // same dequantized weights
      const err = maxDiff(ours, theirs);
      expect(err).toBeGreaterThan(0);
      expect(err).toBeLessThan(tol);
      tf.dispose([theirs, back]);
      imported.dispose();
    }
    tf.dispose([x, ours]);
  });

  it('an unsupported layer fails the export with its name', () => {
    const m = sequential([lstm(4), dense(2, { activation: 'leakyRelu' })]);
    m.call(randomNormal([1, 3, 2]));
    expect(() => toTfjsLayers(m, { inputShape: [3, 2] })).toThrow(/unsupported: lstm \(LSTM\)/);
    const d = sequential([dense(2, { activation: 'leakyRelu', inputShape: [3] })]);
    d.call(randomNormal([1, 3]));
    expect(() => toTfjsLayers(d)).toThrow(/layer "dense_\d*" activation|layer "dense" activation/);
    m.dispose();
    d.dispose();
  });
});

describe('tfjs-layers → Tessera', () => {
  async function saved(m: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
    let out: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (a) => {
        out = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    return out as tf.io.ModelArtifacts;
  }

  it('imports a Sequential CNN created and saved by tfjs-layers and matches its predictions', async () => {
    const t = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [10, 10, 1],
          filters: 5,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: 'glorotNormal',
          biasInitializer: 'randomNormal',
        }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.batchNormalization({ movingMeanInitializer: 'randomUniform', movingVarianceInitializer: 'ones' }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 4, activation: 'softmax', biasInitializer: 'randomNormal' }),
      ],
    });
    const a = await saved(t);
    const before = tensorCount();
    const m = fromTfjsLayers(
      { modelTopology: a.modelTopology as Record<string, unknown>, weightSpecs: a.weightSpecs as never },
      a.weightData as ArrayBuffer,
    );
    expect(m.layers.map((l) => l.name)).toEqual(t.layers.map((l) => l.name));
    const x = randomNormal([3, 10, 10, 1], 0, 1, 'float32', 14);
    const ours = m.call(x) as Tensor;
    const theirs = t.predict(x) as tf.Tensor;
    expect(maxDiff(ours, theirs)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, ours, theirs]);
    m.dispose();
    expect(tensorCount()).toBe(before);
    t.dispose();
  });

  it('imports a functional tfjs model (two inputs, add, concatenate, layer norm)', async () => {
    const i1 = tf.input({ shape: [5] });
    const i2 = tf.input({ shape: [3] });
    const h = tf.layers.dense({ units: 6, activation: 'tanh' }).apply(i1) as tf.SymbolicTensor;
    const g = tf.layers.dense({ units: 6, biasInitializer: 'randomNormal' }).apply(i2) as tf.SymbolicTensor;
    const s = tf.layers.add().apply([h, g]) as tf.SymbolicTensor;
    const n = tf.layers.layerNormalization().apply(s) as tf.SymbolicTensor;
    const cat = tf.layers.concatenate().apply([n, i2]) as tf.SymbolicTensor;
    const o = tf.layers.dense({ units: 2, activation: 'sigmoid' }).apply(cat) as tf.SymbolicTensor;
    const t = tf.model({ inputs: [i1, i2], outputs: o });
    const a = await saved(t);
    const m = fromTfjsLayers(
      { modelTopology: a.modelTopology as Record<string, unknown>, weightSpecs: a.weightSpecs as never },
      a.weightData as ArrayBuffer,
    );
    const x1 = randomNormal([4, 5], 0, 1, 'float32', 15);
    const x2 = randomNormal([4, 3], 0, 1, 'float32', 16);
    const ours = m.call([x1, x2]) as Tensor;
    const theirs = t.predict([x1, x2]) as tf.Tensor;
    expect(maxDiff(ours, theirs)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x1, x2, ours, theirs]);
    m.dispose();
    t.dispose();
  });

  it('imports a layer shared by two calls (two inbound nodes), and writes it back', async () => {
    const i1 = tf.input({ shape: [4] });
    const i2 = tf.input({ shape: [4] });
    const shared = tf.layers.dense({ units: 3, activation: 'relu', biasInitializer: 'randomNormal' });
    const a1 = shared.apply(i1) as tf.SymbolicTensor;
    const a2 = shared.apply(i2) as tf.SymbolicTensor;
    const o = tf.layers.dense({ units: 1 }).apply(tf.layers.concatenate().apply([a1, a2]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const t = tf.model({ inputs: [i1, i2], outputs: o });
    const a = await saved(t);
    const m = fromTfjsLayers(
      { modelTopology: a.modelTopology as Record<string, unknown>, weightSpecs: a.weightSpecs as never },
      a.weightData as ArrayBuffer,
    );
    expect(Object.keys(m.parameters()).length).toBe(4); // the shared kernel and bias once
    const x1 = randomNormal([3, 4], 0, 1, 'float32', 17);
    const x2 = randomNormal([3, 4], 0, 1, 'float32', 18);
    const ours = m.call([x1, x2]) as Tensor;
    const theirs = t.predict([x1, x2]) as tf.Tensor;
    expect(maxDiff(ours, theirs)).toBeLessThanOrEqual(1e-5);
    const exported = toTfjsLayers(m);
    t.dispose();
    m.dispose();
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts(exported)));
    const again = reloaded.predict([x1, x2]) as tf.Tensor;
    expect(maxDiff(again, theirs)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x1, x2, ours, theirs, again]);
    reloaded.dispose();
  });

  it('names an unsupported tfjs layer', async () => {
    const t = tf.sequential({ layers: [tf.layers.simpleRNN({ inputShape: [3, 2], units: 2 })] });
    const a = await saved(t);
    expect(() =>
      fromTfjsLayers(
        { modelTopology: a.modelTopology as Record<string, unknown>, weightSpecs: a.weightSpecs as never },
        a.weightData as ArrayBuffer,
      ),
    ).toThrow(/SimpleRNN/);
    t.dispose();
  });
});
