import type { CallOptions, InitCacheOptions, Stepper } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { add, clone, isTensor, matMul, reshape, scope, split, stack, transpose, unstack, where, zeros } from '@tessera/tensor';
import { type ActivationName, getActivation } from '../activations.js';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerInput, type LayerOptions } from '../layer.js';
import { sequenceMask } from '../masks.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import type { Serialized } from '../serializable.js';
import type { Shape } from '../shape.js';
import { activationOpt, initConfig, positiveInt, regConfig, requireRank } from './common.js';

/**
 * Options shared by SimpleRNN, LSTM and GRU.
 *
 * @example
 * ```ts
 * lstm(64, { returnSequences: true, recurrentInitializer: 'orthogonal' });
 * ```
 */
export interface RNNOptions extends LayerOptions {
  units: number;
  activation?: ActivationName;
  recurrentActivation?: ActivationName;
  useBias?: boolean;
  /** Return the output of every step `[b, t, units]` instead of the last `[b, units]`. */
  returnSequences?: boolean;
  /** Process the sequence in reverse (outputs are in processing order). */
  goBackwards?: boolean;
  kernelInitializer?: InitializerLike;
  recurrentInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: Regularizer | Serialized;
  recurrentRegularizer?: Regularizer | Serialized;
}

/**
 * Shared recurrent loop (plain ops only, so gradients flow on every backend): the input
 * projection of all steps is one matMul, then each step applies `cell`. Honours a padding
 * mask, and runs incrementally with an explicit cache ({@link Stepper}: `initCache`, `step`).
 *
 * @example
 * ```ts
 * const r: RNN = gru(32); r.units; // 32
 * ```
 */
export abstract class RNN extends Layer implements Stepper<Tensor[]> {
  readonly units: number;
  readonly opts: RNNOptions;
  protected kernel?: Variable;
  protected recurrentKernel?: Variable;
  protected bias?: Variable;
  /** Gates per unit: 1 (SimpleRNN), 4 (LSTM), 3 (GRU). */
  protected abstract readonly gates: number;

  constructor(opts: RNNOptions) {
    super(opts);
    this.units = positiveInt(opts.units, `${this.name} units`);
    activationOpt(opts.activation, `${this.name} activation`);
    activationOpt(opts.recurrentActivation, `${this.name} recurrentActivation`);
    this.opts = { ...opts };
  }

  protected get act(): (x: Tensor) => Tensor {
    return getActivation(this.opts.activation ?? 'tanh');
  }
  protected get recAct(): (x: Tensor) => Tensor {
    return getActivation(this.opts.recurrentActivation ?? 'sigmoid');
  }

  protected buildWeights(s: Shape): void {
    const f = s[2];
    requireRank(s, 3, this.name, f ?? null);
    if (f == null) throw new ValueError(`${this.name} input shape`, 'a known feature dimension', s);
    this.inputSpec = [null, null, f];
    const u = this.units;
    const o = this.opts;
    this.kernel = this.addWeight('kernel', [f, this.gates * u], o.kernelInitializer ?? 'glorotUniform', {
      regularizer: getRegularizer(o.kernelRegularizer, `${this.name} kernelRegularizer`),
    });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [u, this.gates * u], o.recurrentInitializer ?? 'orthogonal', {
      regularizer: getRegularizer(o.recurrentRegularizer, `${this.name} recurrentRegularizer`),
    });
    if (o.useBias ?? true) this.bias = this.addWeight('bias', this.biasShape(), this.biasInit());
  }

  protected biasShape(): number[] {
    return [this.gates * this.units];
  }
  protected biasInit(): InitializerLike {
    return this.opts.biasInitializer ?? 'zeros';
  }

  /** Initial state tensors for a batch. */
  protected initialState(batch: number): Tensor[] {
    return [zeros([batch, this.units])];
  }

  /**
   * One step. `xg`: the projected input of each gate (input bias included), `ug`: the recurrent
   * kernel of each gate, `state`: the previous state. Returns the new state (first = output).
   */
  protected abstract cell(xg: Tensor[], ug: Tensor[], state: Tensor[]): Tensor[];

  /** Bias added to the input projection, `[gates * units]` (GRU overrides). */
  protected inputBias(): Tensor | undefined {
    return this.bias ? this.use(this.bias) : undefined;
  }

  /** Splits a `[..., gates * units]` tensor into one tensor per gate. */
  protected gatesOf(t: Tensor): Tensor[] {
    return this.gates === 1 ? [t] : split(t, this.gates, -1);
  }

  protected forward(x: Tensor, options: CallOptions = {}): Tensor {
    const mask = options.mask && sequenceMask(options.mask, x, `${this.name} mask`);
    const keepAll = this.opts.returnSequences ?? false;
    const { outputs, state } = this.run(x, this.initialState(x.shape[0] as number), mask, keepAll, this.opts.goBackwards ?? false);
    return keepAll ? stack(outputs, 1) : (state[0] as Tensor);
  }

  /**
   * The recurrent loop from `state0` over the steps of `x` (in reverse when `backwards`). Where
   * `mask` (bool `[b, t]`) is false the step keeps the previous state, and its output repeats the
   * previous output (Keras). Returns the per-step outputs (when `keepAll`) and the last state.
   */
  protected run(
    x: Tensor,
    state0: Tensor[],
    mask: Tensor | undefined,
    keepAll: boolean,
    backwards: boolean,
  ): { outputs: Tensor[]; state: Tensor[] } {
    const [b, t, f] = x.shape as [number, number, number];
    const u = this.units;
    // time-major so that per-step slices are contiguous; one matMul per gate for the whole sequence
    // (slicing gates out of a fused product every step is slow on the cpu backend)
    const flat = reshape(transpose(x, [1, 0, 2]), [t * b, f]);
    const ib = this.inputBias();
    const biases = ib ? this.gatesOf(ib) : [];
    const perGate = this.gatesOf(this.use(this.kernel)).map((w, g) => {
      let p = matMul(flat, w);
      if (biases[g]) p = add(p, biases[g] as Tensor);
      return unstack(reshape(p, [t, b, u]));
    });
    const ug = this.gatesOf(this.use(this.recurrentKernel));
    const stepMasks = mask ? unstack(reshape(transpose(mask), [t, b, 1])) : undefined;
    const order = [...Array(t).keys()];
    if (backwards) order.reverse();
    let state = state0;
    const outputs: Tensor[] = [];
    for (const i of order) {
      const next = this.cell(
        perGate.map((steps) => steps[i] as Tensor),
        ug,
        state,
      );
      const m = stepMasks?.[i];
      state = m ? next.map((s, k) => where(m, s, state[k] as Tensor)) : next;
      if (keepAll) outputs.push(state[0] as Tensor);
    }
    return { outputs, state };
  }

  /**
   * A zero state for `batchSize` sequences ({@link Stepper}): `[h]`, or `[h, c]` for LSTM, each
   * `[batchSize, units]`. The caller owns the tensors.
   *
   * @example
   * ```ts
   * const cache = lstm(16).initCache(2); // [h, c], both zeros [2, 16]
   * ```
   */
  initCache(batchSize: number, _options?: InitCacheOptions): Tensor[] {
    positiveInt(batchSize, `${this.name} initCache batchSize`);
    return this.initialState(batchSize);
  }

  /**
   * Runs the steps of `x` (`[batch, steps, features]`) after the state in `cache`; returns the
   * output of every step `[batch, steps, units]` and the new state ({@link Stepper}). Stepping
   * through a sequence this way gives the outputs of `call` with `returnSequences: true`.
   * `options.mask` (`[batch, steps]`) marks padded steps, which keep the state. Never disposes
   * `cache`; the returned tensors are new.
   *
   * @example
   * ```ts
   * const rnn = gru(8);
   * const c0 = rnn.initCache(1);
   * const [y, c1] = rnn.step(x1, c0); // x1: [1, 1, f] -> y: [1, 1, 8]
   * dispose(c0);
   * ```
   */
  step(x: Tensor, cache: Tensor[], options: CallOptions = {}): [Tensor, Tensor[]] {
    if (!isTensor(x) || x.rank !== 3 || x.shape[1] === 0) {
      throw new ValueError(`${this.name} step input`, 'a [batch, steps, features] tensor with steps >= 1', x);
    }
    if (this.opts.goBackwards) throw new ValueError(`${this.name} step`, 'a forward layer (goBackwards: false)', true);
    if (!this.built) this.build(x.shape);
    this.checkInput(x.shape);
    const expected = this.initialStateSize();
    const b = x.shape[0] as number;
    if (
      !Array.isArray(cache) ||
      cache.length !== expected ||
      cache.some((c) => !isTensor(c) || c.rank !== 2 || c.shape[0] !== b || c.shape[1] !== this.units)
    ) {
      throw new ValueError(
        `${this.name} cache`,
        `${expected} tensor(s) of shape [${b}, ${this.units}] (from initCache or a previous step)`,
        cache,
      );
    }
    return scope(() => {
      const mask = options.mask && sequenceMask(options.mask, x, `${this.name} mask`);
      const { outputs, state } = this.run(x, cache, mask, true, false);
      const fresh = state.map((s) => (cache.includes(s) ? clone(s) : s));
      return [stack(outputs, 1), fresh] as [Tensor, Tensor[]];
    });
  }

  /** Number of state tensors (1, or 2 for LSTM). */
  protected initialStateSize(): number {
    return 1;
  }

  /** The input mask when `returnSequences` (the time axis stays), else undefined (Keras). */
  computeMask(_x: LayerInput, mask?: Tensor): Tensor | undefined {
    return this.opts.returnSequences ? mask : undefined;
  }

  computeOutputShape(s: Shape): Shape {
    return this.opts.returnSequences ? [s[0] ?? null, s[1] ?? null, this.units] : [s[0] ?? null, this.units];
  }

  protected layerConfig(): Record<string, unknown> {
    const o = this.opts;
    return {
      units: this.units,
      activation: o.activation ?? 'tanh',
      ...(this.gates > 1 ? { recurrentActivation: o.recurrentActivation ?? 'sigmoid' } : {}),
      useBias: o.useBias ?? true,
      returnSequences: o.returnSequences ?? false,
      goBackwards: o.goBackwards ?? false,
      kernelInitializer: initConfig(o.kernelInitializer ?? 'glorotUniform', `${this.name} kernelInitializer`),
      recurrentInitializer: initConfig(o.recurrentInitializer ?? 'orthogonal', `${this.name} recurrentInitializer`),
      biasInitializer: initConfig(o.biasInitializer ?? 'zeros', `${this.name} biasInitializer`),
      kernelRegularizer: regConfig(o.kernelRegularizer, `${this.name} kernelRegularizer`),
      recurrentRegularizer: regConfig(o.recurrentRegularizer, `${this.name} recurrentRegularizer`),
    };
  }
}
