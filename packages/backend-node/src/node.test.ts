import { BackendUnavailableError, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { node } from './node.js';
import { checkTensorflowVersion, TESTED_TENSORFLOW_VERSIONS, tensorflowVersion } from './tensorflow-version.js';
import { tfjsNodePlugin } from './tfjs-node-plugin.js';

/** tfjs-node is installed by `npm run setup:native` (or a networked `npm install @tensorflow/tfjs-node`). */
const installed = await node().isAvailable();
const NOT_INSTALLED = '@tensorflow/tfjs-node is not installed here (run `npm run setup:native`)';
const userSetOneDnn = process.env.TF_ENABLE_ONEDNN_OPTS;

describe('node()', () => {
  it('describes itself', () => {
    const p = node();
    expect(p.name).toBe('node');
    expect(p.tfjsName).toBe('tensorflow');
    expect(p.priority).toBe(40);
  });
  it.skipIf(installed)('without @tensorflow/tfjs-node: unavailable, with set-up and install instructions', async () => {
    expect(await node().isAvailable()).toBe(false);
    const err = await useBackend(node()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toContain('npm run setup:native');
    expect((err as Error).message).toContain('npm install @tensorflow/tfjs-node@4.22.0');
  });
  it('with @tensorflow/tfjs-node installed: activates TensorFlow 2.21 with oneDNN off and computes', async (ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const tf = await import('@tensorflow/tfjs-core');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(tensorflowVersion()).toBe('2.21.0');
    expect(TESTED_TENSORFLOW_VERSIONS).toContain(tensorflowVersion());
    expect(process.env.TF_ENABLE_ONEDNN_OPTS).toBe(userSetOneDnn ?? '0');
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[4], [5], [6]])));
    expect(Array.from(await y.data())).toEqual([32]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  it("registers @tessera/kernels' fixes for wrong int32 results (Round gave zeros, IsNan/IsFinite threw)", async (ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    await useBackend(node());
    const tf = await import('@tensorflow/tfjs-core');
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([-3, 0, 7], 'int32');
    const f = tf.tensor1d([-1.6, 2.5, 0.4]);
    const [r, nan, finite, rf] = [tf.round(x), tf.isNaN(x), tf.isFinite(x), tf.round(f)];
    expect(r.dtype).toBe('int32');
    expect(Array.from(await r.data())).toEqual([-3, 0, 7]);
    expect(Array.from(await nan.data())).toEqual([0, 0, 0]);
    expect(Array.from(await finite.data())).toEqual([1, 1, 1]);
    expect(Array.from(await rf.data())).toEqual([-2, 2, 0]);
    tf.dispose([x, f, r, nan, finite, rf]);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('refuses an untested TensorFlow version, naming both, unless allowUntestedTensorflow', async (ctx) => {
    if (!installed) ctx.skip(NOT_INSTALLED);
    const flavor = { name: 'node', pkg: '@tensorflow/tfjs-node', priority: 40, requirements: 'r', testedTensorflow: ['2.20.0'] } as const;
    const err = await tfjsNodePlugin(flavor)
      .load()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toContain('expected TensorFlow 2.20.0, received TensorFlow 2.21.0');
    expect((err as Error).message).toContain('allowUntestedTensorflow: true');
    await tfjsNodePlugin({ ...flavor, allowUntestedTensorflow: true }).load();
    expect(tensorflowVersion()).toBe('2.21.0');
  });
});

describe('checkTensorflowVersion', () => {
  it('passes tested versions and refuses others with the expected and received versions', () => {
    expect(() => checkTensorflowVersion('node', '2.21.0', ['2.21.0'], false)).not.toThrow();
    expect(() => checkTensorflowVersion('node', '2.9.1', ['2.21.0'], true)).not.toThrow();
    const err = (() => {
      try {
        checkTensorflowVersion('node', '2.9.1', ['2.21.0'], false);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toBe(
      'backend "node" is unavailable: untested TensorFlow version: expected TensorFlow 2.21.0, received TensorFlow 2.9.1. ' +
        "Tessera's conformance suite has not run on 2.9.1 (tfjs-node's own install downloads 2.9.1; in the Tessera repository " +
        '`npm run setup:native` builds it against 2.21.0). Pass `node({ allowUntestedTensorflow: true })` to use it anyway.',
    );
  });
});

describe('fileUrl (the specifier load() imports)', () => {
  it('turns POSIX and Windows paths into file URLs Node can import', async () => {
    const { fileUrl } = await import('./tfjs-node-plugin.js');
    expect(fileUrl('/app/node_modules/@tensorflow/tfjs-node/dist/index.js')).toBe(
      'file:///app/node_modules/@tensorflow/tfjs-node/dist/index.js',
    );
    expect(fileUrl('C:\\app\\node_modules\\x\\index.js')).toBe('file:///C:/app/node_modules/x/index.js');
    expect(fileUrl('/a b/#c?.js')).toBe('file:///a%20b/%23c%3F.js');
    const here = new URL(import.meta.url).pathname;
    expect(fileUrl(here)).toBe(new URL(import.meta.url).href);
  });
});
