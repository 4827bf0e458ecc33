import type { CallOptions, InitCacheOptions, Stepper } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { cast, expandDims, isTensor, scope } from '@tessera/tensor';
import type { LayerInput } from '../layer.js';
import { LayerNormalization } from '../layers/norms.js';
import { isShapeList, type Shape } from '../shape.js';
import { type AttentionCache, MultiHeadAttention } from './multi-head-attention.js';
import { inits, TransformerBlock, type TransformerBlockOptions } from './transformer-block.js';

/** `[decoderSequence, encoderSequence, encoderPaddingMask?]` from a decoder block input. */
function parts(x: LayerInput, where: string): [Tensor, Tensor | undefined, Tensor | undefined] {
  if (isTensor(x)) return [x, undefined, undefined];
  if (!Array.isArray(x) || x.length < 1 || x.length > 3 || !x.every(isTensor)) {
    throw new ValueError(where, 'a [batch, time, width] tensor, or [decoderSequence, encoderSequence, encoderPaddingMask?]', x);
  }
  return [x[0] as Tensor, x[1], x[2]];
}

/**
 * Transformer decoder block (GPT; with an encoder, the original Transformer's decoder): causal
 * self-attention, then (when called with encoder outputs) cross-attention from the decoder
 * positions to the encoder outputs, then an MLP; each sub-layer with a residual connection, layer
 * norm (pre-norm by default, or post-norm) and residual dropout, as Keras-Hub's `TransformerDecoder`.
 *
 * Input: `[batch, time, width]` (decoder-only), or `[decoderSequence, encoderSequence]` /
 * `[decoderSequence, encoderSequence, encoderPaddingMask]` (`[batch, tEnc, encWidth]` encoder
 * outputs, `[batch, tEnc]` mask, true or 1 for a real encoder step). The cross-attention
 * sub-layer is created when the block is built with two or three input shapes. `CallOptions.mask`
 * is the decoder padding mask (keeps the self-attention off padded decoder steps; passed on).
 * Output `[batch, time, width]`. Steps with a key/value cache for the self-attention
 * ({@link Stepper}); the cross-attention reads the whole encoder sequence at every step.
 *
 * @example
 * ```ts
 * const blocks = sequential([transformerDecoderBlock({ numHeads: 4 }), transformerDecoderBlock({ numHeads: 4 })]);
 * let cache = blocks.initCache(1, { maxLength: 64 });
 * const [y, next] = blocks.step(x, cache); // x: [1, steps, width]
 * // encoder-decoder: cross-attention to a padded source sentence
 * const dec = transformerDecoderBlock({ numHeads: 4 });
 * const out = dec.call([target, encoded, sourceMask]); // [b, tDec, w], [b, tEnc, wEnc], [b, tEnc]
 * ```
 */
export class TransformerDecoderBlock extends TransformerBlock implements Stepper<AttentionCache> {
  static readonly className = 'TransformerDecoderBlock';
  readonly className = 'TransformerDecoderBlock';
  constructor(opts: TransformerBlockOptions) {
    super(opts, true);
    this.buildFromOptions();
  }

  protected buildWeights(shape: Shape | Shape[]): void {
    if (!isShapeList(shape)) {
      super.buildWeights(shape);
      return;
    }
    if (shape.length < 2 || shape.length > 3) {
      throw new ValueError(`${this.name} inputs`, '[decoderSequence, encoderSequence, encoderPaddingMask?]', `${shape.length} tensors`);
    }
    const [dec, enc, mask] = shape as [Shape, Shape, Shape | undefined];
    super.buildWeights(dec);
    const width = dec[2] as number;
    if (enc.length !== 3 || enc[2] == null)
      throw new ValueError(`${this.name} encoder input shape`, '[batch, time, width] with a known width', enc);
    if (mask && mask.length !== 2) throw new ValueError(`${this.name} encoder padding mask shape`, '[batch, encoder time]', mask);
    const o = this.opts;
    const seed = (i: number) => (this.baseOptions.seed === undefined ? {} : { seed: this.baseOptions.seed + i });
    this.crossAttention = new MultiHeadAttention({
      numHeads: this.numHeads,
      keyDim: o.keyDim ?? width / this.numHeads,
      numKeyValueHeads: o.numKeyValueHeads,
      dropout: this.attentionDropout,
      useBias: o.useBias ?? true,
      outputDim: width,
      ...inits(o),
      ...seed(4),
    });
    this.crossNorm = new LayerNormalization({ epsilon: o.layerNormEpsilon ?? 1e-5, center: o.layerNormCenter ?? true });
    this.deriveName(this.crossAttention, () => `${this.name}/cross_attention`);
    this.deriveName(this.crossNorm, () => `${this.name}/${this.norm === 'pre' ? 'cross_attention_norm' : 'cross_attention_output_norm'}`);
    this.crossAttention.build([dec, enc]);
    this.crossNorm.build(dec);
    this.children = [...this.children, this.crossAttention, this.crossNorm];
    this.inputSpec = [
      [null, null, width],
      [null, null, enc[2]],
    ];
  }

  /** With cross-attention: the decoder and encoder shapes, and an optional `[batch, tEnc]` mask. */
  checkInput(shape: Shape | Shape[]): void {
    if (!this.crossAttention || !isShapeList(shape) || shape.length !== 3) {
      super.checkInput(shape);
      return;
    }
    const [dec, enc, mask] = shape as [Shape, Shape, Shape];
    super.checkInput([dec, enc]);
    if (mask.length !== 2 || mask[0] !== enc[0] || mask[1] !== enc[1])
      throw new ValueError(`${this.name} encoder padding mask`, `a [batch, encoder time] = [${enc[0]}, ${enc[1]}] mask`, mask);
  }

  private att(): MultiHeadAttention {
    if (!this.attention) throw new ValueError(`${this.name} step`, 'a built block (call it or build it first)', 'not built');
    return this.attention;
  }

  /** The cross-attention of `h` to the encoder outputs, or undefined for a decoder-only input. */
  private crossFn(enc: Tensor | undefined, encMask: Tensor | undefined, options: CallOptions): ((h: Tensor) => Tensor) | undefined {
    if (!enc) {
      if (this.crossAttention)
        throw new ValueError(`${this.name} inputs`, '[decoderSequence, encoderSequence] (built with cross-attention)', '1 tensor');
      return undefined;
    }
    const cross = this.crossAttention;
    if (!cross) throw new ValueError(`${this.name} inputs`, '1 tensor (built without cross-attention)', 'encoder outputs');
    // queries may attend every real encoder step: [batch, 1, tEnc] broadcasts over the decoder steps
    const attentionMask = encMask ? expandDims(cast(encMask, 'bool'), 1) : undefined;
    const { training, rng } = options;
    return (h) => cross.call([h, enc], { training, rng, attentionMask });
  }

  protected forward(x: LayerInput, options: CallOptions): Tensor {
    const [dec, enc, encMask] = parts(x, `${this.name} input`);
    return this.run(dec, options, (h) => this.att().call(h, options), this.crossFn(enc, encMask, options));
  }

  /**
   * An empty key/value cache of `maxLength` positions (required) for the self-attention. The
   * block must be built (`build([null, null, width])`, a first call, or `inputShape`).
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
   * Runs the chunk `x` (`[batch, steps, width]`, or `[chunk, encoderSequence, encoderPaddingMask?]`)
   * after the cached positions; returns the output and the new cache. Equals the full `call`,
   * position by position. Never disposes `cache`.
   *
   * @example
   * ```ts
   * const [y, next] = block.step(x, block.initCache(1, { maxLength: 16 }));
   * const [z, next2] = encDecBlock.step([x, encoded], cache); // with cross-attention
   * ```
   */
  step(x: LayerInput, cache: AttentionCache, options: CallOptions = {}): [Tensor, AttentionCache] {
    const [dec, enc, encMask] = parts(x, `${this.name} step input`);
    if (dec.rank !== 3) throw new ValueError(`${this.name} step input`, 'a [batch, steps, width] tensor', dec);
    const shapes = [dec, enc, encMask].filter((t): t is Tensor => t !== undefined).map((t) => t.shape);
    if (!this.built) this.build(shapes.length === 1 ? (shapes[0] as Shape) : shapes);
    this.checkInput(shapes.length === 1 ? (shapes[0] as Shape) : shapes);
    const att = this.att();
    return scope(() => {
      let next: AttentionCache | undefined;
      const y = this.run(
        dec,
        options,
        (h) => {
          const [out, c] = att.step(h, cache, options);
          next = c;
          return out;
        },
        this.crossFn(enc, encMask, options),
      );
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
