import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { adam } from '@tessera/optimizers';
import { tensorCount } from '@tessera/tensor';
import { fit } from '@tessera/train';
import { decodeTFRecords, EventWriter, type TensorBoardRun, tensorBoardCallback } from '@tessera/train/tensorboard';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryRuns } from '../../../test-support/tensorboard-runs.js';
import { gan } from './gan-step.js';
import { scatterSheet } from './sample-sheet.js';
import { gaussian2d, mlpPair } from './test-utils.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe("train's TensorBoard callback on the GAN step", () => {
  it('writes the GAN logs per epoch and every 2 steps, both models as text and a sample sheet per epoch; no tensor leak', async () => {
    const data = gaussian2d(64, 4);
    const step = gan({
      ...mlpPair(),
      latentDim: 4,
      generatorOptimizer: adam({ learningRate: 5e-3, b1: 0.5 }),
      discriminatorOptimizer: adam({ learningRate: 5e-3, b1: 0.5 }),
    });
    const runs = memoryRuns<EventWriter, TensorBoardRun>(() => new EventWriter(), decodeTFRecords);
    const counts: number[] = [];
    const tb = tensorBoardCallback(runs.open, {
      updateFreq: 2,
      onEpochEnd: (writer, epoch) => {
        const samples = step.sample(32, { seed: 7 });
        const sheet = scatterSheet(samples.dataSync() as Float32Array, { size: 48 });
        samples.dispose();
        writer('train').image('samples', { width: sheet.width, height: sheet.height, channels: 4, pixels: sheet.rgba }, epoch);
      },
    });
    // 64 points in batches of 16: 4 steps per epoch, 12 in all
    await fit(
      step,
      { x: data.x, y: data.y, batchSize: 16 },
      { epochs: 3, seed: 1, callbacks: [tb, { onBatchEnd: () => void counts.push(tensorCount()) }] },
    );
    expect(new Set(counts.slice(4)).size).toBe(1);
    const records = runs.records('train');
    for (const name of ['d_loss', 'g_loss', 'd_acc', 'd_real', 'd_fake', 'diversity']) {
      expect(records.filter((r) => r.includes(`epoch_${name}`))).toHaveLength(3);
      expect(records.filter((r) => r.includes(`batch_${name}`))).toHaveLength(6);
    }
    const images = records.filter((r) => r.includes('samples') && r.includes('PNG'));
    expect(images).toHaveLength(3);
    const model = records.filter((r) => r.includes('| parameter |'));
    expect(model).toHaveLength(1);
    expect(model[0]).toContain('### generator: g');
    expect(model[0]).toContain('### discriminator: d');
    data.x.dispose();
    data.y.dispose();
  }, 60_000);
});
