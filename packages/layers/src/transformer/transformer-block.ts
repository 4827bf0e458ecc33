import type { CallOptions } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add } from '@tessera/tensor';
import { type ActivationName, getActivation } from '../activations.js';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerInput, type LayerOptions } from '../layer.js';
import { initConfig, positiveInt, rate } from '../layers/common.js';
import { Dense } from '../layers/dense.js';
import { dropoutOp } from '../layers/dropout-op.js';
import { LayerNormalization } from '../layers/norms.js';
import { isShapeList, type Shape } from '../shape.js';
import { MultiHeadAttention } from './multi-head-attention.js';

/**
 * Options of {@link TransformerEncoderBlock} and {@link TransformerDecoderBlock}.
 *
 * @example
 * ```ts
 * const opts: TransformerBlockOptions = { numHeads: 4, intermediateDim: 512, dropout: 0.1, norm: 'pre' };
 * ```
 */
export interface TransformerBlockOptions extends LayerOptions {
  /** Attention heads (a divisor of the input width unless `keyDim` is given). */
  numHeads: number;
  /** Hidden size of the MLP (default 4 × width). */
  intermediateDim?: number;
  /** Size of each attention head (default width / numHeads). */
  keyDim?: number;
  /** Key/value heads for grouped-query attention (default numHeads). */
  numKeyValueHeads?: number;
  /** MLP activation (default `gelu`). */
  activation?: ActivationName;
  /** Residual dropout: on the attention and MLP outputs before each residual add (default 0). */
  dropout?: number;
  /** Dropout on the attention weights (default 0). */
  attentionDropout?: number;
  /** `pre`: `x + f(norm(x))` (GPT-2, default); `post`: `norm(x + f(x))` (the original Transformer, BERT). */
  norm?: 'pre' | 'post';
  /** Epsilon of the layer norms (default 1e-5). */
  layerNormEpsilon?: number;
  /** Learned offsets (beta) in the layer norms (default true; nanoGPT's `bias=False` drops them). */
  layerNormCenter?: boolean;
  /** Biases in the attention and MLP projections (default true). */
  useBias?: boolean;
  /** Rotary positions in the attention (default false). */
  rotary?: boolean;
  /** Initializer of the attention and MLP kernels (default `glorotUniform`, as Keras). */
  kernelInitializer?: InitializerLike;
  /**
   * Initializer of the two kernels that write into the residual stream, the attention output and
   * `mlp_out` (default `kernelInitializer`); GPT-2 / nanoGPT use normal(0, 0.02 / √(2·layers)).
   */
  outputKernelInitializer?: InitializerLike;
}

/**
 * The attention's initializer options from the block's.
 *
 * @example
 * ```ts
 * new MultiHeadAttention({ numHeads: 2, keyDim: 8, ...inits(blockOptions) });
 * ```
 */
export function inits(o: TransformerBlockOptions): { kernelInitializer?: InitializerLike; outputKernelInitializer?: InitializerLike } {
  const r: { kernelInitializer?: InitializerLike; outputKernelInitializer?: InitializerLike } = {};
  if (o.kernelInitializer !== undefined) r.kernelInitializer = o.kernelInitializer;
  if (o.outputKernelInitializer !== undefined) r.outputKernelInitializer = o.outputKernelInitializer;
  return r;
}

/**
 * What the encoder and decoder blocks share: attention + MLP sub-layers with residual
 * connections, pre- or post-norm. Sub-layers are created when the block is built (their sizes
 * follow the input width) and named after the block (`<block>/attention`, `<block>/mlp_in`, ...).
 *
 * @example
 * ```ts
 * const block: TransformerBlock = transformerDecoderBlock({ numHeads: 4 });
 * ```
 */
export abstract class TransformerBlock extends Layer {
  supportsMasking = true;
  readonly numHeads: number;
  readonly norm: 'pre' | 'post';
  readonly dropout: number;
  readonly attentionDropout: number;
  readonly activation: ActivationName;
  protected readonly opts: TransformerBlockOptions;
  protected attention?: MultiHeadAttention;
  protected norm1?: LayerNormalization;
  protected norm2?: LayerNormalization;
  protected mlpIn?: Dense;
  protected mlpOut?: Dense;
  /** Cross-attention to the encoder outputs and its norm (decoder blocks built with two inputs). */
  protected crossAttention?: MultiHeadAttention;
  protected crossNorm?: LayerNormalization;

  constructor(
    opts: TransformerBlockOptions,
    protected readonly causal: boolean,
  ) {
    super(opts);
    this.numHeads = positiveInt(opts.numHeads, `${this.name} numHeads`);
    if (opts.intermediateDim !== undefined) positiveInt(opts.intermediateDim, `${this.name} intermediateDim`);
    if (opts.keyDim !== undefined) positiveInt(opts.keyDim, `${this.name} keyDim`);
    this.norm = opts.norm ?? 'pre';
    if (this.norm !== 'pre' && this.norm !== 'post') throw new ValueError(`${this.name} norm`, '"pre" or "post"', opts.norm);
    this.dropout = rate(opts.dropout ?? 0, `${this.name} dropout`);
    this.attentionDropout = rate(opts.attentionDropout ?? 0, `${this.name} attentionDropout`);
    this.activation = opts.activation ?? 'gelu';
    getActivation(this.activation, `${this.name} activation`);
    this.opts = { ...opts };
  }

  protected buildWeights(shape: Shape | Shape[]): void {
    const s = shape as Shape;
    const width = s[s.length - 1];
    if (s.length !== 3 || width == null) throw new ValueError(`${this.name} input shape`, '[batch, time, width] with a known width', s);
    const o = this.opts;
    if (o.keyDim === undefined && width % this.numHeads !== 0) {
      throw new ValueError(`${this.name} numHeads`, `a divisor of the input width ${width} (or give keyDim)`, this.numHeads);
    }
    this.inputSpec = [null, null, width];
    const seed = (i: number) => (this.baseOptions.seed === undefined ? {} : { seed: this.baseOptions.seed + i });
    const useBias = o.useBias ?? true;
    const eps = o.layerNormEpsilon ?? 1e-5;
    this.attention = new MultiHeadAttention({
      numHeads: this.numHeads,
      keyDim: o.keyDim ?? width / this.numHeads,
      numKeyValueHeads: o.numKeyValueHeads,
      dropout: this.attentionDropout,
      useBias,
      causal: this.causal,
      rotary: o.rotary,
      ...inits(o),
      ...seed(1),
    });
    const center = o.layerNormCenter ?? true;
    this.norm1 = new LayerNormalization({ epsilon: eps, center });
    this.norm2 = new LayerNormalization({ epsilon: eps, center });
    const kernel = (i?: InitializerLike) => (i === undefined ? {} : { kernelInitializer: i });
    this.mlpIn = new Dense({
      units: o.intermediateDim ?? 4 * width,
      activation: this.activation,
      useBias,
      ...kernel(o.kernelInitializer),
      ...seed(2),
    });
    this.mlpOut = new Dense({ units: width, useBias, ...kernel(o.outputKernelInitializer ?? o.kernelInitializer), ...seed(3) });
    const named: Array<[Layer, string]> = [
      [this.attention, 'attention'],
      [this.norm1, this.norm === 'pre' ? 'attention_norm' : 'attention_output_norm'],
      [this.norm2, this.norm === 'pre' ? 'mlp_norm' : 'mlp_output_norm'],
      [this.mlpIn, 'mlp_in'],
      [this.mlpOut, 'mlp_out'],
    ];
    for (const [l, n] of named) {
      this.deriveName(l, () => `${this.name}/${n}`);
      l.build(n === 'mlp_out' ? [s[0] ?? null, s[1] ?? null, o.intermediateDim ?? 4 * width] : s);
    }
    this.children = named.map(([l]) => l);
  }

  /**
   * The block around an attention function: `attend(h)` runs the attention sub-layer on `h`
   * (a call, or a cached step); `cross(h)`, when given, the cross-attention sub-layer between
   * the self-attention and the MLP (its own residual, norm and dropout).
   */
  protected run(x: Tensor, options: CallOptions, attend: (h: Tensor) => Tensor, cross?: (h: Tensor) => Tensor): Tensor {
    const key = this.rngFor(options);
    const drop = (h: Tensor, i: number) => (options.training ? dropoutOp(h, this.dropout, key?.fold(i)) : h);
    const n1 = this.norm1 as LayerNormalization;
    const n2 = this.norm2 as LayerNormalization;
    const nc = this.crossNorm as LayerNormalization;
    const mlp = (h: Tensor) => (this.mlpOut as Dense).call((this.mlpIn as Dense).call(h));
    if (this.norm === 'pre') {
      let h = add(x, drop(attend(n1.call(x)), 1));
      if (cross) h = add(h, drop(cross(nc.call(h)), 3));
      return add(h, drop(mlp(n2.call(h)), 2));
    }
    let h = n1.call(add(x, drop(attend(x), 1)));
    if (cross) h = nc.call(add(h, drop(cross(h), 3)));
    return n2.call(add(h, drop(mlp(h), 2)));
  }

  protected forward(x: LayerInput, options: CallOptions): Tensor {
    return this.run(x as Tensor, options, (h) => (this.attention as MultiHeadAttention).call(h, options));
  }

  computeOutputShape(s: Shape | Shape[]): Shape {
    return (isShapeList(s) ? s[0] : s) as Shape;
  }

  protected layerConfig(): Record<string, unknown> {
    const o = this.opts;
    const c: Record<string, unknown> = {
      numHeads: this.numHeads,
      activation: this.activation,
      dropout: this.dropout,
      attentionDropout: this.attentionDropout,
      norm: this.norm,
      layerNormEpsilon: o.layerNormEpsilon ?? 1e-5,
      useBias: o.useBias ?? true,
      rotary: o.rotary ?? false,
    };
    if (o.layerNormCenter === false) c.layerNormCenter = false;
    for (const k of ['intermediateDim', 'keyDim', 'numKeyValueHeads'] as const) if (o[k] !== undefined) c[k] = o[k];
    for (const k of ['kernelInitializer', 'outputKernelInitializer'] as const)
      if (o[k] !== undefined) c[k] = initConfig(o[k], `${this.name} ${k}`);
    return c;
  }
}

/**
 * Transformer encoder block: bidirectional self-attention and an MLP, each with a residual
 * connection and layer norm (pre- or post-norm), residual dropout. Input and output
 * `[batch, time, width]`; the padding mask (`CallOptions.mask`) keeps queries off padded keys and is
 * passed on.
 *
 * @example
 * ```ts
 * const enc = sequential([embedding(5000, 64, { maskZero: true }), positionalEmbedding(128), transformerEncoderBlock({ numHeads: 4 })]);
 * ```
 */
export class TransformerEncoderBlock extends TransformerBlock {
  static readonly className = 'TransformerEncoderBlock';
  readonly className = 'TransformerEncoderBlock';
  constructor(opts: TransformerBlockOptions) {
    super(opts, false);
    this.buildFromOptions();
  }
}

/**
 * Creates a {@link TransformerEncoderBlock}.
 *
 * @example
 * ```ts
 * transformerEncoderBlock({ numHeads: 8, intermediateDim: 1024, dropout: 0.1, norm: 'post', activation: 'relu' });
 * ```
 */
export const transformerEncoderBlock = (opts: TransformerBlockOptions) => new TransformerEncoderBlock(opts);
