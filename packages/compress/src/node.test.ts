// The folder helpers checked by tfjs-layers itself: `tf.loadLayersModel` reads the folder that
// saveTfjsLayers writes (through an IOHandler that reads those files, as tfjs-node's file:// handler
// does), and loadTfjsLayers reads a folder written from a tfjs-layers model's own `save`.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cpu } from '@tessera/backend-cpu';
import { FormatError, useBackend, ValueError } from '@tessera/core';
import { add, conv2d, dense, flatten, input, layerNormalization, maxPool2d, model, sequential } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { randomNormal, tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBundle } from '../../../test-support/browser-bundle.js';
import { loadTfjsLayers, saveTfjsLayers } from './node.js';

let root = '';
let n = 0;
const fresh = () => join(root, `m${n++}`);
beforeAll(async () => {
  await useBackend(cpu());
  root = mkdtempSync(join(tmpdir(), 'tessera-compress-node-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const maxDiff = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  return Math.max(...Array.from(x, (v, i) => Math.abs(v - (y[i] as number))));
};

/** A tfjs IOHandler reading a model folder from disk (what tfjs-node's `file://` loader does). */
function fileLoader(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      const groups = json.weightsManifest;
      const bytes = groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
      const weightData = new Uint8Array(Buffer.concat(bytes)).buffer;
      return { modelTopology: json.modelTopology, weightSpecs: groups.flatMap((g) => g.weights), weightData };
    },
  };
}

/** A tfjs IOHandler writing `model.json` + one shard into a folder (tfjs-node's `file://` layout). */
function fileSaver(dir: string): tf.io.IOHandler {
  return {
    save: async (a) => {
      const data = a.weightData;
      const parts = data === undefined ? [] : Array.isArray(data) ? data : [data];
      writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat(parts.map((b) => new Uint8Array(b))));
      const modelJson = {
        modelTopology: a.modelTopology,
        format: a.format ?? 'layers-model',
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy ?? null,
        weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  };
}

describe('saveTfjsLayers → tf.loadLayersModel', () => {
  it('a Sequential CNN written in several shards loads in tfjs-layers with the same predictions (≤ 1e-5)', async () => {
    const m = sequential([
      conv2d(4, 3, { activation: 'relu', padding: 'same', seed: 1 }),
      maxPool2d(2),
      flatten(),
      dense(6, { activation: 'tanh', seed: 2 }),
      dense(3, { activation: 'softmax', seed: 3 }),
    ]);
    const x = randomNormal([5, 8, 8, 2], 0, 1, 'float32', 4);
    const ours = m.call(x) as Tensor;
    const dir = fresh();
    const before = tensorCount();
    const files = await saveTfjsLayers(m, dir, { inputShape: [8, 8, 2], shardBytes: 512 });
    expect(tensorCount()).toBe(before);
    const written = readdirSync(dir).sort();
    expect(files.modelJson).toBe(join(dir, 'model.json'));
    expect(files.shards.length).toBeGreaterThan(1);
    expect(written).toEqual(['model.json', ...files.shards.map((p) => p.slice(dir.length + 1))].sort());
    // every shard is at most 512 bytes and together they hold every float weight once
    const sizes = files.shards.map((p) => readFileSync(p).byteLength);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(512);
    const nWeights = Object.values(m.parameters()).reduce((a, v) => a + v.size, 0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(4 * nWeights);
    // tfjs-layers names its variables as Tessera does in the one shared engine: free ours first
    m.dispose();
    const loaded = await tf.loadLayersModel(fileLoader(dir));
    const theirs = loaded.predict(x) as tf.Tensor;
    expect(maxDiff(ours, theirs)).toBeLessThanOrEqual(1e-5);
    // and Tessera reads its folder back to exactly its own predictions
    const again = await loadTfjsLayers(join(dir, 'model.json'));
    const back = again.call(x) as Tensor;
    expect(maxDiff(ours, back)).toBe(0);
    tf.dispose([x, ours, theirs, back]);
    loaded.dispose();
    again.dispose();
  });

  it('uint8-quantized weights: tfjs and loadTfjsLayers dequantize the folder to the same predictions', async () => {
    const a = input({ shape: [5], name: 'features' });
    const h = dense(8, { activation: 'relu', seed: 7 }).call(a);
    const g = dense(8, { seed: 8 }).call(a);
    const s = layerNormalization().call(add([h, g]));
    const m = model({ inputs: a, outputs: dense(2, { seed: 9 }).call(s) });
    const x = randomNormal([4, 5], 0, 1, 'float32', 10);
    tf.dispose(m.call(x));
    const dir = fresh();
    await saveTfjsLayers(m, dir, { quantize: 'uint8' });
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0];
    expect(manifest.weights.every((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'uint8')).toBe(true);
    m.dispose();
    const ours = await loadTfjsLayers(dir);
    const y = ours.call(x) as Tensor;
    ours.dispose();
    const loaded = await tf.loadLayersModel(fileLoader(dir));
    const theirs = loaded.predict(x) as tf.Tensor;
    expect(maxDiff(y, theirs)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, y, theirs]);
    loaded.dispose();
  });
});

describe('tfjs-layers save → loadTfjsLayers', () => {
  it('reads a folder written by a tfjs-layers model save and predicts the same (≤ 1e-5)', async () => {
    const t = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [6], units: 7, activation: 'relu', biasInitializer: 'randomNormal' }),
        tf.layers.dense({ units: 3, activation: 'sigmoid', biasInitializer: 'randomNormal' }),
      ],
    });
    const dir = fresh();
    mkdirSync(dir);
    await t.save(fileSaver(dir));
    expect(readdirSync(dir).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const before = tensorCount();
    const m = await loadTfjsLayers(dir);
    expect(m.layers.map((l) => l.name)).toEqual(t.layers.map((l) => l.name));
    const x = randomNormal([4, 6], 0, 1, 'float32', 11);
    const ours = m.call(x) as Tensor;
    const theirs = t.predict(x) as tf.Tensor;
    expect(maxDiff(ours, theirs)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, ours, theirs]);
    m.dispose();
    expect(tensorCount()).toBe(before);
    t.dispose();
  });

  it('rejects a folder without a model.json, a malformed one, and a weight path outside the folder', async () => {
    const dir = fresh();
    await expect(saveTfjsLayers(sequential([dense(1)]), '')).rejects.toThrow(ValueError);
    await expect(loadTfjsLayers(dir)).rejects.toThrow(/ENOENT/);
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), '{ not json');
    await expect(loadTfjsLayers(dir)).rejects.toThrow(FormatError);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: {} }));
    await expect(loadTfjsLayers(dir)).rejects.toThrow(/no modelTopology and weightsManifest/);
    const topo = { class_name: 'Sequential', config: { layers: [] } };
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ modelTopology: topo, weightsManifest: [{ paths: ['../x.bin'], weights: [] }] }),
    );
    await expect(loadTfjsLayers(dir)).rejects.toThrow(/"\.\.\/x\.bin" is not a file inside the model folder/);
  });
});

describe('entry points', () => {
  it('the main entry bundles for the browser without Node builtins; files live in ./node', async () => {
    const bundle = (entry: string) => browserBundle(new URL(entry, import.meta.url));
    const text = await bundle('./index.ts');
    expect(text).toContain('function toTfjsLayers(');
    expect(text).not.toMatch(/["'](node:)?(fs|path|zlib|module|fs\/promises)["']/);
    await expect(bundle('./node.ts')).rejects.toThrow(/fs\/promises|path/);
  });
});
