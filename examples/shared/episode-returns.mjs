// Records every finished episode of an RL run (return and the env step of the log that saw it end)
// from the algorithm's episode tracker at each fit log, and writes the return curve by episode (with
// its moving average) as SVG and PNG through @tessera/plot.
import { mkdirSync } from 'node:fs';
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
