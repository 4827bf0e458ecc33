import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { ValueError } from '@tessera/core';
import { add, matMul, reshape, split, stack, transpose, unstack, zeros } from '@tessera/tensor';
import { type ActivationName, getActivation } from '../activations.js';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerOptions } from '../layer.js';
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
 * projection of all steps is one matMul, then each step applies `step`.
 *
 * @example
 * ```ts
 * const r: RNN = gru(32); r.units; // 32
 * ```
 */
export abstract class RNN extends Layer {
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
  protected abstract step(xg: Tensor[], ug: Tensor[], state: Tensor[]): Tensor[];

  /** Bias added to the input projection, `[gates * units]` (GRU overrides). */
  protected inputBias(): Tensor | undefined {
    return this.bias ? this.use(this.bias) : undefined;
  }

  /** Splits a `[..., gates * units]` tensor into one tensor per gate. */
  protected gatesOf(t: Tensor): Tensor[] {
    return this.gates === 1 ? [t] : split(t, this.gates, -1);
  }

  protected forward(x: Tensor): Tensor {
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
    const order = [...Array(t).keys()];
    if (this.opts.goBackwards) order.reverse();
    let state = this.initialState(b);
    const outs: Tensor[] = [];
    for (const i of order) {
      state = this.step(
        perGate.map((steps) => steps[i] as Tensor),
        ug,
        state,
      );
      if (this.opts.returnSequences) outs.push(state[0] as Tensor);
    }
    return this.opts.returnSequences ? stack(outs, 1) : (state[0] as Tensor);
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
