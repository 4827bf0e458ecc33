// nanoGPT's CPU "baby GPT" on Tiny Shakespeare, setting for setting: characters as tokens (65), a
// decoder-only transformer (transformerLM) of 4 layers, 4 heads, width 128, context 64, no dropout,
// no biases in the projections nor offsets in the layer norms (nanoGPT's bias=False), GPT-2 initialization (normal 0.02; residual projections
// 0.02/√(2·layers)), tied embeddings; batch 12; AdamW (beta2 0.99, eps 1e-8, weight decay 0.1 on the
// 2-D weights only: kernels and embedding tables, not norms), learning rate 1e-3 warmed up over 100
// iterations and cosine-decayed to 1e-4 at iteration 2,000, gradient-norm clip 1.0; first 90% of the
// characters for training, the last 10% for validation. The losses are estimated as nanoGPT's
// estimate_loss: the mean loss of EVAL_ITERS random batches of each split. Then 500 characters are
// sampled (nanoGPT's sample.py: start "\n", temperature 0.8, top-k 200) with the key/value cache.
// Run: npm start -w @tessera/example-char-gpt   (TESSERA_BACKEND=node|wasm|cpu picks the backend)
// Knobs (env): ITERS (default 2000), EVAL_ITERS (default 200, nanoGPT's config; its CPU command uses 20),
// CHECKPOINT_DIR (save every 100 iterations there and resume from the newest checkpoint on a rerun).
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { transformerLM } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adamw, chain, clipByGlobalNorm } from '@tessera/optimizers';
import { CharTokenizer, generate, lmBatches, splitTokens } from '@tessera/text';
import { readTextFile } from '@tessera/text/node';
import { evaluate, fit, progressBar } from '@tessera/train';
import { checkpoint } from '@tessera/train/node';

const iters = Number(process.env.ITERS ?? 2000);
const evalIters = Number(process.env.EVAL_ITERS ?? 200);
const config = { layers: 4, heads: 4, width: 128, blockSize: 64, batchSize: 12 };
const target = 1.88; // nanoGPT's validation loss for this run
const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));

const text = await readTextFile(`${datasetDir('shakespeare')}/input.txt`);
const tok = CharTokenizer.fromText(text); // the 65 distinct characters, sorted (nanoGPT's prepare.py)
const { train, val } = splitTokens(Int32Array.from(tok.encode(text)), 0.9);
const { blockSize, batchSize } = config;

const lm = transformerLM({
  vocabSize: tok.vocabSize,
  blockSize,
  layers: config.layers,
  heads: config.heads,
  width: config.width,
  dropout: 0,
  useBias: false,
  layerNormCenter: false,
  kernelInitializer: { className: 'RandomNormal', config: { stddev: 0.02 } },
  outputKernelInitializer: { className: 'RandomNormal', config: { stddev: 0.02 / Math.sqrt(2 * config.layers) } },
  seed: 1337,
});
lm.build([batchSize, blockSize]);
const params = lm.parameters();
// nanoGPT's configure_optimizers: weight decay on every parameter of two or more dimensions
const decayed = new Set(
  Object.entries(params)
    .filter(([, p]) => p.shape.length >= 2)
    .map(([name]) => name),
);

// nanoGPT's get_lr: linear warm-up (it + 1) / (warmup + 1), then cosine from lr to minLr at lrDecayIters
const lr = { peak: 1e-3, min: 1e-4, warmup: 100, decayIters: 2000 };
const learningRate = (it) => {
  if (it < lr.warmup) return (lr.peak * (it + 1)) / (lr.warmup + 1);
  if (it > lr.decayIters) return lr.min;
  const ratio = (it - lr.warmup) / (lr.decayIters - lr.warmup);
  return lr.min + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (lr.peak - lr.min);
};
const optimizer = chain(
  clipByGlobalNorm(1),
  adamw({ learningRate, b1: 0.9, b2: 0.99, eps: 1e-8, weightDecay: 0.1, mask: (name) => decayed.has(name) }),
);

const loss = sparseCategoricalCrossentropy({ fromLogits: true }); // logits [12, 64, 65] vs next ids [12, 64]
const estimate = async (tokens, seed) =>
  (await evaluate(lm, lmBatches(tokens, { blockSize, batchSize, seed, batchesPerPass: evalIters }), { loss })).loss;
const initialVal = await estimate(val, 2);

const t0 = performance.now();
const cpu0 = process.cpuUsage();
await fit(lm, lmBatches(train, { blockSize, batchSize, seed: 1337 }), {
  loss,
  optimizer,
  epochs: 1,
  stepsPerEpoch: iters,
  seed: 1337,
  callbacks: [
    progressBar({ lineIntervalMs: 60_000 }),
    ...(process.env.CHECKPOINT_DIR ? [checkpoint(process.env.CHECKPOINT_DIR, { every: 100, keep: 2, resume: true })] : []),
  ],
});
const trainSeconds = (performance.now() - t0) / 1000;
const cpuUsed = process.cpuUsage(cpu0);
const trainCpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
const tokens = iters * batchSize * blockSize;

const trainLoss = await estimate(train, 3);
const valLoss = await estimate(val, 4);
const t1 = performance.now();
const sample = tok.decode(await generate(lm, tok.encode('\n'), { maxNewTokens: 500, temperature: 0.8, topK: 200, seed: 1337 }));
const sampleSeconds = (performance.now() - t1) / 1000;

console.log(`\n--- 500 characters sampled from "\\n" (temperature 0.8, top-k 200) ---\n${sample}\n---`);
const result = {
  example: 'char-gpt',
  backend: plugin.name,
  config: { ...config, vocab: tok.vocabSize, params: lm.countParams().trainable },
  iters,
  evalIters,
  validationLossBefore: initialVal,
  trainLoss,
  valLoss,
  target,
  trainSeconds: Math.round(trainSeconds),
  trainCpuSeconds: Math.round(trainCpuSeconds),
  tokensPerSecond: Math.round(tokens / trainSeconds),
  tokensPerCpuSecond: Math.round(tokens / trainCpuSeconds),
  sampleCharsPerSecond: Math.round(500 / sampleSeconds),
  seconds: seconds(start),
};
console.log(JSON.stringify(result, null, 1));
if (!(valLoss <= target)) {
  console.error(`char-gpt: validation loss ${valLoss.toFixed(4)} is above nanoGPT's ${target}`);
  process.exit(1);
}
