import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { type Tensor, tensor, tensorCount } from '@tessera/tensor';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../io/crc32.js';
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
    expect(b.y.dtype).toBe('int32');
    expect((await data.take(1).toArray())[0]!.x).toBeInstanceOf(Float32Array);
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

  describe('disk cache integrity', () => {
    type El = { x: Tensor; y: number };
    let n = 0;
    const cacheAt = (path: string, counter: { calls: number }) =>
      fromArray([0, 1, 2, 3])
        .map((i): El => {
          counter.calls++;
          return { x: tensor([i, i + 0.25, i * 10]), y: i };
        })
        .cache({ path });
    const values = async (ds: AsyncIterable<El>) => {
      const out: [number[], number][] = [];
      for await (const e of ds) {
        out.push([Array.from(e.x.dataSync()), e.y]);
        e.x.dispose();
      }
      return out;
    };
    const expected = [0, 1, 2, 3].map((i) => [[i, i + 0.25, i * 10], i]);
    /** A filled cache file; returns its path and a counter of source calls. */
    async function filled() {
      const sub = join(dir, `integrity-${n++}`);
      mkdirSync(sub);
      const path = join(sub, 'cache.jsonl');
      const counter = { calls: 0 };
      expect(await values(cacheAt(path, counter))).toEqual(expected);
      expect(counter.calls).toBe(4);
      return { sub, path, counter };
    }
    /** The damaged file is recomputed (same data), replaced, and replayed afterwards. */
    async function expectRecomputed(sub: string, path: string, counter: { calls: number }) {
      counter.calls = 0;
      expect(await values(cacheAt(path, counter))).toEqual(expected);
      expect(counter.calls).toBe(4);
      expect(await values(cacheAt(path, counter))).toEqual(expected);
      expect(counter.calls).toBe(4); // replayed from the rewritten file
      expect(readdirSync(sub)).toEqual(['cache.jsonl']); // no temp file left behind
    }

    it('the file ends with an end marker holding count, byte length and CRC-32', async () => {
      const { path } = await filled();
      const text = readFileSync(path, 'utf8');
      const lines = text.split('\n');
      expect(lines.length).toBe(6); // 4 elements, the marker, then '' after the last newline
      const marker = JSON.parse(lines[4]!);
      const body = text.slice(0, text.length - lines[4]!.length - 1);
      expect(marker).toEqual({ $tesseraCache: 1, count: 4, bytes: body.length, crc32: crc32(new TextEncoder().encode(body)) });
    });

    it('a truncated file is recomputed from the source, never replayed', async () => {
      const { sub, path, counter } = await filled();
      const size = readFileSync(path).length;
      for (const cut of [size - 1, Math.floor(size / 2), 10, 0]) {
        truncateSync(path, cut);
        await expectRecomputed(sub, path, counter);
      }
    });

    it('a corrupted line is recomputed: one that fails to decode and one that decodes to wrong values', async () => {
      const { sub, path, counter } = await filled();
      const good = readFileSync(path, 'utf8');
      const lines = good.split('\n');
      lines[1] = '{"x":{"$tensor":{"dtype":"float32","shape":[3],"b64":"%%%"}'; // not valid JSON / base64
      writeFileSync(path, lines.join('\n'));
      await expectRecomputed(sub, path, counter);
      // Same length, still valid JSON and base64, but other numbers: only the checksum can tell.
      const text = readFileSync(path, 'utf8');
      const at = text.indexOf('"b64":"') + 8;
      const flipped = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
      writeFileSync(path, flipped);
      await expectRecomputed(sub, path, counter);
    });

    it('a missing end marker, a dropped element line, an older layout or a garbage file are recomputed', async () => {
      const { sub, path, counter } = await filled();
      const good = readFileSync(path, 'utf8');
      const lines = good.split('\n');
      const damaged = [
        `${lines.slice(0, 4).join('\n')}\n`, // elements but no end marker (the previous layout)
        `${[lines[0], lines[1], lines[3], lines[4]].join('\n')}\n`, // an element dropped: count/bytes mismatch
        `${lines.slice(0, 4).join('\n')}\n${lines[4]!.replace('"count":4', '"count":5')}\n`,
        `${lines.slice(0, 4).join('\n')}\n${lines[4]!.replace('"$tesseraCache":1', '"$tesseraCache":99')}\n`,
        'not a cache\n',
        'x'.repeat(10_000),
      ];
      for (const text of damaged) {
        writeFileSync(path, text);
        await expectRecomputed(sub, path, counter);
      }
    });

    it('a recomputing pass that stops early keeps no temp file; the next complete pass repairs the cache', async () => {
      const { sub, path, counter } = await filled();
      truncateSync(path, 20);
      const part = await cacheAt(path, counter).take(2).toArray();
      for (const e of part) e.x.dispose();
      expect(readdirSync(sub)).toEqual(['cache.jsonl']);
      expect(readFileSync(path).length).toBe(20); // still the damaged file: nothing half-written replaced it
      await expectRecomputed(sub, path, counter);
    });

    it('an empty dataset caches an end marker only', async () => {
      const sub = join(dir, 'integrity-empty');
      mkdirSync(sub);
      const path = join(sub, 'cache.jsonl');
      let calls = 0;
      const ds = () =>
        fromArray([1, 2])
          .filter(() => {
            calls++;
            return false;
          })
          .cache({ path });
      expect(await ds().toArray()).toEqual([]);
      expect(await ds().toArray()).toEqual([]);
      expect(calls).toBe(2);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ $tesseraCache: 1, count: 0, bytes: 0, crc32: 0 });
    });

    it('a line that passes the checksum but does not decode throws an error naming the file and element', async () => {
      const sub = join(dir, 'integrity-undecodable');
      mkdirSync(sub);
      const path = join(sub, 'cache.jsonl');
      const body = '{"y":1}\n{"y":\n';
      const bytes = new TextEncoder().encode(body);
      writeFileSync(path, `${body}${JSON.stringify({ $tesseraCache: 1, count: 2, bytes: bytes.length, crc32: crc32(bytes) })}\n`);
      const ds = fromArray([{ y: 1 }, { y: 2 }]).cache({ path });
      await expect(ds.toArray()).rejects.toThrow(/dataset cache: .*integrity-undecodable.cache\.jsonl: element 1: malformed cache line/);
    });
  });
});
