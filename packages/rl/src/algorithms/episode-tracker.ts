import type { Info } from '../env.js';
import type { EpisodeStats } from '../wrappers/episode-statistics.js';

/**
 * The returns and lengths of the last `size` finished episodes seen in vector-env step infos
 * (Stable-Baselines3's `ep_info_buffer`): their means are the `ep_rew_mean` and `ep_len_mean` logs.
 *
 * @example
 * ```ts
 * const tracker = new EpisodeTracker();
 * tracker.update(envs.step(actions).infos);
 * tracker.meanReturn(); // NaN until an episode ended
 * ```
 */
export class EpisodeTracker {
  readonly returns: number[] = [];
  readonly lengths: number[] = [];
  /** Episodes finished in total. */
  count = 0;

  constructor(readonly size = 100) {}

  /** Records the episodes that ended in these infos (`info.episode`, or `info.finalInfo.episode` with same-step auto-reset). */
  update(infos: readonly Info[]): void {
    for (const info of infos) {
      const ep = ((info.finalInfo as Info | undefined)?.episode ?? info.episode) as EpisodeStats | undefined;
      if (!ep) continue;
      this.returns.push(ep.r);
      this.lengths.push(ep.l);
      this.count++;
      if (this.returns.length > this.size) {
        this.returns.shift();
        this.lengths.shift();
      }
    }
  }

  /** Mean return of the kept episodes (NaN when none). */
  meanReturn(): number {
    return this.returns.length ? this.returns.reduce((a, b) => a + b, 0) / this.returns.length : Number.NaN;
  }

  /** Mean length of the kept episodes (NaN when none). */
  meanLength(): number {
    return this.lengths.length ? this.lengths.reduce((a, b) => a + b, 0) / this.lengths.length : Number.NaN;
  }
}
