import type { Logs, Module } from '@tessera/core';
import { dense, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import * as tf from '@tessera/tensor';
import { accuracy, fit } from '@tessera/train';

/** MNIST subset as raw bytes (pixels 0..255, N×784) and labels. */
export interface MnistSubset {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/** Progress reported while training. */
export interface TrainEvents {
  onBatch?(info: { step: number; loss: number; accuracy?: number; samplesPerSecond: number }): void;
  onEpoch?(info: { epoch: number; logs: Logs }): void;
}

/** Fetches the subset written by scripts/make-subset.mjs (served from /data). */
export async function loadMnistSubset(base = './data/'): Promise<MnistSubset> {
  const get = async (name: string) => {
    const res = await fetch(`${base}${name}`);
    if (!res.ok) throw new Error(`could not load ${base}${name}: HTTP ${res.status} (run npm run data -w examples/browser)`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ['train-images.u8', 'train-labels.u8', 'test-images.u8', 'test-labels.u8'].map(get),
  );
  return { trainImages, trainLabels, testImages, testLabels } as MnistSubset;
}

function toTensors(images: Uint8Array, labels: Uint8Array, n: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => ({
    x: tf.div(tf.tensor2d(images.subarray(0, n * 784), [n, 784], 'float32'), 255),
    y: tf.tensor1d(labels.subarray(0, n), 'int32'),
  }));
}

/** The page's model: an MLP 784-128-10 (logits). */
export function createModel(): Module {
  return sequential([dense(128, { activation: 'relu', seed: 1 }), dense(10, { seed: 2 })]);
}

/**
 * Trains the MLP with adam on the active backend, reporting every batch; validates on the test
 * subset after each epoch (`val_accuracy`).
 */
export async function trainMnist(
  model: Module,
  data: MnistSubset,
  options: { epochs?: number; batchSize?: number; trainSize?: number } & TrainEvents = {},
): Promise<Logs[]> {
  const n = Math.min(options.trainSize ?? data.trainLabels.length, data.trainLabels.length);
  const train = toTensors(data.trainImages, data.trainLabels, n);
  const test = toTensors(data.testImages, data.testLabels, data.testLabels.length);
  const batchSize = options.batchSize ?? 64;
  let last = performance.now();
  let samples = 0;
  let rate = 0;
  try {
    const history = await fit(
      model,
      { x: train.x, y: train.y, batchSize, shuffle: true, seed: 1 },
      {
        loss: sparseCategoricalCrossentropy({ fromLogits: true }),
        optimizer: adam({ learningRate: 2e-3 }),
        epochs: options.epochs ?? 2,
        metrics: [accuracy()],
        validation: { x: test.x, y: test.y, batchSize: 500 },
        callbacks: [
          {
            onBatchEnd: async (step, logs) => {
              samples += logs.size ?? batchSize;
              const now = performance.now();
              if (now - last > 250) {
                rate = (samples * 1000) / (now - last);
                samples = 0;
                last = now;
              }
              options.onBatch?.({
                step,
                loss: logs.batch_loss ?? logs.loss ?? Number.NaN,
                accuracy: logs.accuracy,
                samplesPerSecond: rate,
              });
              // Let the page paint between steps.
              if (step % 5 === 0) await new Promise((r) => setTimeout(r, 0));
            },
            onEpochEnd: (epoch, logs) => options.onEpoch?.({ epoch, logs }),
          },
        ],
      },
    );
    return history.logs;
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y]);
  }
}

/** Class probabilities for one 28×28 image (values 0..1, row-major). */
export async function predictDigit(model: Module, pixels: Float32Array): Promise<number[]> {
  const probs = tf.tidy(() => tf.softmax(model.call(tf.tensor2d(pixels, [1, 784]), { training: false }) as tf.Tensor));
  const out = Array.from(await probs.data());
  probs.dispose();
  return out;
}
