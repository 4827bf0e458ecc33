import {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  huber,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '@tessera/losses';
import { ones, zeros } from '@tessera/tensor';
import { type BadInputRow, shape, value } from './table.js';

const mse = meanSquaredError();

/** Wrong calls of @tessera/losses. */
export const lossesRows: BadInputRow[] = [
  shape(
    'losses',
    'mean squared error with another prediction width',
    () => mse(zeros([4, 2]), zeros([4, 3])),
    'mean_squared_error targets',
    '[4, 3]',
    '[4, 2]',
  ),
  shape(
    'losses',
    'categorical crossentropy with another class count',
    () => categoricalCrossentropy()(zeros([4, 2]), zeros([4, 3])),
    'categorical_crossentropy targets',
    '[4, 3]',
    '[4, 2]',
  ),
  shape(
    'losses',
    'sparse crossentropy with one-hot labels',
    () => sparseCategoricalCrossentropy()(zeros([4, 3]), zeros([4, 3])),
    'sparse_categorical_crossentropy targets',
    '[4]',
    '[4, 3]',
  ),
  value(
    'losses',
    'an unknown reduction',
    () => meanSquaredError({ reduction: 'avg' as never }),
    'mean_squared_error reduction',
    "'mean', 'sum' or 'none'",
    '"avg"',
  ),
  value(
    'losses',
    'label smoothing above 1',
    () => categoricalCrossentropy({ labelSmoothing: 1.5 }),
    'categorical_crossentropy labelSmoothing',
    'a number in [0, 1]',
    '1.5',
  ),
  value(
    'losses',
    'negative label smoothing',
    () => binaryCrossentropy({ labelSmoothing: -0.1 }),
    'binary_crossentropy labelSmoothing',
    'a number in [0, 1]',
    '-0.1',
  ),
  shape(
    'losses',
    'a sample weight per feature',
    () => mse(zeros([4, 2]), zeros([4, 2]), ones([3])),
    'mean_squared_error sample weight',
    '[4]',
    '[3]',
  ),
  value('losses', 'huber with a negative delta', () => huber({ delta: -1 }), 'huber_loss delta', 'a positive number', '-1'),
  value(
    'losses',
    'focal loss with a negative gamma',
    () => binaryFocalCrossentropy({ gamma: -2 }),
    'binary_focal_crossentropy gamma',
    'a non-negative number',
    '-2',
  ),
];
