// A tuner process for the kill test: Hyperband over the synthetic trial (30 ms each) in the
// directory argv[2]; prints `done <id>` after every trial and the result as JSON at the end.
import { hyperband } from '../strategies/hyperband.js';
import { syntheticTrial, timeless } from '../test-trials.js';
import { tune } from '../tune.js';
import { tunerDirectory } from './tuner-directory.js';

const dir = process.argv[2] as string;
const result = await tune(
  async (hp, ctx) => {
    await new Promise((done) => setTimeout(done, 30));
    return syntheticTrial(hp, ctx);
  },
  {
    strategy: hyperband({ maxEpochs: 9, factor: 3 }),
    objective: 'val_accuracy',
    seed: 4,
    ...tunerDirectory(dir, { curves: false }),
    onTrialEnd: (t) => void process.stdout.write(`done ${t.id}\n`),
  },
);
process.stdout.write(`${JSON.stringify({ best: result.best?.id, trials: timeless(result.trials) })}\n`);
