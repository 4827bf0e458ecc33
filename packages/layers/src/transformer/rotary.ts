import type { CallOptions } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, cast, concat, cos, expandDims, mul, reshape, sin, slice, sub, tensor } from '@tessera/tensor';
import { Layer, type LayerOptions } from '../layer.js';
import type { Shape } from '../shape.js';
import { resolvePositions } from './positions.js';

/**
 * Rotary position embedding (RoFormer, as in GPT-NeoX / LLaMA): the last axis of `x`
 * (`[batch, time, ..., dim]`, `dim` even) is split into halves `x1 = x[..., :dim/2]`,
 * `x2 = x[..., dim/2:]`, and each pair `(x1[i], x2[i])` at position `p` is rotated by the angle
 * `p · base^(-2i/dim)`: `(x1 cos − x2 sin, x1 sin + x2 cos)`. The dot product of a rotated query
 * and a rotated key then depends on their positions only through their difference.
 * `positions`: int32 `[time]` or `[batch, time]`.
 *
 * @example
 * ```ts
 * const q2 = applyRotary(q, range(0, 8, 1, 'int32')); // q: [b, 8, heads, headDim]
 * ```
 */
export function applyRotary(x: Tensor, positions: Tensor, base = 10000): Tensor {
  const dim = x.shape[x.rank - 1] as number;
  if (x.rank < 3 || dim % 2 !== 0) throw new ValueError('applyRotary input', '[batch, time, ..., dim] with an even dim', x.shape);
  const half = dim / 2;
  const invFreq = tensor(Array.from({ length: half }, (_, i) => base ** ((-2 * i) / dim)));
  // angles [b|1, time, half] -> [b|1, time, 1..., half] to broadcast over the axes between time and dim
  const pos = cast(positions.rank === 1 ? expandDims(positions, 0) : positions, 'float32');
  const angles = mul(expandDims(pos, 2), invFreq);
  const mid = new Array(x.rank - 3).fill(1);
  const c = reshape(cos(angles), [angles.shape[0] as number, angles.shape[1] as number, ...mid, half]);
  const s = reshape(sin(angles), c.shape);
  const start = new Array(x.rank).fill(0);
  const size = new Array(x.rank).fill(-1);
  const x1 = slice(x, start, [...size.slice(0, -1), half]);
  const x2 = slice(x, [...start.slice(0, -1), half], size);
  return concat([sub(mul(x1, c), mul(x2, s)), add(mul(x1, s), mul(x2, c))], -1);
}

/**
 * Options of {@link RotaryEmbedding}.
 *
 * @example
 * ```ts
 * new RotaryEmbedding({ base: 10000 });
 * ```
 */
export interface RotaryEmbeddingOptions extends LayerOptions {
  /** Base of the rotation frequencies (default 10000). */
  base?: number;
}

/**
 * Rotates pairs of features by their absolute position ({@link applyRotary}) on an input
 * `[batch, time, ..., dim]`; no weights. Positions come from `CallOptions.positions`, default `0..time-1`.
 * `MultiHeadAttention` applies it to queries and keys itself with `rotary: true`.
 *
 * @example
 * ```ts
 * const y = rotaryEmbedding().call(x, { positions: range(4, 8, 1, 'int32') }); // x: [b, 4, heads, 16]
 * ```
 */
export class RotaryEmbedding extends Layer {
  static readonly className = 'RotaryEmbedding';
  readonly className = 'RotaryEmbedding';
  supportsMasking = true;
  readonly base: number;
  constructor(opts: RotaryEmbeddingOptions = {}) {
    super(opts);
    this.base = opts.base ?? 10000;
    if (!(typeof this.base === 'number' && this.base > 1)) throw new ValueError(`${this.name} base`, 'a number > 1', opts.base);
    this.buildFromOptions();
  }
  protected buildWeights(s: Shape): void {
    const d = s[s.length - 1];
    if (s.length < 3 || d == null || d % 2 !== 0) {
      throw new ValueError(`${this.name} input shape`, '[batch, time, ..., dim] with a known even dim', s);
    }
  }
  protected forward(x: Tensor, options: CallOptions): Tensor {
    return applyRotary(x, resolvePositions(options.positions, x.shape[0] as number, x.shape[1] as number, 0, this.name), this.base);
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected layerConfig(): Record<string, unknown> {
    return { base: this.base };
  }
}

/** Creates a {@link RotaryEmbedding}. @example `rotaryEmbedding({ base: 10000 })` */
export const rotaryEmbedding = (opts: RotaryEmbeddingOptions = {}) => new RotaryEmbedding(opts);
