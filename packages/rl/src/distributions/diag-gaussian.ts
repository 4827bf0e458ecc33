import type { Prng } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, exp, mul, reshape, scalar, square, sub, sum, zerosLike } from '@tessera/tensor';
import { type ActionDistribution, gaussian } from './distribution.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A Gaussian with diagonal covariance per row: `mean` `[batch, dim]` and `logStd` `[dim]` (a
 * state-independent parameter, as Stable-Baselines3's PPO/A2C) or `[batch, dim]` (Box actions).
 *
 * @example
 * ```ts
 * const dist = new DiagGaussian(tensor2d([[0, 1]]), tensor1d([0, Math.log(2)]));
 * dist.logProb(tensor2d([[0, 1]])); // [-log(2π) - log 2]
 * dist.entropy(); // [1 + log(2π) + log 2]
 * const a = dist.sample(new Prng(3)); // Float32Array of 2
 * const r = dist.rsample(randomNormal([1, 2])); // mean + std · eps (differentiable)
 * ```
 */
export class DiagGaussian implements ActionDistribution {
  constructor(
    readonly mean: Tensor,
    readonly logStd: Tensor,
  ) {}

  /** Number of action dimensions. */
  get dim(): number {
    return this.mean.shape[this.mean.rank - 1] as number;
  }

  logProb(actions: Tensor): Tensor {
    const z = mul(sub(reshape(actions, this.mean.shape), this.mean), exp(mul(this.logStd, -1)));
    const perDim = sub(mul(square(z), -0.5), add(this.logStd, scalar(HALF_LOG_2PI)));
    return sum(add(perDim, zerosLike(this.mean)), -1);
  }

  entropy(): Tensor {
    const perDim = add(this.logStd, scalar(0.5 + HALF_LOG_2PI));
    return sum(add(perDim, zerosLike(this.mean)), -1);
  }

  mode(): Tensor {
    return this.mean;
  }

  /** The reparameterized sample `mean + exp(logStd) · eps` for standard normal noise `eps` shaped like `mean`. */
  rsample(eps: Tensor): Tensor {
    return add(this.mean, mul(exp(this.logStd), eps));
  }

  sample(rng: Prng): Float32Array {
    return sampleDiagGaussian(this.mean.dataSync() as Float32Array, this.logStd.dataSync() as Float32Array, rng);
  }
}

/**
 * One seeded draw per row of `[rows · dim]` means with log standard deviations `[dim]` or `[rows · dim]` (on the host).
 *
 * @example
 * ```ts
 * sampleDiagGaussian(Float32Array.of(0, 0), Float32Array.of(0, 0), new Prng(1)); // 2 standard normal draws
 * ```
 */
export function sampleDiagGaussian(mean: ArrayLike<number>, logStd: ArrayLike<number>, rng: Prng): Float32Array {
  const out = new Float32Array(mean.length);
  const d = logStd.length;
  for (let i = 0; i < mean.length; i++) out[i] = (mean[i] as number) + Math.exp(logStd[i % d] as number) * gaussian(rng);
  return out;
}
