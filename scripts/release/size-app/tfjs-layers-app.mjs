// The same app with the smallest tfjs set that can do it: tfjs-core + tfjs-layers + tfjs-backend-cpu.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { layers, sequential } from '@tensorflow/tfjs-layers';

async function main() {
  await tf.setBackend('cpu');
  const x = tf.tensor2d([[0], [1], [2], [3]]);
  const y = tf.tensor2d([[1], [3], [5], [7]]);
  const model = sequential({ layers: [layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.05) });
  const history = await model.fit(x, y, { batchSize: 4, epochs: 50, verbose: 0 });
  console.log(history.history.loss.at(-1));
}
main();
