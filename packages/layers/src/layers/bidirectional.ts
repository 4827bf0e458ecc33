import type { CallOptions } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, concat, div, expandDims, mul, reverse, where, zerosLike } from '@tessera/tensor';
import { Layer, type LayerInput, type LayerOptions } from '../layer.js';
import { sequenceMask } from '../masks.js';
import { registeredLayer } from '../registry.js';
import { isSerialized, type Serialized } from '../serializable.js';
import type { Shape } from '../shape.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';
import { RNN } from './rnn.js';

// the recurrent classes by name (a custom one through registerLayer): no import of the whole
// deserialization table, so `bidirectional(lstm())` does not pull every layer into a bundle
const recurrent: Record<string, new (config: never) => RNN> = { SimpleRNN, LSTM, GRU };

function rnnFromConfig(cfg: Serialized): Layer<Tensor | Tensor[]> | undefined {
  const custom = registeredLayer(cfg.className);
  if (custom) return custom({ ...cfg.config });
  const C = recurrent[cfg.className];
  return C ? new C({ ...cfg.config } as never) : undefined;
}

/**
 * How the forward and backward outputs are combined.
 *
 * @example
 * ```ts
 * bidirectional(lstm(16), { mergeMode: 'sum' });
 * ```
 */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';

/**
 * Options of {@link Bidirectional}.
 *
 * @example
 * ```ts
 * new Bidirectional({ layer: gru(8), mergeMode: 'concat' });
 * ```
 */
export interface BidirectionalOptions extends LayerOptions {
  /** The forward recurrent layer (or its config); a reversed copy runs backwards. */
  layer: RNN | Serialized;
  mergeMode?: MergeMode;
}

/**
 * Runs a recurrent layer forwards and a copy backwards, and merges the two outputs. A padding
 * mask goes to both directions; with `returnSequences`, padded steps output zeros.
 *
 * @example
 * ```ts
 * new Bidirectional({ layer: lstm(16) }).call(zeros([2, 5, 3])); // [2, 32]
 * ```
 */
export class Bidirectional extends Layer {
  static readonly className = 'Bidirectional';
  readonly className = 'Bidirectional';
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: MergeMode;

  constructor(opts: BidirectionalOptions) {
    super(opts);
    const fwd = opts.layer instanceof Layer ? opts.layer : isSerialized(opts.layer) ? rnnFromConfig(opts.layer) : undefined;
    if (!(fwd instanceof RNN)) throw new ValueError(`${this.name} layer`, 'a recurrent layer (SimpleRNN, LSTM, GRU)', opts.layer);
    this.mergeMode = opts.mergeMode ?? 'concat';
    if (!['concat', 'sum', 'mul', 'ave'].includes(this.mergeMode)) {
      throw new ValueError(`${this.name} mergeMode`, '"concat", "sum", "mul" or "ave"', opts.mergeMode);
    }
    const cfg = fwd.getConfig();
    const config = { ...cfg.config, name: undefined, goBackwards: !fwd.opts.goBackwards };
    const back = rnnFromConfig({ className: cfg.className, config }) ?? new (fwd.constructor as new (c: unknown) => RNN)(config);
    if (!(back instanceof RNN)) throw new ValueError(`${this.name} layer`, 'a recurrent layer (SimpleRNN, LSTM, GRU)', cfg.className);
    // the backward copy is named after the wrapper and the forward layer, whatever names they get
    this.deriveName(back, () => `${this.name}_backward_${fwd.name}`);
    this.forwardLayer = fwd;
    this.backwardLayer = back;
    this.children = [fwd, back];
    this.buildFromOptions();
  }

  protected buildWeights(s: Shape): void {
    this.forwardLayer.build(s);
    this.backwardLayer.build(s);
  }

  checkInput(s: Shape): void {
    this.forwardLayer.checkInput(s);
  }

  protected forward(x: Tensor, options: CallOptions): Tensor {
    // both directions get the same [batch, time] mask: the backward layer walks it in reverse with its steps
    let f = this.forwardLayer.call(x, options);
    let b = this.backwardLayer.call(x, options);
    if (this.forwardLayer.opts.returnSequences) {
      b = reverse(b, 1);
      if (options.mask) {
        // padded steps output zeros in both directions (Keras forces zero_output_for_mask here)
        const m = expandDims(sequenceMask(options.mask, x, `${this.name} mask`), 2);
        f = where(m, f, zerosLike(f));
        b = where(m, b, zerosLike(b));
      }
    }
    switch (this.mergeMode) {
      case 'sum':
        return add(f, b);
      case 'mul':
        return mul(f, b);
      case 'ave':
        return div(add(f, b), 2);
      default:
        return concat([f, b], -1);
    }
  }

  /** The input mask when the wrapped layer returns sequences, else undefined. */
  computeMask(_x: LayerInput, mask?: Tensor): Tensor | undefined {
    return this.forwardLayer.opts.returnSequences ? mask : undefined;
  }

  computeOutputShape(s: Shape): Shape {
    const out = this.forwardLayer.computeOutputShape(s);
    if (this.mergeMode !== 'concat') return out;
    const last = out[out.length - 1];
    return [...out.slice(0, -1), last == null ? null : last * 2];
  }

  protected layerConfig(): Record<string, unknown> {
    return { layer: this.forwardLayer.getConfig(), mergeMode: this.mergeMode };
  }
}

/** Creates a {@link Bidirectional} wrapper. @example `bidirectional(lstm(32))` */
export const bidirectional = (layer: RNN, opts: Omit<BidirectionalOptions, 'layer'> = {}) => new Bidirectional({ ...opts, layer });
