import type { Cache } from '@tessera/core';
import { ShapeError, stateTensors } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { dispose, reshape, scope, slice, tensor1d, tensor2d } from '@tessera/tensor';
import type { CausalLM } from './causal-lm.js';

/** The last position's logits `[batch, vocab]` of a full call on the last `blockSize` tokens. */
export function recompute(model: CausalLM, seqs: number[][], blockSize: number | undefined): Tensor {
  const len = (seqs[0] as number[]).length;
  const from = blockSize === undefined ? 0 : Math.max(0, len - blockSize);
  return scope(() => lastLogits(model.call(ids(seqs, from, len)), 'generate: model.call'));
}

/** Int32 ids `[batch, to - from]`: positions `from..to-1` of every sequence. */
export function ids(seqs: number[][], from: number, to: number): Tensor {
  const n = to - from;
  const data = new Int32Array(seqs.length * n);
  seqs.forEach((s, b) => {
    for (let i = 0; i < n; i++) data[b * n + i] = s[from + i] as number;
  });
  return tensor2d(data, [seqs.length, n], 'int32');
}

export function lastLogits(y: Tensor, where: string): Tensor {
  if (y.rank !== 3) throw new ShapeError(`${where} output`, [null, null, null], y.shape, 'logits [batch, time, vocab]');
  const [b, t, v] = y.shape as [number, number, number];
  return reshape(slice(y, [0, t - 1, 0], [b, 1, v]), [b, v]);
}

/**
 * The cached path: the cache holds positions `[start, length - 1)` of the sequences; each call
 * feeds what it lacks (the whole window after a reset, else the newest token).
 */
export class CachedDecoder {
  private cache: Cache | null = null;
  private start = 0;
  private end = 0;

  constructor(
    private readonly model: CausalLM,
    private readonly batch: number,
    private readonly window: number,
  ) {}

  next(seqs: number[][]): Tensor {
    const len = (seqs[0] as number[]).length;
    if (this.cache === null || len - this.start > this.window) {
      this.dispose();
      this.start = Math.max(0, len - this.window);
      this.end = this.start;
      this.cache = (this.model.initCache as NonNullable<CausalLM['initCache']>)(this.batch, { maxLength: this.window });
    }
    const x = ids(seqs, this.end, len);
    const positions = tensor1d(
      Array.from({ length: len - this.end }, (_, i) => this.end - this.start + i),
      'int32',
    );
    try {
      const [y, next] = (this.model.step as NonNullable<CausalLM['step']>)(x, this.cache as Cache, { positions });
      try {
        return scope(() => lastLogits(y, 'generate: model.step'));
      } finally {
        y.dispose();
        const keep = new Set(stateTensors(next));
        for (const t of stateTensors(this.cache)) if (!keep.has(t)) t.dispose();
        this.cache = next;
        this.end = len;
      }
    } finally {
      dispose([x, positions]);
    }
  }

  dispose(): void {
    if (this.cache !== null) for (const t of stateTensors(this.cache)) t.dispose();
    this.cache = null;
  }
}
