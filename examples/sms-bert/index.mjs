// BERT-style pretrain-then-fine-tune on the SMS spam collection (5,574 messages; 80/20 split as
// examples/sms-spam). 1) A small transformer encoder (token + learned position embeddings, 2 post-norm
// encoder blocks as BERT, width 64, 4 heads, MLP 128, GELU) is pretrained with masked-LM on the texts
// of the training split (15% of the tokens, 80/10/10 [MASK]/random/kept, masks drawn anew every
// epoch). 2) The encoder is saved (layer configs + weights, JSON) and loaded into a classifier with a
// new head (masked mean over the real tokens, then one logit), fine-tuned with AdamW under BERT's
// schedule (linear warm-up over 10% of the steps, then linear decay to 0). 3) The same classifier
// trained from scratch, and both again with only 10% of the training labels.
// Run: npm start -w @tessera/example-sms-bert   (TESSERA_BACKEND=node|wasm|cpu picks the backend)
// Knobs (env): PRETRAIN_EPOCHS (default 4), EPOCHS (fine-tuning, default 3), FEW_EPOCHS (10% labels, default 10).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, permutation, useBackend } from '@tessera/core';
import { smsSpam, split, Tokenizer } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import {
  dense,
  deserializeModule,
  globalAvgPool1d,
  sequential,
  serializeModule,
  tokenAndPositionEmbedding,
  transformerEncoderBlock,
} from '@tessera/layers';
import { binaryCrossentropy, sparseCategoricalCrossentropy } from '@tessera/losses';
import { adamw } from '@tessera/optimizers';
import { dispose, tensor, tensor2d } from '@tessera/tensor';
import { maskedLmBatches } from '@tessera/text';
import { accuracy, evaluate, fit, progressBar } from '@tessera/train';

const pretrainEpochs = Number(process.env.PRETRAIN_EPOCHS ?? 4);
const epochs = Number(process.env.EPOCHS ?? 3);
const fewEpochs = Number(process.env.FEW_EPOCHS ?? 10);
const target = 0.985;
const seqLength = 40;
const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));

const { data } = await smsSpam({ from: datasetDir('text') });
const parts = split(data, { train: 0.8, test: 0.2 }, { seed: 3 });
const rows = async (ds) => {
  const out = [];
  for await (const r of ds) out.push(r);
  return out;
};
const train = await rows(parts.train);
const test = await rows(parts.test);
const tokenizer = new Tokenizer({ level: 'word', maxVocab: 4000 }).fit(train.map((r) => r.text)); // 0 <pad>, 1 <oov>
const maskId = tokenizer.vocabSize; // one more id: [MASK]
const vocabSize = tokenizer.vocabSize + 1;
const encode = (list) => {
  const ids = new Int32Array(list.length * seqLength);
  list.forEach((r, i) => {
    ids.set(tokenizer.encode(r.text, { maxLength: seqLength, padding: 'post', truncation: 'post' }), i * seqLength);
  });
  return ids;
};
const trainIds = encode(train);
const testIds = encode(test);

/** The encoder's layers: ids [b, 40] → [b, 40, 64], padding (id 0) masked. */
const encoderLayers = () => [
  tokenAndPositionEmbedding({ vocabSize, maxLength: seqLength, dim: 64, maskZero: true, seed: 1 }),
  transformerEncoderBlock({ numHeads: 4, intermediateDim: 128, norm: 'post', dropout: 0.1, attentionDropout: 0.1, seed: 2 }),
  transformerEncoderBlock({ numHeads: 4, intermediateDim: 128, norm: 'post', dropout: 0.1, attentionDropout: 0.1, seed: 3 }),
];
/** BERT's schedule: linear warm-up over the first 10% of the steps, then linear decay to 0. */
const bertSchedule = (peak, steps) => {
  const warmup = Math.max(1, Math.round(0.1 * steps));
  return (it) => (it < warmup ? (peak * (it + 1)) / warmup : (peak * Math.max(0, steps - it)) / (steps - warmup));
};

// 1) masked-LM pretraining on the training texts
const encoder = encoderLayers();
const mlm = sequential([...encoder, dense(vocabSize, { seed: 4 })]);
const mlmData = maskedLmBatches(trainIds, { seqLength, batchSize: 32, maskTokenId: maskId, vocabSize, specialIds: [0], seed: 1 });
const mlmSteps = pretrainEpochs * Math.ceil(train.length / 32);
const t0 = performance.now();
const mlmHistory = await fit(mlm, mlmData, {
  loss: sparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: adamw({ learningRate: bertSchedule(1e-3, mlmSteps), b2: 0.98, eps: 1e-6, weightDecay: 0.01 }),
  epochs: pretrainEpochs,
  seed: 1,
  callbacks: [progressBar({ lineIntervalMs: 30_000 })],
});
const pretrainSeconds = (performance.now() - t0) / 1000;
const mlmLoss = mlmHistory.history.loss;

// 2) save the encoder: its layer configs and its weights in parameter order
const dir = await mkdtemp(join(tmpdir(), 'sms-bert-'));
const file = join(dir, 'encoder.json');
const weights = encoder.flatMap((l) => Object.values(l.parameters()).map((v) => ({ shape: v.shape, values: Array.from(v.dataSync()) })));
await writeFile(file, JSON.stringify({ layers: encoder.map((l) => serializeModule(l)), weights }));
mlm.dispose();

/** A classifier: the encoder's layers (fresh, or loaded from `saved`), masked mean pooling, one logit. */
function classifier(saved) {
  const layers = saved ? saved.layers.map((c) => deserializeModule(c)) : encoderLayers();
  const m = sequential([...layers, globalAvgPool1d(), dense(1, { seed: 5 })]);
  m.build([null, seqLength]);
  if (saved) {
    const vars = layers.flatMap((l) => Object.values(l.parameters()));
    if (vars.length !== saved.weights.length) throw new Error(`encoder: ${vars.length} parameters, the file has ${saved.weights.length}`);
    vars.forEach((v, i) => {
      const w = saved.weights[i];
      if (JSON.stringify(w.shape) !== JSON.stringify(v.shape))
        throw new Error(`encoder parameter ${i}: shape ${v.shape} vs saved ${w.shape}`);
      const value = tensor(Float32Array.from(w.values), v.shape);
      v.assign(value);
      value.dispose();
    });
  }
  return m;
}

const labels = (list) => Float32Array.from(list, (r) => r.y);
const loss = binaryCrossentropy({ fromLogits: true });
const testX = tensor2d(testIds, [test.length, seqLength], 'int32');
const testY = tensor2d(labels(test), [test.length, 1]);

/** Fine-tunes (or trains) a classifier on the rows `idx` of the training split; returns its test accuracy. */
async function finetune(saved, idx, nEpochs, peak) {
  const m = classifier(saved);
  const x = new Int32Array(idx.length * seqLength);
  idx.forEach((r, i) => {
    x.set(trainIds.subarray(r * seqLength, (r + 1) * seqLength), i * seqLength);
  });
  const y = Float32Array.from(idx, (r) => train[r].y);
  const steps = nEpochs * Math.ceil(idx.length / 32);
  const xs = tensor2d(x, [idx.length, seqLength], 'int32');
  const ys = tensor2d(y, [idx.length, 1]);
  await fit(
    m,
    { x: xs, y: ys, batchSize: 32, shuffle: true, seed: 1 },
    {
      loss,
      optimizer: adamw({ learningRate: bertSchedule(peak, steps), b2: 0.98, eps: 1e-6, weightDecay: 0.01 }),
      epochs: nEpochs,
      seed: 1,
      callbacks: [progressBar({ lineIntervalMs: 30_000 })],
    },
  );
  const logs = await evaluate(m, { x: testX, y: testY, batchSize: 256 }, { loss, metrics: [accuracy({ kind: 'binary', threshold: 0 })] });
  dispose([xs, ys]);
  m.dispose();
  return logs.accuracy;
}

const saved = JSON.parse(await readFile(file, 'utf8'));
await rm(dir, { recursive: true, force: true });
const all = Array.from({ length: train.length }, (_, i) => i);
const tenth = Array.from(permutation(train.length, 7).subarray(0, Math.round(train.length / 10)));
const t1 = performance.now();
const pretrained = await finetune(saved, all, epochs, 5e-4);
const finetuneSeconds = (performance.now() - t1) / 1000;
const scratch = await finetune(undefined, all, epochs, 5e-4);
const fewPretrained = await finetune(saved, tenth, fewEpochs, 5e-4);
const fewScratch = await finetune(undefined, tenth, fewEpochs, 5e-4);

const result = {
  example: 'sms-bert',
  backend: plugin.name,
  messages: { train: train.length, test: test.length, tenth: tenth.length },
  vocab: vocabSize,
  pretrain: {
    epochs: pretrainEpochs,
    mlmLossFirstEpoch: mlmLoss[0],
    mlmLossLastEpoch: mlmLoss.at(-1),
    seconds: Math.round(pretrainSeconds),
  },
  testAccuracy: { pretrained, scratch, tenthPretrained: fewPretrained, tenthScratch: fewScratch },
  target,
  finetuneSeconds: Math.round(finetuneSeconds),
  seconds: seconds(start),
};
console.log(JSON.stringify(result, null, 1));
if (!(pretrained >= target)) {
  console.error(`sms-bert: held-out accuracy ${pretrained} of the fine-tuned pretrained encoder is below ${target}`);
  process.exit(1);
}
