// Tessera models with a PyTorch twin in check-torch.py (same module paths, same arithmetic).
import type { Layer } from '@tessera/layers';
import {
  add,
  batchNormalization,
  conv1d,
  conv2d,
  dense,
  embedding,
  gru,
  input,
  layerNormalization,
  lstm,
  model,
  multiHeadAttention,
  sequential,
} from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { randomNormal, randomUniform, randomUniformInt, scope } from '@tessera/tensor';

export interface TorchCase {
  name: string;
  /** Builds the model (fresh weights from its seeds). */
  build(): Layer<Tensor | Tensor[]>;
  input(): Tensor;
}

export const torchCases: TorchCase[] = [
  {
    name: 'mlp',
    build: () => sequential([dense(16, { activation: 'relu', seed: 1 }), dense(4, { seed: 2 })], { inputShape: [8] }),
    input: () => randomNormal([3, 8], 0, 1, 'float32', 10),
  },
  {
    name: 'cnn',
    build: () => {
      const m = sequential([conv2d(4, 3, { activation: 'relu', seed: 3 }), batchNormalization(), conv2d(3, 2, { strides: 2, seed: 4 })], {
        inputShape: [7, 7, 2],
      });
      let s = 40;
      for (const [k, v] of Object.entries(m.state())) {
        scope(() =>
          v.assign(
            k.endsWith('variance') ? randomUniform(v.shape, 0.5, 1.5, 'float32', s++) : randomNormal(v.shape, 0, 0.5, 'float32', s++),
          ),
        );
      }
      for (const [k, v] of Object.entries(m.parameters())) {
        if (k.includes('batch_normalization')) scope(() => v.assign(randomNormal(v.shape, 1, 0.3, 'float32', s++)));
      }
      return m;
    },
    input: () => randomNormal([2, 7, 7, 2], 0, 1, 'float32', 11),
  },
  {
    name: 'recurrent',
    build: () => {
      const ids = input({ shape: [7], name: 'ids' });
      let h = embedding(30, 6, { name: 'emb', seed: 5 }).call(ids);
      h = lstm(5, { name: 'lstm', returnSequences: true, seed: 6 }).call(h);
      h = gru(4, { name: 'gru', seed: 7 }).call(h);
      return model({ inputs: ids, outputs: dense(2, { name: 'head', seed: 8 }).call(h) });
    },
    input: () => randomUniformInt([3, 7], 0, 30, 12),
  },
  {
    name: 'attention',
    build: () => {
      const x = input({ shape: [5, 8], name: 'x' });
      const a = multiHeadAttention(2, 4, { name: 'mha', seed: 9 }).call(x);
      const h = layerNormalization({ name: 'ln', epsilon: 1e-5 }).call(add([x, a]));
      return model({ inputs: x, outputs: conv1d(3, 2, { name: 'conv', seed: 10 }).call(h) });
    },
    input: () => randomNormal([2, 5, 8], 0, 1, 'float32', 13),
  },
];
