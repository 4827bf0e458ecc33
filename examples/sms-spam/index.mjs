// SMS spam: word tokenizer fitted on the training split, Embedding (id 0 = padding, masked) + LSTM, held-out accuracy.
// Writes the ROC curve of the held-out split (with its AUC) and the training curves to ./out
// (roc.svg/.png, history.svg/.png). Run: npm start -w @tessera/example-sms-spam
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { smsSpam, split, Tokenizer } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { dense, embedding, lstm, sequential } from '@tessera/layers';
import { binaryCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { plotHistory, plotRoc, rocCurve } from '@tessera/plot';
import { writePlot } from '@tessera/plot/node';
import { accuracy, evaluate, f1, fit, predict, progressBar } from '@tessera/train';

const maxLength = 40;
const epochs = Number(process.env.EPOCHS ?? 4);
const out = resolve(dirname(fileURLToPath(import.meta.url)), 'out');
const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));
const { data } = await smsSpam({ from: datasetDir('text') });
const parts = split(data, { train: 0.8, test: 0.2 }, { seed: 3 });
const texts = [];
for await (const r of parts.train) texts.push(r.text);
const tokenizer = new Tokenizer({ level: 'word', maxVocab: 5000 }).fit(texts);
// Elements are { text, y: number }: x becomes an Int32Array of token ids (batched int32 [n, 40]),
// y a one-value Float32Array (batched float32 [n, 1], the shape of the logits binaryCrossentropy gets).
const encode = (ds) => ds.map((r) => ({ x: tokenizer.encode(r.text, { maxLength }), y: Float32Array.of(r.y) }));

const model = sequential([embedding(tokenizer.vocabSize, 32, { seed: 1, maskZero: true }), lstm(32, { seed: 2 }), dense(1, { seed: 3 })]);
const loss = binaryCrossentropy({ fromLogits: true });
const history = await fit(model, encode(parts.train).shuffle({ seed: 1 }).batch(32), {
  loss,
  optimizer: adam({ learningRate: 2e-3 }),
  epochs,
  seed: 1,
  metrics: [accuracy({ kind: 'binary', threshold: 0 })],
  callbacks: [progressBar()],
});
const logs = await evaluate(model, encode(parts.test).batch(256), {
  loss,
  metrics: [accuracy({ kind: 'binary', threshold: 0 }), f1({ threshold: 0 })],
});
const labels = [];
for await (const r of parts.test) labels.push(r.y);
const logits = await predict(model, encode(parts.test).batch(256)); // [n, 1]; the ROC needs only their order
const roc = rocCurve(labels, logits);
const plots = [
  [plotRoc(roc, undefined, { name: 'Embedding + LSTM', title: `SMS spam, held-out 20%: ROC (AUC ${roc.auc.toFixed(4)})` }), 'roc'],
  [plotHistory(history, { title: 'SMS spam: training loss and accuracy' }), 'history'],
];
logits.dispose();
for (const [spec, name] of plots) for (const ext of ['svg', 'png']) await writePlot(spec, resolve(out, `${name}.${ext}`));
console.log(
  JSON.stringify({
    example: 'sms-spam',
    backend: plugin.name,
    epochs,
    testAccuracy: logs.accuracy,
    testF1: logs.f1,
    testAuc: roc.auc,
    plots: plots.map(([, name]) => `out/${name}.svg`),
    seconds: seconds(start),
  }),
);
if (!(logs.accuracy >= 0.95)) {
  console.error(`sms-spam: test accuracy ${logs.accuracy} is below the 0.95 target`);
  process.exit(1);
}
