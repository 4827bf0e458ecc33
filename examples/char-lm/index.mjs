// Character-level LM on makemore's names.txt: the names joined by newlines, a CharTokenizer (27
// characters), nanoGPT-style random windows (lmBatches) for fit, an Embedding + LSTM + Dense
// model, then new names sampled with the LSTM's cache (and checked equal to full recomputation).
// Run: npm start -w @tessera/example-char-lm
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { dense, embedding, lstm, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { CharTokenizer, generate, lmBatches, splitTokens } from '@tessera/text';
import { readTextFile } from '@tessera/text/node';
import { fit, progressBar } from '@tessera/train';

const epochs = Number(process.env.EPOCHS ?? 4);
const start = performance.now();
const plugin = await useBackend(await auto([wasm(), cpu()]));
const text = await readTextFile(`${datasetDir('names')}/names.txt`);
const tok = CharTokenizer.fromText(text); // '\n' and a-z
const { train, val } = splitTokens(Int32Array.from(tok.encode(text)), 0.9);

const model = sequential([
  embedding(tok.vocabSize, 24, { seed: 1 }),
  lstm(128, { returnSequences: true, seed: 2 }),
  dense(tok.vocabSize, { seed: 3 }),
]);
const history = await fit(model, lmBatches(train, { blockSize: 16, batchSize: 64, seed: 1 }), {
  loss: sparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: adam({ learningRate: 1e-2 }),
  epochs,
  stepsPerEpoch: 100,
  validation: lmBatches(val, { blockSize: 16, batchSize: 64, seed: 2, batchesPerPass: 20, resample: false }),
  callbacks: [progressBar()],
});
const valLoss = history.history.val_loss.at(-1);

// ten names, each started from a newline; the cached and the recomputed path must agree
const newline = tok.encode('\n');
const options = { maxNewTokens: 20, temperature: 0.8, seed: 7, stopToken: newline[0], blockSize: 16 };
const prompts = Array.from({ length: 10 }, () => newline);
const cached = await generate(model, prompts, options);
const full = await generate(model, prompts, { ...options, useCache: false });
const same = JSON.stringify(cached) === JSON.stringify(full);
const names = cached.map((ids) => tok.decode(ids).trim());
console.log(names.join(', '));
console.log(
  JSON.stringify({
    example: 'char-lm',
    backend: plugin.name,
    epochs,
    valLoss,
    cacheEqualsRecompute: same,
    seconds: seconds(start),
  }),
);
// makemore's bigram model reaches ~2.45 nats per character on this data
if (!(valLoss < 2.3) || !same) {
  console.error(`char-lm: validation loss ${valLoss} (target < 2.3), cache equals recomputation: ${same}`);
  process.exit(1);
}
