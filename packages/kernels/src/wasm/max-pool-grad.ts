import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import { read, wasmOutput } from '../backend-io.js';

/**
 * MaxPoolGrad for NHWC input: routes each output gradient to the first maximum of its window.
 * Replaces the wasm kernel, which drops the gradient when a window holds no positive value.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it as wasm's MaxPoolGrad
 * const dx = grad((x: Tensor4D) => sum(maxPool(x, 2, 2, 'valid')))(tensor4d([-1, -2, -3, -4], [1, 2, 2, 1]));
 * // [[[[1], [0]], [[0], [0]]]]: the window's maximum (-1) gets the gradient
 * ```
 */
export const maxPoolGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const x = read(backend, input);
  const g = read(backend, dy);
  const { info: dx, values: out } = wasmOutput(backend, [...input.shape]);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  for (let b = 0; b < batchSize; b++) {
    const xb = b * inHeight * inWidth * c;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const go = ((b * outHeight + oh) * outWidth + ow) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let fh = 0; fh < filterHeight; fh++) {
            const ih = oh * strideHeight - top + fh * dilationHeight;
            if (ih < 0 || ih >= inHeight) continue;
            for (let fw = 0; fw < filterWidth; fw++) {
              const iw = ow * strideWidth - left + fw * dilationWidth;
              if (iw < 0 || iw >= inWidth) continue;
              const idx = xb + (ih * inWidth + iw) * c + ch;
              const v = x[idx] as number;
              if (v > best || at < 0) {
                best = v;
                at = idx;
              }
            }
          }
          if (at >= 0) out[at] = (out[at] as number) + (g[go + ch] as number);
        }
      }
    }
  }
  return dx;
};

/**
 * Kernel config of {@link maxPoolGradKernel} for the wasm backend.
 *
 * @example
 * ```ts
 * unregisterKernel(MaxPoolGrad, 'wasm'); // the stock one
 * registerKernel(wasmMaxPoolGradConfig); // registerWasmKernels() does both, reversibly
 * ```
 */
export const wasmMaxPoolGradConfig: KernelConfig = { kernelName: MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGradKernel };
