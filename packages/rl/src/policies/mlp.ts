import type { NamedVariables } from '@tessera/core';
import { type ActivationName, Dense, orthogonal } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';

/**
 * Options of {@link mlpLayers}.
 *
 * @example
 * ```ts
 * const options: MlpOptions = { activation: 'tanh', orthoGain: Math.SQRT2, seed: 1 };
 * ```
 */
export interface MlpOptions {
  /** Activation of the hidden layers (default `'tanh'`, Stable-Baselines3's default). */
  activation?: ActivationName;
  /** Orthogonal initialization with this gain (default √2, as SB3's `ortho_init`); 0 keeps Glorot. */
  orthoGain?: number;
  /** Seed of the initial weights (layer `i` uses `seed + i`). */
  seed?: number;
}

/**
 * The hidden layers of an MLP (Dense layers, built for `inputSize` inputs).
 *
 * @example
 * ```ts
 * const hidden = mlpLayers(4, [64, 64], { seed: 0 }); // two tanh layers, orthogonal init
 * const h = runLayers(hidden, obs);
 * ```
 */
export function mlpLayers(inputSize: number, sizes: readonly number[], options: MlpOptions = {}): Dense[] {
  const gain = options.orthoGain ?? Math.SQRT2;
  const seed = options.seed ?? 0;
  let width = inputSize;
  return sizes.map((units, i) => {
    const layer = new Dense({
      units,
      activation: options.activation ?? 'tanh',
      seed: seed + i,
      ...(gain > 0 ? { kernelInitializer: orthogonal({ gain, seed: seed + i }) } : {}),
    });
    layer.build([null, width]);
    width = units;
    return layer;
  });
}

/**
 * Runs `x` through layers in order.
 *
 * @example
 * ```ts
 * const h = runLayers(mlpLayers(4, [64, 64]), obs);
 * ```
 */
export function runLayers(layers: readonly Dense[], x: Tensor): Tensor {
  let h = x;
  for (const l of layers) h = l.call(h) as Tensor;
  return h;
}

/**
 * The variables of layers keyed `<prefix>/<index>/<weight>` (stable names for saving, whatever
 * the layers' own names).
 *
 * @example
 * ```ts
 * layerVariables('pi', hidden); // { 'pi/0/kernel', 'pi/0/bias', 'pi/1/kernel', ... }
 * ```
 */
export function layerVariables(prefix: string, layers: readonly Dense[], indexed = true): NamedVariables {
  const out: NamedVariables = {};
  layers.forEach((l, i) => {
    for (const [name, v] of Object.entries(l.parameters())) {
      const leaf = name.slice(name.lastIndexOf('/') + 1);
      out[indexed ? `${prefix}/${i}/${leaf}` : `${prefix}/${leaf}`] = v;
    }
  });
  return out;
}
