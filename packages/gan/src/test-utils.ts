// Small G/D pairs and data for the step tests.

import { concatenate, dense, embedding, input, model, sequential } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { add, mul, randomNormal, tensor, tidy } from '@tessera/tensor';

export const CENTER = [2, -1];

/** n points of N(CENTER, 0.5²) in 2-D, and labels 0/1 by the sign of the first offset. */
export function gaussian2d(n: number, seed: number): { x: Tensor; y: Tensor } {
  return tidy(() => {
    const noise = randomNormal([n, 2], 0, 0.5, 'float32', seed);
    const x = add(noise, tensor(CENTER));
    const y = tensor(
      Array.from({ length: n }, (_, i) => i % 2),
      [n],
      'int32',
    );
    return { x: mul(x, 1), y };
  });
}

export function mlpPair(seed = 1) {
  const generator = sequential([dense(16, { activation: 'relu', seed }), dense(2, { seed: seed + 1 })], { name: 'g' });
  const discriminator = sequential([dense(16, { activation: 'leakyRelu', seed: seed + 2 }), dense(1, { seed: seed + 3 })], { name: 'd' });
  return { generator, discriminator };
}

/** A label-conditioned pair: the generator and the discriminator concatenate an embedding of the label. */
export function conditionalPair(latentDim: number, classes: number, seed = 1) {
  const z = input({ shape: [latentDim] });
  const gl = input({ shape: [] });
  const ge = embedding(classes, 4, { seed }).call(gl);
  const gh = dense(16, { activation: 'relu', seed: seed + 1 }).call(concatenate([z, ge]));
  const generator = model({ inputs: [z, gl], outputs: dense(2, { seed: seed + 2 }).call(gh), name: 'cg' });
  const x = input({ shape: [2] });
  const dl = input({ shape: [] });
  const de = embedding(classes, 4, { seed: seed + 3 }).call(dl);
  const dh = dense(16, { activation: 'leakyRelu', seed: seed + 4 }).call(concatenate([x, de]));
  const discriminator = model({ inputs: [x, dl], outputs: dense(1, { seed: seed + 5 }).call(dh), name: 'cd' });
  return { generator, discriminator };
}
