import type { Batch, Callback, Logs, Module, NamedTensors, TrainStep } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { decodeSafetensors, encodeSafetensors } from '@tessera/tensor';
import { fit, progressBar, Trainer } from '@tessera/train';
import type { SyncVectorEnv } from '../vector/sync-vector-env.js';
import { EpisodeTracker } from './episode-tracker.js';
import { type ExperienceBatch, ExperienceSource } from './experience.js';
import { type EnvInput, makeVecEnv } from './vec-env.js';

/**
 * Options of {@link BaseAlgorithm.learn}.
 *
 * @example
 * ```ts
 * await ppo.learn({ totalTimesteps: 100_000, logInterval: 4, callbacks: [stopOnRewardThreshold(475)], progressBar: true });
 * ```
 */
export interface LearnOptions {
  /** Environment steps to take (all environments together), as Stable-Baselines3's `total_timesteps`. */
  totalTimesteps: number;
  /** `@tessera/train` callbacks (progress bar, CSV/JSONL loggers, checkpoint, early stop on reward threshold, ...). */
  callbacks?: Callback[];
  /** Training iterations (rollouts, or off-policy batches) per `fit` epoch, i.e. per epoch log line (default 1). */
  logInterval?: number;
  /** Show a progress bar (default false). */
  progressBar?: boolean;
  /** Count timesteps from 0 and reset the environments (default true); false continues the previous `learn`. */
  resetNumTimesteps?: boolean;
}

/**
 * Files of a saved algorithm: `config.json` (algorithm, hyperparameters, policy configuration,
 * spaces, timesteps) and `policy.safetensors` (the policy's weights by parameter path).
 *
 * @example
 * ```ts
 * const files: SavedAlgorithm = ppo.toFiles();
 * Object.keys(files); // ['config.json', 'policy.safetensors']
 * ```
 */
export type SavedAlgorithm = Record<'config.json' | 'policy.safetensors', Uint8Array>;

/**
 * The file access {@link BaseAlgorithm.save} and `load` use (`nodeIO` of `@tessera/train/node` fits).
 *
 * @example
 * ```ts
 * import { nodeIO } from '@tessera/train/node';
 * await ppo.save('./ppo-cartpole', nodeIO);
 * ```
 */
export interface AlgorithmIO {
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  mkdir(path: string): Promise<void>;
}

/**
 * Options every algorithm takes.
 *
 * @example
 * ```ts
 * const options: AlgorithmOptions = { nEnvs: 8, seed: 0 };
 * ```
 */
export interface AlgorithmOptions {
  /** Parallel environments when `env` is an id or a factory (default 1). */
  nEnvs?: number;
  /** Seed of the environments (`seed + i`), the initial weights, action sampling and minibatch order (default 0). */
  seed?: number;
}

/**
 * The contract every reinforcement-learning algorithm of the package implements: it owns a
 * vector environment, a policy `Module` and a {@link TrainStep}; `learn` hands the step and an
 * {@link ExperienceSource} to `@tessera/train`'s `fit` (no loop of its own), so callbacks, loggers,
 * progress and checkpoints are the training core's. A subclass provides:
 * - `trainStep()`: its `TrainStep` over {@link ExperienceBatch}es (made once, kept across `learn` calls);
 * - `timestepsPerBatch`: environment steps behind one batch (on-policy: `nSteps · nEnvs`);
 * - `startLearning(reset)` / `collect(total)`: reset its collection state; step the environments
 *   and return the next batch (null once `numTimesteps >= total`);
 * - `predict(observation, { deterministic })`, `hyperparameters()` (JSON for `save`).
 *
 * Logs: the step's own (losses, ...), plus `total_timesteps`, `ep_rew_mean`, `ep_len_mean` (last
 * 100 episodes, once one ended), `fps` and `time_elapsed`, on every batch and epoch.
 *
 * @example
 * ```ts
 * const ppo = new PPO('CartPole-v1', { nEnvs: 8, seed: 0 });
 * await ppo.learn({ totalTimesteps: 100_000, callbacks: [stopOnRewardThreshold(475)] });
 * const action = ppo.predict(observation, { deterministic: true });
 * const { meanReturn } = evaluatePolicy(ppo, make('CartPole-v1'), { nEpisodes: 100 });
 * ```
 */
export abstract class BaseAlgorithm {
  /** The vector environment experience is collected from. */
  readonly env: SyncVectorEnv;
  readonly seed: number;
  /** Environment steps taken, all environments together. */
  numTimesteps = 0;
  /** The last 100 finished training episodes. */
  readonly episodes = new EpisodeTracker(100);
  /** The policy `Module` (saved, restored, checkpointed). */
  abstract readonly policy: Module;
  /** Name in saved configs and messages (`'PPO'`, `'A2C'`, ...). */
  abstract readonly algorithmName: string;
  /** Environment steps behind one training batch. */
  protected abstract readonly timestepsPerBatch: number;
  private trainer: Trainer<unknown, Batch> | null = null;
  private learnStart = { time: 0, timesteps: 0 };

  constructor(env: EnvInput, options: AlgorithmOptions = {}) {
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ValueError('seed', 'a non-negative integer', seed);
    this.seed = seed;
    this.env = makeVecEnv(env, options.nEnvs ?? 1);
  }

  /** The step `fit` drives (made once and kept, so optimizer state carries over between `learn` calls). */
  protected abstract trainStep(): TrainStep<unknown, ExperienceBatch>;
  /** Called at the start of `learn`: with `reset`, reset the environments (seeded) and the collection state. */
  protected abstract startLearning(reset: boolean): void;
  /** Steps the environments and returns the next batch, or null once `numTimesteps >= totalTimesteps`. */
  protected abstract collect(totalTimesteps: number): ExperienceBatch | null | Promise<ExperienceBatch | null>;
  /** JSON hyperparameters saved with the policy. */
  abstract hyperparameters(): Record<string, unknown>;
  /** The action for one flat observation (Discrete: a number; MultiDiscrete: an Int32Array; Box: a Float32Array within the bounds). */
  abstract predict(observation: ArrayLike<number>, options?: { deterministic?: boolean }): number | Float32Array | Int32Array;

  /** The logs every batch and epoch carry: timesteps, episode statistics and speed. */
  protected progressLogs(): Logs {
    const seconds = (performance.now() - this.learnStart.time) / 1000;
    const logs: Logs = {
      total_timesteps: this.numTimesteps,
      time_elapsed: seconds,
      fps: seconds > 0 ? (this.numTimesteps - this.learnStart.timesteps) / seconds : 0,
    };
    if (this.episodes.returns.length) {
      logs.ep_rew_mean = this.episodes.meanReturn();
      logs.ep_len_mean = this.episodes.meanLength();
    }
    return logs;
  }

  /** The fit trainer of the last `learn` call (its step counter and optimizer state), or null. */
  get fitTrainer(): Trainer<unknown, Batch> | null {
    return this.trainer;
  }

  /**
   * Trains for `totalTimesteps` environment steps: `fit` runs the algorithm's step on batches of
   * fresh experience, `logInterval` batches per epoch. Resolves to the algorithm.
   */
  async learn(options: LearnOptions): Promise<this> {
    const total = options?.totalTimesteps;
    if (!(Number.isInteger(total) && total >= 1)) throw new ValueError('learn totalTimesteps', 'a positive integer', total);
    const logInterval = options.logInterval ?? 1;
    if (!(Number.isInteger(logInterval) && logInterval >= 1)) throw new ValueError('learn logInterval', 'a positive integer', logInterval);
    const reset = options.resetNumTimesteps ?? true;
    if (reset) this.numTimesteps = 0;
    const target = reset ? total : this.numTimesteps + total;
    this.startLearning(reset || this.trainer === null);
    this.learnStart = { time: performance.now(), timesteps: this.numTimesteps };
    const batches = Math.ceil((target - this.numTimesteps) / this.timestepsPerBatch);
    this.trainer ??= new Trainer(wrapBatchSize(this.trainStep()) as TrainStep<unknown, Batch>, { seed: this.seed });
    const trainer = this.trainer;
    const stats: Callback = {
      onBatchEnd: (_step, logs) => void Object.assign(logs, this.progressLogs()),
      onEpochEnd: (_epoch, logs) => void Object.assign(logs, this.progressLogs()),
    };
    const source = new ExperienceSource(() => this.collect(target), logInterval);
    await fit(trainer.trainStep, source, {
      trainer,
      epochs: trainer.epoch + Math.ceil(batches / logInterval),
      callbacks: [stats, ...(options.progressBar ? [progressBar()] : []), ...(options.callbacks ?? [])],
      seed: this.seed,
    });
    return this;
  }

  /** The saved form: `config.json` and `policy.safetensors`. */
  toFiles(): SavedAlgorithm {
    const config = {
      format: 'tessera-rl',
      version: 1,
      algorithm: this.algorithmName,
      seed: this.seed,
      numTimesteps: this.numTimesteps,
      observationSpace: this.env.observationSpace.toJSON(),
      actionSpace: this.env.actionSpace.toJSON(),
      policy: this.policy.getConfig(),
      hyperparameters: this.hyperparameters(),
    };
    return {
      'config.json': new TextEncoder().encode(JSON.stringify(config, null, 2)),
      'policy.safetensors': encodeSafetensors(this.policy.parameters() as NamedTensors, { format: 'tessera-rl' }),
    };
  }

  /** Writes `config.json` and `policy.safetensors` into `dir` (made when missing). */
  async save(dir: string, io: AlgorithmIO): Promise<void> {
    await io.mkdir(dir);
    for (const [name, bytes] of Object.entries(this.toFiles())) await io.writeFile(`${dir}/${name}`, bytes);
  }

  /** Assigns the weights of `policy.safetensors` bytes to the policy (every parameter, same shapes). */
  loadWeights(bytes: Uint8Array): void {
    const { tensors } = decodeSafetensors(bytes);
    try {
      const params = this.policy.parameters();
      const missing = Object.keys(params).filter((k) => !(k in tensors));
      if (missing.length) throw new ValueError(`${this.algorithmName} weights`, `tensors for ${missing.join(', ')}`, Object.keys(tensors));
      for (const [name, v] of Object.entries(params)) {
        const t = tensors[name] as (typeof tensors)[string];
        if (t.shape.join() !== v.shape.join())
          throw new ValueError(`${this.algorithmName} weights "${name}"`, `shape [${v.shape}]`, `[${t.shape}]`);
        v.assign(t);
      }
    } finally {
      for (const t of Object.values(tensors)) t.dispose();
    }
  }

  /** Frees the optimizer state of the kept trainer and the policy's variables. */
  dispose(): void {
    this.trainer?.dispose();
    this.trainer = null;
    this.policy.dispose?.();
    this.env.close();
  }
}

/** Each experience batch counts once in the epoch means (whatever its number of samples). */
function wrapBatchSize<S>(step: TrainStep<S, ExperienceBatch>): TrainStep<S, ExperienceBatch> {
  return Object.assign(Object.create(step) as TrainStep<S, ExperienceBatch>, { batchSize: () => 1 });
}

/**
 * Reads a saved algorithm's files from `dir`.
 *
 * @example
 * ```ts
 * const files = await readSaved('./ppo-cartpole', nodeIO);
 * const config = parseSavedConfig(files);
 * ```
 */
export async function readSaved(dir: string, io: AlgorithmIO): Promise<SavedAlgorithm> {
  return {
    'config.json': await io.readFile(`${dir}/config.json`),
    'policy.safetensors': await io.readFile(`${dir}/policy.safetensors`),
  };
}

/**
 * The parsed `config.json` of saved files, checked to be of `algorithm`.
 *
 * @example
 * ```ts
 * const { hyperparameters, policy } = parseSavedConfig(files, 'PPO');
 * ```
 */
export function parseSavedConfig(
  files: SavedAlgorithm,
  algorithm?: string,
): {
  algorithm: string;
  seed: number;
  numTimesteps: number;
  policy: { className: string; config: Record<string, unknown> };
  hyperparameters: Record<string, unknown>;
} {
  let config: ReturnType<typeof parseSavedConfig>;
  try {
    config = JSON.parse(new TextDecoder().decode(files['config.json']));
  } catch (err) {
    throw new ValueError('saved config.json', 'JSON', (err as Error).message);
  }
  if (!config || typeof config !== 'object' || typeof config.algorithm !== 'string')
    throw new ValueError('saved config.json', '{ algorithm, hyperparameters, policy, ... }', config);
  if (algorithm && config.algorithm !== algorithm) throw new ValueError('saved config.json algorithm', algorithm, config.algorithm);
  return config;
}
