// Models of every layer the ONNX exporter supports, with seeded weights and inputs; shared by the
// onnxruntime-web test (Node) and the onnx/onnxruntime Python check.
import type { Layer } from '@tessera/layers';
import {
  activation,
  add,
  avgPool1d,
  avgPool2d,
  batchNormalization,
  concatenate,
  conv1d,
  conv2d,
  conv2dTranspose,
  dense,
  dropout,
  embedding,
  flatten,
  globalAvgPool1d,
  globalMaxPool2d,
  gru,
  input,
  layerNormalization,
  lstm,
  maxPool1d,
  maxPool2d,
  model,
  multiHeadAttention,
  reshape,
  sequential,
  simpleRnn,
} from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { randomNormal, randomUniform, randomUniformInt, scope } from '@tessera/tensor';

export interface Case {
  name: string;
  model: Layer<Tensor | Tensor[]>;
  inputs: Tensor[];
}

/** Sets every moving statistic of the model's batch norms to seeded random values. */
function randomStats(m: Layer<Tensor | Tensor[]>, seed: number): void {
  let s = seed;
  for (const [k, v] of Object.entries(m.state())) {
    scope(() =>
      v.assign(
        k.endsWith('moving_variance') ? randomUniform(v.shape, 0.5, 1.5, 'float32', s++) : randomNormal(v.shape, 0, 0.5, 'float32', s++),
      ),
    );
  }
}

/** The names of {@link onnxCases}, known before a backend is chosen. */
export const caseNames = ['mlp', 'cnn', 'functional', 'attention', 'nested', 'recurrent'];

export function onnxCases(): Case[] {
  const mlp = sequential(
    [
      dense(16, { activation: 'relu', seed: 1 }),
      dropout(0.3),
      layerNormalization({ epsilon: 1e-5 }),
      dense(12, { activation: 'gelu', seed: 2 }),
      dense(6, { activation: 'silu', seed: 3 }),
      dense(4, { activation: 'softmax', seed: 4 }),
    ],
    { inputShape: [8], name: 'mlp' },
  );

  const cnn = sequential(
    [
      conv2d(4, 3, { padding: 'same', activation: 'relu', seed: 5 }),
      batchNormalization(),
      maxPool2d(2),
      conv2d(6, [3, 2], { padding: 'valid', activation: 'elu', seed: 6 }),
      avgPool2d(2, { padding: 'same' }),
      conv2d(5, 2, { padding: 'same', strides: 2, activation: 'leakyRelu', seed: 7 }),
      flatten(),
      dense(3, { activation: 'tanh', seed: 8 }),
    ],
    { inputShape: [9, 9, 2], name: 'cnn' },
  );
  randomStats(cnn, 50);

  const a = input({ shape: [6], name: 'a' });
  const bIn = input({ shape: [10, 3], name: 'b' });
  const ha = dense(5, { activation: 'sigmoid', seed: 9 }).call(a);
  let hb = conv1d(4, 3, { padding: 'same', activation: 'relu', seed: 10 }).call(bIn);
  hb = maxPool1d(2).call(hb);
  hb = avgPool1d(2, { padding: 'same' }).call(hb);
  const pooled = globalAvgPool1d().call(hb);
  const s = add([dense(5, { seed: 11 }).call(pooled), ha]);
  const c = concatenate([s, ha]);
  const y = activation('tanh').call(dense(3, { seed: 12 }).call(c));
  const y2 = reshape([2, 5]).call(c);
  const functional = model({ inputs: [a, bIn], outputs: [y, y2], name: 'functional' });

  const ids = input({ shape: [6], name: 'ids' });
  const e = embedding(20, 8, { seed: 13 }).call(ids);
  const att = multiHeadAttention(2, 4, { seed: 14 }).call(e);
  const h = layerNormalization().call(add([e, att]));
  const cross = multiHeadAttention(2, 3, { valueDim: 5, seed: 15 }).call([h, e]);
  const out = dense(3, { seed: 16 }).call(globalAvgPool1d().call(cross));
  const attention = model({ inputs: ids, outputs: out, name: 'attention' });

  const img = input({ shape: [6, 6, 3], name: 'img' });
  const inner = sequential([conv2d(4, 3, { activation: 'relu', seed: 17 }), batchNormalization()], { name: 'block' });
  const nestedOut = dense(2, { seed: 18 }).call(globalMaxPool2d().call(inner.call(img)));
  const nested = model({ inputs: img, outputs: nestedOut, name: 'nested' });
  randomStats(nested, 60);

  const recurrent = sequential(
    [
      embedding(15, 4, { seed: 19 }),
      lstm(5, { returnSequences: true, seed: 20 }),
      gru(4, { returnSequences: true, seed: 21 }),
      gru(4, { returnSequences: true, resetAfter: false, seed: 22 }),
      simpleRnn(3, { activation: 'relu', seed: 23 }),
      dense(2, { seed: 24 }),
    ],
    { inputShape: [7], name: 'recurrent' },
  );
  // non-zero biases, so that bias layouts and gate orders are exercised
  let seed = 70;
  for (const [k, v] of Object.entries(recurrent.parameters())) {
    if (k.endsWith('/bias')) scope(() => v.assign(randomNormal(v.shape, 0, 0.5, 'float32', seed++)));
  }

  return [
    { name: 'recurrent', model: recurrent, inputs: [randomUniformInt([3, 7], 0, 15, 106)] },
    { name: 'mlp', model: mlp, inputs: [randomNormal([3, 8], 0, 1, 'float32', 100)] },
    { name: 'cnn', model: cnn, inputs: [randomNormal([2, 9, 9, 2], 0, 1, 'float32', 101)] },
    {
      name: 'functional',
      model: functional,
      inputs: [randomNormal([3, 6], 0, 1, 'float32', 102), randomNormal([3, 10, 3], 0, 1, 'float32', 103)],
    },
    { name: 'attention', model: attention, inputs: [randomUniformInt([2, 6], 0, 20, 104)] },
    { name: 'nested', model: nested, inputs: [randomNormal([2, 6, 6, 3], 0, 1, 'float32', 105)] },
  ];
}

/** A model with a layer the exporter does not write (Conv2DTranspose). */
export function unsupportedCase(): Layer<Tensor | Tensor[]> {
  return sequential([conv2dTranspose(2, 3, { seed: 1 }), flatten(), dense(2)], { inputShape: [4, 4, 1], name: 'upsampler' });
}
