// A small decoder-only model written with plain ops for the generation tests: token and position
// embeddings, one causal single-head self-attention with a residual, an output projection. Its
// `step` keeps keys and values in the cache and reads absolute positions from `options.positions`,
// as a transformer's KV cache does.
import type { Cache, CallOptions } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import {
  add,
  cast,
  concat,
  expandDims,
  gather,
  greaterEqual,
  logicalNot,
  matMul,
  mul,
  randomNormal,
  range,
  reshape,
  scope,
  softmax,
  zeros,
} from '@tessera/tensor';

export class TinyAttentionLM {
  readonly wte: Tensor;
  readonly wpe: Tensor;
  readonly wq: Tensor;
  readonly wk: Tensor;
  readonly wv: Tensor;
  readonly wo: Tensor;
  calls = 0;
  steps = 0;
  /** Length of every chunk `step` received. */
  chunks: number[] = [];

  constructor(
    readonly vocab: number,
    readonly blockSize: number,
    readonly dim = 8,
    seed = 1,
  ) {
    const r = (shape: number[], s: number, scale = 1) => scope(() => mul(randomNormal(shape, 0, 1, 'float32', seed * 10 + s), scale));
    this.wte = r([vocab, dim], 1);
    this.wpe = r([blockSize, dim], 2);
    this.wq = r([dim, dim], 3, 0.7);
    this.wk = r([dim, dim], 4, 0.7);
    this.wv = r([dim, dim], 5, 0.7);
    this.wo = r([dim, vocab], 6);
  }

  /** Logits `[B, T, V]`, positions 0..T-1. */
  call(ids: Tensor): Tensor {
    this.calls++;
    return scope(() => {
      const [b, t] = ids.shape as [number, number];
      const pos = range(0, t, 1, 'int32');
      const h = this.embed(ids, pos);
      const { k, v } = this.kv(h);
      return this.attend(h, k, v, pos, b);
    });
  }

  initCache(batchSize: number): Cache {
    return [zeros([batchSize, 0, this.dim]), zeros([batchSize, 0, this.dim])];
  }

  step(ids: Tensor, cache: Cache, options: CallOptions = {}): [Tensor, Cache] {
    this.steps++;
    this.chunks.push(ids.shape[1] as number);
    const [kc, vc] = cache as [Tensor, Tensor];
    const positions = options.positions as Tensor;
    return scope(() => {
      const h = this.embed(ids, positions);
      const { k, v } = this.kv(h);
      const keys = concat([kc, k], 1);
      const values = concat([vc, v], 1);
      return [this.attend(h, keys, values, positions, ids.shape[0] as number), [keys, values]];
    }) as unknown as [Tensor, Cache];
  }

  dispose(): void {
    for (const t of [this.wte, this.wpe, this.wq, this.wk, this.wv, this.wo]) t.dispose();
  }

  private embed(ids: Tensor, pos: Tensor): Tensor {
    return add(gather(this.wte, ids), gather(this.wpe, pos));
  }

  private kv(h: Tensor): { k: Tensor; v: Tensor } {
    const [b, t] = h.shape as [number, number, number];
    const flat = reshape(h, [b * t, this.dim]);
    return { k: reshape(matMul(flat, this.wk), [b, t, this.dim]), v: reshape(matMul(flat, this.wv), [b, t, this.dim]) };
  }

  /** Queries from `h` at absolute positions `pos` attend to keys 0..pos. */
  private attend(h: Tensor, k: Tensor, v: Tensor, pos: Tensor, b: number): Tensor {
    const t = h.shape[1] as number;
    const tk = k.shape[1] as number;
    const q = reshape(matMul(reshape(h, [b * t, this.dim]), this.wq), [b, t, this.dim]);
    const scores = mul(matMul(q, k, false, true), 1 / Math.sqrt(this.dim));
    // key j is visible to query i when j <= pos[i] (the cache holds keys 0..tk-1)
    const allowed = greaterEqual(expandDims(pos, 1), expandDims(range(0, tk, 1, 'int32'), 0));
    const masked = add(scores, expandDims(mul(cast(logicalNot(allowed), 'float32'), -1e9), 0));
    const out = add(matMul(softmax(masked), v), h);
    const logits = matMul(reshape(out, [b * t, this.dim]), this.wo);
    return reshape(logits, [b, t, this.vocab]);
  }
}
