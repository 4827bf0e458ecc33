import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { type Tensor, tensor, tensorCount } from '@tessera/tensor';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromArray } from '../pipeline/sources.js';
import { DATASETS } from '../test-utils/paths.js';
import { csvFile, imageFolder, jsonlFile, readBytes } from './files.js';

let dir: string;
beforeAll(async () => {
  await useBackend(cpu());
  dir = mkdtempSync(join(tmpdir(), 'tessera-node-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pngBytes(w: number, h: number, value: number): Buffer {
  const img = new PNG({ width: w, height: h });
  img.data.fill(value);
  for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
  return PNG.sync.write(img);
}

describe('@tessera/data/node', () => {
  it('csvFile streams a file on every pass (tsv, real SMS data with raw quotes)', async () => {
    const ds = csvFile(join(DATASETS, 'text/SMSSpamCollection.tsv'), {
      delimiter: '\t',
      header: ['label', 'text'],
      quote: false,
      columns: { text: 'string' },
    });
    let n = 0;
    let spam = 0;
    for await (const r of ds) {
      n++;
      if (r.label === 'spam') spam++;
    }
    expect(n).toBe(5574);
    expect(spam).toBe(747);
    const rows = await csvFile(join(DATASETS, 'iris/iris.csv')).take(2).toArray();
    expect(rows[1]).toEqual({ sepal_length: 4.9, sepal_width: 3, petal_length: 1.4, petal_width: 0.2, species: 'setosa' });
  });

  it('jsonlFile and readBytes', async () => {
    const p = join(dir, 'a.jsonl');
    writeFileSync(p, '{"a":1}\n{"a":2}\n');
    expect(await jsonlFile(p).toArray()).toEqual([{ a: 1 }, { a: 2 }]);
    expect((await readBytes(p)).length).toBe(16);
    await expect(readBytes(join(dir, 'nope'))).rejects.toThrow(/cannot read .*nope/);
  });

  it('imageFolder: classes from folder names, lazy decoding, resize, batching without leaks', async () => {
    const root = join(dir, 'images');
    for (const [cls, value] of [
      ['cat', 10],
      ['dog', 200],
    ] as const) {
      mkdirSync(join(root, cls), { recursive: true });
      for (let i = 0; i < 3; i++) writeFileSync(join(root, cls, `${i}.png`), pngBytes(4 + i, 4, value));
    }
    writeFileSync(join(root, 'cat', 'notes.txt'), 'ignored');
    const { data, classNames } = await imageFolder(root, { channels: 1, size: [4, 4] });
    expect(classNames).toEqual(['cat', 'dog']);
    expect(data.size).toBe(6);
    const before = tensorCount();
    const batches = await data.batch(6).toArray();
    const b = batches[0]!;
    expect(b.x.shape).toEqual([6, 4, 4, 1]);
    expect(Array.from(b.y.dataSync())).toEqual([0, 0, 0, 1, 1, 1]);
    expect(b.x.dataSync()[0]).toBeCloseTo(10 / 255, 5);
    expect(b.x.dataSync()[5 * 16]).toBeCloseTo(200 / 255, 5);
    b.x.dispose();
    b.y.dispose();
    expect(tensorCount()).toBe(before);
    writeFileSync(join(root, 'dog', '9.png'), pngBytes(4, 4, 1).subarray(0, 40));
    const broken = await imageFolder(root);
    await expect(broken.data.toArray()).rejects.toThrow(/png: .*9.png: truncated/);
  });

  it('disk cache writes on the first complete pass, then replays from the file (tensors and typed arrays)', async () => {
    const path = join(dir, 'cache.jsonl');
    let calls = 0;
    const make = () =>
      fromArray([0, 1, 2])
        .map((i) => {
          calls++;
          return { x: tensor([i, i + 0.5]), v: new Int32Array([i]), y: i };
        })
        .cache({ path });
    const first = await make().take(2).toArray(); // an incomplete pass writes nothing
    for (const e of first) e.x.dispose();
    const a = await make().toArray();
    const callsAfterFill = calls;
    const b = await make().toArray();
    expect(calls).toBe(callsAfterFill);
    expect(b.map((e) => [Array.from(e.x.dataSync()), Array.from(e.v), e.y])).toEqual(
      a.map((e) => [Array.from(e.x.dataSync()), Array.from(e.v), e.y]),
    );
    expect(b[2]!.v).toBeInstanceOf(Int32Array);
    for (const e of [...a, ...b]) (e.x as Tensor).dispose();
  });
});
