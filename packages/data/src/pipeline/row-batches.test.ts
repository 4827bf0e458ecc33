import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { scalar, type Tensor, tensor, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { fromTensors } from './sources.js';
import { kFold, split } from './split.js';

beforeAll(async () => {
  await useBackend(cpu());
});

/** The id the engine will give the next tensor: the difference counts every tensor created in between. */
function nextTensorId(): number {
  const t = scalar(0);
  const id = t.id;
  t.dispose();
  return id + 1;
}

const N = 23;
function sources(): { x: Tensor; y: Tensor; m: Tensor } {
  return {
    x: tensor(
      Float32Array.from({ length: N * 6 }, (_, i) => i * 0.5 - 7),
      [N, 2, 3],
    ),
    y: tensor(
      Int32Array.from({ length: N }, (_, i) => (i * 7) % 10),
      [N],
      'int32',
    ),
    m: tensor(
      Uint8Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      [N],
      'bool',
    ),
  };
}

type Leaves = Record<string, Tensor>;
type Read = Record<string, { values: number[]; shape: number[]; dtype: string }>;

/** Reads (and frees) the batches of the next pass. */
async function pass(ds: Dataset<Leaves>): Promise<Read[]> {
  const out: Read[] = [];
  for await (const b of ds) {
    out.push(
      Object.fromEntries(Object.entries(b).map(([k, t]) => [k, { values: Array.from(t.dataSync()), shape: t.shape, dtype: t.dtype }])),
    );
    for (const t of Object.values(b)) t.dispose();
  }
  return out;
}

/** The same pipeline batched element by element (`map` drops the direct batching). */
const oneByOne = (ds: Dataset<Leaves>): Dataset<Leaves> => ds.map((e) => e);

describe('fromTensors batches cut straight from the sources', () => {
  const pipelines: [string, (ds: Dataset<Leaves>) => Dataset<Leaves>, number][] = [
    ['batch', (ds) => ds, 5],
    ['batch, dropRemainder', (ds) => ds, -5],
    ['shuffle then batch', (ds) => ds.shuffle({ seed: 3 }), 4],
    ['skip, take, shuffle', (ds) => ds.skip(2).take(17).shuffle({ seed: 1 }), 6],
    ['shuffle, withSpec, take', (ds) => ds.shuffle({ seed: 9 }).withSpec({}).take(11), 4],
    ['split part', (ds) => split(ds, { a: 0.6, b: 0.4 }, { seed: 2 }).b, 3],
    ['kFold train fold', (ds) => kFold(ds, 3, { seed: 5 })[1]!.train.shuffle({ seed: 4 }), 7],
  ];
  it.each(pipelines)('%s: the same batches as stacking elements, on two passes', async (_, build, size) => {
    const src = sources();
    const before = tensorCount();
    const options = size < 0 ? { dropRemainder: true } : {};
    const fast = build(fromTensors(src)).batch(Math.abs(size), options);
    const slow = oneByOne(build(fromTensors(src))).batch(Math.abs(size), options);
    for (let p = 0; p < 2; p++) {
      const got = await pass(fast as Dataset<Leaves>);
      expect(got.length).toBeGreaterThan(0);
      expect(got).toEqual(await pass(slow as Dataset<Leaves>));
    }
    expect(tensorCount()).toBe(before);
    expect(src.x.isDisposed).toBe(false);
    for (const t of Object.values(src)) t.dispose();
  });

  it('makes one tensor per leaf per batch (plus one index tensor per batch when shuffled)', async () => {
    const src = sources();
    for (const [shuffled, perBatch] of [
      [false, 3],
      [true, 3 + 1],
    ] as const) {
      const base = fromTensors(src);
      const ds = (shuffled ? base.shuffle({ seed: 1 }) : base).batch(8);
      const live = tensorCount();
      const first = nextTensorId();
      const batches = await pass(ds as Dataset<Leaves>);
      expect(batches.map((b) => b.x!.shape)).toEqual([
        [8, 2, 3],
        [8, 2, 3],
        [7, 2, 3],
      ]);
      // each leaf: its batch tensor, plus (shuffled) the one int32 index tensor the gathers read
      expect(nextTensorId() - first - 1).toBe(3 * perBatch);
      expect(tensorCount()).toBe(live);
    }
    for (const t of Object.values(src)) t.dispose();
  });

  it('a single tensor and an array of tensors batch the same way', async () => {
    const { x, y } = sources();
    const [single] = await fromTensors(x).shuffle({ seed: 2 }).batch(N).toArray();
    const [pair] = await fromTensors([x, y]).shuffle({ seed: 2 }).batch(N).toArray();
    const [slow] = await fromTensors(x)
      .shuffle({ seed: 2 })
      .map((e) => e)
      .batch(N)
      .toArray();
    expect(Array.from(single!.dataSync())).toEqual(Array.from(slow!.dataSync()));
    expect(Array.from(pair![0]!.dataSync())).toEqual(Array.from(slow!.dataSync()));
    expect(pair![1]!.dtype).toBe('int32');
    for (const t of [single!, slow!, ...pair!, x, y]) t.dispose();
  });

  it('resumes mid-pass at the same batch', async () => {
    const src = sources();
    const build = () => fromTensors(src).shuffle({ seed: 7 }).batch(4);
    const a = build();
    const it = a[Symbol.asyncIterator]();
    for (let k = 0; k < 2; k++) {
      const { value } = await it.next();
      for (const t of Object.values(value as Leaves)) t.dispose();
    }
    const state = a.checkpoint();
    const rest = [];
    for (let r = await it.next(); !r.done; r = await it.next()) {
      rest.push(Array.from((r.value as Leaves).y!.dataSync()));
      for (const t of Object.values(r.value as Leaves)) t.dispose();
    }
    const b = build();
    b.restore(state);
    expect((await pass(b as Dataset<Leaves>)).map((r) => r.y!.values)).toEqual(rest);
    for (const t of Object.values(src)) t.dispose();
  });
});
