import { Prng } from '@tessera/core';
import { disposeConsumed, disposeElement } from '../util/tree.js';
import type { ElementSpec } from './spec.js';
import { type Stacked, stackElements } from './stack.js';

/**
 * Where an element sits: the pass (epoch) being produced and its index in that pass, as passed
 * to the functions of {@link Dataset.map} and {@link Dataset.filter}.
 *
 * @example
 * ```ts
 * // A different, reproducible pixel noise per element and epoch (MNIST elements hold a Float32Array).
 * const noisy = train
 *   .map(({ x, y }, ctx: ElementContext) => {
 *     const r = new Prng(ctx.index, ctx.pass);
 *     return { x: x.map((v) => Math.min(1, v + 0.1 * r.next())), y };
 *   })
 *   .withSpec(train.spec); // keep x [28, 28] and int32 labels in the batches
 * ```
 */
export interface ElementContext {
  /** The pass (epoch), 0-based. */
  pass: number;
  /** Index of the element in its pass, 0-based. */
  index: number;
}

/** Applies `fn` with up to `concurrency` calls in flight, keeping the input order. Consumed input tensors are disposed. */
export async function* mapIter<T, U>(
  src: AsyncIterable<T>,
  fn: (x: T, ctx: ElementContext) => U | Promise<U>,
  pass: number,
  concurrency = 1,
): AsyncGenerator<U> {
  let index = 0;
  if (concurrency <= 1) {
    for await (const x of src) {
      const y = await fn(x, { pass, index: index++ });
      disposeConsumed(x, y);
      yield y;
    }
    return;
  }
  const it = src[Symbol.asyncIterator]();
  const queue: Promise<U>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < concurrency) {
        const r = await it.next();
        if (r.done) {
          exhausted = true;
          break;
        }
        const x = r.value;
        const p = Promise.resolve(fn(x, { pass, index: index++ })).then((y) => {
          disposeConsumed(x, y);
          return y;
        });
        p.catch(() => {});
        queue.push(p);
      }
      const next = queue.shift();
      if (!next) return;
      yield await next;
    }
  } finally {
    for (const p of queue) p.then(disposeElement, () => {});
    if (!exhausted) await it.return?.();
  }
}

/** Keeps elements for which `pred` holds; disposes the others. */
export async function* filterIter<T>(src: AsyncIterable<T>, pred: (x: T, ctx: ElementContext) => boolean | Promise<boolean>, pass: number) {
  let index = 0;
  for await (const x of src) {
    if (await pred(x, { pass, index: index++ })) yield x;
    else disposeElement(x);
  }
}

/** The first `n` elements. */
export async function* takeIter<T>(src: AsyncIterable<T>, n: number) {
  if (n <= 0) return;
  let i = 0;
  for await (const x of src) {
    yield x;
    if (++i >= n) return;
  }
}

/** Drops (and disposes) the first `n` elements. */
export async function* skipIter<T>(src: AsyncIterable<T>, n: number) {
  let i = 0;
  for await (const x of src) {
    if (i++ < n) disposeElement(x);
    else yield x;
  }
}

/** Groups `size` elements and stacks them (or yields plain arrays when `stack` is false). */
export async function* batchIter<T>(src: AsyncIterable<T>, size: number, dropRemainder: boolean, stack: boolean, spec?: ElementSpec) {
  let buf: T[] = [];
  try {
    for await (const x of src) {
      buf.push(x);
      if (buf.length === size) {
        const b = buf;
        buf = [];
        yield stack ? stackElements(b, 'element', spec) : b;
      }
    }
    if (buf.length > 0 && !dropRemainder) {
      const b = buf;
      buf = [];
      yield stack ? stackElements(b, 'element', spec) : b;
    }
  } finally {
    for (const x of buf) disposeElement(x);
  }
}
export type { Stacked };

/** Buffered shuffle whose order is a pure function of `(seed, pass)`. Buffered elements are disposed on early exit. */
export async function* shuffleIter<T>(src: AsyncIterable<T>, bufferSize: number, seed: number, pass: number) {
  const rng = new Prng(seed, pass);
  const buf: T[] = [];
  try {
    for await (const x of src) {
      if (buf.length < bufferSize) {
        buf.push(x);
        continue;
      }
      const j = rng.int(bufferSize);
      const out = buf[j] as T;
      buf[j] = x;
      yield out;
    }
    while (buf.length > 0) {
      const j = rng.int(buf.length);
      const out = buf[j] as T;
      buf[j] = buf[buf.length - 1] as T;
      buf.pop();
      yield out;
    }
  } finally {
    for (const x of buf) disposeElement(x);
  }
}

/** Reads up to `n` elements ahead of the consumer. Read-ahead elements are disposed on early exit. */
export async function* prefetchIter<T>(src: AsyncIterable<T>, n: number) {
  const it = src[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  let ended = false;
  try {
    for (;;) {
      while (queue.length < n + 1) {
        const p = it.next();
        p.catch(() => {});
        queue.push(p);
      }
      const r = await queue.shift()!;
      if (r.done) {
        ended = true;
        return;
      }
      yield r.value;
    }
  } finally {
    const rest = await Promise.allSettled(queue);
    for (const r of rest) if (r.status === 'fulfilled' && !r.value.done) disposeElement(r.value.value);
    if (!ended) await it.return?.();
  }
}

/** Yields tuples from several sources until the shortest ends; leftover elements are disposed. */
export async function* zipIter(sources: AsyncIterable<unknown>[]) {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  try {
    for (;;) {
      const rs = await Promise.all(its.map((it) => it.next()));
      if (rs.some((r) => r.done)) {
        for (const r of rs) if (!r.done) disposeElement(r.value);
        return;
      }
      yield rs.map((r) => r.value);
    }
  } finally {
    await Promise.all(its.map((it) => it.return?.()));
  }
}
