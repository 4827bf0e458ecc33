export type { AutoOptions } from './backend/auto.js';
export { auto } from './backend/auto.js';
export type { CapabilityReport } from './backend/capabilities.js';
export { assertKernels, capabilities, hasKernel, knownKernelNames } from './backend/capabilities.js';
export type { ModuleBuiltin, RequireLike } from './backend/node-resolve.js';
export { nodeModuleBuiltin, resolveInNode } from './backend/node-resolve.js';
export { detectRuntime, readEnv } from './backend/runtime.js';
export type { CopyRecord } from './backend/single-copy.js';
export { assertSingleTfjsCore, checkLoadedTfjsCore, recordTfjsCore, resetTfjsCoreRecords } from './backend/single-copy.js';
export type { UseBackendOptions } from './backend/use-backend.js';
export { activeBackend, useBackend } from './backend/use-backend.js';
export type { BackendPlugin, Runtime } from './contracts/backend-plugin.js';
export type { Callback, ResumePoint, TrainingControl } from './contracts/callback.js';
export type { Batch, Dataset, IteratorState } from './contracts/dataset.js';
export type { GradientTransform, StateTree } from './contracts/gradient-transform.js';
export type { Logger, Logs } from './contracts/logger.js';
export type { Loss, Reduction } from './contracts/loss.js';
export type { Metric } from './contracts/metric.js';
export type { CallOptions, Module, ModuleConfig, NamedTensors, NamedVariables, StatelessResult, TensorTree } from './contracts/module.js';
export type { Cache, InitCacheOptions, Stepper } from './contracts/stepper.js';
export type { StepContext, StepLogs, StepOutput, StepSnapshot, TrainStep } from './contracts/train-step.js';
export { splitCsvRecord } from './csv-record.js';
export type { TesseraErrorCode } from './errors.js';
export {
  BackendUnavailableError,
  describeValue,
  FormatError,
  formatShape,
  ShapeError,
  TesseraError,
  ValueError,
} from './errors.js';
export { registerCoreGradients, tfjsGradientConfigs } from './gradients.js';
export type { ScaleLearningRateOptions } from './learning-rate.js';
export { getLearningRate, scaleLearningRate, setLearningRate } from './learning-rate.js';
export { permutation } from './permutation.js';
export { Prng, RngKey, rngKey } from './rng.js';
export type { FlatState } from './state-tree.js';
export { flattenState, stateTensors, unflattenState } from './state-tree.js';
export { disposeStale, disposeTree, isTensor, mapTensors, treeTensors } from './tensor-tree.js';
