export type { GradientTransform, StateTree } from '@tessera/core';
export { accumulate } from './accumulate.js';
export { applyUpdates, disposeStale } from './apply.js';
export { chain, namedChain } from './combine.js';
export { ema, emaParams } from './ema.js';
export type { LearningRateState } from './learning-rate.js';
export { getLearningRate, scaleByLearningRate, scaleBySchedule, scaleLearningRate, setLearningRate } from './learning-rate.js';
export { adagrad, adam, adamw, lion, momentum, rmsprop, sgd } from './named.js';
export type { CosineOptions, ExponentialOptions, ScalarOrSchedule, Schedule } from './schedules.js';
export {
  constant,
  cosineDecay,
  exponentialDecay,
  joinSchedules,
  linearDecay,
  linearSchedule,
  piecewiseConstant,
  valueAt,
  warmupCosineDecay,
} from './schedules.js';
export type { AdamOptions } from './transforms.js';
export {
  addDecayedWeights,
  clip,
  clipByGlobalNorm,
  scale,
  scaleByAdam,
  scaleByRms,
  scaleByRss,
  trace,
} from './transforms.js';
