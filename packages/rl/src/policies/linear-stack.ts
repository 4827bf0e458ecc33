import { type ActivationName, Dense, varianceScaling } from '@tessera/layers';

/**
 * Dense layers for the off-policy networks, built for `inputSize` inputs: hidden layers of `sizes`
 * with `activation`, then an output layer of `outUnits` (no activation) when given. Kernels start
 * as PyTorch's `nn.Linear` does (uniform in ±1/√fan_in, what Stable-Baselines3's DQN and SAC use),
 * biases at zero; layer `i` is seeded `seed + i`.
 *
 * @example
 * ```ts
 * const layers = linearStack(4, [256, 256], { outUnits: 2, seed: 0 }); // 4 → 256 → 256 → 2
 * ```
 */
export function linearStack(
  inputSize: number,
  sizes: readonly number[],
  options: { activation?: ActivationName; outUnits?: number; seed?: number } = {},
): Dense[] {
  const seed = options.seed ?? 0;
  const units = options.outUnits === undefined ? [...sizes] : [...sizes, options.outUnits];
  let width = inputSize;
  return units.map((n, i) => {
    const hidden = i < sizes.length;
    const layer = new Dense({
      units: n,
      ...(hidden ? { activation: options.activation ?? 'relu' } : {}),
      kernelInitializer: varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: seed + i }),
    });
    layer.build([null, width]);
    width = n;
    return layer;
  });
}
