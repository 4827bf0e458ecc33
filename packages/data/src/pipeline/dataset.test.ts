import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { add, getBackend, sum, type Tensor, tensor, tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset, zip } from './dataset.js';
import { fromArray, fromGenerator, fromTensors } from './sources.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('Dataset operators', () => {
  it('map, filter, take, skip, concatenate, repeat give the expected values and sizes', async () => {
    const ds = fromArray(range(10));
    expect(await ds.map((x) => x * 2).toArray()).toEqual(range(10).map((x) => x * 2));
    expect(await ds.filter((x) => x % 3 === 0).toArray()).toEqual([0, 3, 6, 9]);
    expect(await ds.take(3).toArray()).toEqual([0, 1, 2]);
    expect(await ds.skip(8).toArray()).toEqual([8, 9]);
    expect(ds.take(3).size).toBe(3);
    expect(ds.skip(8).size).toBe(2);
    expect(await ds.take(2).concatenate(ds.skip(9)).toArray()).toEqual([0, 1, 9]);
    expect(await ds.take(2).repeat(3).toArray()).toEqual([0, 1, 0, 1, 0, 1]);
    expect(ds.take(2).repeat(3).size).toBe(6);
    expect(await ds.repeat().take(13).toArray()).toEqual([...range(10), 0, 1, 2]);
    expect(ds.filter(() => true).size).toBeUndefined();
  });

  it('async map with concurrency keeps the order', async () => {
    const ds = fromArray(range(20)).map(
      async (x) => {
        await new Promise((r) => setTimeout(r, (20 - x) % 7));
        return x + 100;
      },
      { concurrency: 4 },
    );
    expect(await ds.toArray()).toEqual(range(20).map((x) => x + 100));
  });

  it('map gets the pass and index (for deterministic augmentation)', async () => {
    const ds = fromArray(['a', 'b']).map((x, ctx) => `${x}${ctx.pass}${ctx.index}`);
    expect(await ds.toArray()).toEqual(['a00', 'b01']);
    expect(await ds.toArray()).toEqual(['a10', 'b11']);
  });

  it('batch stacks nested objects of tensors, numbers and typed arrays', async () => {
    const ds = fromArray(
      range(5).map((i) => ({ x: { img: tensor([i, i + 1]), v: new Float32Array([i]) }, y: i, ok: i % 2 === 0, tag: `t${i}` })),
    );
    const batches = await ds.batch(2).toArray();
    expect(batches).toHaveLength(3);
    const b0 = batches[0]!;
    expect(b0.x.img.shape).toEqual([2, 2]);
    expect(Array.from(b0.x.img.dataSync())).toEqual([0, 1, 1, 2]);
    expect(b0.x.v.shape).toEqual([2, 1]);
    expect(Array.from(b0.y.dataSync())).toEqual([0, 1]);
    expect(b0.y.dtype).toBe('float32');
    expect(Array.from(b0.ok.dataSync())).toEqual([1, 0]);
    expect(b0.tag).toEqual(['t0', 't1']);
    expect(batches[2]!.y.shape).toEqual([1]);
    expect(ds.batch(2).size).toBe(3);
    expect(ds.batch(2, { dropRemainder: true }).size).toBe(2);
    expect(await ds.batch(2, { dropRemainder: true }).toArray()).toHaveLength(2);
    expect(
      await fromArray([
        [1, 2],
        [3, 4],
      ])
        .batch(2, { stack: false })
        .toArray(),
    ).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const ints = (
      await fromArray([new Int32Array([1, 2]), new Int32Array([3, 4])])
        .batch(2)
        .toArray()
    )[0]!;
    expect(ints.dtype).toBe('int32');
  });

  it('batch names the element and path on a shape mismatch', async () => {
    const ds = fromArray([{ x: [1, 2] }, { x: [1, 2, 3] }]).batch(2);
    await expect(ds.toArray()).rejects.toThrow(/batch element\.x\[1\]: expected shape \[2\], received \[3\]/);
  });

  it('zip pairs elements as tuples or objects and stops at the shortest', async () => {
    const a = fromArray([1, 2, 3]);
    const b = fromArray(['a', 'b']);
    expect(await zip([a, b]).toArray()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(await zip({ x: a, y: b }).toArray()).toEqual([
      { x: 1, y: 'a' },
      { x: 2, y: 'b' },
    ]);
    expect(zip({ x: a, y: b }).size).toBe(2);
  });

  it('prefetch yields the same sequence', async () => {
    const ds = fromGenerator(async function* () {
      for (let i = 0; i < 50; i++) yield i;
    }).prefetch(4);
    expect(await ds.toArray()).toEqual(range(50));
  });

  it('memory cache runs the source once', async () => {
    let calls = 0;
    const ds = fromGenerator(function* () {
      calls++;
      yield* [1, 2, 3];
    }).cache();
    expect(await ds.toArray()).toEqual([1, 2, 3]);
    expect(await ds.toArray()).toEqual([1, 2, 3]);
    expect(calls).toBe(1);
  });
});

describe('determinism and resume', () => {
  const pipeline = () =>
    fromArray(range(100))
      .shuffle({ bufferSize: 30, seed: 7 })
      .map((x) => ({ x: [x, x * 2], y: x }))
      .batch(16);
  const values = async (ds: AsyncIterable<{ x: Tensor; y: Tensor }>) =>
    (await collect(ds)).map((b) => {
      const v = [Array.from(b.x.dataSync()), Array.from(b.y.dataSync())];
      b.x.dispose();
      b.y.dispose();
      return v;
    });

  it('two runs with the same seed yield identical batches; passes differ; seeds differ', async () => {
    const a = pipeline();
    const b = pipeline();
    const a0 = await values(a);
    const b0 = await values(b);
    expect(a0).toEqual(b0);
    const a1 = await values(a);
    expect(a1).not.toEqual(a0);
    expect(a1).toEqual(await values(b));
    const ys = a0.flatMap((v) => v[1]!).sort((p, q) => p - q);
    expect(ys).toEqual(range(100));
    const other = await values(
      fromArray(range(100))
        .shuffle({ bufferSize: 30, seed: 8 })
        .map((x) => ({ x: [x, x * 2], y: x }))
        .batch(16),
    );
    expect(other).not.toEqual(a0);
  });

  it('a full-buffer shuffle is a permutation', async () => {
    const out = await fromArray(range(50)).shuffle({ bufferSize: 50, seed: 1 }).toArray();
    expect([...out].sort((p, q) => p - q)).toEqual(range(50));
    expect(out).not.toEqual(range(50));
  });

  it('checkpoint before a pass + restore replays that pass exactly (on a fresh, identical pipeline)', async () => {
    const a = pipeline();
    await values(a);
    await values(a);
    const state = a.checkpoint();
    expect(state).toEqual({ pass: 2, offset: 0 });
    const third = await values(a);
    const b = pipeline();
    b.restore(JSON.parse(JSON.stringify(state)));
    expect(await values(b)).toEqual(third);
    a.restore(state);
    expect(await values(a)).toEqual(third);
  });

  it('a checkpoint taken mid-pass resumes after the consumed elements', async () => {
    const a = pipeline();
    const full = await values(pipeline());
    let state: Record<string, unknown> | undefined;
    let seen = 0;
    for await (const b of a) {
      b.x.dispose();
      b.y.dispose();
      if (++seen === 3) {
        state = a.checkpoint();
        break;
      }
    }
    expect(state).toEqual({ pass: 0, offset: 3 });
    const b = pipeline();
    b.restore(state!);
    expect(await values(b)).toEqual(full.slice(3));
    expect(b.checkpoint()).toEqual({ pass: 1, offset: 0 });
  });

  it('map-style datasets shuffle a permutation of indices lazily (no buffer), deterministic per pass', async () => {
    let made = 0;
    const ds = fromArray(range(1000))
      .map((x) => {
        made++;
        return x * 10;
      })
      .shuffle({ seed: 5 });
    expect(ds.elementAt).toBeUndefined();
    const first = await ds.take(5).toArray();
    expect(made).toBe(5); // only the elements handed out were made
    const p0 = await ds.toArray();
    const p1 = await ds.toArray();
    expect([...p0].sort((a, b) => a - b)).toEqual(range(1000).map((x) => x * 10));
    expect(p1).not.toEqual(p0);
    const again = fromArray(range(1000))
      .map((x) => x * 10)
      .shuffle({ seed: 5 });
    expect(await again.toArray()).toEqual(p0);
    expect(first).toEqual(p0.slice(0, 5));
    // a smaller bufferSize asks for the streaming (buffered) shuffle instead
    expect(await fromArray(range(1000)).shuffle({ seed: 5, bufferSize: 10 }).toArray()).not.toEqual(p0.map((x) => x / 10));
  });

  it('a checkpoint after the last element of a pass resumes at the next pass', async () => {
    const ds = fromArray(range(4)).shuffle({ seed: 2 });
    let state: Record<string, unknown> = {};
    for await (const _ of ds) state = ds.checkpoint();
    expect(state).toEqual({ pass: 1, offset: 0 });
  });

  it('repeat reshuffles each repetition deterministically', async () => {
    const ds = fromArray(range(10)).shuffle({ seed: 3 }).repeat(2);
    const a = await ds.toArray();
    expect(a.slice(0, 10)).not.toEqual(a.slice(10));
    expect(await fromArray(range(10)).shuffle({ seed: 3 }).repeat(2).toArray()).toEqual(a);
  });

  it('restore rejects a malformed state', () => {
    expect(() => fromArray([1]).restore({ pass: -1, offset: 0 })).toThrow(/state.pass: expected a non-negative integer, received -1/);
  });
});

describe.each([
  ['cpu', cpu],
  ['wasm', wasm],
] as const)('tensor ownership on %s (no leaks)', (_name, plugin) => {
  beforeAll(async () => {
    await useBackend(plugin());
    expect(getBackend()).toBe(_name);
  });
  afterAll(async () => {
    await useBackend(cpu());
  });

  const tensors = (n: number) => Array.from({ length: n }, (_, i) => ({ x: tensor([i, i]), y: i }));

  it('dropped elements are disposed: filter, skip, take, shuffle buffer, batch remainder, prefetch, zip', async () => {
    const src = () =>
      new Dataset(async function* () {
        for (let i = 0; i < 20; i++) yield { x: tensor([i, i]), y: i };
      }, 20);
    const consume = async (ds: AsyncIterable<unknown>, stopAfter = Number.POSITIVE_INFINITY) => {
      let i = 0;
      for await (const e of ds) {
        for (const t of Object.values(e as Record<string, unknown>))
          if (t && typeof t === 'object' && 'dispose' in t) (t as Tensor).dispose();
        if (++i >= stopAfter) break;
      }
    };
    const before = tensorCount();
    await consume(src());
    expect(tensorCount()).toBe(before);
    await consume(src().filter((e) => e.y % 2 === 0));
    await consume(src().skip(5));
    await consume(src().take(3));
    await consume(src().shuffle({ bufferSize: 8, seed: 1 }), 4);
    await consume(src().batch(6, { dropRemainder: true }));
    await consume(src().batch(6), 1);
    await consume(src().prefetch(5), 2);
    await consume(src().map((e) => ({ x: add(e.x, 1), y: e.y })));
    await consume(
      src().map(async (e) => ({ s: sum(e.x), y: e.y }), { concurrency: 3 }),
      5,
    );
    await consume(zip({ a: src(), b: src().take(4) }).map((e) => ({ a: e.a.x, b: e.b.x })));
    expect(tensorCount()).toBe(before);
  });

  it('fromArray and cache hand out clones; the sources survive', async () => {
    const items = tensors(3);
    const before = tensorCount();
    const ds = fromArray(items).cache();
    for (let pass = 0; pass < 3; pass++) {
      for await (const e of ds) e.x.dispose();
    }
    expect(tensorCount()).toBe(before + 3); // the cache's own copies
    expect(Array.from(items[2]!.x.dataSync())).toEqual([2, 2]);
  });

  it('fromTensors slices along axis 0 and leaks nothing', async () => {
    const xs = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ys = tensor([0, 1, 2]);
    const before = tensorCount();
    const batches = await fromTensors({ x: xs, y: ys }).batch(2).toArray();
    expect(Array.from(batches[0]!.x.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(batches[1]!.y.dataSync())).toEqual([2]);
    for (const b of batches) {
      b.x.dispose();
      b.y.dispose();
    }
    expect(tensorCount()).toBe(before);
  });
});
