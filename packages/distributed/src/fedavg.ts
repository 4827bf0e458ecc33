import type { GradientTransform, Module, NamedTensors, NamedVariables } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { DataInput, LossSpec } from '@tessera/train';
import { fit, moduleWeights } from '@tessera/train';
import { flatten, unflatten } from './flat.js';
import type { ProcessGroup } from './process-group.js';

/**
 * One client of {@link fedAvgRound}: its local data and its number of samples (its weight in
 * the average).
 *
 * @example
 * ```ts
 * const client: FedAvgClient = { data: { x, y, batchSize: 32, shuffle: true, seed: 1 }, samples: x.shape[0] };
 * ```
 */
export interface FedAvgClient {
  data: DataInput;
  samples: number;
}

/**
 * Options of {@link fedAvgRound}.
 *
 * @example
 * ```ts
 * const options: FedAvgOptions = { loss: sparseCategoricalCrossentropy({ fromLogits: true }), optimizer: sgd({ learningRate: 0.05 }), localEpochs: 1 };
 * ```
 */
export interface FedAvgOptions {
  /** The clients' training loss. */
  loss: LossSpec;
  /** The clients' optimizer; every client starts each round with a fresh state (FedAvg's local SGD). */
  optimizer: GradientTransform;
  /** Local epochs per round (FedAvg's E, default 1). */
  localEpochs?: number;
  /** Spread the clients over the ranks of a group (client k trains on rank k mod worldSize); default: all here. */
  group?: ProcessGroup;
  /** Seed of client k's local training in round r: `seed + 1000 r + k` (default 0). */
  seed?: number;
  /** Round number (for the seeds). */
  round?: number;
}

/**
 * What {@link fedAvgRound} reports: the clients' sample-weighted mean training loss (of their last
 * local epoch) and the samples that took part.
 *
 * @example
 * ```ts
 * const { loss, samples }: FedAvgRound = await fedAvgRound(model, clients, options);
 * ```
 */
export interface FedAvgRound {
  loss: number;
  samples: number;
}

/**
 * One round of federated averaging (McMahan et al., 2017): every client starts from the global
 * model's weights, trains `localEpochs` epochs on its own data with `fit`, and the global weights
 * become the clients' weights averaged with weights `samples_k / Σ samples` (non-trainable state
 * too). The weighted sum is the data-parallel all-reduce: with a `group`, each rank trains its
 * share of the clients and one `allReduce` of `[Σ n_k w_k, Σ n_k, Σ n_k loss_k]` gives every rank
 * the same new weights. The model must be built (one forward pass) before the first round.
 *
 * @example
 * ```ts
 * for (let round = 0; round < 20; round++) {
 *   const { loss } = await fedAvgRound(model, clients, { loss: sce, optimizer: sgd({ learningRate: 0.05 }), round });
 *   const { accuracy } = await evaluate(model, test.batch(1000), { loss: sce, metrics: [accuracy()] });
 * }
 * ```
 */
export async function fedAvgRound(model: Module, clients: FedAvgClient[], options: FedAvgOptions): Promise<FedAvgRound> {
  if (!Array.isArray(clients) || clients.length === 0) throw new ValueError('fedAvgRound clients', 'a non-empty list of clients', clients);
  const vars = moduleWeights({ model });
  if (Object.keys(vars).length === 0) throw new ValueError('fedAvgRound model', 'a built model (call it once on a batch)', model.name);
  const rank = options.group?.rank ?? 0;
  const world = options.group?.worldSize ?? 1;
  const { data: global, names, length } = flatten(vars);
  const sum = new Float32Array(length + 2);
  const assign = (values: Float32Array) => {
    const ts = unflatten(values, names, vars);
    for (const n of names) {
      (vars as NamedVariables)[n]?.assign(ts[n] as NamedTensors[string]);
      ts[n]?.dispose();
    }
  };
  for (let k = rank; k < clients.length; k += world) {
    const client = clients[k] as FedAvgClient;
    if (!(client.samples > 0)) throw new ValueError(`fedAvgRound clients[${k}].samples`, 'a positive number', client.samples);
    assign(global);
    const history = await fit(model, client.data, {
      loss: options.loss,
      optimizer: options.optimizer,
      epochs: options.localEpochs ?? 1,
      seed: (options.seed ?? 0) + 1000 * (options.round ?? 0) + k,
    });
    const local = flatten(vars).data;
    for (let i = 0; i < length; i++) sum[i] = (sum[i] as number) + client.samples * (local[i] as number);
    sum[length] = (sum[length] as number) + client.samples;
    sum[length + 1] = (sum[length + 1] as number) + client.samples * (history.history.loss?.at(-1) ?? Number.NaN);
  }
  options.group?.allReduce(sum);
  const total = sum[length] as number;
  const next = new Float32Array(length);
  for (let i = 0; i < length; i++) next[i] = (sum[i] as number) / total;
  assign(next);
  return { loss: (sum[length + 1] as number) / total, samples: total };
}
