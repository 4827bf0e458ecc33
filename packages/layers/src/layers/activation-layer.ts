import type { Tensor } from '@tessera/tensor';
import { type ActivationName, getActivation } from '../activations.js';
import { Layer, type LayerOptions } from '../layer.js';
import type { Shape } from '../shape.js';

/**
 * Applies an activation function element-wise (softmax on the last axis).
 *
 * @example
 * ```ts
 * new Activation({ activation: 'gelu' }).call(x);
 * ```
 */
export class Activation extends Layer {
  static readonly className = 'Activation';
  readonly className = 'Activation';
  supportsMasking = true;
  readonly activation: ActivationName;
  constructor(opts: LayerOptions & { activation: ActivationName }) {
    super(opts);
    getActivation(opts.activation, `${this.name} activation`);
    this.activation = opts.activation;
    this.buildFromOptions();
  }
  protected forward(x: Tensor): Tensor {
    return getActivation(this.activation)(x);
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected layerConfig(): Record<string, unknown> {
    return { activation: this.activation };
  }
}

/** Creates an {@link Activation} layer. @example `activation('relu')` */
export const activation = (name: ActivationName, opts: LayerOptions = {}) => new Activation({ ...opts, activation: name });
