import type { Tensor } from '@tessera/tensor';
import * as tf from '@tessera/tensor';
import type { ConformanceCase } from './case.js';
import { input } from './op-cases.js';

/**
 * Memory cases: a small training loop (variables, gradients, updates) must leave the
 * number of live tensors unchanged; the returned tensor is the final weight.
 */
export const memoryCases: ConformanceCase[] = [
  {
    name: 'memory/train loop keeps the tensor count constant',
    kind: 'memory',
    kernels: ['BatchMatMul', 'Sub', 'Square', 'Mean'],
    run(): Tensor {
      const w = tf.variable(tf.zeros([3, 1]), true, undefined, 'float32');
      const x = input([16, 3], 201);
      const y = tf.matMul(x, tf.tensor2d([[0.5], [-1], [2]]));
      let after1 = -1;
      for (let step = 0; step < 5; step++) {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tf.Scalar, [w]);
          w.assign(tf.sub(w, tf.mul(grads[w.name] as Tensor, 0.1)));
        });
        if (step === 0) after1 = tf.memory().numTensors;
        else if (tf.memory().numTensors !== after1) {
          throw new Error(`tensor count grew: expected ${after1} after step 1, received ${tf.memory().numTensors} after step ${step + 1}`);
        }
      }
      const out = tf.clone(w);
      w.dispose();
      return out;
    },
  },
];
