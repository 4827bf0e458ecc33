import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import { heapView, wasmOutput } from '../backend-io.js';
import { MAX_POOL_GRAD_WASM } from '../simd/max-pool-grad-bytes.js';
import { backendSimd } from '../simd/module.js';

/** The `maxPoolGrad` export: byte offsets of x, dy, dx, then the pooling's geometry (simd/max-pool-grad.wat). */
type MaxPoolGradExport = (...offsetsAndGeometry: number[]) => void;

/**
 * MaxPoolGrad for NHWC input: routes each output gradient to the first maximum of its window.
 * Replaces the wasm kernel, which drops the gradient when a window holds no positive value. With
 * a channel count that is a multiple of four it runs as a SIMD WebAssembly loop on the backend's
 * memory (`simd/max-pool-grad.wat`, the same values as the JavaScript loop below, bit for bit).
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
  // the output first: allocating can grow the wasm memory, which detaches earlier heap views
  const { info: dx, values: out } = wasmOutput(backend, [...input.shape]);
  const x = heapView(backend, input);
  const g = heapView(backend, dy);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const simd =
    c % 4 === 0 && input.dtype === 'float32' ? backendSimd<MaxPoolGradExport>(backend, MAX_POOL_GRAD_WASM, 'maxPoolGrad') : undefined;
  if (simd) {
    simd(
      x.byteOffset,
      g.byteOffset,
      out.byteOffset,
      batchSize,
      inHeight,
      inWidth,
      c,
      outHeight,
      outWidth,
      strideHeight,
      strideWidth,
      top,
      left,
      filterHeight,
      filterWidth,
      dilationHeight,
      dilationWidth,
    );
    return dx;
  }
  // per output pixel, the window is walked in (fh, fw) order with the channels innermost (contiguous
  // in NHWC); the first strict maximum of each channel wins, as in a per-channel walk
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    const xb = b * inHeight * inWidth * c;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const go = ((b * outHeight + oh) * outWidth + ow) * c;
        let first = true;
        for (let fh = 0; fh < filterHeight; fh++) {
          const ih = oh * strideHeight - top + fh * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fw = 0; fw < filterWidth; fw++) {
            const iw = ow * strideWidth - left + fw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const base = xb + (ih * inWidth + iw) * c;
            if (first) {
              for (let ch = 0; ch < c; ch++) {
                best[ch] = x[base + ch] as number;
                at[ch] = base + ch;
              }
              first = false;
              continue;
            }
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch] as number;
              if (v > (best[ch] as number)) {
                best[ch] = v;
                at[ch] = base + ch;
              }
            }
          }
        }
        if (first) continue;
        for (let ch = 0; ch < c; ch++) {
          const i = at[ch] as number;
          out[i] = (out[i] as number) + (g[go + ch] as number);
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
