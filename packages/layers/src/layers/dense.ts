import { hasKernel, ValueError } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { add, engine, matMul, reshape } from '@tessera/tensor';
import { type ActivationName, getActivation } from '../activations.js';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerOptions } from '../layer.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import type { Serialized } from '../serializable.js';
import type { Shape } from '../shape.js';
import { activationOpt, initConfig, positiveInt, regConfig } from './common.js';

/** The matrix product with bias and activation in one kernel (registered by @tessera/kernels on native TensorFlow). */
const FUSED_MATMUL = 'TesseraFusedMatMul';

/**
 * Options of {@link Dense}.
 *
 * @example
 * ```ts
 * new Dense({ units: 64, activation: 'relu', kernelRegularizer: l2(1e-4) });
 * ```
 */
export interface DenseOptions extends LayerOptions {
  units: number;
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: Regularizer | Serialized;
  biasRegularizer?: Regularizer | Serialized;
}

/**
 * Fully connected layer: `activation(x · kernel + bias)` on the last axis.
 *
 * @example
 * ```ts
 * const layer = new Dense({ units: 10, activation: 'relu' });
 * const y = layer.call(zeros([2, 784])); // [2, 10]
 * ```
 */
export class Dense extends Layer {
  static readonly className = 'Dense';
  readonly className = 'Dense';
  supportsMasking = true;
  readonly units: number;
  private readonly opts: DenseOptions;
  private kernel?: Variable;
  private bias?: Variable;

  constructor(opts: DenseOptions) {
    super(opts);
    this.units = positiveInt(opts.units, `${this.name} units`);
    activationOpt(opts.activation, `${this.name} activation`);
    this.opts = { ...opts };
    this.buildFromOptions();
  }

  protected buildWeights(inputShape: Shape): void {
    const inDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inDim == null)
      throw new ValueError(`${this.name} input shape`, 'rank >= 2 with a known last dimension', inputShape);
    this.inputSpec = [...new Array(inputShape.length - 1).fill(null), inDim];
    const o = this.opts;
    this.kernel = this.addWeight('kernel', [inDim, this.units], o.kernelInitializer ?? 'glorotUniform', {
      regularizer: getRegularizer(o.kernelRegularizer, `${this.name} kernelRegularizer`),
    });
    if (o.useBias ?? true) {
      this.bias = this.addWeight('bias', [this.units], o.biasInitializer ?? 'zeros', {
        regularizer: getRegularizer(o.biasRegularizer, `${this.name} biasRegularizer`),
      });
    }
  }

  protected forward(x: Tensor): Tensor {
    const k = this.use(this.kernel);
    const bias = this.bias && this.use(this.bias);
    const flat = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1] as number]);
    const activation = this.opts.activation ?? 'linear';
    const fused = bias && (activation === 'relu' || activation === 'linear') && flat.dtype === 'float32' && hasKernel(FUSED_MATMUL);
    let y = fused
      ? (engine().runKernel(FUSED_MATMUL, { a: flat, b: k, bias } as never, { activation } as never) as Tensor)
      : matMul(flat, k);
    if (bias && !fused) y = add(y, bias);
    if (x.rank !== 2) y = reshape(y, [...x.shape.slice(0, -1), this.units]);
    return fused ? y : getActivation(this.opts.activation)(y);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  protected layerConfig(): Record<string, unknown> {
    const o = this.opts;
    return {
      units: this.units,
      activation: o.activation ?? 'linear',
      useBias: o.useBias ?? true,
      kernelInitializer: initConfig(o.kernelInitializer ?? 'glorotUniform', `${this.name} kernelInitializer`),
      biasInitializer: initConfig(o.biasInitializer ?? 'zeros', `${this.name} biasInitializer`),
      kernelRegularizer: regConfig(o.kernelRegularizer, `${this.name} kernelRegularizer`),
      biasRegularizer: regConfig(o.biasRegularizer, `${this.name} biasRegularizer`),
    };
  }
}

/**
 * Creates a {@link Dense} layer.
 *
 * @example
 * ```ts
 * const model = sequential([dense(128, { activation: 'relu' }), dense(10)]);
 * ```
 */
export function dense(units: number, opts: Omit<DenseOptions, 'units'> = {}): Dense {
  return new Dense({ ...opts, units });
}
