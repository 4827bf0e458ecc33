import type { CallOptions, InitCacheOptions, Stepper } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor, scope } from '@tessera/tensor';
import type { AttentionCache, MultiHeadAttention } from './multi-head-attention.js';
import { TransformerBlock, type TransformerBlockOptions } from './transformer-block.js';

/**
 * Transformer decoder block (GPT): causal self-attention and an MLP, each with a residual
 * connection and layer norm (pre-norm by default, or post-norm), residual dropout. Input and output
 * `[batch, time, width]`. Steps with a key/value cache ({@link Stepper}); a stack of blocks in
 * `sequential` steps too.
 *
 * @example
 * ```ts
 * const blocks = sequential([transformerDecoderBlock({ numHeads: 4 }), transformerDecoderBlock({ numHeads: 4 })]);
 * let cache = blocks.initCache(1, { maxLength: 64 });
 * const [y, next] = blocks.step(x, cache); // x: [1, steps, width]
 * ```
 */
export class TransformerDecoderBlock extends TransformerBlock implements Stepper<AttentionCache> {
  static readonly className = 'TransformerDecoderBlock';
  readonly className = 'TransformerDecoderBlock';
  constructor(opts: TransformerBlockOptions) {
    super(opts, true);
    this.buildFromOptions();
  }

  private att(): MultiHeadAttention {
    if (!this.attention) throw new ValueError(`${this.name} step`, 'a built block (call it or build it first)', 'not built');
    return this.attention;
  }

  /**
   * An empty key/value cache of `maxLength` positions (required). The block must be built
   * (`build([null, null, width])`, a first call, or `inputShape`).
   *
   * @example
   * ```ts
   * const cache = transformerDecoderBlock({ numHeads: 2, inputShape: [null, 16] }).initCache(1, { maxLength: 32 });
   * ```
   */
  initCache(batchSize: number, options: InitCacheOptions = {}): AttentionCache {
    return this.att().initCache(batchSize, options);
  }

  /**
   * Runs the chunk `x` (`[batch, steps, width]`) after the cached positions; returns the output
   * and the new cache. Equals the full `call`, position by position. Never disposes `cache`.
   *
   * @example
   * ```ts
   * const [y, next] = block.step(x, block.initCache(1, { maxLength: 16 }));
   * ```
   */
  step(x: Tensor, cache: AttentionCache, options: CallOptions = {}): [Tensor, AttentionCache] {
    if (!isTensor(x) || x.rank !== 3) throw new ValueError(`${this.name} step input`, 'a [batch, steps, width] tensor', x);
    if (!this.built) this.build(x.shape);
    this.checkInput(x.shape);
    const att = this.att();
    return scope(() => {
      let next: AttentionCache | undefined;
      const y = this.run(x, options, (h) => {
        const [out, c] = att.step(h, cache, options);
        next = c;
        return out;
      });
      return [y, next] as unknown as [Tensor, AttentionCache];
    }) as unknown as [Tensor, AttentionCache];
  }
}

/**
 * Creates a {@link TransformerDecoderBlock}.
 *
 * @example
 * ```ts
 * transformerDecoderBlock({ numHeads: 4, dropout: 0.1 }); // GPT block: pre-norm, GELU MLP of 4 × width
 * ```
 */
export const transformerDecoderBlock = (opts: TransformerBlockOptions) => new TransformerDecoderBlock(opts);
