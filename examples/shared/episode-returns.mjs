// Records every finished episode of an RL run (return and the env step of the log that saw it end)
// from the algorithm's episode tracker at each fit log, and writes the return curve by episode (with
// its moving average) as SVG and PNG through @tessera/plot.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { plotEpisodeReturns } from '@tessera/plot';
import { writePlot } from '@tessera/plot/node';

/** A fit callback collecting `{ step, return }` of each episode `algo` finishes. */
export function episodeRecorder(algo) {
  const episodes = [];
  let seen = 0;
  const take = (logs) => {
    const tracker = algo.episodes;
    const fresh = Math.min(tracker.count - seen, tracker.returns.length);
    for (const r of tracker.returns.slice(tracker.returns.length - fresh)) episodes.push({ step: logs.total_timesteps, return: r });
    seen = tracker.count;
  };
  return { episodes, onBatchEnd: (_s, logs) => take(logs), onEpochEnd: (_e, logs) => take(logs) };
}

/** Writes `<dir>/<name>.svg` and `.png`: the episode returns in the order the episodes ended, with a moving average and the bar. */
export async function writeEpisodeReturns(episodes, dir, name, { title, target } = {}) {
  if (episodes.length === 0) return [];
  mkdirSync(dir, { recursive: true });
  const spec = plotEpisodeReturns(
    episodes.map((e) => e.return),
    { title, ...(target === undefined ? {} : { target }) },
  );
  const files = [];
  for (const ext of ['svg', 'png']) {
    const file = resolve(dir, `${name}.${ext}`);
    await writePlot(spec, file);
    files.push(file);
  }
  return files;
}

/**
 * Reports one seed of an RL example: the result record (mean ± std of the deterministic evaluation,
 * steps, wall time, env steps/s, pass or miss against `task.bar`) printed and returned, the return
 * curve written to `OUT` (else `outDir`), and the record as JSON in `OUT` when it is set.
 */
export async function reportSeed({ name, task, seed, backend, algo, seconds, evaluation, recorder, outDir, rateDigits = 0 }) {
  const r = {
    task: name,
    seed,
    backend,
    steps: algo.numTimesteps,
    seconds,
    stepsPerSecond: algo.numTimesteps / seconds,
    meanReturn: evaluation.meanReturn,
    stdReturn: evaluation.stdReturn,
    passed: evaluation.meanReturn >= task.bar,
  };
  console.log(
    `seed ${seed}: ${r.meanReturn.toFixed(1)} ± ${r.stdReturn.toFixed(1)} over 100 deterministic episodes after ${r.steps} steps ` +
      `(${seconds.toFixed(0)} s, ${r.stepsPerSecond.toFixed(rateDigits)} env steps/s) ${r.passed ? 'PASS' : 'MISS'}`,
  );
  // the return of every training episode, next to the results (out/ or OUT)
  const plotted = await writeEpisodeReturns(recorder.episodes, process.env.OUT ?? outDir, `${name}-seed${seed}-returns`, {
    title: `${name}, seed ${seed}: training episode returns`,
    target: task.bar,
  });
  if (plotted.length) console.log(`  wrote ${plotted.map((f) => f.split('/').pop()).join(', ')}`);
  if (process.env.OUT) {
    mkdirSync(process.env.OUT, { recursive: true });
    writeFileSync(`${process.env.OUT}/${name}-seed${seed}.json`, `${JSON.stringify(r, null, 2)}\n`);
  }
  return r;
}

/** Prints how many seeds reached the bar and exits non-zero when fewer than `task.seedsNeeded` did. */
export function exitOnSeeds(name, task, results) {
  const passed = results.filter((r) => r.passed).length;
  const needed = Math.min(task.seedsNeeded, results.length);
  console.log(`${name}: ${passed}/${results.length} seeds reached ${task.bar} (needed ${needed})`);
  process.exit(passed >= needed ? 0 : 1);
}
