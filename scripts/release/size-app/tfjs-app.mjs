// The same app written with the @tensorflow/tfjs union package (what most tfjs users import).
import * as tf from '@tensorflow/tfjs';

async function main() {
  await tf.setBackend('cpu');
  const x = tf.tensor2d([[0], [1], [2], [3]]);
  const y = tf.tensor2d([[1], [3], [5], [7]]);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.05) });
  const history = await model.fit(x, y, { batchSize: 4, epochs: 50, verbose: 0 });
  console.log(history.history.loss.at(-1));
}
main();
