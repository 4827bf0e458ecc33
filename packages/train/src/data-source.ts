import type { Batch, Dataset, IteratorState, TensorTree } from '@tessera/core';
import { disposeTree, permutation, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { gather, isTensor, slice, tensor1d, tidy } from '@tessera/tensor';

/**
 * In-memory tensors split into batches by the trainer (optionally shuffled with a seed).
 *
 * @example
 * ```ts
 * const data: TensorData = { x: tensor2d(features, [n, 4]), y: tensor1d(labels, 'int32'), batchSize: 32, shuffle: true, seed: 1 };
 * await fit(model, data, { loss, optimizer, epochs: 10 });
 * ```
 */
export interface TensorData {
  /** Inputs, samples along the first axis. */
  x: Tensor;
  /** Targets, as many samples as `x`. */
  y: Tensor;
  /** Optional per-sample weights `[n]`. */
  sampleWeight?: Tensor;
  /** Samples per batch (the last batch may be smaller). */
  batchSize: number;
  /** Reshuffle on every pass; the order is a pure function of `seed` and the pass number. */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
}

/**
 * Everything `fit`/`evaluate` accept as data.
 *
 * @example
 * ```ts
 * const tensors: DataInput = { x, y, batchSize: 64 };
 * const dataset: DataInput = train.shuffle({ seed: 1 }).batch(64);
 * const listed: DataInput = [{ x: x0, y: y0 }, { x: x1, y: y1 }]; // reused every pass, not disposed
 * await evaluate(model, tensors, { loss });
 * ```
 */
export type DataInput = Dataset<Batch> | AsyncIterable<Batch> | Iterable<Batch> | TensorData;

/**
 * The trainer's view of a data input: passes of batches plus the resume contract, as made by
 * {@link toBatchSource}.
 *
 * @example
 * ```ts
 * const source: BatchSource = toBatchSource(train.batch(32));
 * const state = source.checkpoint?.();
 * for await (const batch of source.pass()) {
 *   // ... use the batch; dispose it when source.ownsBatches
 * }
 * ```
 */
export interface BatchSource {
  /** Yields one pass of batches. */
  pass(): AsyncIterable<Batch>;
  /** Number of batches per pass when known. */
  readonly batchesPerPass?: number;
  /** True when the trainer owns (and disposes) the batches it receives. */
  readonly ownsBatches: boolean;
  /** Position before the next pass (when the input supports resuming). */
  checkpoint?(): IteratorState;
  /** Restores a position returned by `checkpoint()`. */
  restore?(state: IteratorState): void;
}

function isTensorData(d: unknown): d is TensorData {
  return typeof d === 'object' && d !== null && isTensor((d as TensorData).x) && 'batchSize' in d;
}

/**
 * Normalizes any accepted data input into a {@link BatchSource}. Batches from datasets, async
 * iterables and generators are owned by the consumer (the trainer disposes them); batches in a
 * plain array belong to the caller and are reused on every pass.
 *
 * @example
 * ```ts
 * const source = toBatchSource({ x, y, batchSize: 32, shuffle: true, seed: 1 });
 * for await (const batch of source.pass()) { ... }
 * ```
 */
export function toBatchSource(data: DataInput, options: { disposeBatches?: boolean } = {}): BatchSource {
  if (isTensorData(data)) return tensorSource(data);
  const d = data as Dataset<Batch>;
  if (typeof d !== 'object' || d === null || (!(Symbol.asyncIterator in d) && !(Symbol.iterator in d))) {
    throw new ValueError('fit data', 'a Dataset, an (async) iterable of {x, y} batches, or {x, y, batchSize}', data);
  }
  const owns = options.disposeBatches ?? !Array.isArray(data);
  const src: BatchSource = {
    ownsBatches: owns,
    batchesPerPass: Array.isArray(data) ? data.length : undefined,
    async *pass() {
      if (Symbol.asyncIterator in d) yield* d as AsyncIterable<Batch>;
      else yield* data as Iterable<Batch>;
    },
  };
  if (typeof d.checkpoint === 'function' && typeof d.restore === 'function') {
    src.checkpoint = () => (d.checkpoint as () => IteratorState)();
    src.restore = (s) => (d.restore as (s: IteratorState) => void)(s);
  }
  return src;
}

function tensorSource(data: TensorData): BatchSource {
  const n = data.x.shape[0] ?? 0;
  if ((data.y.shape[0] ?? -1) !== n) {
    throw new ValueError('fit data y', `${n} samples (the first dimension of x)`, `${data.y.shape[0]} samples`);
  }
  if (!Number.isInteger(data.batchSize) || data.batchSize < 1)
    throw new ValueError('fit data batchSize', 'a positive integer', data.batchSize);
  let passIndex = 0;
  const batches = Math.ceil(n / data.batchSize);
  return {
    ownsBatches: true,
    batchesPerPass: batches,
    checkpoint: () => ({ pass: passIndex }),
    restore: (s) => {
      if (typeof s.pass !== 'number') throw new ValueError('tensor data restore', '{ pass: number }', s);
      passIndex = s.pass;
    },
    async *pass() {
      const p = passIndex++;
      const order = data.shuffle ? permutation(n, data.seed ?? 0, p) : null;
      for (let b = 0; b < batches; b++) {
        const start = b * data.batchSize;
        const end = Math.min(n, start + data.batchSize);
        const idx = order ? order.subarray(start, end) : null;
        // One slice (in order) or one gather (shuffled, one index tensor for every leaf) per
        // tensor: the kernels copy only the batch's rows, whatever the size of the source.
        const cut = tidy(() => {
          const index = idx ? tensor1d(new Int32Array(idx.buffer, idx.byteOffset, idx.length), 'int32') : null;
          const take = (t: Tensor): Tensor => (index ? gather(t, index) : slice(t, start, end - start));
          const leaves: Record<string, Tensor> = { x: take(data.x), y: take(data.y) };
          if (data.sampleWeight) leaves.sampleWeight = take(data.sampleWeight);
          return leaves;
        });
        const batch: Batch = { x: cut.x as Tensor, y: cut.y as Tensor };
        if (cut.sampleWeight) batch.sampleWeight = cut.sampleWeight;
        yield batch;
      }
    },
  };
}

/**
 * Frees every tensor in a batch.
 *
 * @example
 * ```ts
 * disposeBatch({ x, y });
 * ```
 */
export function disposeBatch(batch: Batch): void {
  if (typeof batch !== 'object' || batch === null) return;
  disposeTree([batch.x, batch.y, batch.sampleWeight]);
}

/**
 * Number of samples in a batch (first dimension of its first x tensor).
 *
 * @example
 * ```ts
 * batchSize(zeros([32, 784])); // 32
 * ```
 */
export function batchSize(x: TensorTree): number {
  if (typeof x !== 'object' || x === null) return 0;
  if (isTensor(x)) return x.shape[0] ?? 1;
  const first = Array.isArray(x) ? x[0] : Object.values(x)[0];
  return first?.shape[0] ?? 1;
}
