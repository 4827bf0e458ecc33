export { adamOnArrays } from './adam/adam-wasm.js';
export { type AdamUpdateAttrs, adamLoop } from './adam/loop.js';
export {
  AdamUpdate,
  adamInputs,
  cpuAdamUpdateConfig,
  cpuAdamUpdateKernel,
  wasmAdamUpdateConfig,
  wasmAdamUpdateKernel,
} from './adam/update.js';
export { gradientOn, registerBackendGradient, unregisterBackendGradient } from './backend-gradients.js';
export { conv2dBackpropFilterConfig, conv2dBackpropFilterKernel } from './cpu/conv2d-backprop-filter.js';
export { cpuGatherV2Config, cpuGatherV2Kernel } from './cpu/gather-v2.js';
export { cpuLstmSequenceConfig, cpuLstmSequenceGradConfig, cpuLstmSequenceGradKernel, cpuLstmSequenceKernel } from './cpu/lstm-sequence.js';
export { unsortedSegmentSumConfig, unsortedSegmentSumKernel } from './cpu/unsorted-segment-sum.js';
export type { FusedConv2DAttrs } from './fused-conv2d.js';
export { FusedConv2D } from './fused-conv2d.js';
export type { FusedMatMulAttrs } from './fused-matmul.js';
export { FusedMatMul } from './fused-matmul.js';
export { batchMatMulGradConfig } from './gradients/batch-mat-mul.js';
export { einsumGradConfig } from './gradients/einsum.js';
export { fusedConv2dGradConfig } from './gradients/fused-conv2d.js';
export { fusedMatMulGradConfig } from './gradients/fused-matmul.js';
export { lstmBlockGradConfig } from './gradients/lstm-block.js';
export { lstmSequenceGradConfig } from './gradients/lstm-sequence.js';
export { reluGradOfOutput } from './gradients/relu-of-output.js';
export { eluGradConfig, leakyReluGradConfig, maximumGradConfig, sigmoidGradConfig, tanhGradConfig } from './gradients/second-order.js';
export { sparseXentGradConfig, sparseXentGradGradConfig } from './gradients/sparse-softmax-xent.js';
export { stridedSliceGradConfig } from './gradients/strided-slice.js';
export { unbroadcast } from './gradients/unbroadcast.js';
export type { GradientFix } from './gradients.js';
export { gradientFixes, registerGradientFixes } from './gradients.js';
export { tensorflowKernelConfigs, wasmIntPredicateConfigs } from './int-inputs.js';
export { kernelInputView } from './kernel-input-view.js';
export { LSTMBlock, LSTMBlockGrad } from './lstm/block.js';
export type { SeqBuffer, SeqStore } from './lstm/sequence.js';
export { LSTMSequence, LSTMSequenceGrad, lstmBackward, lstmForward } from './lstm/sequence.js';
export {
  cpuKernelConfigs,
  registerCpuKernels,
  registerTensorflowKernels,
  registerWasmKernels,
  unregisterTesseraKernels,
  wasmKernelConfigs,
} from './register.js';
export { type SimdModuleBytes, simdExports, wasmBackendMemory } from './simd/module.js';
export {
  cpuSparseXentGradKernel,
  cpuSparseXentKernel,
  SparseSoftmaxCrossEntropy,
  SparseSoftmaxCrossEntropyGrad,
  sparseXentConfigs,
  sparseXentGradLoop,
  sparseXentInputs,
  sparseXentLoop,
  wasmSparseXentGradKernel,
  wasmSparseXentKernel,
} from './softmax-xent/sparse.js';
export { tensorflowAdamUpdateConfig, tensorflowAdamUpdateKernel } from './tensorflow/adam-update.js';
export type { OutputMetadata, TfBackend, TfBinding } from './tensorflow/binding.js';
export { tensorflowFusedMatMulConfig, tensorflowFusedMatMulKernel } from './tensorflow/fused-matmul.js';
export {
  tensorflowLstmBlockConfig,
  tensorflowLstmBlockGradConfig,
  tensorflowLstmBlockGradKernel,
  tensorflowLstmBlockKernel,
} from './tensorflow/lstm-block.js';
export { keptMaxPoolWorkspaces } from './tensorflow/max-pool-workspace.js';
export {
  ONEDNN_MIN_CONV_MACS,
  ONEDNN_MIN_INPUT_GRAD_CHANNELS,
  tensorflowConv2dBackpropFilterKernel,
  tensorflowConv2dBackpropInputKernel,
  tensorflowConv2dKernel,
  tensorflowOneDnnConvConfigs,
} from './tensorflow/onednn-conv.js';
export { tensorflowFusedConv2dConfig, tensorflowFusedConv2dKernel } from './tensorflow/onednn-fused-conv.js';
export {
  ONEDNN_MIN_POOL_ELEMENTS,
  tensorflowMaxPoolGradKernel,
  tensorflowMaxPoolKernel,
  tensorflowOneDnnPoolConfigs,
} from './tensorflow/onednn-max-pool.js';
export {
  ReluGrad,
  reluGradGradConfig,
  reluTensorflowGradConfig,
  tensorflowReluGradConfig,
  tensorflowReluGradKernel,
} from './tensorflow/relu-grad.js';
export {
  tensorflowSparseXentConfigs,
  tensorflowSparseXentGradKernel,
  tensorflowSparseXentKernel,
} from './tensorflow/sparse-softmax-xent.js';
export { wasmBatchMatMulConfig, wasmBatchMatMulKernel } from './wasm/batch-mat-mul.js';
export { wasmBatchToSpaceNDConfig, wasmBatchToSpaceNDKernel } from './wasm/batch-to-space-nd.js';
export { wasmConv2dBackpropFilterConfig, wasmConv2dBackpropFilterKernel } from './wasm/conv2d-backprop-filter.js';
export { wasmConv2dBackpropInputConfig, wasmConv2dBackpropInputKernel } from './wasm/conv2d-backprop-input.js';
export {
  depthwiseConv2dBackpropFilterKernel,
  depthwiseConv2dBackpropInputKernel,
  wasmDepthwiseConv2dBackpropFilterConfig,
  wasmDepthwiseConv2dBackpropInputConfig,
} from './wasm/depthwise-conv2d-backprop.js';
export { einsumKernel, wasmEinsumConfig } from './wasm/einsum.js';
export { wasmErfKernel, wasmExpErfConfigs, wasmExpKernel } from './wasm/exp-erf.js';
export { wasmFusedConv2dConfig, wasmFusedConv2dKernel } from './wasm/fused-conv2d.js';
export { wasmGatherV2Config, wasmGatherV2Kernel } from './wasm/gather-v2.js';
export { wasmIdentityConfig, wasmIdentityKernel } from './wasm/identity.js';
export {
  wasmLstmSequenceConfig,
  wasmLstmSequenceGradConfig,
  wasmLstmSequenceGradKernel,
  wasmLstmSequenceKernel,
} from './wasm/lstm-sequence.js';
export { maxPoolGradKernel, wasmMaxPoolGradConfig } from './wasm/max-pool-grad.js';
export { cpuReluGradConfig, cpuReluGradKernel, wasmReluGradConfig, wasmReluGradKernel } from './wasm/relu-grad.js';
export { wasmSliceConfig, wasmSliceKernel } from './wasm/slice.js';
export { wasmSplitVConfig, wasmSplitVKernel } from './wasm/split-v.js';
export { wasmStridedSliceConfig, wasmStridedSliceKernel } from './wasm/strided-slice.js';
export { wasmSumConfig, wasmSumKernel } from './wasm/sum.js';
export { wasmTransposeConfig, wasmTransposeKernel } from './wasm/transpose.js';
export { wasmUnpackConfig, wasmUnpackKernel } from './wasm/unpack.js';
export { wasmUnsortedSegmentSumConfig, wasmUnsortedSegmentSumKernel } from './wasm/unsorted-segment-sum.js';
