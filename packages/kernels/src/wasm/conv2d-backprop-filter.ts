import type { backend_util, KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { Conv2DBackpropFilter, conv2d, engine, matMul, reshape, slice, tidy, transpose } from '@tensorflow/tfjs-core';
import type { HeapBackend } from '../backend-io.js';
import { convInfo, padInput, requireNhwc } from '../conv-info.js';
import { kernelInputView } from '../kernel-input-view.js';
import { FILTER_GRAD_ONE_CHANNEL_WASM } from '../simd/filter-grad-one-channel-bytes.js';
import { backendSimd } from '../simd/module.js';

/** The `filterGradOneChannel` export: byte offsets of the padded x, dy and dW, then the geometry (simd/filter-grad-one-channel.wat). */
type FilterGradExport = (...offsetsAndGeometry: number[]) => void;

/**
 * Writes the patches of one-channel NHWC `x` (already padded, `[b, hp, wp, 1]`): row
 * `p = (n · oh + r) · ow + c` (one output position) holds `x[n, r·sh + i·dh, c·sw + j·dw]` at
 * column `i · kw + j`, so `dyᵀ · cols` (`dy` as `[p, co]`) is the filter gradient, transposed.
 */
function im2col(x: Float32Array, xShape: readonly number[], info: backend_util.Conv2DInfo, cols: Float32Array): void {
  const [b, hp, wp] = xShape as [number, number, number, number];
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  let o = 0;
  for (let n = 0; n < b; n++)
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++)
        for (let i = 0; i < info.filterHeight; i++) {
          const row = (n * hp + r * sh + i * dh) * wp + c * sw;
          for (let j = 0; j < info.filterWidth; j++) cols[o++] = x[row + j * dw] as number;
        }
}

/**
 * The filter gradient of a one-channel input (an image network's first layer). With a multiple of
 * four filters, one SIMD WebAssembly loop on the wasm heap (`simd/filter-grad-one-channel.wat`):
 * dy streams once while the filter taps stay in L1; at [64, 28, 28, 1] × [3, 3, 1, 32] 3.8 ms a call
 * against ~8 ms for the patch-matrix product below. Otherwise im2col on the wasm heap and one plain
 * matrix product `dyᵀ · cols`: the swapped convolution would make the whole `dy` its filter, which
 * XNNPACK packs again on every call; here the operand it packs is the narrower patch matrix
 * (`[positions, kh·kw]`), 6.5 ms a call against 11.7–17.3 ms. With 3 or more channels the swapped
 * convolution was as fast or faster.
 */
function singleChannelFilterGrad(x: Tensor, dy: Tensor, info: backend_util.Conv2DInfo, backend: unknown): Tensor {
  const padded = padInput(x, info.padInfo);
  const heap = backend as HeapBackend;
  const simd =
    info.outChannels % 4 === 0 ? backendSimd<FilterGradExport>(backend, FILTER_GRAD_ONE_CHANNEL_WASM, 'filterGradOneChannel') : undefined;
  if (simd) {
    const outInfo = heap.makeOutput([info.filterHeight, info.filterWidth, 1, info.outChannels], 'float32');
    const out = engine().makeTensorFromTensorInfo(outInfo);
    // offsets after the allocation (it can move the heap)
    const [xAt, dyAt, outAt] = [padded, dy, outInfo].map((t) => heap.typedArrayFromHeap(t).byteOffset) as [number, number, number];
    const [, hp, wp] = padded.shape as [number, number, number, number];
    simd(
      xAt,
      dyAt,
      outAt,
      info.batchSize,
      hp,
      wp,
      info.outHeight,
      info.outWidth,
      info.outChannels,
      info.strideHeight,
      info.strideWidth,
      info.dilationHeight,
      info.dilationWidth,
      info.filterHeight,
      info.filterWidth,
    );
    return out;
  }
  const k = info.filterHeight * info.filterWidth;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const dyT = transpose(reshape(dy, [positions, info.outChannels]));
  const colsInfo = heap.makeOutput([positions, k], 'float32');
  const cols = engine().makeTensorFromTensorInfo(colsInfo);
  // views after the allocation (it can move the heap)
  im2col(heap.typedArrayFromHeap(padded) as Float32Array, padded.shape, info, heap.typedArrayFromHeap(colsInfo) as Float32Array);
  const gradT = matMul(dyT, cols); // [co, kh·kw]
  return reshape(transpose(gradT), [info.filterHeight, info.filterWidth, 1, info.outChannels]);
}

/**
 * Conv2DBackpropFilter for wasm (tfjs-backend-wasm has none) as one forward conv2d on the fast
 * XNNPACK path: dW[p, q, i, o] = Σ x[b, p + s·r, q + s·c, i] · dy[b, r, c, o] is a convolution of x
 * with channels and batch swapped (`[ci, h, w, b]`) by dy as the filter (`[oh, ow, b, co]`),
 * dilated by the strides. 1.3–6× faster than the im2col + matMul kernel `cpu()` uses. With one
 * input channel, a SIMD loop (a multiple of four filters) or im2col on the wasm heap and one
 * matMul instead (2–4× the swapped convolution there). NHWC only.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it
 * grad((w) => sum(conv2d(x, w, 2, 'same')))(w); // the filter gradient runs as one forward conv2d
 * ```
 */
export const wasmConv2dBackpropFilterKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = convInfo(attrs, { xShape: x.shape }) ?? requireNhwc(Conv2DBackpropFilter);
  const xt = kernelInputView(x, backend);
  const dyt = kernelInputView(dy, backend);
  const result = tidy(() => {
    if (info.inChannels === 1) return singleChannelFilterGrad(xt, dyt, info, backend);
    const padded = padInput(xt, info.padInfo);
    const swapped = conv2d(
      transpose(padded, [3, 1, 2, 0]) as Tensor<never>,
      transpose(dyt, [1, 2, 0, 3]) as Tensor<never>,
      1,
      'valid',
      'NHWC',
      [info.strideHeight, info.strideWidth],
    );
    // [ci, kh + extra, kw + extra, co]: rows and columns past the filter come from x's leftover edge
    const kept = slice(swapped, [0, 0, 0, 0], [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels]);
    return transpose(kept, [1, 2, 0, 3]);
  });
  xt.dispose();
  dyt.dispose();
  return result;
};

/**
 * Kernel config of {@link wasmConv2dBackpropFilterKernel} for the wasm backend.
 *
 * @example
 * ```ts
 * registerKernel(wasmConv2dBackpropFilterConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: wasmConv2dBackpropFilterKernel,
};
