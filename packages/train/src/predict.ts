import type { Module, TensorTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { concat, isTensor, slice, tidy } from '@tessera/tensor';
import { type DataInput, disposeBatch, toBatchSource } from './data-source.js';

function forward(model: Module, x: TensorTree): Tensor {
  return tidy(() => {
    const p = model.call(x, { training: false });
    if (!isTensor(p)) throw new ValueError(`predict: model "${model.name}" output`, 'one tensor', p);
    return p;
  });
}

function join(parts: Tensor[]): Tensor {
  if (parts.length === 0) throw new ValueError('predict data', 'at least one batch', 0);
  if (parts.length === 1) return parts[0] as Tensor;
  const out = concat(parts, 0);
  for (const p of parts) p.dispose();
  return out;
}

/**
 * Runs `model` in inference mode over a tensor (in batches of `batchSize`) or over the `x` of
 * every batch of a dataset, and returns the concatenated predictions (the caller disposes them).
 *
 * @example
 * ```ts
 * const probs = await predict(model, xTest, { batchSize: 256 });
 * ```
 */
export async function predict(model: Module, data: Tensor | DataInput, options: { batchSize?: number } = {}): Promise<Tensor> {
  const parts: Tensor[] = [];
  try {
    if (isTensor(data)) {
      const bs = options.batchSize ?? 32;
      if (!Number.isInteger(bs) || bs < 1) throw new ValueError('predict batchSize', 'a positive integer', bs);
      const n = data.shape[0] ?? 0;
      for (let start = 0; start < n; start += bs) {
        const x = slice(data, start, Math.min(bs, n - start));
        try {
          parts.push(forward(model, x));
        } finally {
          x.dispose();
        }
        if (parts.length % 16 === 0) await (parts[parts.length - 1] as Tensor).data();
      }
    } else {
      const source = toBatchSource(data);
      for await (const batch of source.pass()) {
        try {
          parts.push(forward(model, batch.x));
        } finally {
          if (source.ownsBatches) disposeBatch(batch);
        }
      }
    }
    return join(parts);
  } catch (err) {
    for (const p of parts) if (!p.isDisposed) p.dispose();
    throw err;
  }
}
