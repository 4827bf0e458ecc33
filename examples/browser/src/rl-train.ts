import type { Callback, Logs, TrainingControl } from '@tessera/core';
import { linearSchedule, make, PPO } from '@tessera/rl';

/** What the page shows after each rollout. */
export interface RlProgress {
  timesteps: number;
  /** Mean return of the last 100 training episodes (undefined before the first one ends). */
  epRewMean?: number;
  /** Environment steps per second of this run. */
  fps: number;
}

/**
 * PPO on CartPole-v1 with rl-baselines3-zoo's hyperparameters (8 envs × 32 steps per rollout,
 * 20 epochs of 256-sample minibatches, gamma 0.98, GAE 0.8, linear learning rate 1e-3 and clip 0.2).
 */
export function createCartPolePpo(seed = 0): PPO {
  return new PPO('CartPole-v1', {
    nEnvs: 8,
    nSteps: 32,
    batchSize: 256,
    nEpochs: 20,
    gamma: 0.98,
    gaeLambda: 0.8,
    entCoef: 0,
    learningRate: linearSchedule(0.001),
    clipRange: linearSchedule(0.2),
    seed,
  });
}

/** Resolves after the next animation frame has been painted (the page stays responsive). */
export const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/**
 * Runs `ppo.learn` for `totalTimesteps`: each rollout is one `fit` step, and after each the
 * callback reports progress, stops when `shouldStop()` says so, and yields `framesBetween`
 * animation frames to the page before the next rollout.
 */
export async function learnInChunks(
  ppo: PPO,
  options: { totalTimesteps: number; onRollout(progress: RlProgress): void; shouldStop?(): boolean; framesBetween?: number },
): Promise<void> {
  const chunking: Callback = {
    async onBatchEnd(_step: number, logs: Logs, control: TrainingControl) {
      options.onRollout({ timesteps: ppo.numTimesteps, epRewMean: logs.ep_rew_mean, fps: logs.fps ?? 0 });
      if (options.shouldStop?.()) control.stop();
      for (let i = 0; i < (options.framesBetween ?? 2); i++) await nextFrame();
    },
  };
  await ppo.learn({ totalTimesteps: options.totalTimesteps, callbacks: [chunking] });
}

/**
 * A CartPole-v1 episode played by the current policy (deterministic actions), one step per call,
 * restarting when it ends: what the canvas shows while PPO learns.
 */
export class CartPoleDemo {
  private readonly env = make<number>('CartPole-v1');
  private observation: Float32Array;
  private episode = 0;
  /** Return of the episode being played, and of the last finished one. */
  episodeReturn = 0;
  lastReturn: number | null = null;

  constructor(private readonly seed = 100) {
    this.observation = this.env.reset({ seed }).observation;
  }

  /** The physical state `[x, ẋ, θ, θ̇]` to draw. */
  get state(): Float32Array {
    return this.observation;
  }

  /** The episode number (from 1). */
  get episodeNumber(): number {
    return this.episode + 1;
  }

  /** One environment step with the policy's deterministic action. */
  step(ppo: PPO): void {
    const action = ppo.predict(this.observation, { deterministic: true }) as number;
    const { observation, reward, terminated, truncated } = this.env.step(action);
    this.observation = observation;
    this.episodeReturn += reward;
    if (terminated || truncated) {
      this.lastReturn = this.episodeReturn;
      this.episodeReturn = 0;
      this.episode += 1;
      this.observation = this.env.reset({ seed: this.seed + this.episode }).observation;
    }
  }
}
