import { FormatError, ShapeError } from '@tessera/core';
import { dense, sequential } from '@tessera/layers';
import { meanSquaredError } from '@tessera/losses';
import { sgd } from '@tessera/optimizers';
import { mean, ones, square, zeros } from '@tessera/tensor';
import { accuracy, auc, decodeCheckpoint, fit, meanSquaredError as mseMetric, predict, Trainer, topKAccuracy } from '@tessera/train';
import { type BadInputRow, shape, value } from './table.js';

const mse = meanSquaredError();
const xy = (n = 8, features = 3, outputs = 2) => ({ x: ones([n, features]), y: zeros([n, outputs]) });
const regressionModel = (name: string, units = 2) => sequential([dense(units, { name: `${name}_out` })], { name });

/** Wrong calls of @tessera/train. */
export const trainRows: BadInputRow[] = [
  value(
    'train',
    'fit with epochs -1',
    () => fit(regressionModel('m1'), { ...xy(), batchSize: 4 }, { loss: mse, optimizer: sgd(), epochs: -1 }),
    'fit epochs',
    'a non-negative integer',
    '-1',
  ),
  value(
    'train',
    'fit with batchSize 0',
    () => fit(regressionModel('m2'), { ...xy(), batchSize: 0 }, { loss: mse, optimizer: sgd() }),
    'fit data batchSize',
    'a positive integer',
    'received 0',
  ),
  value(
    'train',
    'fit with y of another sample count',
    () => fit(regressionModel('m3'), { x: ones([8, 3]), y: zeros([6, 2]), batchSize: 4 }, { loss: mse, optimizer: sgd() }),
    'fit data y',
    '8 samples',
    '6 samples',
  ),
  value(
    'train',
    'fit with stepsPerEpoch 0',
    () => fit(regressionModel('m4'), { ...xy(), batchSize: 4 }, { loss: mse, optimizer: sgd(), stepsPerEpoch: 0 }),
    'fit stepsPerEpoch',
    'a positive integer',
    'received 0',
  ),
  value(
    'train',
    'fit with a number as data',
    () => fit(regressionModel('m5'), 42 as never, { loss: mse, optimizer: sgd() }),
    'fit data',
    'a Dataset',
    '42',
  ),
  value(
    'train',
    'fit without a loss',
    () => fit(regressionModel('m6'), { ...xy(), batchSize: 4 }, { optimizer: sgd() }),
    'fit loss',
    'a loss function',
    'undefined',
  ),
  value(
    'train',
    'fit with an optimizer that is not a transform',
    () => fit(regressionModel('m7'), { ...xy(), batchSize: 4 }, { loss: mse, optimizer: {} as never }),
    'fit optimizer',
    'a GradientTransform',
    'received {}',
  ),
  {
    pkg: 'train',
    label: 'fit with a loss that does not fit the predictions',
    run: () => fit(regressionModel('m8', 3), { ...xy(8, 3, 2), batchSize: 4 }, { loss: mse, optimizer: sgd() }),
    error: ShapeError,
    code: 'SHAPE',
    arg: 'mean_squared_error targets',
    expected: 'expected shape [4, 3]',
    received: 'received [4, 2]',
  },
  shape(
    'train',
    'fit with a metric given labels of another width',
    () =>
      fit(
        regressionModel('m9', 2),
        { x: ones([8, 3]), y: zeros([8, 3]), batchSize: 4 },
        { loss: (_y, p) => mean(square(p)), optimizer: sgd(), metrics: [accuracy({ kind: 'categorical' })] },
      ),
    'accuracy targets',
    '[4, 2]',
    '[4, 3]',
  ),
  {
    pkg: 'train',
    label: 'fit restoring a checkpoint of another model',
    run: async () => {
      const a = regressionModel('ckpt', 2);
      const trainer = new Trainer(a, { loss: mse, optimizer: sgd() });
      await trainer.trainBatch(xy(4, 3, 2));
      const snapshot = trainer.snapshot();
      const b = sequential([dense(2, { name: 'ckpt_out' })], { name: 'ckpt' });
      return fit(b, { ...xy(4, 5, 2), batchSize: 4 }, { loss: mse, optimizer: sgd(), resumeFrom: snapshot });
    },
    error: ShapeError,
    code: 'SHAPE',
    arg: 'restore "ckpt_out/kernel"',
    expected: 'expected shape [5, 2]',
    received: 'received [3, 2]',
  },
  value(
    'train',
    'predict with batchSize 0',
    () => predict(regressionModel('m10'), ones([4, 3]), { batchSize: 0 }),
    'predict batchSize',
    'a positive integer',
    'received 0',
  ),
  value('train', 'topKAccuracy with k = 0', () => topKAccuracy(0), 'topKAccuracy k', 'a positive integer', 'received 0'),
  value('train', 'auc with 2 thresholds', () => auc({ numThresholds: 2 }), 'auc numThresholds', 'an integer >= 3', 'received 2'),
  value(
    'train',
    'accuracy of an unknown kind',
    () => accuracy({ kind: 'multi' as never }),
    'accuracy kind',
    '"auto", "binary", "categorical" or "sparse"',
    '"multi"',
  ),
  shape(
    'train',
    'a metric updated with labels of another size',
    () => mseMetric().update(zeros([4, 2]), zeros([4, 3])),
    'mse targets',
    '[4, 3]',
    '[4, 2]',
  ),
  {
    pkg: 'train',
    label: 'decodeCheckpoint without its files',
    run: () => decodeCheckpoint({}),
    error: FormatError,
    code: 'FORMAT',
    arg: 'tessera-checkpoint: missing file trainer.json',
    expected: 'expected the files model.safetensors, optimizer.safetensors, trainer.json',
    received: 'received []',
  },
];
