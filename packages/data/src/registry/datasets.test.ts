import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { permutation, useBackend } from '@tessera/core';
import { scalar, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { fashionMnist, fashionMnistSpec, mnist, mnistSpec } from '../datasets/mnist.js';
import { smsSpam, smsSpamSpec } from '../datasets/sms-spam.js';
import { digits, digitsSpec, iris, irisSpec } from '../datasets/tabular.js';
import { parseIdx } from '../loaders/idx.js';
import { DATASETS } from '../test-utils/paths.js';
import { getDatasetSpec, listDatasets } from './registry.js';

beforeAll(async () => {
  await useBackend(cpu());
});

function classCounts(labels: number[], k: number): number[] {
  const c = new Array(k).fill(0);
  for (const y of labels) c[y]++;
  return c;
}

describe('built-in registry entries', () => {
  it('lists the built-in datasets', () => {
    expect(listDatasets()).toEqual(expect.arrayContaining(['digits', 'fashion-mnist', 'iris', 'mnist', 'sms-spam']));
    expect(getDatasetSpec('mnist')).toBe(mnistSpec);
  });

  it('every SHA-256 and size in the specs matches SHA256SUMS and the shared files', () => {
    const sums = new Map(
      readFileSync(join(DATASETS, 'SHA256SUMS'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const [h, p] = l.split(/\s+/);
          return [p!, h!] as const;
        }),
    );
    const dirs: [typeof mnistSpec.files, string][] = [
      [mnistSpec.files, 'mnist'],
      [fashionMnistSpec.files, 'fashion-mnist'],
      [irisSpec.files, 'iris'],
      [smsSpamSpec.files, 'text'],
      [digitsSpec.files, 'digits'],
    ];
    let n = 0;
    for (const [files, dir] of dirs) {
      for (const f of files) {
        expect(f.sha256).toBe(sums.get(`${dir}/${f.name}`));
        expect(readFileSync(join(DATASETS, dir, f.name)).length).toBe(f.size);
        n++;
      }
    }
    expect(n).toBe(12);
  });
});

describe('real datasets from ../shared/datasets (verified with SHA-256)', () => {
  it('mnist: 60,000 + 10,000, [28, 28] in [0, 1], labels and class counts as published, no tensor per sample', async () => {
    const { train, test, classNames } = await mnist({ from: join(DATASETS, 'mnist') });
    expect(classNames).toHaveLength(10);
    expect([train.size, test.size]).toEqual([60000, 10000]);
    expect(train.spec).toEqual({ x: { dtype: 'float32', shape: [28, 28] }, y: { dtype: 'int32', shape: [] } });
    const before = tensorCount();
    const labels: number[] = [];
    let first: number[] = [];
    let maxPixel = 0;
    for await (const e of train) {
      if (labels.length === 0) {
        expect(e.x).toBeInstanceOf(Float32Array);
        expect(e.x.length).toBe(784);
        first = Array.from(e.x);
        maxPixel = Math.max(...first);
      }
      labels.push(e.y);
    }
    expect(tensorCount()).toBe(before);
    expect(labels.slice(0, 5)).toEqual([5, 0, 4, 1, 9]);
    expect(labels[59999]).toBe(8);
    expect(classCounts(labels, 10)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(maxPixel).toBe(1);
    expect(first.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.round(first.reduce((a, b) => a + b, 0) * 255)).toBe(27525); // sum of raw pixels of image 0
    const [b28] = await test.take(2).batch(2).toArray();
    expect(b28!.x.shape).toEqual([2, 28, 28]);
    expect(b28!.x.dtype).toBe('float32');
    b28!.x.dispose();
    b28!.y.dispose();
    const flat = await mnist({ from: join(DATASETS, 'mnist'), flatten: true, normalize: false });
    const [b] = await flat.test.take(3).batch(3).toArray();
    expect(b!.x.shape).toEqual([3, 784]);
    expect(b!.y.dtype).toBe('int32');
    expect(Array.from(b!.y.dataSync())).toEqual([7, 2, 1]);
    expect(Math.max(...Array.from(b!.x.dataSync()))).toBe(255);
    b!.x.dispose();
    b!.y.dispose();
  });

  it('mnist batches: one float32 x and one int32 y tensor per batch, labels as in the file, no leak across epochs', async () => {
    const { test } = await mnist({ from: join(DATASETS, 'mnist'), flatten: true });
    const labels = parseIdx(readFileSync(join(DATASETS, 'mnist/t10k-labels-idx1-ubyte.gz'))).data;
    const ds = test.shuffle({ seed: 1 }).batch(128);
    const live = tensorCount();
    for (let epoch = 0; epoch < 2; epoch++) {
      const order = permutation(10000, 1, epoch);
      const probe = scalar(0);
      const firstId = probe.id + 1;
      probe.dispose();
      let batches = 0;
      let seen = 0;
      for await (const b of ds) {
        expect(b.x.dtype).toBe('float32');
        expect(b.y.dtype).toBe('int32');
        const n = b.y.shape[0]!;
        expect(b.x.shape).toEqual([n, 784]);
        const ys = b.y.dataSync();
        for (let i = 0; i < n; i++) expect(ys[i]).toBe(labels[order[seen + i]!]);
        seen += n;
        batches++;
        b.x.dispose();
        b.y.dispose();
      }
      const end = scalar(0);
      expect(end.id - firstId).toBe(2 * batches); // tensors created in the epoch: x and y per batch, nothing per sample
      end.dispose();
      expect([batches, seen]).toEqual([79, 10000]);
      expect(tensorCount()).toBe(live);
    }
  });

  it('fashion-mnist: 10,000 test images, 1,000 per class', async () => {
    const { train, test, classNames } = await fashionMnist({ from: join(DATASETS, 'fashion-mnist') });
    expect(train.size).toBe(60000);
    expect(classNames[9]).toBe('Ankle boot');
    const labels: number[] = [];
    for await (const e of test) labels.push(e.y);
    expect(classCounts(labels, 10)).toEqual(new Array(10).fill(1000));
    expect(labels[0]).toBe(9);
  });

  it('iris: 150 rows, 50 per class, first and last records', async () => {
    const { data, classNames, featureNames } = await iris({ from: join(DATASETS, 'iris') });
    const rows = await data.toArray();
    expect(rows).toHaveLength(150);
    expect(classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(featureNames[0]).toBe('sepal_length');
    expect(Array.from(rows[0]!.x)).toEqual(Array.from(Float32Array.from([5.1, 3.5, 1.4, 0.2])));
    expect(rows[149]!.y).toBe(2);
    expect(Array.from(rows[149]!.x)).toEqual(Array.from(Float32Array.from([5.9, 3.0, 5.1, 1.8])));
    expect(
      classCounts(
        rows.map((r) => r.y),
        3,
      ),
    ).toEqual([50, 50, 50]);
    const before = tensorCount();
    const [b] = await data.batch(150).toArray();
    expect(b!.x.shape).toEqual([150, 4]);
    expect(b!.x.dtype).toBe('float32');
    expect(b!.y.dtype).toBe('int32');
    expect(Array.from(b!.y.dataSync())).toEqual(rows.map((r) => r.y));
    expect(Array.from(b!.x.dataSync().subarray(0, 4))).toEqual(Array.from(rows[0]!.x));
    b!.x.dispose();
    b!.y.dispose();
    expect(tensorCount()).toBe(before);
  });

  it('sms-spam: 5,574 messages, 4,827 ham / 747 spam, first and last', async () => {
    const { data } = await smsSpam({ from: join(DATASETS, 'text') });
    const rows = await data.toArray();
    expect(rows).toHaveLength(5574);
    expect(
      classCounts(
        rows.map((r) => r.y),
        2,
      ),
    ).toEqual([4827, 747]);
    expect(rows[0]!.text.startsWith('Go until jurong point')).toBe(true);
    expect(rows[2]!.y).toBe(1);
    expect(rows[5573]).toEqual({ text: 'Rofl. Its true to its name', y: 0 });
    const [b] = await data.take(3).batch(3).toArray();
    expect(b!.y.dtype).toBe('int32');
    expect(Array.from(b!.y.dataSync())).toEqual([0, 0, 1]);
    expect(b!.text[1]).toBe(rows[1]!.text);
    b!.y.dispose();
  });

  it('digits: 3,823 + 1,797 rows with the published class counts', async () => {
    const { train, test } = await digits({ from: join(DATASETS, 'digits') });
    const tr = await train.toArray();
    const te = await test.toArray();
    expect([tr.length, te.length]).toEqual([3823, 1797]);
    expect(
      classCounts(
        tr.map((r) => r.y),
        10,
      ),
    ).toEqual([376, 389, 380, 389, 387, 376, 377, 387, 380, 382]);
    expect(
      classCounts(
        te.map((r) => r.y),
        10,
      ),
    ).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(tr[0]!.y).toBe(0);
    expect(tr[0]!.x[2]).toBe(6 / 16);
    const [b] = await test.take(4).batch(4).toArray();
    expect(b!.x.shape).toEqual([4, 64]);
    expect(b!.y.dtype).toBe('int32');
    expect(Array.from(b!.y.dataSync())).toEqual(te.slice(0, 4).map((r) => r.y));
    b!.x.dispose();
    b!.y.dispose();
  });

  it('a local directory without the files gives a clear error', async () => {
    await expect(iris({ from: join(DATASETS, 'digits') })).rejects.toThrow(/iris: cannot read .*iris.csv/);
  });
});
