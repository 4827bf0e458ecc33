export type { GradientTransform, ScaleLearningRateOptions, StateTree } from '@tessera/core';
export { disposeStale, getLearningRate, scaleLearningRate, setLearningRate } from '@tessera/core';
export type { Applied } from '@tessera/tensor';
export { applyGradients } from '@tessera/tensor';
export { accumulate } from './accumulate.js';
export { applyUpdates } from './apply.js';
export { chain, named, namedChain } from './combine.js';
export { ema, emaParams } from './ema.js';
export type { LearningRateState } from './learning-rate.js';
export { scaleByLearningRate, scaleBySchedule } from './learning-rate.js';
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
export type {
  AccumulateState,
  AdamState,
  ChainState,
  CountState,
  EmaState,
  EmptyState,
  LionState,
  RmsState,
  RssState,
  TraceState,
} from './state-types.js';
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
