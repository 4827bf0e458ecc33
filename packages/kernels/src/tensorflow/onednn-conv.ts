import type { backend_util, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import { convInfo } from '../conv-info.js';
import type { OutputMetadata, TfBackend } from './binding.js';
import { intVector, type NativeTemps } from './native-op.js';
import { type OpAttr, oneDnnUsable, runOneDnn, runStock, stockBackedConfigs } from './onednn.js';

/**
 * Multiply-adds from which a convolution runs on oneDNN. Measured on 2 cores (TensorFlow 2.21):
 * below ~1 M oneDNN's fixed cost (~0.2 ms a call) loses to Eigen; above, the filter gradient runs
 * 2.6–5.7× faster, the forward pass 1.2–3.5× (most with few input channels).
 *
 * @example
 * ```ts
 * const macs = 64 * 26 * 26 * 3 * 3 * 1 * 32; // batch · output size · filter size · channels in · out
 * macs >= ONEDNN_MIN_CONV_MACS; // true: this conv runs on oneDNN
 * ```
 */
export const ONEDNN_MIN_CONV_MACS = 1 << 20;

/**
 * Input channels from which the input gradient runs on oneDNN: 1.2× faster with 16 or more, 3×
 * slower with one (where oneDNN also gets some tiny cases wrong under TensorFlow's own rewrite).
 *
 * @example
 * ```ts
 * const inChannels = 32;
 * inChannels >= ONEDNN_MIN_INPUT_GRAD_CHANNELS; // true: its input gradient may run on oneDNN
 * ```
 */
export const ONEDNN_MIN_INPUT_GRAD_CHANNELS = 16;

type ConvOp = 'Conv2D' | 'Conv2DBackpropFilter' | 'Conv2DBackpropInput';

/** The geometry when `op` with these inputs should run on oneDNN, else `undefined`. */
export function oneDnnGeometry(op: ConvOp, args: Parameters<KernelFunc>[0], inputs: TensorInfo[], xShape?: readonly number[]) {
  if (inputs.some((t) => t.dtype !== 'float32')) return undefined;
  const filterShape = (args.inputs.filter as TensorInfo | undefined)?.shape; // the filter gradient's is an attribute
  const info = convInfo(args.attrs, { xShape, filterShape });
  if (info?.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  if (info.padInfo.type !== 'VALID' && info.padInfo.type !== 'SAME') return undefined;
  const macs = info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
  if (macs < ONEDNN_MIN_CONV_MACS) return undefined;
  if (op === 'Conv2DBackpropInput' && info.inChannels < ONEDNN_MIN_INPUT_GRAD_CHANNELS) return undefined;
  return info;
}

function convAttrs(tb: TfBackend, info: backend_util.Conv2DInfo): OpAttr[] {
  const bind = tb.binding;
  return [
    { name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT },
    { name: 'strides', type: bind.TF_ATTR_INT, value: [1, info.strideHeight, info.strideWidth, 1] },
    { name: 'padding', type: bind.TF_ATTR_STRING, value: info.padInfo.type },
    { name: 'data_format', type: bind.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'dilations', type: bind.TF_ATTR_INT, value: [1, 1, 1, 1] },
    { name: 'use_cudnn_on_gpu', type: bind.TF_ATTR_BOOL, value: true },
  ];
}

/**
 * Runs `op` on oneDNN with tensor inputs `tensors` (and, at `sizeAt`, a shape vector made here);
 * the stock kernel where the geometry or this TensorFlow says no.
 */
function convKernel(
  op: ConvOp,
  order: string[],
  sizeAt: number | undefined,
  shapeOf: (args: Parameters<KernelFunc>[0]) => readonly number[] | undefined,
  sizes: (info: backend_util.Conv2DInfo) => number[],
): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const tb = args.backend as unknown as TfBackend;
    const tensors = order.map((name) => args.inputs[name] as TensorInfo);
    const info = oneDnnUsable(tb) ? oneDnnGeometry(op, args, tensors, shapeOf(args)) : undefined;
    if (!info) return runStock(op, args);
    const ids = tb.getInputTensorIds(tensors) as number[];
    const temps: NativeTemps = [];
    try {
      if (sizeAt !== undefined) ids.splice(sizeAt, 0, intVector(tb, sizes(info), temps));
      const out = runOneDnn(tb, op, convAttrs(tb, info), ids, 1);
      return out ? tb.createOutputTensor(out[0] as OutputMetadata) : runStock(op, args);
    } finally {
      for (const id of temps) tb.binding.deleteTensor(id);
    }
  };
  return kernel;
}

/**
 * `Conv2D` on the native `tensorflow` backend: TensorFlow's oneDNN kernel for NHWC, undilated,
 * `valid`/`same` float32 convolutions of at least {@link ONEDNN_MIN_CONV_MACS} multiply-adds,
 * tfjs-node's Eigen kernel for the rest.
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * conv2d(x, w, 1, 'same'); // [64, 28, 28, 1] * [3, 3, 1, 32]: oneDNN, 1.8× Eigen's speed
 * ```
 */
export const tensorflowConv2dKernel: KernelFunc = /* @__PURE__ */ convKernel(
  'Conv2D',
  ['x', 'filter'],
  undefined,
  (args) => (args.inputs.x as TensorInfo).shape,
  () => [],
);

/**
 * `Conv2DBackpropFilter` (the filter gradient) on the native `tensorflow` backend: TensorFlow's
 * oneDNN kernel on the cases {@link tensorflowConv2dKernel} takes (2.6–5.7× Eigen's speed), the
 * stock kernel for the rest.
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * grad((w) => sum(conv2d(x, w, 1, 'valid')))(w); // the filter gradient runs on oneDNN
 * ```
 */
export const tensorflowConv2dBackpropFilterKernel: KernelFunc = /* @__PURE__ */ convKernel(
  'Conv2DBackpropFilter',
  ['x', 'dy'],
  1,
  (args) => (args.inputs.x as TensorInfo).shape,
  (info) => info.filterShape,
);

/**
 * `Conv2DBackpropInput` (the input gradient) on the native `tensorflow` backend: TensorFlow's
 * oneDNN kernel on the cases {@link tensorflowConv2dKernel} takes that have at least
 * {@link ONEDNN_MIN_INPUT_GRAD_CHANNELS} input channels, the stock kernel for the rest.
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * grad((x) => sum(conv2d(x, w, 1, 'valid')))(x); // [64, 13, 13, 32] inputs: oneDNN
 * ```
 */
export const tensorflowConv2dBackpropInputKernel: KernelFunc = /* @__PURE__ */ convKernel(
  'Conv2DBackpropInput',
  ['filter', 'dy'],
  0,
  () => undefined,
  (info) => info.inShape,
);

/**
 * Kernel configs of the oneDNN convolution kernels for `tensorflow`; keeps tfjs-node's kernels
 * they replace (the cases oneDNN leaves alone go there). Call after tfjs-node is loaded.
 *
 * @example
 * ```ts
 * for (const config of tensorflowOneDnnConvConfigs()) registerKernel(config); // registerTensorflowKernels() does this
 * ```
 */
export function tensorflowOneDnnConvConfigs(): KernelConfig[] {
  return stockBackedConfigs([
    [Conv2D, tensorflowConv2dKernel],
    [Conv2DBackpropFilter, tensorflowConv2dBackpropFilterKernel],
    [Conv2DBackpropInput, tensorflowConv2dBackpropInputKernel],
  ]);
}
