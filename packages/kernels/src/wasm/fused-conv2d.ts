import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel, FusedConv2D as TfjsFusedConv2D } from '@tensorflow/tfjs-core';
import { ValueError } from '@tessera/core';
import { FusedConv2D, fusedConv2dArgs } from '../fused-conv2d.js';
import { markReluOutput } from '../gradients/relu-masks.js';

/**
 * {@link FusedConv2D} on the wasm backend: tfjs-backend-wasm's own fused convolution (XNNPACK's,
 * with the bias and ReLU applied as it writes its output) in place of Conv2D, Add and Relu, which
 * each pass over the whole activation (~1.8 ms a step on the MNIST CNN's first layer). Its
 * gradient is the kernel's registered one (a ReLU gradient from the output, both convolution
 * gradients, a bias sum).
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it; Conv2D layers with a bias and 'relu' or no activation use it
 * ```
 */
export const wasmFusedConv2dKernel: KernelFunc = (args) => {
  const { x, filter, bias, strides, pad, activation } = fusedConv2dArgs(args);
  const stock = getKernel(TfjsFusedConv2D, 'wasm');
  if (!stock) throw new ValueError(`${FusedConv2D} on wasm`, "tfjs-backend-wasm's FusedConv2D kernel", 'none registered');
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation, leakyreluAlpha: 0 };
  const out = stock.kernelFunc({ ...args, inputs: { x, filter, bias }, attrs: attrs as never }) as TensorInfo;
  if (activation === 'relu') markReluOutput(out.dataId);
  return out;
};

/**
 * Kernel config of {@link wasmFusedConv2dKernel}.
 *
 * @example
 * ```ts
 * registerKernel(wasmFusedConv2dConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmFusedConv2dConfig: KernelConfig = { kernelName: FusedConv2D, backendName: 'wasm', kernelFunc: wasmFusedConv2dKernel };
