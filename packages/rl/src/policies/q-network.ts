import type { CallOptions, ModuleConfig, NamedVariables } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { ActivationName, Dense } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { tensor2d, tidy } from '@tessera/tensor';
import { linearStack } from './linear-stack.js';
import { layerVariables, runLayers } from './mlp.js';

/**
 * Configuration of a {@link QNetworkPolicy} (saved as JSON with the weights).
 *
 * @example
 * ```ts
 * const config: QNetworkConfig = { observationSize: 4, nActions: 2, netArch: [256, 256] };
 * ```
 */
export interface QNetworkConfig {
  /** Size of a flat observation. */
  observationSize: number;
  /** Discrete actions. */
  nActions: number;
  /** Hidden sizes (default `[64, 64]`, Stable-Baselines3's DQN default). */
  netArch?: number[];
  /** Hidden activation (default `'relu'`). */
  activation?: ActivationName;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/**
 * DQN's Q-network (Stable-Baselines3's `QNetwork`) as a Tessera `Module`: an MLP from observations
 * `[batch, observationSize]` to one value per action `[batch, nActions]`. Parameters are named
 * `q/<i>/kernel`, `q/<i>/bias` (the output layer is the last index).
 *
 * @example
 * ```ts
 * const q = new QNetworkPolicy({ observationSize: 4, nActions: 2, netArch: [256, 256], seed: 0 });
 * const values = q.call(obs); // [batch, 2]
 * const greedy = q.greedy(Float32Array.of(0, 0, 0, 0)); // Int32Array [1]
 * ```
 */
export class QNetworkPolicy {
  readonly name = 'q_network';
  readonly built = true;
  readonly config: Required<QNetworkConfig>;
  private readonly layers: Dense[];

  constructor(config: QNetworkConfig) {
    const size = config?.observationSize;
    if (!(Number.isInteger(size) && size >= 1)) throw new ValueError('QNetworkPolicy observationSize', 'a positive integer', size);
    if (!(Number.isInteger(config.nActions) && config.nActions >= 1))
      throw new ValueError('QNetworkPolicy nActions', 'a positive integer', config.nActions);
    const netArch = config.netArch ?? [64, 64];
    if (!netArch.every((n) => Number.isInteger(n) && n >= 1)) throw new ValueError('QNetworkPolicy netArch', 'positive integers', netArch);
    this.config = {
      observationSize: size,
      nActions: config.nActions,
      netArch,
      activation: config.activation ?? 'relu',
      seed: config.seed ?? 0,
    };
    this.layers = linearStack(size, netArch, { activation: this.config.activation, outUnits: config.nActions, seed: this.config.seed });
  }

  /** Q-values `[batch, nActions]` of observations `[batch, observationSize]`. */
  call(obs: Tensor, _options?: CallOptions): Tensor {
    return runLayers(this.layers, obs);
  }

  /** Q-values of flat observations, on the host (`[batch · nActions]`). */
  qValues(observations: Float32Array): Float32Array {
    const size = this.config.observationSize;
    const n = observations.length / size;
    if (!Number.isInteger(n)) throw new ValueError('QNetworkPolicy observations', `a multiple of ${size} values`, observations.length);
    let out: Float32Array = new Float32Array(0);
    tidy(() => {
      out = this.call(tensor2d(observations, [n, size])).dataSync() as Float32Array;
    });
    return out;
  }

  /** The greedy action of each flat observation. */
  greedy(observations: Float32Array): Int32Array {
    const q = this.qValues(observations);
    const k = this.config.nActions;
    const out = new Int32Array(q.length / k);
    for (let i = 0; i < out.length; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if ((q[i * k + j] as number) > (q[i * k + best] as number)) best = j;
      out[i] = best;
    }
    return out;
  }

  parameters(): NamedVariables {
    return layerVariables('q', this.layers);
  }

  state(): NamedVariables {
    return {};
  }

  getConfig(): ModuleConfig {
    return { className: 'QNetworkPolicy', config: { ...this.config } };
  }

  /** Frees the network's variables. */
  dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}
