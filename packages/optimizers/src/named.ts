import type { GradientTransform } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { add, mul, sign } from '@tessera/tensor';
import { chain, named } from './combine.js';
import { scaleByLearningRate } from './learning-rate.js';
import type { ScalarOrSchedule } from './schedules.js';
import type { ChainState, LionState } from './state-types.js';
import {
  type AdamOptions,
  addDecayedWeights,
  checkAdamOptions,
  checkDecay,
  scaleByAdam,
  scaleByRms,
  scaleByRss,
  trace,
} from './transforms.js';
import { zerosTree, zipTensors } from './tree.js';

/** A hyperparameter that turns a transform on: a schedule, or a positive number. */
const active = (v: ScalarOrSchedule): boolean => typeof v === 'function' || v > 0;

/** A momentum is a number in [0, 1] or a schedule; `where` names the option in errors. */
function checkMomentum(v: unknown, where: string): void {
  if (typeof v !== 'function' && !(typeof v === 'number' && v >= 0 && v <= 1))
    throw new ValueError(where, 'a number in [0, 1] or a schedule', v);
}

/**
 * Stochastic gradient descent, with optional (Nesterov) momentum. The learning rate and the
 * momentum are numbers or schedules of the step.
 *
 * @example
 * ```ts
 * sgd({ learningRate: 0.01, momentum: 0.9, nesterov: true });
 * ```
 */
export function sgd({
  learningRate = 0.01,
  momentum = 0,
  nesterov = false,
}: {
  learningRate?: ScalarOrSchedule;
  momentum?: ScalarOrSchedule;
  nesterov?: boolean;
} = {}): GradientTransform<ChainState> {
  checkMomentum(momentum, 'sgd momentum');
  return named(
    'sgd',
    active(momentum)
      ? chain(trace({ decay: momentum, nesterov }), scaleByLearningRate(learningRate))
      : chain(scaleByLearningRate(learningRate)),
  );
}

/**
 * SGD with heavy-ball momentum (default 0.9; a number or a schedule of the step).
 *
 * @example
 * ```ts
 * momentum({ learningRate: 0.1 });
 * ```
 */
export function momentum({
  learningRate = 0.01,
  momentum: m = 0.9,
  nesterov = false,
}: {
  learningRate?: ScalarOrSchedule;
  momentum?: ScalarOrSchedule;
  nesterov?: boolean;
} = {}): GradientTransform<ChainState> {
  return named('momentum', sgd({ learningRate, momentum: m, nesterov }));
}

/**
 * Adam (Kingma & Ba) with Keras defaults (learning rate 1e-3, eps 1e-7).
 *
 * @example
 * ```ts
 * adam({ learningRate: cosineDecay(1e-3, 5000) });
 * ```
 */
export function adam({
  learningRate = 1e-3,
  ...rest
}: AdamOptions & { learningRate?: ScalarOrSchedule } = {}): GradientTransform<ChainState> {
  checkAdamOptions(rest, 'adam');
  return named('adam', chain(scaleByAdam(rest), scaleByLearningRate(learningRate)));
}

/**
 * AdamW: Adam with decoupled weight decay (scaled by the learning rate). `weightDecay` is a number
 * or a schedule of the step; `mask` exempts parameters.
 *
 * @example
 * ```ts
 * adamw({ learningRate: 1e-3, weightDecay: 0.01, mask: (n) => !n.endsWith('/bias') });
 * ```
 */
export function adamw({
  learningRate = 1e-3,
  weightDecay = 0.004,
  mask,
  ...rest
}: AdamOptions & {
  learningRate?: ScalarOrSchedule;
  weightDecay?: ScalarOrSchedule;
  mask?: (name: string) => boolean;
} = {}): GradientTransform<ChainState> {
  checkAdamOptions(rest, 'adamw', ['learningRate', 'weightDecay', 'mask']);
  return named('adamw', chain(scaleByAdam(rest), addDecayedWeights({ weightDecay, mask }), scaleByLearningRate(learningRate)));
}

/**
 * RMSprop (Keras defaults: rho 0.9, eps 1e-7), with optional momentum (a number or a schedule).
 *
 * @example
 * ```ts
 * rmsprop({ learningRate: 1e-3 });
 * ```
 */
export function rmsprop({
  learningRate = 1e-3,
  rho = 0.9,
  eps = 1e-7,
  momentum: m = 0,
}: {
  learningRate?: ScalarOrSchedule;
  rho?: number;
  eps?: number;
  momentum?: ScalarOrSchedule;
} = {}): GradientTransform<ChainState> {
  checkDecay(rho, 'rmsprop rho');
  checkMomentum(m, 'rmsprop momentum');
  const base = scaleByRms({ decay: rho, eps });
  return named(
    'rmsprop',
    active(m) ? chain(base, trace({ decay: m }), scaleByLearningRate(learningRate)) : chain(base, scaleByLearningRate(learningRate)),
  );
}

/**
 * Adagrad (Keras defaults: learning rate 1e-3, initial accumulator 0.1, eps 1e-7).
 *
 * @example
 * ```ts
 * adagrad({ learningRate: 0.01 });
 * ```
 */
export function adagrad({
  learningRate = 1e-3,
  initialAccumulatorValue = 0.1,
  eps = 1e-7,
}: {
  learningRate?: ScalarOrSchedule;
  initialAccumulatorValue?: number;
  eps?: number;
} = {}): GradientTransform<ChainState> {
  return named('adagrad', chain(scaleByRss({ initialAccumulatorValue, eps }), scaleByLearningRate(learningRate)));
}

/**
 * Lion (Chen et al. 2023): sign of an interpolated momentum, with decoupled weight decay.
 * Keras defaults (learning rate 1e-3, b1 0.9, b2 0.99); the paper advises a learning rate
 * 3-10x smaller than AdamW's. `weightDecay` is a number or a schedule of the step.
 *
 * @example
 * ```ts
 * lion({ learningRate: 1e-4, weightDecay: 0.1 });
 * ```
 */
export function lion({
  learningRate = 1e-3,
  b1 = 0.9,
  b2 = 0.99,
  weightDecay = 0,
}: {
  learningRate?: ScalarOrSchedule;
  b1?: number;
  b2?: number;
  weightDecay?: ScalarOrSchedule;
} = {}): GradientTransform<ChainState> {
  checkAdamOptions({ b1, b2 }, 'lion');
  const direction: GradientTransform<LionState> = {
    name: 'scaleByLion',
    init: (params) => ({ mu: zerosTree(params) }),
    update(grads, { mu }) {
      const updates = zipTensors(grads, mu, (g, m) => sign(add(mul(m, b1), mul(g, 1 - b1))));
      const next = zipTensors(grads, mu, (g, m) => add(mul(m, b2), mul(g, 1 - b2)));
      return [updates, { mu: next }];
    },
  };
  return named(
    'lion',
    active(weightDecay)
      ? chain(direction, addDecayedWeights({ weightDecay }), scaleByLearningRate(learningRate))
      : chain(direction, scaleByLearningRate(learningRate)),
  );
}
