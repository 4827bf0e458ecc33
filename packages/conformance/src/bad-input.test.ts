import { cpu } from '@tessera/backend-cpu';
import {
  assertKernels,
  BackendUnavailableError,
  capabilities,
  FormatError,
  permutation,
  rngKey,
  TesseraError,
  unflattenState,
  useBackend,
} from '@tessera/core';
import { fromArray, fromGenerator, fromTensors, getDatasetSpec, kFold, loadDataset, oneHot, split } from '@tessera/data';
import {
  batchNormalization,
  conv1d,
  conv2d,
  dense,
  dropout,
  embedding,
  getActivation,
  getInitializer,
  gru,
  input,
  lstm,
  maxPool1d,
  maxPool2d,
  model,
  reshape,
  sequential,
  simpleRnn,
} from '@tessera/layers';
import {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  huber,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '@tessera/losses';
import {
  accumulate,
  adam,
  adamw,
  applyUpdates,
  chain,
  clip,
  clipByGlobalNorm,
  cosineDecay,
  ema,
  namedChain,
  rmsprop,
  sgd,
} from '@tessera/optimizers';
import {
  assertPositiveInt,
  assertRank,
  assertSameShape,
  assertShape,
  decodeSafetensors,
  encodeSafetensors,
  engine,
  getBackend,
  mean,
  normal,
  ones,
  square,
  tensor,
  uniform,
  valueAndGrad,
  variable,
  zeros,
} from '@tessera/tensor';
import { accuracy, auc, decodeCheckpoint, fit, meanSquaredError as mseMetric, predict, Trainer, topKAccuracy } from '@tessera/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BadInputRow, mismatch, shape, thrownBy, value } from './bad-input-table.js';

/**
 * Wrong calls across the packages: each must throw a Tessera error whose message names the
 * argument, the expected and the received value (issue: every bad input gets a clear error).
 */

const mse = meanSquaredError();
const xy = (n = 8, features = 3, outputs = 2) => ({ x: ones([n, features]), y: zeros([n, outputs]) });
const regressionModel = (name: string, units = 2) => sequential([dense(units, { name: `${name}_out` })], { name });

const core: BadInputRow[] = [
  {
    pkg: 'core',
    label: 'assertKernels names a kernel the cpu backend lacks',
    run: () => assertKernels(['BatchMatMul', 'NoSuchKernel']),
    error: TesseraError,
    code: 'UNSUPPORTED',
    arg: 'assertKernels',
    expected: /expected kernels BatchMatMul, NoSuchKernel/,
    received: /missing kernels: NoSuchKernel/,
  },
  {
    pkg: 'core',
    label: 'assertKernels with gradients names a kernel without a gradient',
    run: () => assertKernels([capabilities().kernelsWithoutGradient[0] as string], { gradients: true }),
    error: TesseraError,
    code: 'UNSUPPORTED',
    arg: 'assertKernels',
    expected: /and their gradients/,
    received: /kernels without gradient: \w+/,
  },
  value('core', 'capabilities of an unknown backend name', () => capabilities('cpuu'), 'capabilities backend', /one of .*"cpu"/, '"cpuu"'),
  value(
    'core',
    'assertKernels on an unknown backend name',
    () => assertKernels(['BatchMatMul'], { backend: 'gpu' }),
    'assertKernels backend',
    /one of .*"cpu"/,
    '"gpu"',
  ),
  {
    pkg: 'core',
    label: 'useBackend with an empty list',
    run: () => useBackend([]),
    error: TesseraError,
    code: 'CONFIG',
    arg: 'useBackend',
    expected: 'at least one backend plugin',
    received: 'an empty list',
  },
  {
    pkg: 'core',
    label: 'useBackend with a plugin that is not available',
    run: () =>
      useBackend({
        name: 'nowhere',
        priority: 0,
        isAvailable: async () => false,
        unavailableReason: async () => 'not installed',
        load: async () => {},
        capabilities: () => capabilities(),
      } as never),
    error: BackendUnavailableError,
    code: 'BACKEND_UNAVAILABLE',
    arg: 'backend "nowhere"',
    expected: 'unavailable',
    received: 'not installed',
  },
  value('core', 'rngKey with a fractional seed', () => rngKey(1.5), 'rngKey seed', 'an integer', '1.5'),
  value('core', 'RngKey.split with a negative count', () => rngKey(1).split(-2), 'RngKey.split n', 'a positive integer', '-2'),
  value('core', 'permutation with a negative size', () => permutation(-4, 1), 'permutation n', 'a non-negative integer', '-4'),
  value(
    'core',
    'unflattenState with a missing tensor',
    () => unflattenState({ mu: { $tensor: 'mu/w' } }, {}),
    'unflattenState',
    /tensor named "mu\/w"/,
    '[]',
  ),
];

const tensorRows: BadInputRow[] = [
  shape(
    'tensor',
    'assertShape with another last dimension',
    () => assertShape(zeros([2, 3]), [null, 4], 'features'),
    'features',
    '[null, 4]',
    '[2, 3]',
  ),
  shape('tensor', 'assertRank with a rank-2 tensor for rank 4', () => assertRank(zeros([2, 3]), 4, 'images'), 'images', 'rank 4', 'rank 2'),
  shape('tensor', 'assertSameShape with two shapes', () => assertSameShape(zeros([2]), zeros([3]), 'a and b'), 'a and b', '[2]', '[3]'),
  value('tensor', 'assertPositiveInt with zero', () => assertPositiveInt(0, 'batch size'), 'batch size', 'a positive integer', '0'),
  value(
    'tensor',
    'valueAndGrad with no parameters',
    () => valueAndGrad((p: { w: never }) => p.w)({} as never),
    'valueAndGrad params',
    /tensor/,
    '{  }',
  ),
  value(
    'tensor',
    'valueAndGrad with a number parameter',
    () => valueAndGrad((p: { w: never }) => p.w)({ w: 3 } as never),
    'valueAndGrad params["w"]',
    'a Tensor',
    '3',
  ),
  value(
    'tensor',
    'valueAndGrad of a non-scalar function',
    () => valueAndGrad((p: { w: never }) => p.w)({ w: zeros([2]) } as never),
    /valueAndGrad/,
    /scalar|rank 0/,
    /\[2\]/,
  ),
  value(
    'tensor',
    'uniform with a negative dimension',
    () => uniform(rngKey(1), [2, -3]),
    'uniform shape',
    'non-negative integers',
    '[2, -3]',
  ),
  value('tensor', 'normal with a negative stddev', () => normal(rngKey(1), [2], 0, -1), 'normal stddev', 'a non-negative number', '-1'),
  {
    pkg: 'tensor',
    label: 'decodeSafetensors of 3 bytes',
    run: () => decodeSafetensors(new Uint8Array(3)),
    error: FormatError,
    code: 'FORMAT',
    arg: 'safetensors',
    expected: 'at least 8 bytes',
    received: 'received 3',
  },
  value(
    'tensor',
    'encodeSafetensors of a string tensor',
    () => encodeSafetensors({ s: tensor(['a']) }),
    'safetensors tensor "s" dtype',
    'float32, int32 or bool',
    '"string"',
  ),
];

const layers: BadInputRow[] = [
  value('layers', 'dense with negative units', () => dense(-3), 'dense units', 'a positive integer', '-3'),
  value('layers', 'dense with zero units', () => dense(0), 'dense units', 'a positive integer', 'received 0'),
  value('layers', 'dense with fractional units', () => dense(2.5), 'dense units', 'a positive integer', '2.5'),
  value(
    'layers',
    'dense with an unknown activation',
    () => dense(4, { activation: 'relu7' as never }),
    'dense activation',
    /one of .*relu/,
    '"relu7"',
  ),
  value(
    'layers',
    'dense with an unknown initializer',
    () => dense(4, { kernelInitializer: 'glorotUniformm', inputShape: [3] }),
    'dense kernelInitializer',
    /one of .*GlorotUniform/,
    '"glorotUniformm"',
  ),
  value(
    'layers',
    'dense with an unknown regularizer',
    () => dense(4, { kernelRegularizer: { className: 'L3', config: {} }, inputShape: [3] }),
    'dense kernelRegularizer',
    /l1, l2, l1l2/,
    /L3/,
  ),
  value(
    'layers',
    'dense with a negative inputShape',
    () => dense(4, { inputShape: [-1] }),
    'dense inputShape',
    /positive integers/,
    '[-1]',
  ),
  value(
    'layers',
    'dense with a string inputShape',
    () => dense(4, { inputShape: '3' as never }),
    'dense inputShape',
    /an array of positive integers/,
    '"3"',
  ),
  value('layers', 'dense called on a rank-1 tensor', () => dense(4).call(zeros([3])), 'dense input shape', 'rank >= 2', '[3]'),
  shape(
    'layers',
    'dense built for 3 features called with 5',
    () => dense(4, { inputShape: [3] }).call(zeros([2, 5])),
    'dense input',
    '[null, 3]',
    '[2, 5]',
  ),
  value(
    'layers',
    'dense apply with an unknown parameter key',
    () => dense(2, { name: 'd', inputShape: [3] }).apply({ 'd/kernal': zeros([3, 2]) }, zeros([1, 3])),
    'd apply params',
    /d\/kernel, d\/bias/,
    '"d/kernal"',
  ),
  value(
    'layers',
    'batch norm statelessCall with an unknown state key',
    () => batchNormalization({ name: 'bn', inputShape: [2] }).statelessCall({}, { 'bn/mean': zeros([2]) }, zeros([1, 2])),
    'bn statelessCall state',
    /bn\/moving_mean/,
    '"bn/mean"',
  ),
  value('layers', 'a layer with an empty name', () => dense(2, { name: '' }), 'layer name', 'a non-empty string', '""'),
  value('layers', 'conv2d with zero filters', () => conv2d(0, 3), 'conv2d filters', 'a positive integer', 'received 0'),
  value('layers', 'conv2d with a negative kernel size', () => conv2d(8, -1), 'conv2d kernelSize', 'a positive integer', '-1'),
  value('layers', 'conv2d with a one-element kernel size', () => conv2d(8, [3]), 'conv2d kernelSize', 'an integer or 2 integers', '[3]'),
  value(
    'layers',
    'conv2d with an unknown padding',
    () => conv2d(8, 3, { padding: 'full' as never }),
    'conv2d padding',
    '"valid" or "same"',
    '"full"',
  ),
  shape('layers', 'conv2d on a rank-3 input', () => conv2d(2, 3).call(zeros([4, 4, 1])), 'conv2d input', 'rank 4', 'rank 3'),
  shape('layers', 'conv1d on a rank-2 input', () => conv1d(2, 3).call(zeros([4, 5])), 'conv1d input', 'rank 3', 'rank 2'),
  value(
    'layers',
    'conv2d input smaller than its kernel',
    () => conv2d(2, 3).call(zeros([1, 2, 2, 1])),
    'conv2d input shape',
    /at least 3/,
    '[1, 2, 2, 1]',
  ),
  value(
    'layers',
    'conv2d called on an int32 tensor',
    () => conv2d(2, 1).call(zeros([1, 2, 2, 1], 'int32')),
    'conv2d input dtype',
    'float32',
    '"int32"',
  ),
  value('layers', 'maxPool2d with a zero pool size', () => maxPool2d(0), 'max_pool2d poolSize', 'a positive integer', 'received 0'),
  value('layers', 'maxPool1d with negative strides', () => maxPool1d(2, { strides: -2 }), 'max_pool1d strides', 'a positive integer', '-2'),
  shape('layers', 'maxPool2d on a rank-3 input', () => maxPool2d().call(zeros([2, 4, 4])), 'max_pool2d input', 'rank 4', 'rank 3'),
  value('layers', 'embedding with a zero vocabulary', () => embedding(0, 4), 'embedding inputDim', 'a positive integer', 'received 0'),
  value('layers', 'embedding with negative output size', () => embedding(10, -4), 'embedding outputDim', 'a positive integer', '-4'),
  value(
    'layers',
    'batch norm momentum above 1',
    () => batchNormalization({ momentum: 1.5 }),
    'batch_normalization momentum',
    'a number in [0, 1]',
    '1.5',
  ),
  value(
    'layers',
    'batch norm with zero epsilon',
    () => batchNormalization({ epsilon: 0 }),
    'batch_normalization epsilon',
    'a positive number',
    'received 0',
  ),
  value(
    'layers',
    'batch norm called on a rank-1 tensor',
    () => batchNormalization().call(zeros([3])),
    'batch_normalization input shape',
    'rank >= 2',
    '[3]',
  ),
  value('layers', 'lstm with zero units', () => lstm(0), 'lstm units', 'a positive integer', 'received 0'),
  shape('layers', 'lstm called on a rank-2 tensor', () => lstm(2).call(zeros([2, 3])), 'lstm input', 'rank 3', 'rank 2'),
  value(
    'layers',
    'gru with an unknown activation',
    () => gru(2, { activation: 'sigmoidd' as never }),
    'gru activation',
    /one of .*tanh/,
    '"sigmoidd"',
  ),
  shape(
    'layers',
    'simpleRnn built for 3 features called with 4',
    () => simpleRnn(2, { inputShape: [5, 3] }).call(zeros([1, 5, 4])),
    'simple_rnn input',
    '[null, null, 3]',
    '[1, 5, 4]',
  ),
  value('layers', 'dropout with rate 1.5', () => dropout(1.5), 'dropout rate', 'a number in [0, 1)', '1.5'),
  value('layers', 'reshape with two -1', () => reshape([-1, -1]), 'reshape targetShape', 'at most one -1', '[-1, -1]'),
  value(
    'layers',
    'reshape to another element count',
    () => reshape([4]).call(zeros([2, 3])),
    'reshape targetShape',
    'a shape with 3 elements per sample',
    '[4]',
  ),
  value('layers', 'sequential of a non-array', () => sequential('dense' as never), 'sequential layers', 'an array of layers', '"dense"'),
  shape(
    'layers',
    'sequential model called with another feature count',
    () => sequential([dense(4, { inputShape: [3] })]).call(zeros([2, 5])),
    /dense.* input/,
    '[null, 3]',
    '[2, 5]',
  ),
  value('layers', 'input with a negative dimension', () => input({ shape: [-2] }), 'input shape', 'an array of positive integers', '[-2]'),
  value(
    'layers',
    'functional model called with one tensor for two inputs',
    () => {
      const a = input({ shape: [2] });
      const b = input({ shape: [2] });
      return model({ inputs: [a, b], outputs: dense(1).call(a) }).call([zeros([1, 2])]);
    },
    'functional inputs',
    '2 tensor(s)',
    '1 tensor(s)',
  ),
  shape(
    'layers',
    'functional model called with another input shape',
    () => {
      const a = input({ shape: [3], name: 'features' });
      return model({ inputs: a, outputs: dense(1).call(a) }).call(zeros([2, 4]));
    },
    'functional input',
    '[null, 3]',
    '[2, 4]',
  ),
  value('layers', 'getActivation with an unknown name', () => getActivation('swishh'), 'activation', /one of .*swish/, '"swishh"'),
  value('layers', 'getInitializer with an unknown name', () => getInitializer('hee'), 'initializer', /one of .*HeNormal/, '"hee"'),
];

const losses: BadInputRow[] = [
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

const params = () => ({ 'dense/kernel': zeros([3, 2]), 'dense/bias': zeros([2]) });
const otherParams = () => ({ 'conv/kernel': zeros([3, 3, 1, 2]) });

const optimizers: BadInputRow[] = [
  value(
    'optimizers',
    'adam with a negative learning rate',
    () => adam({ learningRate: -1 }),
    'learningRate',
    'a non-negative number or a schedule',
    '-1',
  ),
  value(
    'optimizers',
    'sgd with a NaN learning rate',
    () => sgd({ learningRate: Number.NaN }),
    'learningRate',
    'a non-negative number or a schedule',
    'NaN',
  ),
  value('optimizers', 'adam with beta1 above 1', () => adam({ b1: 1.5 }), 'adam b1', 'a number in [0, 1)', '1.5'),
  value('optimizers', 'adamw with a negative beta2', () => adamw({ b2: -0.1 }), 'adamw b2', 'a number in [0, 1)', '-0.1'),
  value('optimizers', 'adam with a negative epsilon', () => adam({ eps: -1e-7 }), 'adam eps', 'a non-negative number', '-1e-7'),
  value('optimizers', 'rmsprop with rho 2', () => rmsprop({ rho: 2 }), 'rmsprop rho', 'a number in [0, 1)', 'received 2'),
  value('optimizers', 'sgd with a negative momentum', () => sgd({ momentum: -0.9 }), 'sgd momentum', 'a number in [0, 1] or a schedule', '-0.9'),
  value(
    'optimizers',
    'clipByGlobalNorm with zero',
    () => clipByGlobalNorm(0),
    'clipByGlobalNorm maxNorm',
    'a positive number',
    'received 0',
  ),
  value('optimizers', 'clip with a negative delta', () => clip(-1), 'clip maxDelta', 'a positive number', '-1'),
  value('optimizers', 'accumulate every 0 steps', () => accumulate(0, sgd()), 'accumulate every', 'a positive integer', 'received 0'),
  value('optimizers', 'ema with decay 2', () => ema({ decay: 2 }), 'ema decay', 'a number in [0, 1]', 'received 2'),
  value(
    'optimizers',
    'cosineDecay over zero steps',
    () => cosineDecay(1e-3, 0),
    'cosineDecay decaySteps',
    'a positive number',
    'received 0',
  ),
  value(
    'optimizers',
    'namedChain with a repeated name',
    () =>
      namedChain([
        ['a', sgd()],
        ['a', adam()],
      ]),
    'namedChain names',
    'unique names',
    '"a"',
  ),
  value(
    'optimizers',
    'update with the state of another model',
    () => {
      const opt = adam();
      const state = opt.init(otherParams());
      return opt.update(params(), state, params());
    },
    'optimizer state',
    /an entry for parameter "dense\/kernel"/,
    /conv\/kernel/,
  ),
  value(
    'optimizers',
    'update with a state missing a key',
    () => {
      const opt = sgd({ momentum: 0.9 });
      const { 'dense/bias': _drop, ...partial } = params();
      return opt.update(params(), opt.init(partial), params());
    },
    'optimizer state',
    /an entry for parameter "dense\/bias"/,
    /dense\/kernel/,
  ),
  shape(
    'optimizers',
    'update with a state of other shapes',
    () => {
      const opt = adam();
      const state = opt.init({ 'dense/kernel': zeros([5, 2]), 'dense/bias': zeros([2]) });
      return opt.update(params(), state, params());
    },
    'optimizer state "dense/kernel"',
    '[3, 2]',
    '[5, 2]',
  ),
  value(
    'optimizers',
    'update of a chain with a state missing a child',
    () => {
      const opt = chain(clip(1), sgd());
      const state = opt.init(params()) as Record<string, unknown>;
      const first = Object.keys(state)[0] as string;
      const { [first]: _drop, ...partial } = state;
      return opt.update(params(), partial as never, params());
    },
    'chain state',
    /an entry "/,
    /\[/,
  ),
  value(
    'optimizers',
    'adamw update without the parameters',
    () => {
      const opt = adamw();
      return opt.update(params(), opt.init(params()));
    },
    'addDecayedWeights update',
    'the current parameters as third argument',
    'undefined',
  ),
  value(
    'optimizers',
    'applyUpdates for an unknown parameter',
    () => applyUpdates({ 'dense/kernel': variable(zeros([3, 2])) }, { 'dense/kernal': zeros([3, 2]) }),
    'applyUpdates',
    'a parameter named "dense/kernal"',
    '"dense/kernel"',
  ),
];

const stream = () =>
  fromGenerator(function* () {
    yield 1;
    yield 2;
  });

const data: BadInputRow[] = [
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

const train: BadInputRow[] = [
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
    '{  }',
  ),
  {
    pkg: 'train',
    label: 'fit with a loss that does not fit the predictions',
    run: () => fit(regressionModel('m8', 3), { ...xy(8, 3, 2), batchSize: 4 }, { loss: mse, optimizer: sgd() }),
    error: TesseraError,
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
    error: TesseraError,
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
    arg: 'checkpoint',
    expected: /missing file/,
    received: /trainer\.json|weights/,
  },
];

const badInputRows: BadInputRow[] = [...core, ...tensorRows, ...layers, ...losses, ...optimizers, ...data, ...train];

beforeAll(async () => {
  await useBackend(cpu());
});

describe('bad API input on the cpu backend', () => {
  it('has at least 70 rows across the packages', () => {
    expect(getBackend()).toBe('cpu');
    expect(badInputRows.length).toBeGreaterThanOrEqual(70);
    const pkgs = new Set(badInputRows.map((r) => r.pkg));
    expect([...pkgs].sort()).toEqual(['core', 'data', 'layers', 'losses', 'optimizers', 'tensor', 'train']);
  });

  for (const row of badInputRows) {
    it(`${row.pkg}: ${row.label}`, async () => {
      engine().startScope();
      let err: unknown;
      try {
        err = await thrownBy(row.run);
      } finally {
        engine().endScope();
      }
      const problem = mismatch(row, err);
      if (problem) expect.fail(problem);
    });
  }
});
