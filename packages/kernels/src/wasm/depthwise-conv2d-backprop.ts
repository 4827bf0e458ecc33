import type { backend_util, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import { read, wasmOutput } from '../backend-io.js';
import { convInfo } from '../conv-info.js';

/**
 * Visits every (output position, filter tap) pair that lands inside the input: `f(xOff, yOff, wOff)`
 * gets the offsets of input channel 0, output channel 0 and filter (row, col, channel 0, multiplier 0).
 */
function forEachTap(info: backend_util.Conv2DInfo, f: (xOff: number, yOff: number, wOff: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const yOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight - top + wR * dilationHeight;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth - left + wC * dilationWidth;
            if (xC < 0 || xC >= inWidth) continue;
            f(((b * inHeight + xR) * inWidth + xC) * inChannels, yOff, (wR * filterWidth + wC) * outChannels);
          }
        }
      }
    }
  }
}

/**
 * DepthwiseConv2dNativeBackpropFilter for NHWC input: `dW[r, c, d, m] = Σ x[b, y·s + r·dil − pad, d] ·
 * dy[b, y, d·M + m]` over batch and output positions. Honours strides, valid/same/explicit padding,
 * dilations and the channel multiplier M (stock tfjs-backend-cpu ignores dilations here).
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (missing in tfjs-backend-wasm 4.22)
 * const dw = grad((w: Tensor4D) => sum(depthwiseConv2d(x, w, 1, 'same')))(w); // runs this kernel
 * ```
 */
export const depthwiseConv2dBackpropFilterKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = convInfo(attrs, { xShape: x.shape }, true) as backend_util.Conv2DInfo;
  const xv = read(backend, x);
  const g = read(backend, dy);
  const { info: dw, values: out } = wasmOutput(backend, [...info.filterShape]);
  const c = info.inChannels;
  const m = info.outChannels / c;
  forEachTap(info, (xOff, yOff, wOff) => {
    for (let d = 0; d < c; d++) {
      const xd = xv[xOff + d] as number;
      const o = wOff + d * m;
      const gy = yOff + d * m;
      for (let k = 0; k < m; k++) out[o + k] = (out[o + k] as number) + xd * (g[gy + k] as number);
    }
  });
  return dw;
};

/**
 * DepthwiseConv2dNativeBackpropInput for NHWC input: scatters `dy[b, y, d·M + m] · w[r, c, d, m]` back
 * to the input position each tap read. Honours strides, valid/same/explicit padding, dilations and
 * the channel multiplier M (stock tfjs-backend-cpu ignores dilations here).
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (missing in tfjs-backend-wasm 4.22)
 * const dx = grad((x: Tensor4D) => sum(depthwiseConv2d(x, w, 2, 'same')))(x); // runs this kernel
 * ```
 */
export const depthwiseConv2dBackpropInputKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = convInfo(attrs, { filterShape: filter.shape }, true) as backend_util.Conv2DInfo;
  const w = read(backend, filter);
  const g = read(backend, dy);
  const { info: dx, values: out } = wasmOutput(backend, [...info.inShape]);
  const c = info.inChannels;
  const m = info.outChannels / c;
  forEachTap(info, (xOff, yOff, wOff) => {
    for (let d = 0; d < c; d++) {
      const o = wOff + d * m;
      const gy = yOff + d * m;
      let s = 0;
      for (let k = 0; k < m; k++) s += (g[gy + k] as number) * (w[o + k] as number);
      out[xOff + d] = (out[xOff + d] as number) + s;
    }
  });
  return dx;
};

/**
 * Kernel config of {@link depthwiseConv2dBackpropFilterKernel} for the wasm backend (missing in tfjs 4.22).
 *
 * @example
 * ```ts
 * registerKernel(wasmDepthwiseConv2dBackpropFilterConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmDepthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilterKernel,
};

/**
 * Kernel config of {@link depthwiseConv2dBackpropInputKernel} for the wasm backend (missing in tfjs 4.22).
 *
 * @example
 * ```ts
 * registerKernel(wasmDepthwiseConv2dBackpropInputConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmDepthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInputKernel,
};
