import type { Module, TensorTree } from '@tessera/core';
import { disposeTree, treeTensors, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { concat, isTensor, slice, tidy } from '@tessera/tensor';
import { type DataInput, disposeBatch, toBatchSource } from './data-source.js';

function forward(model: Module, x: TensorTree): TensorTree {
  return tidy(() => {
    const p = model.call(x, { training: false });
    const ok = isTensor(p) || (typeof p === 'object' && p !== null && Object.values(p).length > 0 && Object.values(p).every(isTensor));
    if (!ok) throw new ValueError(`predict: model "${model.name}" output`, 'a tensor, a list or a record of tensors', p);
    return p;
  });
}

function joinLeaf(parts: Tensor[]): Tensor {
  if (parts.length === 1) return parts[0] as Tensor;
  return concat(parts, 0);
}

function join(parts: TensorTree[]): TensorTree {
  if (parts.length === 0) throw new ValueError('predict data', 'at least one batch', 0);
  const first = parts[0] as TensorTree;
  if (parts.length === 1) return first;
  let out: TensorTree;
  if (isTensor(first)) out = joinLeaf(parts as Tensor[]);
  else if (Array.isArray(first)) out = first.map((_, i) => joinLeaf(parts.map((p) => (p as Tensor[])[i] as Tensor)));
  else {
    const rec: Record<string, Tensor> = {};
    for (const k of Object.keys(first)) rec[k] = joinLeaf(parts.map((p) => (p as Record<string, Tensor>)[k] as Tensor));
    out = rec;
  }
  disposeTree(parts);
  return out;
}

/**
 * Runs `model` in inference mode over a tensor (in batches of `batchSize`) or over the `x` of
 * every batch of a dataset, and returns the concatenated predictions (the caller disposes them).
 * Models with several outputs give a list or record of tensors, each concatenated over batches
 * (pass the type: `predict<Record<string, Tensor>>(...)`).
 *
 * @example
 * ```ts
 * const probs = await predict(model, xTest, { batchSize: 256 });
 * const { digit, box } = await predict<Record<string, Tensor>>(twoHeaded, xTest);
 * ```
 */
export async function predict<O extends TensorTree = Tensor>(
  model: Module,
  data: Tensor | DataInput,
  options: { batchSize?: number } = {},
): Promise<O> {
  const parts: TensorTree[] = [];
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
        if (parts.length % 16 === 0) await (treeTensors(parts[parts.length - 1] as TensorTree)[0] as Tensor).data();
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
    return join(parts) as O;
  } catch (err) {
    disposeTree(parts);
    throw err;
  }
}
