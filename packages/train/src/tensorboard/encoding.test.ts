import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c } from './crc32c.js';
import { EventWriter } from './event-writer.js';
import { histogramOf } from './histogram.js';
import { hparamsSessionStart } from './hparams-data.js';
import { encodePng } from './png.js';
import { encodeEvent } from './summary.js';
import { decodeTFRecords, encodeTFRecord } from './tfrecord.js';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('TensorBoard encoding', () => {
  it('CRC-32C matches the standard check value and TFRecord masking', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 test vector: 32 zero bytes
    const crc = 0xe3069283;
    expect(maskedCrc32c(ascii('123456789'))).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
  });

  it('frames records (length, masked CRCs) and reads them back; a corrupted byte is caught, a truncated tail skipped', () => {
    const a = encodeTFRecord(ascii('hello'));
    expect(a.length).toBe(5 + 16);
    expect(Array.from(a.subarray(0, 8))).toEqual([5, 0, 0, 0, 0, 0, 0, 0]);
    const b = encodeTFRecord(ascii('world!'));
    const both = new Uint8Array([...a, ...b]);
    expect(decodeTFRecords(both).map((r) => new TextDecoder().decode(r))).toEqual(['hello', 'world!']);
    expect(decodeTFRecords(both.subarray(0, both.length - 3))).toHaveLength(1);
    const bad = both.slice();
    bad[14] = (bad[14] as number) ^ 1;
    expect(() => decodeTFRecords(bad)).toThrow(/CRC does not match/);
  });

  it('histogramOf: equal-width buckets, (left, right], min in the first bucket, non-finite values left out', () => {
    const h = histogramOf([1, 2, 2, 3, Number.NaN], 2);
    expect(h).toEqual({ min: 1, max: 3, num: 4, sum: 8, sumSquares: 18, bucketLimit: [2, 3], bucket: [3, 1] });
    expect(histogramOf([5, 5], 30)).toMatchObject({ bucketLimit: [5], bucket: [2] });
    expect(histogramOf([], 3).num).toBe(0);
    const many = histogramOf(
      Array.from({ length: 1000 }, (_, i) => i / 999),
      10,
    );
    expect(many.bucket.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(many.bucket.every((c) => c >= 99 && c <= 101)).toBe(true);
    expect(() => histogramOf([1], 0)).toThrow(/positive integer/);
  });

  it('encodePng writes a valid PNG whose pixels inflate back exactly', () => {
    const pixels = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => i * 10);
    const png = encodePng(3, 2, 3, pixels);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer);
    expect([view.getUint32(16), view.getUint32(20), png[24], png[25]]).toEqual([3, 2, 8, 2]);
    const idatLen = view.getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(Array.from(raw)).toEqual([0, ...pixels.subarray(0, 9), 0, ...pixels.subarray(9)]);
    expect(() => encodePng(2, 2, 5, new Uint8Array(20))).toThrow(/1, 2, 3 or 4/);
    expect(() => encodePng(2, 2, 1, new Uint8Array(3))).toThrow(/4 values/);
  });

  it('EventWriter: a version record first, one record per write, bytes() is the whole file; flush sends pending records once', async () => {
    const writer = new EventWriter({ now: () => 1000 });
    writer.scalar('loss', 0.5, 1);
    writer.histogram('w', [1, 2, 3], 1);
    writer.image('img', { width: 2, height: 1, channels: 1, pixels: [0, 255] }, 1);
    writer.text('note', 'hi', 2);
    const records = decodeTFRecords(writer.bytes());
    expect(records).toHaveLength(5);
    expect(new TextDecoder().decode(records[0])).toContain('brain.Event:2');
    expect(records[1]).toEqual(encodeEvent({ wallTime: 1000, step: 1, values: [{ tag: 'loss', scalar: 0.5 }] }));
    expect(() => writer.scalar('loss', 1, -1)).toThrow(/non-negative integer/);

    const chunks: Uint8Array[] = [];
    const sinked = new EventWriter({ sink: { write: (b) => void chunks.push(b) } });
    sinked.scalar('a', 1, 0);
    await sinked.flush();
    await sinked.flush();
    expect(chunks).toHaveLength(1);
    expect(decodeTFRecords(chunks[0] as Uint8Array)).toHaveLength(2);
    expect(() => sinked.bytes()).toThrow(/keep: true/);
  });

  it('hparams values are typed (number, string, bool incl. false and 0) and rejected otherwise', () => {
    const v = hparamsSessionStart({ lr: 0, name: 'x', flag: false }, { groupName: 'g', startTimeSecs: 1 });
    expect('plugin' in v && v.plugin.name).toBe('hparams');
    expect(() => hparamsSessionStart({ bad: null as unknown as number })).toThrow(/number, string or boolean/);
  });
});
