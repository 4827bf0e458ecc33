// Event files checked by TensorBoard's own reader: scripts/ensure-tensorboard.sh makes a venv
// with tensorboard (once; offline with the image's local wheel index), test/read-tensorboard.py
// loads every run with EventAccumulator / EventFileLoader and prints JSON, compared here.
// Skipped, with a message, only where python3 is absent. TESSERA_TB_PYTHON names another Python
// that has tensorboard.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensor2d } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fit } from '../src/fit.js';
import { eventFileWriter, hparams, tensorBoard } from '../src/node/tensorboard.js';
import { histogramOf } from '../src/tensorboard/histogram.js';
import { encodePng } from '../src/tensorboard/png.js';
import { Linear, mse, regressionRows, sgd } from '../src/test-utils.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const hasPython = process.env.TESSERA_TB_PYTHON !== undefined || spawnSync('python3', ['--version']).status === 0;
if (!hasPython) console.warn('SKIPPED: the TensorBoard reader test needs python3, which is absent on this machine');

type Run = {
  scalars: Record<string, Array<[number, number]>>;
  histograms: Record<
    string,
    Array<{ step: number; min: number; max: number; num: number; sum: number; bucket_limit: number[]; bucket: number[] }>
  >;
  images: Record<
    string,
    Array<{ step: number; width: number; height: number; decoded: [number, number, string] | null; pixels: unknown[] }>
  >;
  texts: Record<string, Array<[number, string]>>;
  plugins: Record<string, string>;
  hparams: Record<string, Record<string, unknown>>;
  file_version: string | null;
};

describe.skipIf(!hasPython)('TensorBoard reads what the writers wrote (tensorboard pip package)', () => {
  let python = '';
  let logdir = '';
  beforeAll(async () => {
    await useBackend(cpu());
    if (process.env.TESSERA_TB_PYTHON) python = process.env.TESSERA_TB_PYTHON;
    else {
      const r = spawnSync('bash', [join(repoRoot, 'scripts/ensure-tensorboard.sh')], { encoding: 'utf8', timeout: 600_000 });
      if (r.status !== 0) throw new Error(`scripts/ensure-tensorboard.sh failed (${r.status}): ${r.stderr}`);
      python = r.stdout.trim().split('\n').at(-1) as string;
    }
    logdir = mkdtempSync(join(tmpdir(), 'tessera-tb-'));
  }, 600_000);
  afterAll(() => {
    if (logdir) rmSync(logdir, { recursive: true, force: true });
  });

  type SessionGroup = {
    hparams: Record<string, unknown>;
    metric_values: Array<{ name: { group?: string; tag: string }; value: number; training_step: number }>;
    sessions: Array<{ name: string; status: string }>;
  };
  let groups: SessionGroup[] = [];
  const read = (): Record<string, Run> => {
    const r = spawnSync(python, [fileURLToPath(new URL('./read-tensorboard.py', import.meta.url)), logdir], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`read-tensorboard.py failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { runs: Record<string, Run>; session_groups: SessionGroup[] };
    groups = out.session_groups;
    return out.runs;
  };

  it('scalars, histograms, images, texts, the model text and the HParams records, with their steps and tags', async () => {
    // every kind of record through the file writer directly
    const direct = eventFileWriter(join(logdir, 'direct'));
    for (const [step, v] of [0.5, 0.25, 0.125].entries()) direct.scalar('curve', v, step);
    const values = Array.from({ length: 200 }, (_, i) => Math.sin(i) * 3);
    direct.histogram('weights', values, 1, 7);
    const gray = Array.from({ length: 28 * 28 }, (_, i) => i % 256);
    direct.image('digit', { width: 28, height: 28, channels: 1, pixels: gray }, 3);
    const rgb = Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 7) % 256);
    direct.image('sheet', { png: encodePng(4, 3, 3, rgb), width: 4, height: 3, channels: 3 }, 4);
    direct.text('samples', 'once upon a **time**', 5);
    await direct.flush();
    // a file TensorBoard reads while it is being written: the last record cut short
    const whole = readFileSync(direct.path);
    mkdirSync(join(logdir, 'partial'));
    writeFileSync(join(logdir, 'partial', 'events.out.tfevents.1.partial'), whole.subarray(0, whole.length - 5));

    // fit with the TensorBoard and HParams callbacks (train + validation runs, batch scalars every 2 steps)
    const { xs, ys } = regressionRows(32, 3, 2);
    const [x, y] = [tensor2d(xs), tensor2d(ys)];
    const model = new Linear(2);
    const run = join(logdir, 'fit');
    const history = await fit(
      model,
      { x, y, batchSize: 8 },
      {
        loss: mse,
        optimizer: sgd(0.05),
        epochs: 3,
        validation: { x, y, batchSize: 16 },
        callbacks: [
          tensorBoard(run, {
            updateFreq: 2,
            histogramFreq: 1,
            onEpochEnd: (writer, epoch) =>
              writer('train').image('sample_sheet', { width: 2, height: 2, channels: 1, pixels: [0, 85, 170, 255] }, epoch),
          }),
          hparams(run, {
            hparams: { lr: 0.05, units: 2, optimizer: 'sgd', nesterov: false },
            metrics: ['loss', 'val_loss', { group: 'validation', tag: 'epoch_loss' }],
          }),
        ],
      },
    );
    x.dispose();
    y.dispose();
    const kernel = Array.from(await (model.parameters()['linear/kernel'] as { data(): Promise<Float32Array> }).data());
    model.dispose();

    const runs = read();
    expect(Object.keys(runs).sort()).toEqual(['direct', 'fit', 'fit/train', 'fit/validation', 'partial']);

    const d = runs.direct as Run;
    expect(d.file_version).toBe('brain.Event:2');
    expect(d.scalars.curve).toEqual([
      [0, 0.5],
      [1, 0.25],
      [2, 0.125],
    ]);
    const h = histogramOf(values, 7);
    const got = d.histograms.weights?.[0];
    expect(got?.step).toBe(1);
    expect(got?.bucket).toEqual(h.bucket);
    expect(got?.bucket.reduce((a, b) => a + b, 0)).toBe(200);
    expect(got?.bucket_limit).toHaveLength(7);
    for (const [i, lim] of h.bucketLimit.entries()) expect(got?.bucket_limit[i]).toBeCloseTo(lim, 12);
    expect([got?.min, got?.max, got?.num]).toEqual([h.min, h.max, 200]);
    expect(got?.sum).toBeCloseTo(h.sum, 9);
    expect(d.images.digit?.[0]).toMatchObject({ step: 3, width: 28, height: 28, decoded: [28, 28, 'L'] });
    expect(d.images.digit?.[0]?.pixels).toEqual(gray.slice(0, 16));
    expect(d.images.sheet?.[0]).toMatchObject({ step: 4, width: 4, height: 3, decoded: [4, 3, 'RGB'] });
    expect(d.images.sheet?.[0]?.pixels.slice(0, 2)).toEqual([rgb.slice(0, 3), rgb.slice(3, 6)]);
    expect(d.texts.samples).toEqual([[5, 'once upon a **time**']]);
    expect(d.plugins.samples).toBe('text');
    // the partial file: every complete record, the cut one left for later
    expect((runs.partial as Run).scalars.curve).toHaveLength(3);
    expect((runs.partial as Run).texts.samples ?? []).toHaveLength(0);

    const train = runs['fit/train'] as Run;
    const val = runs['fit/validation'] as Run;
    const f32 = (v: number) => Math.fround(v);
    expect(train.scalars.epoch_loss).toEqual(history.history.loss?.map((v, i) => [i, f32(v)]));
    expect(val.scalars.epoch_loss).toEqual(history.history.val_loss?.map((v, i) => [i, f32(v)]));
    expect(Object.keys(val.scalars)).toEqual(['epoch_loss']);
    expect(train.scalars.batch_loss?.map(([s]) => s)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(train.histograms['linear/kernel']?.map((e) => [e.step, e.num])).toEqual([
      [0, 6],
      [1, 6],
      [2, 6],
    ]);
    // gradient histograms (Keras' write_grads), from the last step of each epoch
    for (const [tag, n] of [
      ['linear/kernel/gradient', 6],
      ['linear/bias/gradient', 2],
    ] as const) {
      expect(train.histograms[tag]?.map((e) => [e.step, e.num, e.bucket.reduce((a, b) => a + b, 0)])).toEqual([
        [0, n, n],
        [1, n, n],
        [2, n, n],
      ]);
      for (const e of train.histograms[tag] ?? []) expect(e.max).toBeGreaterThan(e.min);
    }
    const last = train.histograms['linear/kernel']?.[2];
    expect(last?.min).toBeCloseTo(Math.min(...kernel), 6);
    expect(last?.max).toBeCloseTo(Math.max(...kernel), 6);
    expect(train.images.sample_sheet?.map((e) => [e.step, e.width, e.height])).toEqual([
      [0, 2, 2],
      [1, 2, 2],
      [2, 2, 2],
    ]);
    expect(train.texts.model?.[0]?.[1]).toContain('| linear/kernel | [3, 2] | 6 |');

    const session = runs.fit as Run;
    expect(session.scalars.val_loss?.map(([s, v]) => [s, v])).toEqual(history.history.val_loss?.map((v, i) => [i, f32(v)]));
    const start = session.hparams.session_start_info as { hparams: Record<string, unknown>; group_name: string };
    // google.protobuf.Value as JSON: number_value, string_value and bool_value keep their types
    expect(start.hparams).toEqual({ lr: 0.05, units: 2, optimizer: 'sgd', nesterov: false });
    expect(start.group_name).toMatch(/^[0-9a-f]{16}$/);
    const exp = session.hparams.experiment as { hparam_infos: unknown[]; metric_infos: unknown[] };
    expect(exp.hparam_infos).toEqual([
      { name: 'lr', type: 'DATA_TYPE_FLOAT64' },
      { name: 'units', type: 'DATA_TYPE_FLOAT64' },
      { name: 'optimizer', type: 'DATA_TYPE_STRING' },
      { name: 'nesterov', type: 'DATA_TYPE_BOOL' },
    ]);
    expect(exp.metric_infos).toEqual([
      { name: { tag: 'loss' } },
      { name: { tag: 'val_loss' } },
      { name: { group: 'validation', tag: 'epoch_loss' } },
    ]);
    expect(session.hparams.session_end_info).toMatchObject({ status: 'STATUS_SUCCESS' });
    // the HParams dashboard's own table: one session with its values and its final metrics
    expect(groups).toHaveLength(1);
    expect(groups[0]?.hparams).toEqual({ lr: 0.05, units: 2, optimizer: 'sgd', nesterov: false });
    expect(groups[0]?.sessions).toEqual([expect.objectContaining({ name: 'fit', status: 'STATUS_SUCCESS' })]);
    const finalVal = f32(history.history.val_loss?.at(-1) as number);
    expect(groups[0]?.metric_values.map((m) => [m.name, m.training_step, m.value])).toEqual([
      [{ tag: 'loss' }, 2, f32(history.history.loss?.at(-1) as number)],
      [{ tag: 'val_loss' }, 2, finalVal],
      [{ group: 'validation', tag: 'epoch_loss' }, 2, finalVal],
    ]);
    expect(readdirSync(join(logdir, 'fit', 'train'))[0]).toMatch(/^events\.out\.tfevents\.\d+\./);
  }, 120_000);
});
