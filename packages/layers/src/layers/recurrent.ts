import type { Tensor } from '@tessera/tensor';
import { add, concat, matMul, mul, ones, scope, sub, unstack, zeros } from '@tessera/tensor';
import type { Initializer, InitializerLike } from '../initializers.js';
import { getInitializer } from '../initializers.js';
import { fusedLstm, fusedLstmAvailable } from './fused-lstm.js';
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
  protected cell([x]: Tensor[], [u]: Tensor[], [h]: Tensor[]): Tensor[] {
    return [this.act(add(x as Tensor, matMul(h as Tensor, u as Tensor)))];
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
  protected initialStateSize(): number {
    return 2;
  }
  protected run(
    x: Tensor,
    state0: Tensor[],
    mask: Tensor | undefined,
    keepAll: boolean,
    backwards: boolean,
  ): { outputs: Tensor[]; state: Tensor[] } {
    const o = this.opts;
    const defaults = (o.activation ?? 'tanh') === 'tanh' && (o.recurrentActivation ?? 'sigmoid') === 'sigmoid';
    if (mask || !defaults || !fusedLstmAvailable()) return super.run(x, state0, mask, keepAll, backwards);
    const kernel = this.use(this.kernel);
    const bias = this.bias ? this.use(this.bias) : undefined;
    return fusedLstm(x, kernel, this.use(this.recurrentKernel), bias, state0 as [Tensor, Tensor], keepAll, backwards);
  }
  protected cell(xg: Tensor[], ug: Tensor[], [h, c]: Tensor[]): Tensor[] {
    const gate = (g: number) => add(xg[g] as Tensor, matMul(h as Tensor, ug[g] as Tensor));
    const c2 = add(mul(this.recAct(gate(1)), c as Tensor), mul(this.recAct(gate(0)), this.act(gate(2))));
    return [mul(this.recAct(gate(3)), this.act(c2)), c2];
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
  /** Recurrent-path bias per gate (resetAfter only), split once per forward pass. */
  private recBias?: Tensor[];
  protected run(
    x: Tensor,
    state0: Tensor[],
    mask: Tensor | undefined,
    keepAll: boolean,
    backwards: boolean,
  ): { outputs: Tensor[]; state: Tensor[] } {
    this.recBias = this.resetAfter && this.bias ? this.gatesOf(unstack(this.use(this.bias))[1] as Tensor) : undefined;
    try {
      return super.run(x, state0, mask, keepAll, backwards);
    } finally {
      this.recBias = undefined;
    }
  }
  protected cell([xz, xr, xh]: Tensor[], [uz, ur, uh]: Tensor[], [hPrev]: Tensor[]): Tensor[] {
    const h = hPrev as Tensor;
    const rec = (g: number, u: Tensor, input: Tensor = h) => {
      const p = matMul(input, u);
      const rb = this.recBias?.[g];
      return rb ? add(p, rb) : p;
    };
    const z = this.recAct(add(xz as Tensor, rec(0, uz as Tensor)));
    const r = this.recAct(add(xr as Tensor, rec(1, ur as Tensor)));
    const hh = this.resetAfter
      ? this.act(add(xh as Tensor, mul(r, rec(2, uh as Tensor))))
      : this.act(add(xh as Tensor, matMul(mul(r, h), uh as Tensor)));
    return [add(mul(z, h), mul(sub(1, z), hh))];
  }
  protected layerConfig(): Record<string, unknown> {
    return { ...super.layerConfig(), resetAfter: this.resetAfter };
  }
}

/**
 * Options of {@link simpleRnn}, {@link lstm} and {@link gru}: {@link RNNOptions} without `units`,
 * which they take as their first argument.
 *
 * @example
 * ```ts
 * const opts: RecurrentArgs = { returnSequences: true, goBackwards: false, activation: 'tanh' };
 * const encoder = sequential([embedding(10_000, 32), lstm(32, opts), lstm(32)]);
 * ```
 */
export type RecurrentArgs = Omit<RNNOptions, 'units'>;
/** Creates a {@link SimpleRNN}. @example `simpleRnn(32)` */
export const simpleRnn = (units: number, opts: RecurrentArgs = {}) => new SimpleRNN({ ...opts, units });
/** Creates an {@link LSTM}. @example `lstm(64, { returnSequences: true })` */
export const lstm = (units: number, opts: RecurrentArgs & { unitForgetBias?: boolean } = {}) => new LSTM({ ...opts, units });
/** Creates a {@link GRU}. @example `gru(64)` */
export const gru = (units: number, opts: RecurrentArgs & { resetAfter?: boolean } = {}) => new GRU({ ...opts, units });
