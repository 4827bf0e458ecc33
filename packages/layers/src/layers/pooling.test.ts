import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensor } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AvgPool1D,
  AvgPool2D,
  avgPool1d,
  avgPool2d,
  deserializeModule,
  GlobalAvgPool1D,
  GlobalAvgPool2D,
  GlobalMaxPool1D,
  GlobalMaxPool2D,
  GlobalPool,
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
  MaxPool1D,
  MaxPool2D,
  maxPool1d,
  maxPool2d,
  Pool,
  serializeModule,
} from '../index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('pooling: one implementation, eight named classes', () => {
  const local = [
    [maxPool1d, MaxPool1D, 'MaxPool1D', 'max_pool1d', 1, 'max'],
    [maxPool2d, MaxPool2D, 'MaxPool2D', 'max_pool2d', 2, 'max'],
    [avgPool1d, AvgPool1D, 'AvgPool1D', 'avg_pool1d', 1, 'avg'],
    [avgPool2d, AvgPool2D, 'AvgPool2D', 'avg_pool2d', 2, 'avg'],
  ] as const;
  it.each(local)('%o keeps its class, name, config and instanceof', (make, C, className, prefix, rank, mode) => {
    const p = make(2);
    expect(p).toBeInstanceOf(C);
    expect(p).toBeInstanceOf(Pool);
    expect(local.filter((o) => p instanceof o[1]).map((o) => o[2])).toEqual([className]);
    expect([p.className, p.name, p.rank, p.mode]).toEqual([className, prefix, rank, mode]);
    const copy = deserializeModule(serializeModule(p));
    expect(copy).toBeInstanceOf(C);
    expect(copy.getConfig()).toEqual({
      className,
      config: { name: prefix, poolSize: [2, 2].slice(0, rank), strides: [2, 2].slice(0, rank), padding: 'valid' },
    });
  });
  const global = [
    [globalMaxPool1d, GlobalMaxPool1D, 'GlobalMaxPool1D', 'global_max_pool1d'],
    [globalMaxPool2d, GlobalMaxPool2D, 'GlobalMaxPool2D', 'global_max_pool2d'],
    [globalAvgPool1d, GlobalAvgPool1D, 'GlobalAvgPool1D', 'global_avg_pool1d'],
    [globalAvgPool2d, GlobalAvgPool2D, 'GlobalAvgPool2D', 'global_avg_pool2d'],
  ] as const;
  it.each(global)('%o keeps its class, name, config and instanceof', (make, C, className, prefix) => {
    const p = make();
    expect(p).toBeInstanceOf(C);
    expect(p).toBeInstanceOf(GlobalPool);
    expect(global.filter((o) => p instanceof o[1]).map((o) => o[2])).toEqual([className]);
    expect([p.className, p.name]).toEqual([className, prefix]);
    expect(deserializeModule(serializeModule(p))).toBeInstanceOf(C);
  });
  it('computes real values', () => {
    const x = tensor([1, 5, -2, 4, 0, 3], [1, 6, 1]);
    expect(Array.from(maxPool1d(2).call(x).dataSync())).toEqual([5, 4, 3]);
    expect(Array.from(avgPool1d(3).call(x).dataSync())).toEqual([4 / 3, 7 / 3].map((v) => Math.fround(v)));
    expect(Array.from(globalMaxPool1d().call(x).dataSync())).toEqual([5]);
    expect(Array.from(globalAvgPool1d().call(x).dataSync())).toEqual([Math.fround(11 / 6)]);
  });
});
