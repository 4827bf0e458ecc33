import { webgl } from '@tessera/backend-webgl';
import { drawSampleSheet, gan, sampleGrid, sampleSheets } from '@tessera/gan';
import { dense, sequential } from '@tessera/layers';
import { adam } from '@tessera/optimizers';
import { randomNormal, tensor1d, tensorCount } from '@tessera/tensor';
import { fit } from '@tessera/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { activate } from './suite.js';

describe('@tessera/gan in the browser (webgl)', () => {
  beforeAll(async () => {
    await activate(webgl());
  });

  it('a GAN step trains through fit and draws its sample sheet on a canvas each epoch', async () => {
    const x = randomNormal([64, 4], 0, 1, 'float32', 1);
    const y = tensor1d(new Int32Array(64));
    const generator = sequential([dense(8, { activation: 'relu', seed: 1 }), dense(4, { activation: 'tanh', seed: 2 })]);
    const discriminator = sequential([dense(8, { activation: 'leakyRelu', seed: 3 }), dense(1, { seed: 4 })]);
    const step = gan({
      generator,
      discriminator,
      latentDim: 3,
      generatorOptimizer: adam({ learningRate: 1e-3, b1: 0.5 }),
      discriminatorOptimizer: adam({ learningRate: 1e-3, b1: 0.5 }),
    });
    const canvas = document.createElement('canvas');
    const drawn: number[] = [];
    const before = tensorCount();
    const h = await fit(
      step,
      { x, y, batchSize: 16 },
      {
        epochs: 2,
        seed: 1,
        callbacks: [
          sampleSheets(step, {
            count: 4,
            columns: 2,
            shape: [2, 2, 1],
            onSheet: (s, e) => {
              drawSampleSheet(s, canvas);
              drawn.push(e);
            },
          }),
        ],
      },
    );
    // what remains is the two models' weights (built on the first batch)
    expect(tensorCount()).toBe(before + Object.keys(generator.parameters()).length + Object.keys(discriminator.parameters()).length);
    expect(drawn).toEqual([0, 1]);
    expect(Number.isFinite(h.history.d_loss?.[1])).toBe(true);
    // the canvas holds exactly the sheet's pixels
    const images = step.sample(4, { seed: 0 });
    const sheet = sampleGrid(images, { columns: 2, shape: [2, 2, 1] });
    images.dispose();
    expect([canvas.width, canvas.height]).toEqual([sheet.width, sheet.height]);
    const pixels = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, sheet.width, sheet.height).data;
    expect(Array.from(pixels)).toEqual(Array.from(sheet.rgba));
    x.dispose();
    y.dispose();
    generator.dispose();
    discriminator.dispose();
  });
});
