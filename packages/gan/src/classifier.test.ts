import { resolve } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { fashionMnist, mnist } from '@tessera/data';
import type { Tensor } from '@tessera/tensor';
import { argMax, cast, concat, equal, mean, randomUniform, slice, tensorCount, tidy } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ganQuality } from './classifier.js';
import { loadQualityClassifier } from './node.js';

const datasets = resolve(__dirname, '../../../../shared/datasets');

beforeAll(async () => {
  await useBackend(cpu());
});

async function testImages(load: typeof mnist, dir: string, n: number): Promise<{ x: Tensor; y: Tensor }> {
  const { test } = await load({ from: resolve(datasets, dir), flatten: true });
  const xs: Tensor[] = [];
  const ys: Tensor[] = [];
  for await (const b of test.batch(1000)) {
    xs.push(b.x as Tensor);
    ys.push(b.y as Tensor);
    if (xs.length * 1000 >= n) break;
  }
  const out = { x: concat(xs), y: concat(ys) };
  for (const t of [...xs, ...ys]) t.dispose();
  return out;
}

describe.each([
  ['mnist', mnist, 'mnist', 0.96],
  ['fashion', fashionMnist, 'fashion-mnist', 0.86],
] as const)('the shipped %s classifier', (name, load, dir, minAcc) => {
  it('classifies real test images as its metadata says, and scores real vs real as equal', async () => {
    const clf = await loadQualityClassifier(name);
    expect(clf.numClasses).toBe(10);
    expect(Number(clf.metadata.testAccuracy)).toBeGreaterThanOrEqual(minAcc);
    const { x, y } = await testImages(load, dir, 2000);
    const before = tensorCount();
    const logits = clf.logits(x);
    const acc = tidy(() => mean(equal(argMax(logits, 1), cast(y, 'int32'))).dataSync()[0] as number);
    expect(acc).toBeGreaterThanOrEqual(minAcc);
    logits.dispose();
    // the first and second thousand test images: the same distribution
    const a = slice(x, 0, 1000);
    const b = slice(x, 1000, 1000);
    const q = ganQuality(clf, a, b, { range: [0, 1] });
    expect(q.scoreRatio).toBeGreaterThan(0.95);
    expect(q.scoreRatio).toBeLessThan(1.05);
    expect(q.minClassFraction).toBeGreaterThan(0.06);
    // uniform noise: low score, far away
    const noise = randomUniform([1000, 784], -1, 1, 'float32', 1);
    const qn = ganQuality(clf, noise, b);
    expect(qn.scoreRatio).toBeLessThan(0.5);
    expect(qn.frechet).toBeGreaterThan(20 * q.frechet);
    for (const t of [a, b, noise]) t.dispose();
    expect(tensorCount()).toBe(before);
    x.dispose();
    y.dispose();
    clf.dispose();
  }, 60_000);
});
