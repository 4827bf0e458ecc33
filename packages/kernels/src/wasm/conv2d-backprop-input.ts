import type { KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { Conv2DBackpropInput, conv2d, pad, reshape, reverse, slice, stack, tidy, transpose, zerosLike } from '@tensorflow/tfjs-core';
import { convInfo } from '../conv-info.js';
import { kernelInputView } from '../kernel-input-view.js';
import { wasmStock } from './stock-kernel.js';

const stock = /* @__PURE__ */ wasmStock(Conv2DBackpropInput);

/** Inserts `s - 1` zeros after every entry of axis `axis` (1 or 2 of NHWC) and trims the trailing ones. */
function dilate(x: Tensor, axis: 1 | 2, s: number): Tensor {
  if (s === 1) return x;
  const zeros = zerosLike(x);
  const spread = stack([x, ...Array.from({ length: s - 1 }, () => zeros)], axis + 1);
  const shape = [...x.shape];
  shape[axis] = (shape[axis] as number) * s;
  const full = reshape(spread, shape);
  const size = [...full.shape];
  size[axis] = ((x.shape[axis] as number) - 1) * s + 1;
  return slice(full, [0, 0, 0, 0], size);
}

/**
 * Conv2DBackpropInput (the input gradient of conv2d, and conv2dTranspose) for wasm as one forward
 * conv2d on the fast XNNPACK path: dy is dilated by the strides, padded to a full correlation, and
 * convolved with the filter rotated by 180° with its channel axes swapped. tfjs-backend-wasm's own
 * kernel runs about 10× slower than its forward conv2d of the same size, and dominates a CNN step.
 * NCHW, non-float32 and explicit paddings wider than the filter fall back to the stock kernel.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (through wasmConv2dBackpropInputConfig())
 * grad((x) => sum(conv2d(x, w, 2, 'same')))(x); // the input gradient runs as one forward conv2d
 * ```
 */
export const wasmConv2dBackpropInputKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = convInfo(attrs, { filterShape: filter.shape });
  if (!info || dy.dtype !== 'float32' || filter.dtype !== 'float32') return stock.run(args);
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const dilatedH = (outHeight - 1) * strideHeight + 1;
  const dilatedW = (outWidth - 1) * strideWidth + 1;
  const padTop = filterHeight - 1 - top;
  const padLeft = filterWidth - 1 - left;
  const padBottom = inHeight + filterHeight - 1 - dilatedH - padTop;
  const padRight = inWidth + filterWidth - 1 - dilatedW - padLeft;
  if (Math.min(padTop, padLeft, padBottom, padRight) < 0) return stock.run(args);
  const g = kernelInputView(dy, backend);
  const w = kernelInputView(filter, backend);
  const result = tidy(() => {
    const spread = dilate(dilate(g, 1, strideHeight), 2, strideWidth);
    const padded = pad(spread, [
      [0, 0],
      [padTop, padBottom],
      [padLeft, padRight],
      [0, 0],
    ]);
    const rotated = transpose(reverse(w, [0, 1]), [0, 1, 3, 2]);
    return conv2d(padded as Tensor<never>, rotated as Tensor<never>, 1, 'valid');
  });
  g.dispose();
  w.dispose();
  return result;
};

/**
 * The Conv2DBackpropInput config for wasm (remembers the stock kernel it replaces, for the cases it
 * hands back). Call it after the wasm backend is registered and before unregistering the stock kernel.
 *
 * @example
 * ```ts
 * registerKernel(wasmConv2dBackpropInputConfig()); // registerWasmKernels() does this
 * ```
 */
export function wasmConv2dBackpropInputConfig(): KernelConfig {
  return stock.config(wasmConv2dBackpropInputKernel);
}
