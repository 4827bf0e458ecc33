import type { Tensor } from '@tensorflow/tfjs-core';
import { add, concat, matMul, mul, ones, scope, slice, split, sub, unstack, zeros } from '@tessera/tensor';
import type { Initializer, InitializerLike } from '../initializers.js';
import { getInitializer } from '../initializers.js';
import { RNN, type RNNOptions } from './rnn.js';

/**
 * Fully connected recurrent layer: `h = tanh(x W + h U + b)`.
 *
 * @example
 * ```ts
 * new SimpleRNN({ units: 8 }).call(zeros([2, 5, 3])); // [2, 8]
 * ```
 */
export class SimpleRNN extends RNN {
  static readonly className = 'SimpleRNN';
  readonly className = 'SimpleRNN';
  protected readonly gates = 1;
  constructor(opts: RNNOptions) {
    super(opts);
    this.buildFromOptions();
  }
  protected step(xp: Tensor, [h]: Tensor[]): Tensor[] {
    return [this.act(add(xp, matMul(h as Tensor, this.use(this.recurrentKernel))))];
  }
}

/**
 * Long short-term memory (Keras gate order i, f, c, o; forget-gate bias starts at 1).
 *
 * @example
 * ```ts
 * new LSTM({ units: 16, returnSequences: true }).call(zeros([2, 5, 3])); // [2, 5, 16]
 * ```
 */
export class LSTM extends RNN {
  static readonly className = 'LSTM';
  readonly className = 'LSTM';
  protected readonly gates = 4;
  readonly unitForgetBias: boolean;
  constructor(opts: RNNOptions & { unitForgetBias?: boolean }) {
    super(opts);
    this.unitForgetBias = opts.unitForgetBias ?? true;
    this.buildFromOptions();
  }
  protected biasInit(): InitializerLike {
    const base = getInitializer(this.opts.biasInitializer ?? 'zeros');
    if (!this.unitForgetBias) return base;
    const u = this.units;
    const init: Initializer = {
      className: base.className,
      init: (_shape, key) => scope(() => concat([base.init([u], key), ones([u]), base.init([2 * u], key)])),
      getConfig: () => base.getConfig(),
    };
    return init;
  }
  protected initialState(batch: number): Tensor[] {
    return [zeros([batch, this.units]), zeros([batch, this.units])];
  }
  protected step(xp: Tensor, [h, c]: Tensor[]): Tensor[] {
    const z = add(xp, matMul(h as Tensor, this.use(this.recurrentKernel)));
    const [i, f, cc, o] = split(z, 4, -1) as [Tensor, Tensor, Tensor, Tensor];
    const c2 = add(mul(this.recAct(f), c as Tensor), mul(this.recAct(i), this.act(cc)));
    return [mul(this.recAct(o), this.act(c2)), c2];
  }
  protected layerConfig(): Record<string, unknown> {
    return { ...super.layerConfig(), unitForgetBias: this.unitForgetBias };
  }
}

/**
 * Gated recurrent unit (Keras 3 defaults: gate order z, r, h; `resetAfter` true with a `[2, 3u]` bias).
 *
 * @example
 * ```ts
 * new GRU({ units: 16 }).call(zeros([2, 5, 3])); // [2, 16]
 * ```
 */
export class GRU extends RNN {
  static readonly className = 'GRU';
  readonly className = 'GRU';
  protected readonly gates = 3;
  readonly resetAfter: boolean;
  constructor(opts: RNNOptions & { resetAfter?: boolean }) {
    super(opts);
    this.resetAfter = opts.resetAfter ?? true;
    this.buildFromOptions();
  }
  protected biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }
  protected inputBias(): Tensor | undefined {
    if (!this.bias) return undefined;
    const b = this.use(this.bias);
    return this.resetAfter ? (unstack(b)[0] as Tensor) : b;
  }
  protected step(xp: Tensor, [hPrev]: Tensor[]): Tensor[] {
    const h = hPrev as Tensor;
    const u = this.units;
    const U = this.use(this.recurrentKernel);
    const [xz, xr, xh] = split(xp, 3, -1) as [Tensor, Tensor, Tensor];
    let z: Tensor;
    let hh: Tensor;
    if (this.resetAfter) {
      let inner = matMul(h, U);
      if (this.bias) inner = add(inner, unstack(this.use(this.bias))[1] as Tensor);
      const [rz, rr, rh] = split(inner, 3, -1) as [Tensor, Tensor, Tensor];
      z = this.recAct(add(xz, rz));
      const r = this.recAct(add(xr, rr));
      hh = this.act(add(xh, mul(r, rh)));
    } else {
      const [rz, rr] = split(matMul(h, slice(U, [0, 0], [u, 2 * u])), 2, -1) as [Tensor, Tensor];
      z = this.recAct(add(xz, rz));
      const r = this.recAct(add(xr, rr));
      hh = this.act(add(xh, matMul(mul(r, h), slice(U, [0, 2 * u], [u, u]))));
    }
    return [add(mul(z, h), mul(sub(1, z), hh))];
  }
  protected layerConfig(): Record<string, unknown> {
    return { ...super.layerConfig(), resetAfter: this.resetAfter };
  }
}

type R = Omit<RNNOptions, 'units'>;
/** Creates a {@link SimpleRNN}. @example `simpleRnn(32)` */
export const simpleRnn = (units: number, opts: R = {}) => new SimpleRNN({ ...opts, units });
/** Creates an {@link LSTM}. @example `lstm(64, { returnSequences: true })` */
export const lstm = (units: number, opts: R & { unitForgetBias?: boolean } = {}) => new LSTM({ ...opts, units });
/** Creates a {@link GRU}. @example `gru(64)` */
export const gru = (units: number, opts: R & { resetAfter?: boolean } = {}) => new GRU({ ...opts, units });
