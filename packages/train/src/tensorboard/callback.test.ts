import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensor2d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryRuns } from '../../../../test-support/tensorboard-runs.js';
import { fit } from '../fit.js';
import { Linear, mse, regressionRows, sgd } from '../test-utils.js';
import { EventWriter } from './event-writer.js';
import { hparamsCallback } from './hparams-callback.js';
import { tensorImage } from './tensor-image.js';
import { type TensorBoardRun, tensorBoardCallback } from './tensorboard-callback.js';
import { decodeTFRecords } from './tfrecord.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const text = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);
/** In-memory runs, one EventWriter each. */
const memory = () => memoryRuns<EventWriter, TensorBoardRun>(() => new EventWriter(), decodeTFRecords);

describe('tensorBoardCallback (in memory, browser-safe)', () => {
  it('writes epoch scalars per run, batch scalars every updateFreq steps, histograms, the model text; no tensor leak', async () => {
    const { xs, ys } = regressionRows(24, 3, 2);
    const [x, y] = [tensor2d(xs), tensor2d(ys)];
    const model = new Linear(2);
    const run = async (runs: ReturnType<typeof memory>, epochs: number) =>
      fit(
        model,
        { x, y, batchSize: 8 },
        {
          loss: mse,
          optimizer: sgd(0.05),
          epochs,
          validation: { x, y, batchSize: 24 },
          callbacks: [tensorBoardCallback(runs.open, { updateFreq: 3, histogramFreq: 2 })],
        },
      );
    await run(memory(), 1); // builds the model
    const before = tensorCount();
    const runs = memory();
    await run(runs, 3);
    expect(tensorCount()).toBe(before);
    const train = runs.records('train');
    const val = runs.records('validation');
    // version, model text, 1 batch record (step 3 in the first call; 6 and 9 here), 3 epoch records, 2 histogram epochs × 2 params
    expect(train.filter((r) => r.includes('epoch_loss'))).toHaveLength(3);
    expect(train.filter((r) => r.includes('batch_loss'))).toHaveLength(3); // steps 6, 9, 12
    expect(train.filter((r) => r.includes('linear/kernel') && !r.includes('| parameter |') && !r.includes('/gradient'))).toHaveLength(2);
    expect(train.filter((r) => r.includes('linear/kernel/gradient'))).toHaveLength(2);
    expect(train.filter((r) => r.includes('| linear/bias | [2] | 2 |'))).toHaveLength(1);
    expect(val).toHaveLength(4);
    expect(val.slice(1).every((r) => r.includes('epoch_loss') && !r.includes('val_'))).toBe(true);
    x.dispose();
    y.dispose();
    model.dispose();
  });

  it('gradient histograms <parameter>/gradient: the last step of each histogram epoch, as the sgd update shows it; none when turned off; no leak', async () => {
    const { xs, ys } = regressionRows(24, 3, 2);
    const [x, y] = [tensor2d(xs), tensor2d(ys)];
    const model = new Linear(2);
    const lr = 0.05;
    const seen: { tag: string; step: number; values: number[] }[] = [];
    const w = new EventWriter();
    const histogram = w.histogram.bind(w);
    w.histogram = (tag, values, step, buckets) => {
      seen.push({ tag, step, values: Array.from(values as ArrayLike<number>) });
      return histogram(tag, values, step, buckets);
    };
    // the weights around each step: with plain sgd, gradient = (before - after) / lr
    let before: Record<string, number[]> = {};
    const lastGrad: Record<number, Record<string, number[]>> = {};
    const weights = async () =>
      Object.fromEntries(
        await Promise.all(Object.entries(model.parameters()).map(async ([k, v]) => [k, Array.from(await v.data())] as const)),
      );
    const probe = {
      async onBatchBegin() {
        before = await weights();
      },
      async onBatchEnd(_step: number, _logs: unknown, control: { epoch: number }) {
        const after = await weights();
        if (Object.keys(before).length === 0) return; // the first step builds the model
        lastGrad[control.epoch] = Object.fromEntries(
          Object.keys(after).map((k) => [k, after[k]!.map((a, i) => (before[k]![i]! - a) / lr)]),
        );
      },
    };
    const run = (epochs: number, options: { writeGradients?: boolean }) =>
      fit(
        model,
        { x, y, batchSize: 8 },
        { loss: mse, optimizer: sgd(lr), epochs, callbacks: [probe, tensorBoardCallback(() => w, { histogramFreq: 2, ...options })] },
      );
    await run(1, { writeGradients: false }); // builds the model
    expect(seen.filter((s) => s.tag.endsWith('/gradient'))).toHaveLength(0);
    seen.length = 0;
    const count = tensorCount();
    const history = await run(3, {});
    expect(tensorCount()).toBe(count);
    expect(history.trainer.gradients).toBeNull();
    // histogram epochs 0 and 2 (histogramFreq 2), each after its weight histograms
    expect(seen.map((g) => [g.tag, g.step])).toEqual([
      ['linear/kernel', 0],
      ['linear/bias', 0],
      ['linear/kernel/gradient', 0],
      ['linear/bias/gradient', 0],
      ['linear/kernel', 2],
      ['linear/bias', 2],
      ['linear/kernel/gradient', 2],
      ['linear/bias/gradient', 2],
    ]);
    const grads = seen.filter((s) => s.tag.endsWith('/gradient'));
    for (const g of grads) {
      const expected = lastGrad[g.step]?.[g.tag.slice(0, -'/gradient'.length)] as number[];
      expect(g.values).toHaveLength(expected.length);
      for (const [i, v] of g.values.entries()) expect(v).toBeCloseTo(expected[i] as number, 3);
      expect(g.values.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    }
    x.dispose();
    y.dispose();
    model.dispose();
  });

  it('a step training several modules (a GAN): histograms tagged <role>/<path>, the model text lists every module', async () => {
    const x = tensor2d([[1, 2, 3]]);
    const [g, d] = [new Linear(2, { name: 'gen' }), new Linear(1, { name: 'disc' })];
    g.call(x).dispose();
    d.call(x).dispose();
    const w = new EventWriter();
    const cb = tensorBoardCallback(() => w, { histogramFreq: 1 });
    const control = { model: g, modules: { generator: g, discriminator: d }, step: 1, epoch: 0 } as unknown as Parameters<
      NonNullable<typeof cb.onEpochEnd>
    >[2];
    await cb.onEpochEnd?.(0, { d_loss: 0.5, g_loss: 1.5 }, control);
    const records = decodeTFRecords(w.bytes()).map(text);
    expect(records[1]).toContain('### generator: gen');
    expect(records[1]).toContain('### discriminator: disc');
    expect(records.filter((r) => r.includes('epoch_d_loss') && r.includes('epoch_g_loss'))).toHaveLength(1);
    const tags = records.slice(3).map((r) => r.match(/(generator|discriminator)\/\w+\/\w+/)?.[0]);
    expect(tags).toEqual(['generator/gen/kernel', 'generator/gen/bias', 'discriminator/disc/kernel', 'discriminator/disc/bias']);
    for (const t of [x, g, d]) t.dispose();
  });

  it('rejects bad options, naming them', () => {
    expect(() => tensorBoardCallback(() => new EventWriter(), { updateFreq: 0 })).toThrow(/updateFreq/);
    expect(() => tensorBoardCallback(() => new EventWriter(), { histogramFreq: -1 })).toThrow(/histogramFreq/);
  });

  it('hparamsCallback: session start, experiment with the epoch log names, metric scalars, session end', async () => {
    const w = new EventWriter();
    const cb = hparamsCallback(w, { hparams: { lr: 0.1 } });
    const control = {} as Parameters<NonNullable<typeof cb.onTrainBegin>>[0];
    await cb.onTrainBegin?.(control);
    await cb.onEpochEnd?.(0, { loss: 1, val_loss: 2 }, control);
    await cb.onTrainEnd?.({}, control);
    const records = decodeTFRecords(w.bytes()).map(text);
    expect(records.map((r) => r.match(/_hparams_\/[a-z_]+|val_loss|loss/)?.[0])).toEqual([
      undefined,
      '_hparams_/session_start_info',
      '_hparams_/experiment',
      'loss',
      '_hparams_/session_end_info',
    ]);
  });
});

describe('tensorImage', () => {
  it('maps float tensors from range to 0..255 (clipped), takes int32 as is, rejects other ranks', async () => {
    const { tensor3d, tensor1d } = await import('@tessera/tensor');
    const t = tensor3d([
      [[-1], [0]],
      [[1], [2]],
    ]);
    expect(await tensorImage(t, { range: [-1, 1] })).toEqual({
      width: 2,
      height: 2,
      channels: 1,
      pixels: Uint8Array.from([0, 128, 255, 255]),
    });
    const i = tensor3d([[[3, 300, -4]]], [1, 1, 3], 'int32');
    expect((await tensorImage(i)).pixels).toEqual(Uint8Array.from([3, 255, 0]));
    const bad = tensor1d([1, 2]);
    await expect(tensorImage(bad)).rejects.toThrow(/\[height, width\]/);
    for (const x of [t, i, bad]) x.dispose();
  });
});
