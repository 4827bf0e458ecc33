import type { CallOptions } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { Layer, type LayerOptions } from '../layer.js';
import type { Shape } from '../shape.js';
import { rate } from './common.js';
import { dropoutOp } from './dropout-op.js';

/**
 * Options of {@link Dropout}.
 *
 * @example
 * ```ts
 * new Dropout({ rate: 0.2 });
 * ```
 */
export interface DropoutOptions extends LayerOptions {
  rate: number;
}

/**
 * Zeroes a fraction `rate` of the inputs in training mode and scales the rest by `1 / (1 - rate)`;
 * identity at inference. With `CallOptions.rng` the mask is a deterministic function of the key.
 *
 * @example
 * ```ts
 * const y = new Dropout({ rate: 0.5 }).call(x, { training: true, rng: rngKey(0) });
 * ```
 */
export class Dropout extends Layer {
  static readonly className = 'Dropout';
  readonly className = 'Dropout';
  supportsMasking = true;
  readonly rate: number;
  constructor(opts: DropoutOptions) {
    super(opts);
    this.rate = rate(opts.rate, `${this.name} rate`);
    this.buildFromOptions();
  }
  protected forward(x: Tensor, options: CallOptions): Tensor {
    return options.training ? dropoutOp(x, this.rate, this.rngFor(options)) : x;
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected layerConfig(): Record<string, unknown> {
    return { rate: this.rate };
  }
}

/** Creates a {@link Dropout} layer. @example `dropout(0.2)` */
export const dropoutLayer = (r: number, opts: LayerOptions = {}) => new Dropout({ ...opts, rate: r });
