import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Wrapper } from './wrapper.js';

/**
 * The statistics of one finished episode, as Gymnasium's `RecordEpisodeStatistics` puts in `info.episode`.
 *
 * @example
 * ```ts
 * const { r, l, t } = info.episode as EpisodeStats; // return, length, seconds
 * ```
 */
export interface EpisodeStats {
  /** Undiscounted return. */
  r: number;
  /** Length in steps. */
  l: number;
  /** Wall-clock seconds the episode took. */
  t: number;
}

/**
 * Gymnasium's `RecordEpisodeStatistics`: on the step that ends an episode (terminated or
 * truncated) `info.episode` holds its return, length and duration; the last `bufferLength` episodes
 * are kept in `returns` and `lengths`.
 *
 * @example
 * ```ts
 * const env = new EpisodeStatistics(make('CartPole-v1'));
 * ```
 */
export class EpisodeStatistics<O, A> extends Wrapper<O, A> {
  private ret = 0;
  private len = 0;
  private start = 0;
  readonly returns: number[] = [];
  readonly lengths: number[] = [];

  constructor(
    env: Env<O, A>,
    readonly bufferLength = 100,
  ) {
    super(env);
  }

  override reset(options?: ResetOptions): ResetResult<O> {
    this.ret = 0;
    this.len = 0;
    this.start = performance.now();
    return super.reset(options);
  }

  override step(action: A): StepResult<O> {
    const r = super.step(action);
    this.ret += r.reward;
    this.len += 1;
    if (!(r.terminated || r.truncated)) return r;
    const episode: EpisodeStats = { r: this.ret, l: this.len, t: (performance.now() - this.start) / 1000 };
    this.returns.push(this.ret);
    this.lengths.push(this.len);
    if (this.returns.length > this.bufferLength) {
      this.returns.shift();
      this.lengths.shift();
    }
    return { ...r, info: { ...r.info, episode } };
  }
}
