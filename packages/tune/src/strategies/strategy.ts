/**
 * One training run a strategy asks for: configuration `config` (its hyperparameters are sampled
 * from the configuration's seed) trained for `epochs`, at rung `rung` of bracket `bracket`.
 *
 * @example
 * ```ts
 * const job: Job = { config: 4, epochs: 9, bracket: 0, rung: 2 };
 * ```
 */
export interface Job {
  config: number;
  epochs: number;
  bracket: number;
  rung: number;
}

/**
 * A finished job and its score (`null` when the trial failed or scored NaN: it ranks last).
 *
 * @example
 * ```ts
 * const done: JobResult = { config: 4, epochs: 9, bracket: 0, rung: 2, score: 0.97 };
 * ```
 */
export interface JobResult extends Job {
  score: number | null;
}

/**
 * A search strategy as a pure function of the finished jobs: `next(done)` is the job to run next
 * (`null` when the search is over). Nothing else is kept, so a tuner restarted with the same list
 * continues exactly where it stopped. `options` are saved with the tuner state and checked on resume.
 *
 * @example
 * ```ts
 * const s = hyperband({ maxEpochs: 27, factor: 3 });
 * const first = s.next([], 'max'); // { config: 0, epochs: 1, bracket: 0, rung: 0 }
 * ```
 */
export interface Strategy {
  /** The strategy's name (`randomSearch`, `successiveHalving`, `hyperband`). */
  readonly name: string;
  /** Its options, as JSON. */
  readonly options: Record<string, number>;
  /** The next job after `done` (in the order they ran), given the objective's direction. */
  next(done: readonly JobResult[], direction: 'min' | 'max'): Job | null;
}

/**
 * One bracket of successive halving: `rungs[i]` trains `configs` configurations for `epochs`
 * epochs; rung 0 holds configurations `firstConfig ... firstConfig + rungs[0].configs - 1`.
 *
 * @example
 * ```ts
 * const b: Bracket = { firstConfig: 0, rungs: [{ configs: 9, epochs: 1 }, { configs: 3, epochs: 3 }, { configs: 1, epochs: 9 }] };
 * ```
 */
export interface Bracket {
  firstConfig: number;
  rungs: Array<{ configs: number; epochs: number }>;
}

/**
 * Orders results best first: by score in the objective's direction (failures last), ties by the
 * lower configuration index.
 *
 * @example
 * ```ts
 * results.sort(byScore('max'));
 * ```
 */
export function byScore(direction: 'min' | 'max'): (a: JobResult, b: JobResult) => number {
  return (a, b) => {
    if (a.score === b.score) return a.config - b.config;
    if (a.score === null) return 1;
    if (b.score === null) return -1;
    return direction === 'max' ? b.score - a.score : a.score - b.score;
  };
}

/**
 * The next job of a list of successive-halving brackets run one after the other: every
 * configuration of a rung in index order; rung `i + 1` holds the best `rungs[i + 1].configs` of rung
 * `i` (Li et al.: the top `1/eta`), failed trials never promoted.
 *
 * @example
 * ```ts
 * const job = nextInBrackets(hyperbandBrackets(27, 3), done, 'max');
 * ```
 */
export function nextInBrackets(brackets: readonly Bracket[], done: readonly JobResult[], direction: 'min' | 'max'): Job | null {
  const result = new Map<string, JobResult>();
  for (const r of done) result.set(`${r.bracket}:${r.rung}:${r.config}`, r);
  const order = byScore(direction);
  for (let b = 0; b < brackets.length; b++) {
    const bracket = brackets[b] as Bracket;
    let members = Array.from({ length: bracket.rungs[0]?.configs ?? 0 }, (_, i) => bracket.firstConfig + i);
    for (let r = 0; r < bracket.rungs.length; r++) {
      const rung = bracket.rungs[r] as { configs: number; epochs: number };
      if (r > 0) {
        const previous = members.map((c) => result.get(`${b}:${r - 1}:${c}`) as JobResult);
        members = previous
          .filter((p) => p.score !== null)
          .sort(order)
          .slice(0, rung.configs)
          .map((p) => p.config)
          .sort((x, y) => x - y);
      }
      for (const config of members) {
        if (!result.has(`${b}:${r}:${config}`)) return { config, epochs: rung.epochs, bracket: b, rung: r };
      }
    }
  }
  return null;
}
