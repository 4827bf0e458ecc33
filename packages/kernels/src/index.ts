export { conv2dBackpropFilterConfig, conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
export {
  batchMatMulGradConfig,
  eluGradConfig,
  gradientConfigs,
  leakyReluGradConfig,
  maximumGradConfig,
  registerGradientFixes,
} from './gradients.js';
export { registerWasmKernels, unregisterTesseraKernels, wasmKernelConfigs } from './register.js';
export { maxPoolGradKernel, wasmMaxPoolGradConfig } from './wasm/max-pool-grad.js';
export { unsortedSegmentSumKernel, wasmUnsortedSegmentSumConfig } from './wasm/unsorted-segment-sum.js';
