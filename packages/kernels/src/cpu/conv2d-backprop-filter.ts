import type { KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { Conv2DBackpropFilter, matMul, reshape, stack, stridedSlice, tidy, transpose } from '@tensorflow/tfjs-core';
import { convInfo, padInput, requireNhwc } from '../conv-info.js';
import { kernelInputView } from '../kernel-input-view.js';

/**
 * Conv2DBackpropFilter by im2col and one plain matrix product:
 * dW[kh·kw·ci, co] = patches(x)ᵀ · dy, with the transpose materialized so the backend's fast
 * untransposed matMul path runs (wasm's transposed paths are 20–45× slower). NHWC only.
 * Built from ops, so it runs on any backend: `registerCpuKernels()` (which `cpu()` calls) registers
 * it in place of tfjs-backend-cpu's naive loop (wasm gets a faster forward-conv one).
 *
 * @example
 * ```ts
 * registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'cpu', kernelFunc: conv2dBackpropFilterKernel });
 * ```
 */
export const conv2dBackpropFilterKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = convInfo(attrs, { xShape: x.shape }) ?? requireNhwc(Conv2DBackpropFilter);
  const { batchSize, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, inChannels, outChannels } = info;
  const xt = kernelInputView(x, backend);
  const dyt = kernelInputView(dy, backend);
  const result = tidy(() => {
    const padded = padInput(xt, info.padInfo);
    const patches: Tensor[] = [];
    for (let fh = 0; fh < filterHeight; fh++) {
      for (let fw = 0; fw < filterWidth; fw++) {
        patches.push(
          stridedSlice(
            padded,
            [0, fh, fw, 0],
            [batchSize, fh + (outHeight - 1) * strideHeight + 1, fw + (outWidth - 1) * strideWidth + 1, inChannels],
            [1, strideHeight, strideWidth, 1],
          ),
        );
      }
    }
    const rows = batchSize * outHeight * outWidth;
    const cols = reshape(stack(patches, 3), [rows, filterHeight * filterWidth * inChannels]);
    const dW = matMul(transpose(cols), reshape(dyt, [rows, outChannels]));
    return reshape(dW, [filterHeight, filterWidth, inChannels, outChannels]);
  });
  xt.dispose();
  dyt.dispose();
  return result;
};

/**
 * The Conv2DBackpropFilter config of {@link conv2dBackpropFilterKernel} for one backend.
 *
 * @example
 * ```ts
 * registerKernel(conv2dBackpropFilterConfig('cpu'));
 * ```
 */
export function conv2dBackpropFilterConfig(backendName: string): KernelConfig {
  return { kernelName: Conv2DBackpropFilter, backendName, kernelFunc: conv2dBackpropFilterKernel };
}
