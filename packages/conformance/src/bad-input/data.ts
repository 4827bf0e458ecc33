import { fromArray, fromGenerator, fromTensors, getDatasetSpec, kFold, loadDataset, oneHot, split } from '@tessera/data';
import { zeros } from '@tessera/tensor';
import { type BadInputRow, shape, value } from './table.js';

const stream = () =>
  fromGenerator(function* () {
    yield 1;
    yield 2;
  });

/** Wrong calls of @tessera/data. */
export const dataRows: BadInputRow[] = [
  value('data', 'batch with a negative size', () => fromArray([1, 2, 3]).batch(-4), 'batch size', 'a positive integer', '-4'),
  value('data', 'batch of size 0', () => fromArray([1, 2, 3]).batch(0), 'batch size', 'a positive integer', 'received 0'),
  value(
    'data',
    'split fractions summing above 1',
    () => split(fromArray([1, 2, 3]), { train: 0.8, test: 0.5 }),
    'split fractions',
    'summing to at most 1',
    'train: 0.8, test: 0.5',
  ),
  value(
    'data',
    'a negative split fraction',
    () => split(fromArray([1, 2, 3]), { train: -0.1 }),
    'split fractions',
    'non-negative fractions',
    '-0.1',
  ),
  value('data', 'an unknown dataset name', () => getDatasetSpec('mnistt'), 'dataset name', /one of .*"mnist"/, '"mnistt"'),
  value('data', 'loadDataset with an unknown name', () => loadDataset('irisx' as never), 'dataset name', /one of .*"iris"/, '"irisx"'),
  value(
    'data',
    'shuffle with a negative buffer',
    () => stream().shuffle({ bufferSize: -5 }),
    'shuffle bufferSize',
    'a positive integer',
    '-5',
  ),
  value('data', 'shuffle with a fractional seed', () => fromArray([1, 2]).shuffle({ seed: 0.5 }), 'shuffle seed', 'an integer', '0.5'),
  value('data', 'take a negative count', () => fromArray([1]).take(-1), 'take n', 'a non-negative integer', '-1'),
  value('data', 'repeat a negative count', () => fromArray([1]).repeat(-2), 'repeat count', 'a non-negative integer', '-2'),
  value('data', 'prefetch 0', () => fromArray([1]).prefetch(0), 'prefetch n', 'a positive integer', 'received 0'),
  value('data', 'kFold with k = 1', () => kFold(fromArray([1, 2, 3]), 1), 'kFold k', 'an integer in [2, 3]', 'received 1'),
  shape(
    'data',
    'fromTensors with other sample counts',
    () => fromTensors({ x: zeros([4, 2]), y: zeros([3]) }),
    'fromTensors',
    '[4]',
    '[3]',
  ),
  value('data', 'oneHot of a label outside the classes', () => oneHot(3, 3), 'oneHot label', 'an integer in [0, 3)', 'received 3'),
];
