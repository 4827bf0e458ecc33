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
import { variable, zeros } from '@tessera/tensor';
import { type BadInputRow, shape, value } from './table.js';

const params = () => ({ 'dense/kernel': zeros([3, 2]), 'dense/bias': zeros([2]) });
const otherParams = () => ({ 'conv/kernel': zeros([3, 3, 1, 2]) });

/** Wrong calls of @tessera/optimizers. */
export const optimizersRows: BadInputRow[] = [
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
  value(
    'optimizers',
    'sgd with a negative momentum',
    () => sgd({ momentum: -0.9 }),
    'sgd momentum',
    'a number in [0, 1] or a schedule',
    '-0.9',
  ),
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
