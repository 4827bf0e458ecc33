export { conv2dBackpropFilterConfig, conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
export {
  addedGradientConfigs,
  batchMatMulGradConfig,
  eluGradConfig,
  gradientConfigs,
  leakyReluGradConfig,
  maximumGradConfig,
  registerGradientFixes,
} from './gradients.js';
export { einsumGradConfig, stridedSliceGradConfig } from './more-gradients.js';
export { cpuKernelConfigs, registerCpuKernels, registerWasmKernels, unregisterTesseraKernels, wasmKernelConfigs } from './register.js';
export { wasmBatchMatMulConfig, wasmBatchMatMulKernel } from './wasm/batch-mat-mul.js';
export { maxPoolGradKernel, wasmMaxPoolGradConfig } from './wasm/max-pool-grad.js';
export { unsortedSegmentSumKernel, wasmUnsortedSegmentSumConfig } from './wasm/unsorted-segment-sum.js';
