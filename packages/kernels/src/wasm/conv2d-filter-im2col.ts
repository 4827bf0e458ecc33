import type { backend_util, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { engine, matMul, reshape, tidy } from '@tensorflow/tfjs-core';
import { heapView, wasmOutput } from '../backend-io.js';
import { kernelInputView } from '../kernel-input-view.js';

/**
 * The filter gradient of an NHWC conv2d as one plain product: the transposed patch matrix
 * `pᵀ[(kh, kw, ci), (b, oh, ow)]` is written straight from the heap, then `dW = pᵀ · dy` is
 * `[kh·kw·ci, co]`, which is the filter layout itself. The product's long axis is the inner one,
 * so XNNPACK runs it at full speed where a forward conv with dy as its filter has only a few
 * output pixels (a 1-channel first layer: 9).
 */
export function filterGradIm2col(backend: unknown, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const n = batchSize * outHeight * outWidth;
  const rows = kh * kw * ci;
  const { info: pInfo, values: p } = wasmOutput(backend, [rows, n]);
  const xv = heapView(backend, x);
  for (let fh = 0; fh < kh; fh++) {
    for (let fw = 0; fw < kw; fw++) {
      for (let c = 0; c < ci; c++) {
        let at = ((fh * kw + fw) * ci + c) * n;
        for (let b = 0; b < batchSize; b++) {
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * sh - top + fh * dh;
            if (ih < 0 || ih >= inHeight) {
              at += outWidth; // zeros (the output was zero-filled)
              continue;
            }
            const rowBase = (b * inHeight + ih) * inWidth;
            for (let ow = 0; ow < outWidth; ow++) {
              const iw = ow * sw - left + fw * dw;
              if (iw >= 0 && iw < inWidth) p[at] = xv[(rowBase + iw) * ci + c] as number;
              at++;
            }
          }
        }
      }
    }
  }
  const pt = engine().makeTensorFromTensorInfo(pInfo);
  const dyt = kernelInputView(dy, backend);
  const result = tidy(() => reshape(matMul(pt, reshape(dyt, [n, co])), [kh, kw, ci, co]) as Tensor);
  pt.dispose();
  dyt.dispose();
  return result;
}
