import { ValueError } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { cast, gather, isTensor, matMul, notEqual, reshape } from '@tessera/tensor';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerInput, type LayerOptions } from '../layer.js';
import { mergeMasks } from '../masks.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import type { Serialized } from '../serializable.js';
import type { Shape } from '../shape.js';
import { initConfig, positiveInt, regConfig } from './common.js';

/**
 * Options of {@link Embedding}.
 *
 * @example
 * ```ts
 * new Embedding({ inputDim: 5000, outputDim: 32 });
 * ```
 */
export interface EmbeddingOptions extends LayerOptions {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: InitializerLike;
  embeddingsRegularizer?: Regularizer | Serialized;
  /**
   * Id 0 is padding: the layer's output mask ({@link Embedding.computeMask}) is `ids != 0`, so
   * recurrent and pooling layers after it skip the padded steps. Default false.
   */
  maskZero?: boolean;
}

/**
 * Maps integer ids `[batch, ...]` to vectors `[batch, ..., outputDim]`. With `maskZero`, id 0
 * is padding and the layer produces a mask (`ids != 0`) that Sequential and functional models
 * hand to the next layers.
 *
 * @example
 * ```ts
 * new Embedding({ inputDim: 1000, outputDim: 32 }).call(tensor2d([[1, 2, 3]], [1, 3], 'int32')); // [1, 3, 32]
 * const padded = sequential([embedding(1000, 32, { maskZero: true }), lstm(16), dense(1)]); // LSTM skips id 0
 * ```
 */
export class Embedding extends Layer {
  static readonly className = 'Embedding';
  readonly className = 'Embedding';
  supportsMasking = true;
  readonly inputDim: number;
  readonly outputDim: number;
  /** Id 0 is padding (the layer makes a mask). */
  readonly maskZero: boolean;
  private readonly opts: EmbeddingOptions;
  private embeddings?: Variable;
  constructor(opts: EmbeddingOptions) {
    super(opts);
    this.inputDim = positiveInt(opts.inputDim, `${this.name} inputDim`);
    this.outputDim = positiveInt(opts.outputDim, `${this.name} outputDim`);
    if (opts.maskZero !== undefined && typeof opts.maskZero !== 'boolean') {
      throw new ValueError(`${this.name} maskZero`, 'a boolean', opts.maskZero);
    }
    this.maskZero = opts.maskZero ?? false;
    this.opts = { ...opts };
    this.buildFromOptions();
  }
  protected buildWeights(): void {
    // Keras 3 default: uniform in [-0.05, 0.05]
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.opts.embeddingsInitializer ?? 'randomUniform', {
      regularizer: getRegularizer(this.opts.embeddingsRegularizer, `${this.name} embeddingsRegularizer`),
    });
  }
  protected forward(x: Tensor): Tensor {
    return gather(this.use(this.embeddings), x.dtype === 'int32' ? x : cast(x, 'int32'));
  }
  /**
   * Scores of vectors `[..., outputDim]` against every embedding, `x · embeddingsᵀ` →
   * `[..., inputDim]`: the output head of a language model whose input and output embeddings are
   * tied. Uses the same weight as the forward pass (also under `apply` / `statelessCall`), so the
   * gradient reaches it from both ends.
   *
   * @example
   * ```ts
   * const tok = embedding(65, 32);
   * const logits = tok.attend(hidden); // hidden [b, t, 32] -> [b, t, 65]
   * ```
   */
  attend(x: Tensor): Tensor {
    if (!this.built) this.build([null, null]);
    const d = x.shape[x.rank - 1];
    if (d !== this.outputDim) throw new ValueError(`${this.name} attend input`, `vectors of size outputDim (${this.outputDim})`, x.shape);
    const flat = reshape(x, [-1, d]);
    return reshape(matMul(flat, this.use(this.embeddings), false, true), [...x.shape.slice(0, -1), this.inputDim]);
  }
  /**
   * With `maskZero`: the bool mask `ids != 0` (and the input mask, if any). Without: the input
   * mask unchanged (the time axis stays), so a mask given in the call options reaches the next layers.
   */
  computeMask(x: LayerInput, mask?: Tensor): Tensor | undefined {
    if (!this.maskZero) return mask;
    if (!isTensor(x)) throw new ValueError(`${this.name} input`, 'a tensor of ids', x);
    return mergeMasks([notEqual(x, 0), mask]);
  }
  computeOutputShape(s: Shape): Shape {
    return [...s, this.outputDim];
  }
  protected layerConfig(): Record<string, unknown> {
    return {
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: initConfig(this.opts.embeddingsInitializer ?? 'randomUniform', `${this.name} embeddingsInitializer`),
      embeddingsRegularizer: regConfig(this.opts.embeddingsRegularizer, `${this.name} embeddingsRegularizer`),
      maskZero: this.maskZero,
    };
  }
}

/** Creates an {@link Embedding}. @example `embedding(10000, 64, { maskZero: true })` */
export const embedding = (inputDim: number, outputDim: number, opts: Omit<EmbeddingOptions, 'inputDim' | 'outputDim'> = {}) =>
  new Embedding({ ...opts, inputDim, outputDim });
