// makemore's transformer on names.txt. Each name is one sequence, as makemore's CharDataset: x is the
// start token then the name's characters, y the characters then the end token (the start and end
// token is "\n", id 0; 26 letters), padded to the longest name + 1 (16) with targets that carry no
// weight. The names are shuffled and split 80/10/10 by name (train/validation/test). Model: makemore's
// transformer config (transformerLM: 4 layers, 4 heads, width 64, pre-norm GELU blocks, untied output
// head) with dropout 0.1; AdamW (betas 0.9/0.99, eps 1e-8, weight decay 0.01 on every parameter, as
// makemore), batch 128 names (makemore: 32; with 32, 4,000 steps reach 2.021 and 8,000 steps with
// dropout 2.013), learning rate warmed up then cosine-decayed. Prints the test loss in nats per
// character (every target of every test name counted once, the end token included) and 20 names
// sampled with the key/value cache.
// Run: npm start -w @tessera/example-names   (TESSERA_BACKEND=node|wasm|cpu picks the backend)
// Knobs (env): STEPS (default 4000), LR (peak, default 2e-3), BATCH (default 128), DROPOUT (default 0.1).
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, Prng, useBackend } from '@tessera/core';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { transformerLM } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adamw } from '@tessera/optimizers';
import { tensor2d, tidy } from '@tessera/tensor';
import { CharTokenizer, generate } from '@tessera/text';
import { readTextFile } from '@tessera/text/node';
import { fit, progressBar } from '@tessera/train';

const steps = Number(process.env.STEPS ?? 4000);
const peak = Number(process.env.LR ?? 2e-3);
const batchSize = Number(process.env.BATCH ?? 128);
const dropout = Number(process.env.DROPOUT ?? 0.1);
const target = 2.0;
const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));

const words = (await readTextFile(`${datasetDir('names')}/names.txt`))
  .split('\n')
  .map((w) => w.trim())
  .filter((w) => w.length > 0);
const tok = CharTokenizer.fromText(`\n${words.join('')}`); // "\n" (id 0) and a-z
const blockSize = Math.max(...words.map((w) => w.length)) + 1; // 16
// a seeded Fisher-Yates shuffle, then 80/10/10 by name
const rng = new Prng(42);
const order = words.slice();
for (let i = order.length - 1; i > 0; i--) {
  const j = rng.int(i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}
const nTrain = Math.floor(0.8 * order.length);
const nVal = Math.floor(0.1 * order.length);
const split = { train: order.slice(0, nTrain), val: order.slice(nTrain, nTrain + nVal), test: order.slice(nTrain + nVal) };

/** x, y and the weights of a batch of names: weight 1 on each real target, 0 on padding. */
function encodeNames(names) {
  const n = names.length;
  const x = new Int32Array(n * blockSize);
  const y = new Int32Array(n * blockSize);
  const w = new Float32Array(n * blockSize);
  names.forEach((name, b) => {
    const ids = tok.encode(name);
    x.set(ids, b * blockSize + 1); // x[0] = 0: the start token
    y.set(ids, b * blockSize); // y[len] = 0: the end token
    w.fill(1, b * blockSize, b * blockSize + ids.length + 1);
  });
  return { x, y, w, count: names.reduce((s, name) => s + name.length + 1, 0) };
}

/** Endless batches of names drawn uniformly with replacement (makemore's InfiniteDataLoader). */
const trainBatches = (seed) => ({
  async *[Symbol.asyncIterator]() {
    const r = new Prng(seed);
    for (;;) {
      const { x, y, w, count } = encodeNames(Array.from({ length: batchSize }, () => split.train[r.int(split.train.length)]));
      // weights scaled so the mean over all batchSize × blockSize slots is the mean over real targets
      const scale = (batchSize * blockSize) / count;
      yield {
        x: tensor2d(x, [batchSize, blockSize], 'int32'),
        y: tensor2d(y, [batchSize, blockSize], 'int32'),
        sampleWeight: tensor2d(
          w.map((v) => v * scale),
          [batchSize, blockSize],
        ),
      };
    }
  },
});

const lm = transformerLM({
  vocabSize: tok.vocabSize,
  blockSize,
  layers: 4,
  heads: 4,
  width: 64,
  dropout,
  tieEmbeddings: false,
  seed: 3407,
});
const perToken = sparseCategoricalCrossentropy({ fromLogits: true, reduction: 'none' });

/** Nats per character over a list of names: the summed loss of every real target over their count. */
function nats(names) {
  let total = 0;
  let count = 0;
  for (let i = 0; i < names.length; i += 500) {
    const e = encodeNames(names.slice(i, i + 500));
    const n = e.x.length / blockSize;
    const values = tidy(() => perToken(tensor2d(e.y, [n, blockSize], 'int32'), lm.call(tensor2d(e.x, [n, blockSize], 'int32')))).dataSync();
    for (let k = 0; k < values.length; k++) total += values[k] * e.w[k];
    count += e.count;
  }
  return total / count;
}

const warmup = Math.min(200, Math.floor(steps / 10));
const learningRate = (it) =>
  it < warmup ? (peak * (it + 1)) / warmup : 0.1 * peak + 0.45 * peak * (1 + Math.cos((Math.PI * (it - warmup)) / (steps - warmup)));
const t0 = performance.now();
await fit(lm, trainBatches(1), {
  loss: sparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: adamw({ learningRate, b1: 0.9, b2: 0.99, eps: 1e-8, weightDecay: 0.01 }),
  epochs: 1,
  stepsPerEpoch: steps,
  seed: 1,
  callbacks: [progressBar({ lineIntervalMs: 60_000 })],
});
const trainSeconds = (performance.now() - t0) / 1000;
const trainLoss = nats(split.train.slice(0, 5000));
const valLoss = nats(split.val);
const testLoss = nats(split.test);

// 20 names, each sampled from the start token until the end token (temperature 1, as makemore)
const newline = tok.encode('\n')[0];
const sampled = await generate(
  lm,
  Array.from({ length: 20 }, () => [newline]),
  { maxNewTokens: blockSize, temperature: 1, seed: 7, stopToken: newline },
);
const names = sampled.map((ids) => tok.decode(ids).trim());
const known = new Set(words);
console.log(`\n20 sampled names (* = in names.txt): ${names.map((n) => (known.has(n) ? `${n}*` : n)).join(', ')}`);
const result = {
  example: 'names',
  backend: plugin.name,
  names: { train: split.train.length, val: split.val.length, test: split.test.length },
  blockSize,
  params: lm.countParams().trainable,
  steps,
  batchSize,
  dropout,
  peakLearningRate: peak,
  trainLoss,
  valLoss,
  testLoss,
  target,
  trainSeconds: Math.round(trainSeconds),
  seconds: seconds(start),
};
console.log(JSON.stringify(result, null, 1));
if (!(testLoss <= target)) {
  console.error(`names: test loss ${testLoss.toFixed(4)} nats/char is above ${target}`);
  process.exit(1);
}
