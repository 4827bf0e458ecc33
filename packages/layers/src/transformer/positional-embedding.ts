import type { CallOptions, InitCacheOptions, Stepper } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { add, cast, cos, expandDims, gather, mul, reshape, scope, sin, stack, tensor } from '@tessera/tensor';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerOptions } from '../layer.js';
import { initConfig, positiveInt } from '../layers/common.js';
import type { Shape } from '../shape.js';
import { resolvePositions } from './positions.js';

/**
 * Options of {@link PositionalEmbedding}.
 *
 * @example
 * ```ts
 * const opts: PositionalEmbeddingOptions = { maxLength: 512, kind: 'sinusoidal' };
 * ```
 */
export interface PositionalEmbeddingOptions extends LayerOptions {
  /** Number of positions (learned: rows of the table; sinusoidal: positions must stay below it). */
  maxLength: number;
  /** `learned` (a trainable `[maxLength, dim]` table, default) or `sinusoidal` (fixed sine/cosine, Vaswani et al.). */
  kind?: 'learned' | 'sinusoidal';
  /** Initializer of the learned table (default `randomNormal` with stddev 0.02, as GPT-2). */
  embeddingsInitializer?: InitializerLike;
  /** Sinusoidal only: the longest wavelength (default 10000). */
  maxWavelength?: number;
}

/**
 * Sinusoidal position vectors `[..., dim]` for int32 `positions`: entry `2i` is
 * `sin(p / maxWavelength^(2i/dim))`, entry `2i+1` the cosine of the same angle.
 *
 * @example
 * ```ts
 * sinusoidalPositions(range(0, 4, 1, 'int32'), 8); // [4, 8]; row 0 is [0, 1, 0, 1, ...]
 * ```
 */
export function sinusoidalPositions(positions: Tensor, dim: number, maxWavelength = 10000): Tensor {
  if (dim % 2 !== 0) throw new ValueError('sinusoidalPositions dim', 'an even number', dim);
  const half = dim / 2;
  const invFreq = tensor(Array.from({ length: half }, (_, i) => maxWavelength ** ((-2 * i) / dim)));
  const angles = mul(expandDims(cast(positions, 'float32'), -1), invFreq);
  return reshape(stack([sin(angles), cos(angles)], -1), [...positions.shape, dim]);
}

/**
 * Adds a position vector to each step of `[batch, time, dim]`: learned (a trainable table, as
 * GPT-2) or sinusoidal. Positions come from `CallOptions.positions` (int32 `[time]` or
 * `[batch, time]`), default `0..time-1`. Steps with a cache ({@link Stepper}): the cache is the
 * number of positions already seen, so chunk `i` gets the positions after it.
 *
 * @example
 * ```ts
 * const lm = sequential([embedding(65, 32), positionalEmbedding(64), dense(65)]);
 * const pe = positionalEmbedding(128, { kind: 'sinusoidal' }).call(x); // x + sinusoids
 * ```
 */
export class PositionalEmbedding extends Layer implements Stepper<{ length: number }> {
  static readonly className = 'PositionalEmbedding';
  readonly className = 'PositionalEmbedding';
  supportsMasking = true;
  readonly maxLength: number;
  readonly kind: 'learned' | 'sinusoidal';
  readonly maxWavelength: number;
  private readonly opts: PositionalEmbeddingOptions;
  private table?: Variable;
  private dim?: number;
  constructor(opts: PositionalEmbeddingOptions) {
    super(opts);
    this.maxLength = positiveInt(opts.maxLength, `${this.name} maxLength`);
    this.kind = opts.kind ?? 'learned';
    if (this.kind !== 'learned' && this.kind !== 'sinusoidal')
      throw new ValueError(`${this.name} kind`, '"learned" or "sinusoidal"', opts.kind);
    this.maxWavelength = opts.maxWavelength ?? 10000;
    this.opts = { ...opts };
    this.buildFromOptions();
  }
  protected buildWeights(s: Shape): void {
    const d = s[s.length - 1];
    if (s.length !== 3 || d == null) throw new ValueError(`${this.name} input shape`, '[batch, time, dim] with a known dim', s);
    if (this.kind === 'sinusoidal' && d % 2 !== 0) throw new ValueError(`${this.name} input dim`, 'an even number (sinusoidal)', d);
    this.dim = d;
    this.inputSpec = [null, null, d];
    if (this.kind === 'learned') {
      this.table = this.addWeight(
        'embeddings',
        [this.maxLength, d],
        this.opts.embeddingsInitializer ?? { className: 'RandomNormal', config: { stddev: 0.02 } },
      );
    }
  }
  /** The position vectors `[time | batch, time, dim]` for int32 positions. */
  private vectors(positions: Tensor): Tensor {
    if (this.kind === 'sinusoidal') return sinusoidalPositions(positions, this.dim as number, this.maxWavelength);
    return gather(this.use(this.table), positions);
  }
  protected forward(x: Tensor, options: CallOptions): Tensor {
    const [b, t] = x.shape as [number, number];
    if (!options.positions && t > this.maxLength) {
      throw new ValueError(`${this.name} input length`, `at most maxLength (${this.maxLength}) steps`, t);
    }
    return add(x, this.vectors(resolvePositions(options.positions, b, t, 0, this.name)));
  }
  /**
   * A fresh cache: no position seen yet.
   *
   * @example
   * ```ts
   * positionalEmbedding(64).initCache(2); // { length: 0 }
   * ```
   */
  initCache(batchSize: number, _options?: InitCacheOptions): { length: number } {
    positiveInt(batchSize, `${this.name} initCache batchSize`);
    return { length: 0 };
  }
  /**
   * Adds the position vectors of the chunk's positions (`options.positions`, else the ones after
   * the `cache.length` positions already seen); returns the new cache.
   *
   * @example
   * ```ts
   * const [y, next] = pe.step(x1, pe.initCache(1)); // positions 0..t-1, next: { length: t }
   * ```
   */
  step(x: Tensor, cache: { length: number }, options: CallOptions = {}): [Tensor, { length: number }] {
    if (!this.built) this.build(x.shape);
    this.checkInput(x.shape);
    const offset = cache?.length;
    if (!Number.isInteger(offset) || offset < 0)
      throw new ValueError(`${this.name} cache`, '{ length } from initCache or a previous step', cache);
    const [b, t] = x.shape as [number, number];
    if (offset + t > this.maxLength && !options.positions) {
      throw new ValueError(`${this.name} step`, `at most maxLength (${this.maxLength}) positions in all`, offset + t);
    }
    const y = scope(() => this.call(x, { ...options, positions: resolvePositions(options.positions, b, t, offset, this.name) }));
    return [y, { length: offset + t }];
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected layerConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { maxLength: this.maxLength, kind: this.kind };
    if (this.kind === 'learned') {
      c.embeddingsInitializer = initConfig(
        this.opts.embeddingsInitializer ?? { className: 'RandomNormal', config: { stddev: 0.02 } },
        `${this.name} embeddingsInitializer`,
      );
    } else c.maxWavelength = this.maxWavelength;
    return c;
  }
}

/**
 * Creates a {@link PositionalEmbedding}.
 *
 * @example
 * ```ts
 * positionalEmbedding(64); // learned, 64 positions
 * positionalEmbedding(512, { kind: 'sinusoidal' });
 * ```
 */
export const positionalEmbedding = (maxLength: number, opts: Omit<PositionalEmbeddingOptions, 'maxLength'> = {}) =>
  new PositionalEmbedding({ ...opts, maxLength });
