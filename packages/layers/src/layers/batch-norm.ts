import type { CallOptions } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { add, moments, mul, rsqrt, sub } from '@tessera/tensor';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerOptions } from '../layer.js';
import type { Shape } from '../shape.js';
import { initConfig } from './common.js';

/**
 * Options of {@link BatchNormalization}.
 *
 * @example
 * ```ts
 * batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
 * ```
 */
export interface BatchNormOptions extends LayerOptions {
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  gammaInitializer?: InitializerLike;
  betaInitializer?: InitializerLike;
}

/**
 * Batch normalization over the last (channel) axis. Training mode normalizes with the batch
 * statistics and updates the moving mean/variance (non-trainable `state()`: `call` assigns them,
 * `statelessCall` returns them); inference uses them.
 *
 * @example
 * ```ts
 * const bn = new BatchNormalization({ momentum: 0.9 });
 * bn.call(x, { training: true }); // updates bn.state()['batch_normalization/moving_mean']
 * ```
 */
export class BatchNormalization extends Layer {
  static readonly className = 'BatchNormalization';
  readonly className = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  private readonly opts: BatchNormOptions;
  private gamma?: Variable;
  private beta?: Variable;
  private movingMean?: Variable;
  private movingVariance?: Variable;

  constructor(opts: BatchNormOptions = {}) {
    super(opts);
    this.momentum = opts.momentum ?? 0.99;
    this.epsilon = opts.epsilon ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new ValueError(`${this.name} momentum`, 'a number in [0, 1]', opts.momentum);
    if (!(this.epsilon > 0)) throw new ValueError(`${this.name} epsilon`, 'a positive number', opts.epsilon);
    this.opts = { ...opts };
    this.buildFromOptions();
  }

  protected buildWeights(s: Shape): void {
    const c = s[s.length - 1];
    if (s.length < 2 || c == null) throw new ValueError(`${this.name} input shape`, 'rank >= 2 with a known last dimension', s);
    this.inputSpec = [...new Array(s.length - 1).fill(null), c];
    if (this.opts.scale ?? true) this.gamma = this.addWeight('gamma', [c], this.opts.gammaInitializer ?? 'ones');
    if (this.opts.center ?? true) this.beta = this.addWeight('beta', [c], this.opts.betaInitializer ?? 'zeros');
    this.movingMean = this.addWeight('moving_mean', [c], 'zeros', { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [c], 'ones', { trainable: false });
  }

  protected forward(x: Tensor, options: CallOptions): Tensor {
    const movingMean = this.use(this.movingMean);
    const movingVariance = this.use(this.movingVariance);
    let mean: Tensor = movingMean;
    let variance: Tensor = movingVariance;
    if (options.training) {
      const axes = x.shape.map((_, i) => i).slice(0, -1);
      const m = moments(x, axes);
      mean = m.mean;
      variance = m.variance;
      const k = this.momentum;
      // recorded, not assigned: `call` assigns them, `statelessCall` returns them
      this.updateState(this.movingMean, add(mul(movingMean, k), mul(mean, 1 - k)));
      this.updateState(this.movingVariance, add(mul(movingVariance, k), mul(variance, 1 - k)));
    }
    let y = mul(sub(x, mean), rsqrt(add(variance, this.epsilon)));
    if (this.gamma) y = mul(y, this.use(this.gamma));
    if (this.beta) y = add(y, this.use(this.beta));
    return y;
  }

  computeOutputShape(s: Shape): Shape {
    return s;
  }

  protected layerConfig(): Record<string, unknown> {
    return {
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.opts.center ?? true,
      scale: this.opts.scale ?? true,
      gammaInitializer: initConfig(this.opts.gammaInitializer ?? 'ones', `${this.name} gammaInitializer`),
      betaInitializer: initConfig(this.opts.betaInitializer ?? 'zeros', `${this.name} betaInitializer`),
    };
  }
}

/** Creates a {@link BatchNormalization}. @example `batchNormalization({ momentum: 0.9 })` */
export const batchNormalization = (opts: BatchNormOptions = {}) => new BatchNormalization(opts);
