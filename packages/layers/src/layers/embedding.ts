import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { cast, gather } from '@tessera/tensor';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerOptions } from '../layer.js';
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
}

/**
 * Maps integer ids `[batch, ...]` to vectors `[batch, ..., outputDim]`.
 *
 * @example
 * ```ts
 * new Embedding({ inputDim: 1000, outputDim: 32 }).call(tensor2d([[1, 2, 3]], [1, 3], 'int32')); // [1, 3, 32]
 * ```
 */
export class Embedding extends Layer {
  static readonly className = 'Embedding';
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly opts: EmbeddingOptions;
  private embeddings?: Variable;
  constructor(opts: EmbeddingOptions) {
    super(opts);
    this.inputDim = positiveInt(opts.inputDim, `${this.name} inputDim`);
    this.outputDim = positiveInt(opts.outputDim, `${this.name} outputDim`);
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
  computeOutputShape(s: Shape): Shape {
    return [...s, this.outputDim];
  }
  protected layerConfig(): Record<string, unknown> {
    return {
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: initConfig(this.opts.embeddingsInitializer ?? 'randomUniform', `${this.name} embeddingsInitializer`),
      embeddingsRegularizer: regConfig(this.opts.embeddingsRegularizer, `${this.name} embeddingsRegularizer`),
    };
  }
}

/** Creates an {@link Embedding}. @example `embedding(10000, 64)` */
export const embedding = (inputDim: number, outputDim: number, opts: Omit<EmbeddingOptions, 'inputDim' | 'outputDim'> = {}) =>
  new Embedding({ ...opts, inputDim, outputDim });
