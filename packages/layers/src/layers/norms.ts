import { ValueError } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { add, mean, moments, mul, reshape, rsqrt, square, sub } from '@tessera/tensor';
import { Layer, type LayerOptions } from '../layer.js';
import type { Shape } from '../shape.js';
import { positiveInt } from './common.js';

/**
 * Options of the per-sample normalization layers.
 *
 * @example
 * ```ts
 * layerNormalization({ epsilon: 1e-5, center: false });
 * ```
 */
export interface NormOptions extends LayerOptions {
  epsilon?: number;
  /** Learn a per-channel scale (gamma); default true. */
  scale?: boolean;
  /** Learn a per-channel offset (beta); default true (not used by RMSNormalization). */
  center?: boolean;
}

/** Shared parts: last-axis gamma/beta, epsilon. */
abstract class ChannelNorm extends Layer {
  readonly epsilon: number;
  protected readonly opts: NormOptions;
  protected gamma?: Variable;
  protected beta?: Variable;
  constructor(
    opts: NormOptions,
    defaultEps: number,
    readonly hasCenter: boolean,
  ) {
    super(opts);
    this.epsilon = opts.epsilon ?? defaultEps;
    if (!(this.epsilon > 0)) throw new ValueError(`${this.name} epsilon`, 'a positive number', opts.epsilon);
    this.opts = { ...opts };
  }
  protected buildWeights(s: Shape): void {
    const c = s[s.length - 1];
    if (s.length < 2 || c == null) throw new ValueError(`${this.name} input shape`, 'rank >= 2 with a known last dimension', s);
    this.inputSpec = [...new Array(s.length - 1).fill(null), c];
    this.checkChannels(c);
    if (this.opts.scale ?? true) this.gamma = this.addWeight(this.hasCenter ? 'gamma' : 'scale', [c], 'ones');
    if (this.hasCenter && (this.opts.center ?? true)) this.beta = this.addWeight('beta', [c], 'zeros');
  }
  protected checkChannels(_c: number): void {}
  protected affine(y: Tensor): Tensor {
    let out = y;
    if (this.gamma) out = mul(out, this.use(this.gamma));
    if (this.beta) out = add(out, this.use(this.beta));
    return out;
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected layerConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { epsilon: this.epsilon, scale: this.opts.scale ?? true };
    if (this.hasCenter) c.center = this.opts.center ?? true;
    return c;
  }
}

/**
 * Normalizes each sample over its last axis (mean 0, variance 1), then scales and shifts.
 *
 * @example
 * ```ts
 * new LayerNormalization().call(x);
 * ```
 */
export class LayerNormalization extends ChannelNorm {
  static readonly className = 'LayerNormalization';
  readonly className = 'LayerNormalization';
  supportsMasking = true;
  constructor(opts: NormOptions = {}) {
    super(opts, 1e-3, true);
    this.buildFromOptions();
  }
  protected forward(x: Tensor): Tensor {
    const { mean: m, variance: v } = moments(x, -1, true);
    return this.affine(mul(sub(x, m), rsqrt(add(v, this.epsilon))));
  }
}

/**
 * Divides each sample by the root mean square of its last axis, then scales.
 *
 * @example
 * ```ts
 * new RMSNormalization({ epsilon: 1e-6 }).call(x);
 * ```
 */
export class RMSNormalization extends ChannelNorm {
  static readonly className = 'RMSNormalization';
  readonly className = 'RMSNormalization';
  constructor(opts: NormOptions = {}) {
    super(opts, 1e-6, false);
    this.buildFromOptions();
  }
  protected forward(x: Tensor): Tensor {
    return this.affine(mul(x, rsqrt(add(mean(square(x), -1, true), this.epsilon))));
  }
}

/**
 * Normalizes each sample over groups of channels (and all spatial positions).
 *
 * @example
 * ```ts
 * new GroupNormalization({ groups: 4 }).call(zeros([2, 8, 8, 16]));
 * ```
 */
export class GroupNormalization extends ChannelNorm {
  static readonly className = 'GroupNormalization';
  readonly className = 'GroupNormalization';
  readonly groups: number;
  constructor(opts: NormOptions & { groups?: number } = {}) {
    super(opts, 1e-3, true);
    this.groups = positiveInt(opts.groups ?? 32, `${this.name} groups`);
    this.buildFromOptions();
  }
  protected checkChannels(c: number): void {
    if (c % this.groups !== 0) throw new ValueError(`${this.name} groups`, `a divisor of the ${c} channels`, this.groups);
  }
  protected forward(x: Tensor): Tensor {
    const c = x.shape[x.rank - 1] as number;
    const g = reshape(x, [...x.shape.slice(0, -1), this.groups, c / this.groups]);
    const axes = g.shape.map((_, i) => i).filter((i) => i !== 0 && i !== g.rank - 2);
    const { mean: m, variance: v } = moments(g, axes, true);
    const y = reshape(mul(sub(g, m), rsqrt(add(v, this.epsilon))), x.shape);
    return this.affine(y);
  }
  protected layerConfig(): Record<string, unknown> {
    return { ...super.layerConfig(), groups: this.groups };
  }
}

/** Creates a {@link LayerNormalization}. @example `layerNormalization()` */
export const layerNormalization = (opts: NormOptions = {}) => new LayerNormalization(opts);
/** Creates a {@link RMSNormalization}. @example `rmsNormalization()` */
export const rmsNormalization = (opts: NormOptions = {}) => new RMSNormalization(opts);
/** Creates a {@link GroupNormalization}. @example `groupNormalization({ groups: 8 })` */
export const groupNormalization = (opts: NormOptions & { groups?: number } = {}) => new GroupNormalization(opts);
