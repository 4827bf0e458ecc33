import type { Dataset as DatasetContract, IteratorState } from '@tessera/core';
import { permutation, ValueError } from '@tessera/core';
import { disposeConsumed, disposeElement } from '../util/tree.js';
import { type CacheOptions, diskCacheIter, MemoryCache } from './cache.js';
import {
  batchIter,
  type ElementContext,
  filterIter,
  mapIter,
  prefetchIter,
  type Stacked,
  shuffleIter,
  skipIter,
  takeIter,
  zipIter,
} from './iterators.js';
import { remapRows, rowBatcher, setRowBatcher } from './row-batches.js';
import { checkSpec, type ElementSpec, sameSpec, zipSpecs } from './spec.js';

/**
 * Random access to element `index` (of pass `pass`) for map-style sources: lets `shuffle` permute indices instead of buffering elements.
 *
 * @example
 * ```ts
 * const squares: ElementAt<number> = (index) => index * index;
 * const ds = new Dataset(async function* () { for (let i = 0; i < 100; i++) yield squares(i, 0); }, 100, squares);
 * const third = await ds.elementAt?.(2, 0); // 4
 * ```
 */
export type ElementAt<T> = (index: number, pass: number) => T | Promise<T>;

/**
 * Produces the elements of one pass; must be a pure function of `pass` for determinism.
 *
 * @example
 * ```ts
 * const producer: Producer<number> = async function* (pass) {
 *   for (let i = 0; i < 5; i++) yield pass * 100 + i;
 * };
 * const ds = new Dataset(producer, 5); // pass 0: 0..4, pass 1: 100..104
 * ```
 */
export type Producer<T> = (pass: number) => AsyncIterable<T>;

/**
 * The resume position saved by `checkpoint()`: the pass to produce next and how many of its elements were consumed.
 *
 * @example
 * ```ts
 * const state: DatasetState = ds.checkpoint(); // e.g. { pass: 3, offset: 128 } mid-epoch
 * const again = build(); // an identically built dataset
 * again.restore(state); // its next pass continues at element 128 of pass 3
 * ```
 */
export interface DatasetState extends IteratorState {
  /** The pass (epoch) to produce next. */
  pass: number;
  /** Elements of that pass already consumed (skipped on resume). */
  offset: number;
}

/**
 * Options of {@link Dataset.shuffle}.
 *
 * @example
 * ```ts
 * const shuffled = fromArray(rows).shuffle({ seed: 42, bufferSize: rows.length }); // a uniform permutation per pass
 * ```
 */
export interface ShuffleOptions {
  /** Elements held in the shuffle buffer (default 10_000; ≥ the size gives a uniform permutation). */
  bufferSize?: number;
  /** The seed (default 0). Each pass reshuffles: the order is a pure function of `(seed, pass)`. */
  seed?: number;
}

/**
 * Options of {@link Dataset.batch}.
 *
 * @example
 * ```ts
 * const full = train.batch(128, { dropRemainder: true }); // every batch has 128 elements
 * const lists = train.batch(8, { stack: false });         // Dataset<T[]>, no tensors made
 * ```
 */
export interface BatchOptions {
  /** Drop a last, smaller batch (default false). */
  dropRemainder?: boolean;
  /** Stack into tensors (default true); false yields plain arrays of elements. */
  stack?: boolean;
}

function positiveInt(where: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(where, 'a positive integer', n);
}

/**
 * A lazy, async-iterable, deterministic sequence of elements with chainable operators.
 *
 * Each `for await` over a dataset is one pass; pass `p` is a pure function of `p` (shuffles use
 * `(seed, p)`), so `checkpoint()`/`restore()` can replay any pass bit for bit, also from the
 * middle (`offset` elements already consumed are skipped). Elements are plain values (typed
 * arrays, numbers, strings); `batch` turns each leaf into one tensor per batch, following the
 * dataset's {@link ElementSpec}. Operators own the elements they drop: tensors (from
 * `fromTensors` or a `map`) that are filtered out, skipped, left in a shuffle/prefetch buffer or
 * consumed by `map`/`batch` are disposed.
 *
 * @example
 * ```ts
 * const ds = fromArray([{ x: Float32Array.of(1, 2), y: 0 }, { x: Float32Array.of(3, 4), y: 1 }])
 *   .withSpec({ y: { dtype: 'int32', shape: [] } })
 *   .shuffle({ seed: 1 })
 *   .batch(2);
 * for await (const { x, y } of ds) {
 *   x.print(); // float32 [2, 2]
 *   y.print(); // int32 [2]
 *   x.dispose();
 *   y.dispose();
 * }
 * ```
 */
export class Dataset<T> implements DatasetContract<T> {
  /** Number of elements when known without iterating. */
  readonly size?: number;
  /**
   * Random access to element `i` (map-style sources: arrays, tensors, IDX files, and `map`, `take`,
   * `skip`, `split`, `kFold` of them). Undefined for streams.
   */
  readonly elementAt?: ElementAt<T>;
  /**
   * Dtype and sample shape of the leaves `batch` turns into tensors (see {@link ElementSpec});
   * set by loaders and {@link Dataset.withSpec}, kept by operators that keep elements as they are.
   */
  readonly spec?: ElementSpec;
  private readonly producer: Producer<T>;
  private nextPass = 0;
  private pendingOffset = 0;
  private active: { pass: number; yielded: number; done: boolean } | undefined;

  constructor(producer: Producer<T>, size?: number, elementAt?: ElementAt<T>, spec?: ElementSpec) {
    this.producer = producer;
    if (size !== undefined) this.size = size;
    if (elementAt && size !== undefined) this.elementAt = elementAt;
    if (spec !== undefined) this.spec = spec;
  }

  /**
   * The same elements, declared with `spec` (dtype and sample shape per leaf path, used by
   * `batch`); `undefined` removes the declaration. Use it after `map` (which drops the spec) or on
   * your own sources: `ds.map(augment).withSpec(ds.spec)`.
   *
   * @example
   * ```ts
   * const rows = fromArray([{ x: Float32Array.of(1, 2), y: 0 }]).withSpec({ y: { dtype: 'int32', shape: [] } });
   * const [b] = await rows.batch(1).toArray(); // b.y: int32 [1]
   * ```
   */
  withSpec(spec: ElementSpec | undefined): Dataset<T> {
    const ds = new Dataset(this.producer, this.size, this.elementAt, spec === undefined ? undefined : checkSpec(spec, 'withSpec spec'));
    return setRowBatcher(ds, rowBatcher(this));
  }

  /** The elements of pass `pass`, without touching this dataset's pass counter. */
  pass(pass: number): AsyncIterable<T> {
    return this.producer(pass);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const pass = this.nextPass++;
    const offset = this.pendingOffset;
    this.pendingOffset = 0;
    const active = { pass, yielded: offset, done: false };
    this.active = active;
    const producer = this.producer;
    async function* run(): AsyncGenerator<T> {
      let skipped = 0;
      try {
        for await (const x of producer(pass)) {
          if (skipped < offset) {
            skipped++;
            disposeElement(x);
            continue;
          }
          active.yielded++;
          yield x;
        }
      } finally {
        active.done = true;
      }
    }
    return run();
  }

  /** The resume position: mid-pass, the current pass and the elements consumed; else the next pass. */
  checkpoint(): DatasetState {
    const a = this.active;
    if (a && !a.done) {
      // every element handed out: resuming means starting the next pass
      if (this.size !== undefined && a.yielded >= this.size) return { pass: a.pass + 1, offset: 0 };
      return { pass: a.pass, offset: a.yielded };
    }
    return { pass: this.nextPass, offset: this.pendingOffset };
  }

  /** Makes the next pass the one saved by `checkpoint()` (on an identically built dataset). */
  restore(state: IteratorState): void {
    const { pass, offset } = state as Partial<DatasetState>;
    if (!Number.isInteger(pass) || (pass as number) < 0) throw new ValueError('Dataset.restore state.pass', 'a non-negative integer', pass);
    if (!Number.isInteger(offset) || (offset as number) < 0) {
      throw new ValueError('Dataset.restore state.offset', 'a non-negative integer', offset);
    }
    this.nextPass = pass as number;
    this.pendingOffset = offset as number;
    this.active = undefined;
  }

  /**
   * Applies `fn` to each element (sync or async, `concurrency` calls in flight, order kept).
   * Elements of the built-in loaders hold typed arrays and numbers, not tensors. The result has no
   * spec (its elements are new): declare one with `withSpec` for int32 labels or sample shapes.
   */
  map<U>(fn: (x: T, ctx: ElementContext) => U | Promise<U>, options: { concurrency?: number } = {}): Dataset<U> {
    const c = options.concurrency ?? 1;
    positiveInt('map concurrency', c);
    const at = this.elementAt;
    const mappedAt: ElementAt<U> | undefined = at
      ? async (i, p) => {
          const x = await at(i, p);
          const y = await fn(x, { pass: p, index: i });
          disposeConsumed(x, y);
          return y;
        }
      : undefined;
    return new Dataset((p) => mapIter(this.producer(p), fn, p, c), this.size, mappedAt);
  }

  /** Keeps the elements for which `pred` is true (dropped tensors are disposed). */
  filter(pred: (x: T, ctx: ElementContext) => boolean | Promise<boolean>): Dataset<T> {
    return new Dataset((p) => filterIter(this.producer(p), pred, p), undefined, undefined, this.spec);
  }

  /**
   * Groups `size` consecutive elements and stacks them into tensors (see `stackElements`). Over
   * `fromTensors` (also shuffled by permutation, taken, skipped or split) each batch is cut from
   * the source tensors directly, one slice or gather per leaf, with the same result.
   */
  batch(size: number, options?: BatchOptions & { stack?: true }): Dataset<Stacked<T>>;
  batch(size: number, options: BatchOptions & { stack: false }): Dataset<T[]>;
  batch(size: number, options: BatchOptions = {}): Dataset<Stacked<T> | T[]> {
    positiveInt('batch size', size);
    const drop = options.dropRemainder ?? false;
    const n = this.size === undefined ? undefined : drop ? Math.floor(this.size / size) : Math.ceil(this.size / size);
    const spec = this.spec;
    const rows = rowBatcher(this);
    const total = this.size;
    if (rows && total !== undefined && (options.stack ?? true)) {
      return new Dataset(async function* (p) {
        for (let start = 0; start < total; start += size) {
          const count = Math.min(size, total - start);
          if (drop && count < size) return;
          const indices = new Int32Array(count);
          for (let k = 0; k < count; k++) indices[k] = start + k;
          yield rows(indices, p) as Stacked<T>;
        }
      }, n);
    }
    return new Dataset((p) => batchIter(this.producer(p), size, drop, options.stack ?? true, spec) as AsyncIterable<Stacked<T> | T[]>, n);
  }

  /**
   * Shuffles; the order is a pure function of the seed and the pass number. Map-style datasets
   * (with `elementAt`) get a uniform permutation of indices, elements made lazily (no buffer),
   * unless a smaller `bufferSize` is given; streams use a buffer of `bufferSize` (default 10,000).
   */
  shuffle(options: ShuffleOptions = {}): Dataset<T> {
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new ValueError('shuffle seed', 'an integer', seed);
    const at = this.elementAt;
    const n = this.size;
    if (at && n !== undefined && (options.bufferSize === undefined || options.bufferSize >= n)) {
      let last: { pass: number; perm: Uint32Array } | undefined;
      const permOf = (p: number): Uint32Array => {
        if (last?.pass !== p) last = { pass: p, perm: permutation(n, seed, p) };
        return last.perm;
      };
      const shuffled = new Dataset(
        async function* (p) {
          const perm = permOf(p);
          for (let k = 0; k < n; k++) yield at(perm[k]!, p); // an async generator awaits what it yields
        },
        n,
        undefined,
        this.spec,
      );
      return setRowBatcher(
        shuffled,
        remapRows(rowBatcher(this), (i, p) => permOf(p)[i] as number),
      );
    }
    const bufferSize = options.bufferSize ?? 10_000;
    positiveInt('shuffle bufferSize', bufferSize);
    return new Dataset((p) => shuffleIter(this.producer(p), bufferSize, seed, p), this.size, undefined, this.spec);
  }

  /** Reads up to `n` elements ahead of the consumer (overlaps loading with training). */
  prefetch(n = 2): Dataset<T> {
    positiveInt('prefetch n', n);
    return new Dataset((p) => prefetchIter(this.producer(p), n), this.size, undefined, this.spec);
  }

  /**
   * Caches the elements of the first complete pass, in memory (default) or in a file (`{ path }`,
   * Node only), and replays them on later passes. The file is written to a temp file and renamed
   * when the pass completes, and ends with a marker holding the element count and a CRC-32; a file
   * that fails that check (truncated, corrupted, edited) is never replayed: the pass recomputes
   * from the source and the fresh cache replaces it.
   */
  cache(options: CacheOptions = {}): Dataset<T> {
    if (options.path !== undefined) {
      const path = options.path;
      return new Dataset((p) => diskCacheIter(this.producer(p), path), this.size, undefined, this.spec);
    }
    const mem = new MemoryCache<T>();
    return new Dataset((p) => mem.iterate(this.producer(p)), this.size, undefined, this.spec);
  }

  /** The first `n` elements. */
  take(n: number): Dataset<T> {
    if (!Number.isInteger(n) || n < 0) throw new ValueError('take n', 'a non-negative integer', n);
    const size = this.size === undefined ? undefined : Math.min(n, this.size);
    return setRowBatcher(new Dataset((p) => takeIter(this.producer(p), n), size, this.elementAt, this.spec), rowBatcher(this));
  }

  /** All but the first `n` elements. */
  skip(n: number): Dataset<T> {
    if (!Number.isInteger(n) || n < 0) throw new ValueError('skip n', 'a non-negative integer', n);
    const at = this.elementAt;
    const size = this.size === undefined ? undefined : Math.max(0, this.size - n);
    const skipped = new Dataset((p) => skipIter(this.producer(p), n), size, at ? (i, p) => at(i + n, p) : undefined, this.spec);
    return setRowBatcher(
      skipped,
      remapRows(rowBatcher(this), (i) => i + n),
    );
  }

  /**
   * Repeats the dataset `count` times (forever when omitted). Repetition `r` of pass `p` is inner
   * pass `p * count + r`, so shuffles before `repeat` reshuffle each time and stay deterministic.
   */
  repeat(count?: number): Dataset<T> {
    const forever = count === undefined || count === Number.POSITIVE_INFINITY;
    if (!forever && (!Number.isInteger(count) || (count as number) < 0))
      throw new ValueError('repeat count', 'a non-negative integer', count);
    const producer = this.producer;
    const n = forever ? undefined : (count as number);
    async function* run(pass: number) {
      for (let r = 0; n === undefined || r < n; r++) {
        let any = false;
        for await (const x of producer(n === undefined ? pass * 2 ** 20 + r : pass * n + r)) {
          any = true;
          yield x;
        }
        if (!any) return;
      }
    }
    const size = n === undefined ? (this.size === 0 ? 0 : undefined) : this.size === undefined ? undefined : this.size * n;
    return new Dataset(run, size, undefined, this.spec);
  }

  /** This dataset's elements followed by `other`'s (same pass number for both). */
  concatenate(other: Dataset<T>): Dataset<T> {
    const a = this.producer;
    const size = this.size !== undefined && other.size !== undefined ? this.size + other.size : undefined;
    return new Dataset(
      async function* (p) {
        yield* a(p);
        yield* other.pass(p);
      },
      size,
      undefined,
      sameSpec(this.spec, other.spec) ? this.spec : undefined,
    );
  }

  /** Collects every element of the next pass into an array (counts as a pass). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const x of this) out.push(x);
    return out;
  }

  /** Calls `fn` on every element of the next pass. */
  async forEach(fn: (x: T) => void | Promise<void>): Promise<void> {
    for await (const x of this) await fn(x);
  }
}

/**
 * Pairs elements of several datasets: an array of datasets gives tuples, an object gives objects.
 * Stops at the shortest; the same pass number drives every source.
 *
 * @example
 * ```ts
 * const xy = zip({ x: images, y: labels }); // elements { x, y }
 * ```
 */
export function zip<const D extends readonly Dataset<unknown>[]>(
  sources: D,
): Dataset<{ [K in keyof D]: D[K] extends Dataset<infer E> ? E : never }>;
export function zip<D extends Record<string, Dataset<unknown>>>(
  sources: D,
): Dataset<{ [K in keyof D]: D[K] extends Dataset<infer E> ? E : never }>;
export function zip(sources: readonly Dataset<unknown>[] | Record<string, Dataset<unknown>>): Dataset<unknown> {
  const list = Array.isArray(sources) ? (sources as Dataset<unknown>[]) : Object.values(sources);
  const keys = Array.isArray(sources) ? undefined : Object.keys(sources);
  const sizes = list.map((d) => d.size);
  const size = sizes.every((s) => s !== undefined) && sizes.length > 0 ? Math.min(...(sizes as number[])) : undefined;
  return new Dataset(
    async function* (p) {
      for await (const tuple of zipIter(list.map((d) => d.pass(p)))) {
        if (!keys) yield tuple;
        else yield Object.fromEntries(keys.map((k, i) => [k, tuple[i]]));
      }
    },
    size,
    undefined,
    zipSpecs(
      list.map((d) => d.spec),
      keys,
    ),
  );
}
