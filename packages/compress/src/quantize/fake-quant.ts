import type { CallOptions, Module, ModuleConfig, NamedTensors, NamedVariables, TensorTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { abs, customGrad, div, max, maximum, mul, round, scalar, tidy } from '@tessera/tensor';

/**
 * Options of {@link fakeQuant} and {@link quantizeAware}.
 *
 * @example
 * ```ts
 * const opts: FakeQuantOptions = { bits: 8, perChannel: true };
 * ```
 */
export interface FakeQuantOptions {
  /** Bits of the symmetric integer grid (default 8: values in [-127, 127] · scale). */
  bits?: number;
  /** One scale per channel of the last axis (default true, as int8 weight quantization); else one per tensor. */
  perChannel?: boolean;
}

function levels(bits: number): number {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) throw new ValueError('fakeQuant bits', 'an integer in [2, 16]', bits);
  return 2 ** (bits - 1) - 1;
}

/**
 * Fake quantization with a straight-through estimator: the forward pass rounds `x` to the
 * symmetric grid `round(x / scale) · scale` with `scale = max|x| / (2^(bits-1) - 1)` (per channel
 * of the last axis by default, exactly the int8 weight scheme of {@link quantizeValues}); the
 * gradient passes through unchanged (`d/dx = 1`), so training sees quantized weights and still
 * updates the float ones.
 *
 * @example
 * ```ts
 * const wq = fakeQuant(kernel, { bits: 8 }); // values on the int8 grid, gradient of identity
 * ```
 */
export function fakeQuant(x: Tensor, options: FakeQuantOptions = {}): Tensor {
  const q = levels(options.bits ?? 8);
  const perChannel = (options.perChannel ?? true) && x.rank >= 1;
  const f = customGrad((input) => {
    const t = input as Tensor;
    const value = tidy(() => {
      const axes = perChannel ? [...Array(t.rank - 1).keys()] : undefined;
      const m = axes && axes.length === 0 ? abs(t) : max(abs(t), axes);
      const scale = div(maximum(m, scalar(1e-30)), scalar(q));
      return mul(round(div(t, scale)), scale);
    });
    return { value, gradFunc: (dy: Tensor) => dy };
  });
  return f(x);
}

/**
 * Quantization-aware training: a module that runs `model` with its selected weights fake-quantized
 * ({@link fakeQuant}, straight-through gradients). Its parameters are the model's, so `fit` trains
 * the float weights while the loss sees int8-grid weights; afterwards quantize with
 * `encodeQuantizedWeights(model, { dtype: 'int8' })` and the rounding error is one the model was
 * trained with. `model` must be a Tessera layer or model (it needs `apply`).
 *
 * @example
 * ```ts
 * await fit(quantizeAware(model), train.batch(64), { loss, optimizer: adam({ learningRate: 1e-4 }), epochs: 1 });
 * const bytes = encodeQuantizedWeights(model, { dtype: 'int8' });
 * ```
 */
export function quantizeAware(
  model: Module,
  options: FakeQuantOptions & { filter?: (name: string, weight: Tensor) => boolean } = {},
): Module {
  if (typeof model.apply !== 'function')
    throw new ValueError('quantizeAware model', 'a module with apply (a Tessera layer or model)', model);
  levels(options.bits ?? 8);
  const pick = options.filter ?? ((_n: string, w: Tensor) => w.rank >= 2 && w.dtype === 'float32');
  const apply = model.apply.bind(model);
  const wrapped: Module = {
    get name() {
      return model.name;
    },
    get built() {
      return model.built;
    },
    build: model.build?.bind(model),
    call(x: TensorTree, callOptions?: CallOptions): TensorTree {
      if (model.built === false) model.build?.((Array.isArray(x) ? x.map((t) => t.shape) : (x as Tensor).shape) as number[]);
      const params: NamedTensors = {};
      for (const [name, v] of Object.entries(model.parameters())) if (pick(name, v)) params[name] = fakeQuant(v, options);
      return apply(params, x, callOptions);
    },
    parameters(): NamedVariables {
      return model.parameters();
    },
    state(): NamedVariables {
      return model.state();
    },
    getConfig(): ModuleConfig {
      return {
        className: 'QuantizeAware',
        config: { bits: options.bits ?? 8, perChannel: options.perChannel ?? true, model: model.getConfig() },
      };
    },
    regularizationLoss: model.regularizationLoss?.bind(model),
  };
  return wrapped;
}
