// Character-level Shakespeare: a nanoGPT-style decoder-only transformer (transformerLM) trained with
// fit on random windows of the first 100k characters, then 200 characters sampled with the
// key/value cache. Run: npm start -w @tessera/example-shakespeare-char
// Knobs (env): STEPS (default 300), CONFIG=tiny|baby (baby = nanoGPT's 4 layers, 4 heads, width 128,
// block 64, batch 12), CHARS (default 100000).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, Prng, stateTensors, useBackend } from '@tessera/core';
import { fromGenerator } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { transformerLM } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adamw, chain, clipByGlobalNorm } from '@tessera/optimizers';
import { argMax, dispose, reshape, slice, tensor2d } from '@tessera/tensor';
import { evaluate, fit } from '@tessera/train';

const configs = {
  tiny: { layers: 2, heads: 4, width: 64, blockSize: 32, batch: 12 },
  baby: { layers: 4, heads: 4, width: 128, blockSize: 64, batch: 12 },
};
const config = configs[process.env.CONFIG ?? 'tiny'];
if (!config) throw new Error(`CONFIG must be one of ${Object.keys(configs).join(', ')}`);
const steps = Number(process.env.STEPS ?? 300);
const chars = Number(process.env.CHARS ?? 100000);
const start = performance.now();
const plugin = await useBackend(await auto([wasm(), cpu()]));

const full = readFileSync(join(datasetDir('shakespeare'), 'input.txt'), 'utf8');
const vocab = [...new Set(full)].sort(); // 65 characters
const index = new Map(vocab.map((c, i) => [c, i]));
const ids = Int32Array.from(full.slice(0, chars), (c) => index.get(c));
const cut = Math.floor(ids.length * 0.9);
const { blockSize, batch } = config;

/** Endless random windows { x: ids[i .. i+T), y: ids[i+1 .. i+T+1) } of ids[from, to), seeded. */
const windows = (from, to, seed) =>
  fromGenerator(function* () {
    const rng = new Prng(seed);
    for (;;) {
      const i = from + Math.floor(rng.next() * (to - from - blockSize - 1));
      yield { x: ids.slice(i, i + blockSize), y: ids.slice(i + 1, i + blockSize + 1) };
    }
  });

const lm = transformerLM({
  vocabSize: vocab.length,
  blockSize,
  layers: config.layers,
  heads: config.heads,
  width: config.width,
  dropout: 0,
  seed: 1,
});
const loss = sparseCategoricalCrossentropy({ fromLogits: true }); // logits [b, T, 65] vs ids [b, T]
const validation = () => windows(cut, ids.length, 2).batch(batch).take(8);
const before = await evaluate(lm, validation(), { loss });
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await fit(lm, windows(0, cut, 1).batch(batch), {
  loss,
  optimizer: chain(clipByGlobalNorm(1), adamw({ learningRate: 3e-3, weightDecay: 0.01 })),
  epochs: 1,
  stepsPerEpoch: steps,
  seed: 1,
});
const trainSeconds = (performance.now() - t0) / 1000;
const cpuUsed = process.cpuUsage(cpu0);
// the wasm backend runs on one thread: on a loaded machine, CPU seconds approximate an idle core's wall time
const trainCpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
const after = await evaluate(lm, validation(), { loss });

// greedy decoding with the key/value cache: one prompt pass, then one character per step
const prompt = 'ROMEO:\n';
let cache = lm.initCache(1);
let [logits, next] = lm.step(tensor2d([Array.from(prompt, (c) => index.get(c))], [1, prompt.length], 'int32'), cache);
let text = prompt;
for (let i = 0; i < Math.min(200, blockSize - prompt.length); i++) {
  dispose(stateTensors(cache));
  cache = next;
  const lastLogits = slice(logits, [0, logits.shape[1] - 1, 0], [1, 1, -1]);
  const id = argMax(reshape(lastLogits, [-1])).dataSync()[0];
  dispose([logits, lastLogits]);
  text += vocab[id];
  [logits, next] = lm.step(tensor2d([[id]], [1, 1], 'int32'), cache);
}
dispose([logits, ...stateTensors(cache), ...stateTensors(next)]);

const result = {
  example: 'shakespeare-char',
  backend: plugin.name,
  config: { ...config, vocab: vocab.length, params: lm.countParams().trainable },
  steps,
  validationLossBefore: before.loss,
  validationLossAfter: after.loss,
  lnVocab: Math.log(vocab.length),
  trainTokensPerSecond: Math.round((steps * batch * blockSize) / trainSeconds),
  trainTokensPerCpuSecond: Math.round((steps * batch * blockSize) / trainCpuSeconds),
  sample: text,
  seconds: seconds(start),
};
console.log(JSON.stringify(result, null, 1));
if (!(after.loss < Math.log(vocab.length) - 1.2)) {
  console.error(
    `shakespeare-char: validation loss ${after.loss} is not well below ln(${vocab.length}) = ${Math.log(vocab.length).toFixed(3)}`,
  );
  process.exit(1);
}
