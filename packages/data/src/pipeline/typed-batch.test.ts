import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { scalar, type Tensor, tensor, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { zip } from './dataset.js';
import { decodeElement, encodeElement } from './serialize.js';
import { fromArray, fromTensors } from './sources.js';
import { split } from './split.js';
import { stackElements } from './stack.js';

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

type Row = { x: Float32Array; y: number };
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ x: Float32Array.of(i, i + 0.5, -i), y: i % 7 }));
const spec = { x: { dtype: 'float32', shape: [3] }, y: { dtype: 'int32', shape: [] } } as const;

describe('batching typed-array elements', () => {
  it('one epoch creates exactly one tensor per leaf per batch, and no tensor leaks across epochs', async () => {
    const ds = fromArray(rows(1000)).withSpec(spec).shuffle({ seed: 1 }).batch(64);
    const live = tensorCount();
    for (let epoch = 0; epoch < 3; epoch++) {
      const firstId = nextTensorId();
      const kept: { x: Tensor; y: Tensor }[] = [];
      for await (const b of ds) kept.push(b);
      const created = nextTensorId() - firstId - 1; // minus the probe of the second call
      expect(kept).toHaveLength(16);
      expect(created).toBe(2 * 16);
      expect(tensorCount()).toBe(live + 2 * 16); // kept batches only: no per-sample tensors alive
      const ys = kept.flatMap((b) => Array.from(b.y.dataSync())).sort((a, b) => a - b);
      expect(ys).toEqual(
        rows(1000)
          .map((r) => r.y)
          .sort((a, b) => a - b),
      );
      for (const b of kept) {
        b.x.dispose();
        b.y.dispose();
      }
      expect(tensorCount()).toBe(live);
    }
  });

  it('the spec gives int32 labels and sample shapes; values are copied from one buffer', async () => {
    const data = [
      { img: Float32Array.of(1, 2, 3, 4, 5, 6), y: 3, w: 0.5 },
      { img: Float32Array.of(7, 8, 9, 10, 11, 12), y: 1, w: 2 },
    ];
    const ds = fromArray(data).withSpec({ img: { dtype: 'float32', shape: [2, 3] }, y: { dtype: 'int32', shape: [] } });
    const [b] = await ds.batch(2).toArray();
    expect(b!.img.shape).toEqual([2, 2, 3]);
    expect(Array.from(b!.img.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(b!.y.dtype).toBe('int32');
    expect(b!.y.shape).toEqual([2]);
    expect(Array.from(b!.y.dataSync())).toEqual([3, 1]);
    expect(b!.w.dtype).toBe('float32'); // not in the spec: numbers are float32
    expect(Array.from(b!.w.dataSync())).toEqual([0.5, 2]);
    for (const t of [b!.img, b!.y, b!.w]) t.dispose();
    // Without a spec: typed arrays are [n, length], integer arrays int32
    const [plain] = await fromArray(data).batch(2).toArray();
    expect(plain!.img.shape).toEqual([2, 6]);
    expect(plain!.y.dtype).toBe('float32');
    for (const t of [plain!.img, plain!.y, plain!.w]) t.dispose();
    const [ints] = await fromArray([Uint8Array.of(1, 2), Uint8Array.of(3, 255)])
      .batch(2)
      .toArray();
    expect(ints!.dtype).toBe('int32');
    expect(Array.from(ints!.dataSync())).toEqual([1, 2, 3, 255]);
    ints!.dispose();
  });

  it('a leaf that does not fit its spec throws naming the path, the expected and the received value', () => {
    const before = tensorCount();
    expect(() => stackElements([{ y: 1 }, { y: 1.5 }], 'element', { y: { dtype: 'int32', shape: [] } })).toThrow(
      /batch element\.y\[1\]: expected an int32 value .*received 1\.5/,
    );
    expect(() => stackElements([{ x: Float32Array.of(1, 2, 3) }], 'element', { x: { dtype: 'float32', shape: [2, 2] } })).toThrow(
      /batch element\.x\[0\]: expected shape \[4\], received \[3\]/,
    );
    expect(() => stackElements([{ y: 2 }], 'element', { y: { dtype: 'float32', shape: [2] } })).toThrow(
      /batch element\.y\[0\]: expected shape \[2\]/,
    );
    expect(tensorCount()).toBe(before);
    const odd = stackElements([{ constructor: 1 }], 'element', { y: { dtype: 'int32', shape: [] } });
    expect(odd.constructor.dtype).toBe('float32'); // only the spec's own paths count
    odd.constructor.dispose();
    expect(() => fromArray([1]).withSpec({ '': { dtype: 'float16' as 'float32', shape: [] } })).toThrow(
      /withSpec spec\[""\]\.dtype: expected 'float32', 'int32' or 'bool', received "float16"/,
    );
  });

  it('operators that keep elements keep the spec; map drops it; zip nests it', () => {
    const ds = fromArray(rows(20)).withSpec(spec);
    for (const d of [
      ds.shuffle({ seed: 1 }),
      ds.shuffle({ seed: 1, bufferSize: 4 }),
      ds.filter((r) => r.y > 0),
      ds.take(5),
      ds.skip(5),
      ds.prefetch(2),
      ds.cache(),
      ds.repeat(2),
      ds.concatenate(ds),
      split(ds, { a: 0.5, b: 0.5 }, { seed: 0 }).a,
    ]) {
      expect(d.spec).toEqual(spec);
    }
    expect(ds.map((r) => r).spec).toBeUndefined();
    expect(ds.map((r) => r).withSpec(ds.spec).spec).toEqual(spec);
    expect(ds.concatenate(fromArray(rows(2))).spec).toBeUndefined();
    expect(ds.withSpec(undefined).spec).toBeUndefined();
    expect(zip({ a: ds, n: fromArray([1, 2]) }).spec).toEqual({ 'a.x': spec.x, 'a.y': spec.y });
    expect(zip([fromArray([1]).withSpec({ '': spec.y }), ds]).spec).toEqual({ '[0]': spec.y, '[1].x': spec.x, '[1].y': spec.y });
  });

  it('zip of specified datasets batches with the nested spec', async () => {
    const labels = fromArray([4, 5, 6]).withSpec({ '': { dtype: 'int32', shape: [] } });
    const [b] = await zip({ x: fromArray(rows(3)).map((r) => r.x), y: labels })
      .batch(3)
      .toArray();
    expect(b!.y.dtype).toBe('int32');
    expect(Array.from(b!.y.dataSync())).toEqual([4, 5, 6]);
    expect(b!.x.shape).toEqual([3, 3]);
    b!.x.dispose();
    b!.y.dispose();
  });

  it('map receives typed arrays; a spec after map types its output', async () => {
    const ds = fromArray(rows(4)).withSpec(spec);
    const doubled = ds.map((r) => ({ x: r.x.map((v) => v * 2), y: r.y })).withSpec(ds.spec);
    const [b] = await doubled.batch(4).toArray();
    expect(Array.from(b!.x.dataSync().subarray(3, 6))).toEqual([2, 3, -2]);
    expect(b!.y.dtype).toBe('int32');
    b!.x.dispose();
    b!.y.dispose();
  });

  it('fromArray and cache hand out copies of typed arrays (in-place edits do not reach the source)', async () => {
    const src = rows(3);
    const ds = fromArray(src).cache();
    for (let pass = 0; pass < 2; pass++) {
      for await (const r of ds) r.x[0] = 99;
    }
    expect(Array.from(src[1]!.x)).toEqual([1, 1.5, -1]);
    expect(Array.from((await ds.toArray())[1]!.x)).toEqual([1, 1.5, -1]);
  });

  it('checkpoint and restore replay batches of typed elements exactly', async () => {
    const pipeline = () => fromArray(rows(100)).withSpec(spec).shuffle({ seed: 4 }).batch(16);
    const values = async (ds: AsyncIterable<{ x: Tensor; y: Tensor }>, limit = Number.POSITIVE_INFINITY, atLimit = () => {}) => {
      const out: number[][] = [];
      for await (const b of ds) {
        out.push([...b.y.dataSync(), ...b.x.dataSync()]);
        b.x.dispose();
        b.y.dispose();
        if (out.length >= limit) {
          atLimit();
          break;
        }
      }
      return out;
    };
    const a = pipeline();
    await values(a);
    const state = a.checkpoint();
    const second = await values(a);
    const b = pipeline();
    b.restore(state);
    expect(await values(b)).toEqual(second);
    const c = pipeline();
    const full = await values(pipeline());
    let mid: Record<string, unknown> = {};
    await values(c, 2, () => {
      mid = c.checkpoint();
    });
    expect(mid).toEqual({ pass: 0, offset: 2 });
    const d = pipeline();
    d.restore(mid);
    expect(await values(d)).toEqual(full.slice(2));
  });

  it('serialize keeps typed leaves typed', () => {
    const el = { x: Float32Array.of(0.25, -1), y: 3, ids: Int32Array.of(7, 8) };
    const back = decodeElement(encodeElement(el)) as typeof el;
    expect(back.x).toBeInstanceOf(Float32Array);
    expect(Array.from(back.x)).toEqual([0.25, -1]);
    expect(back.ids).toBeInstanceOf(Int32Array);
    expect(back.y).toBe(3);
  });

  it('fromTensors still yields tensor slices that batch into one tensor per leaf', async () => {
    const xs = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ys = tensor([0, 1, 2], [3], 'int32');
    const before = tensorCount();
    const [b] = await fromTensors({ x: xs, y: ys }).batch(3).toArray();
    expect(Array.from(b!.x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b!.y.dtype).toBe('int32');
    b!.x.dispose();
    b!.y.dispose();
    expect(tensorCount()).toBe(before);
    xs.dispose();
    ys.dispose();
  });
});
