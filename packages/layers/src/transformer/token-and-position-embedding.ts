import type { CallOptions, InitCacheOptions, Stepper } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor, scope } from '@tessera/tensor';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerInput, type LayerOptions } from '../layer.js';
import { positiveInt } from '../layers/common.js';
import { Embedding } from '../layers/embedding.js';
import type { Shape } from '../shape.js';
import { PositionalEmbedding } from './positional-embedding.js';

/**
 * Options of {@link TokenAndPositionEmbedding}.
 *
 * @example
 * ```ts
 * const opts: TokenAndPositionEmbeddingOptions = { vocabSize: 65, maxLength: 64, dim: 128 };
 * ```
 */
export interface TokenAndPositionEmbeddingOptions extends LayerOptions {
  vocabSize: number;
  /** Number of positions. */
  maxLength: number;
  /** Width of the vectors. */
  dim: number;
  /** `learned` (default) or `sinusoidal` positions. */
  positions?: 'learned' | 'sinusoidal';
  /** Id 0 is padding: the layer makes the mask `ids != 0` (default false). */
  maskZero?: boolean;
  /** Initializer of the token and (learned) position tables (default `randomNormal` with stddev 0.02, as GPT-2). */
  embeddingsInitializer?: InitializerLike;
}

/**
 * Token embedding plus position embedding: int32 ids `[batch, time]` → `[batch, time, dim]`
 * (GPT-2's `wte(ids) + wpe(positions)`). Positions from `CallOptions.positions`, default
 * `0..time-1`; with a cache ({@link Stepper}) the positions after those already seen.
 * {@link attend} is the tied output head (`h · tokenEmbeddingsᵀ`).
 *
 * @example
 * ```ts
 * const emb = tokenAndPositionEmbedding({ vocabSize: 65, maxLength: 64, dim: 32 });
 * const h = emb.call(ids); // [b, t, 32]
 * const logits = emb.attend(h); // [b, t, 65]
 * ```
 */
export class TokenAndPositionEmbedding extends Layer implements Stepper<{ length: number }> {
  static readonly className = 'TokenAndPositionEmbedding';
  readonly className = 'TokenAndPositionEmbedding';
  supportsMasking = true;
  readonly token: Embedding;
  readonly position: PositionalEmbedding;
  private readonly opts: TokenAndPositionEmbeddingOptions;

  constructor(opts: TokenAndPositionEmbeddingOptions) {
    super(opts);
    positiveInt(opts.vocabSize, `${this.name} vocabSize`);
    positiveInt(opts.maxLength, `${this.name} maxLength`);
    positiveInt(opts.dim, `${this.name} dim`);
    this.opts = { ...opts };
    const seed = (i: number) => (opts.seed === undefined ? {} : { seed: opts.seed + i });
    this.token = new Embedding({
      inputDim: opts.vocabSize,
      outputDim: opts.dim,
      maskZero: opts.maskZero,
      embeddingsInitializer: opts.embeddingsInitializer ?? { className: 'RandomNormal', config: { stddev: 0.02 } },
      ...seed(1),
    });
    this.position = new PositionalEmbedding({
      maxLength: opts.maxLength,
      kind: opts.positions ?? 'learned',
      embeddingsInitializer: opts.embeddingsInitializer,
      ...seed(2),
    });
    this.deriveName(this.token, () => `${this.name}/token`);
    this.deriveName(this.position, () => `${this.name}/position`);
    this.children = [this.token, this.position];
    this.buildFromOptions();
  }

  protected buildWeights(s: Shape): void {
    if (s.length !== 2) throw new ValueError(`${this.name} input shape`, '[batch, time] ids', s);
    this.token.build(s);
    this.position.build([s[0] ?? null, s[1] ?? null, this.opts.dim]);
  }

  protected forward(x: Tensor, options: CallOptions): Tensor {
    return this.position.call(this.token.call(x), options);
  }

  /** `ids != 0` with `maskZero` (and the input mask), else the input mask. */
  computeMask(x: LayerInput, mask?: Tensor): Tensor | undefined {
    return this.token.computeMask(x, mask);
  }

  /**
   * The tied output head: `x · tokenEmbeddingsᵀ`, `[..., dim]` → `[..., vocabSize]`.
   *
   * @example
   * ```ts
   * const logits = emb.attend(h);
   * ```
   */
  attend(x: Tensor): Tensor {
    return this.token.attend(x);
  }

  /**
   * A fresh cache (no position seen).
   *
   * @example
   * ```ts
   * emb.initCache(1); // { length: 0 }
   * ```
   */
  initCache(batchSize: number, options?: InitCacheOptions): { length: number } {
    return this.position.initCache(batchSize, options);
  }

  /**
   * Embeds the chunk of ids at the positions after `cache.length` (or `options.positions`).
   *
   * @example
   * ```ts
   * const [h, next] = emb.step(ids, emb.initCache(1));
   * ```
   */
  step(x: Tensor, cache: { length: number }, options: CallOptions = {}): [Tensor, { length: number }] {
    if (!isTensor(x) || x.rank !== 2) throw new ValueError(`${this.name} step input`, 'int32 ids [batch, steps]', x);
    if (!this.built) this.build(x.shape);
    return scope(() => {
      const e = this.token.call(x);
      return this.position.step(e, cache, options) as unknown as [Tensor, { length: number }];
    }) as unknown as [Tensor, { length: number }];
  }

  computeOutputShape(s: Shape): Shape {
    return [...s, this.opts.dim];
  }

  protected layerConfig(): Record<string, unknown> {
    const o = this.opts;
    return {
      vocabSize: o.vocabSize,
      maxLength: o.maxLength,
      dim: o.dim,
      positions: o.positions ?? 'learned',
      maskZero: o.maskZero ?? false,
      embeddingsInitializer: this.token.getConfig().config.embeddingsInitializer,
    };
  }
}

/**
 * Creates a {@link TokenAndPositionEmbedding}.
 *
 * @example
 * ```ts
 * tokenAndPositionEmbedding({ vocabSize: 50257, maxLength: 1024, dim: 768 });
 * ```
 */
export const tokenAndPositionEmbedding = (opts: TokenAndPositionEmbeddingOptions) => new TokenAndPositionEmbedding(opts);
