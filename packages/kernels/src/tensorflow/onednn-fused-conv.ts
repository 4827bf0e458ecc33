import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Conv2D, getKernel } from '@tensorflow/tfjs-core';
import { FusedConv2D, type FusedConv2DAttrs, fusedConv2dArgs } from '../fused-conv2d.js';
import { markReluOutput } from '../gradients/relu-masks.js';
import type { OutputMetadata, TfBackend } from './binding.js';
import { withListAttributes } from './list-attributes.js';
import { floatOp, handOut, type NativeTemps } from './native-op.js';
import { oneDnnUsable, runOneDnn } from './onednn.js';
import { oneDnnGeometry } from './onednn-conv.js';

/** `activation(conv + bias)` on oneDNN, or `undefined` where this geometry, TensorFlow or binding says no. */
function oneDnnFused(tb: TfBackend, args: Parameters<KernelFunc>[0], inputs: TensorInfo[], activation: string): TensorInfo | undefined {
  if (!oneDnnUsable(tb)) return undefined;
  const info = oneDnnGeometry('Conv2D', args, inputs, (inputs[0] as TensorInfo).shape);
  if (!info) return undefined;
  const bind = tb.binding;
  const attrs = [
    { name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT },
    { name: 'num_args', type: bind.TF_ATTR_INT, value: 1 },
    { name: 'TArgs', type: bind.TF_ATTR_TYPE, value: [bind.TF_FLOAT] },
    { name: 'strides', type: bind.TF_ATTR_INT, value: [1, info.strideHeight, info.strideWidth, 1] },
    { name: 'padding', type: bind.TF_ATTR_STRING, value: info.padInfo.type },
    { name: 'data_format', type: bind.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'dilations', type: bind.TF_ATTR_INT, value: [1, 1, 1, 1] },
    { name: 'fused_ops', type: bind.TF_ATTR_STRING, value: activation === 'relu' ? ['BiasAdd', 'Relu'] : ['BiasAdd'] },
  ];
  const ids = tb.getInputTensorIds(inputs) as number[];
  const out = withListAttributes(tb, () => runOneDnn(tb, 'FusedConv2D', attrs, ids, 1));
  return out && tb.createOutputTensor(out[0] as OutputMetadata);
}

function fusedConv2d(args: Parameters<KernelFunc>[0]): TensorInfo {
  const tb = args.backend as unknown as TfBackend;
  const { x, filter, bias, strides, pad, activation } = fusedConv2dArgs(args);
  const fused = oneDnnFused(tb, args, [x, filter, bias], activation);
  if (fused) return fused;
  const convAttrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1] };
  const conv = getKernel(Conv2D, 'tensorflow')?.kernelFunc({ ...args, inputs: { x, filter }, attrs: convAttrs }) as TensorInfo;
  const temps: NativeTemps = [];
  try {
    const [convId, biasId] = tb.getInputTensorIds([conv, bias]) as [number, number];
    const format = [{ name: 'data_format', type: tb.binding.TF_ATTR_STRING, value: 'NHWC' }];
    let id = floatOp(tb, 'BiasAdd', [convId, biasId], temps, format);
    if (activation === 'relu') id = floatOp(tb, 'Relu', [id], temps);
    return handOut(tb, id, conv.shape, temps);
  } finally {
    tb.disposeData(conv.dataId);
    for (const id of temps) tb.binding.deleteTensor(id);
  }
}

/**
 * {@link FusedConv2D} on the native `tensorflow` backend: TensorFlow's oneDNN convolution with the
 * bias and ReLU as post-ops (`_MklNativeFusedConv2D`, as Keras' convolutions run once TensorFlow
 * rewrites them), on the cases the oneDNN `Conv2D` takes (see `ONEDNN_MIN_CONV_MACS`), where the
 * binding takes list attributes (`npm run setup:native` builds it so). Elsewhere the `Conv2D`
 * kernel, then TensorFlow's `BiasAdd` and `Relu` on native handles. At [64, 28, 28, 1] ×
 * [3, 3, 1, 32] 2.8 against 4.1 ms for the three ops (2 cores).
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it; Conv2D layers with a bias and 'relu' or no activation use it
 * engine().runKernel(FusedConv2D, { x, filter, bias }, { strides: [1, 1], pad: 'same', activation: 'relu' });
 * ```
 */
export const tensorflowFusedConv2dKernel: KernelFunc = (args) => {
  const out = fusedConv2d(args);
  if ((args.attrs as unknown as FusedConv2DAttrs).activation === 'relu') markReluOutput(out.dataId);
  return out;
};

/**
 * Kernel config of {@link tensorflowFusedConv2dKernel}.
 *
 * @example
 * ```ts
 * registerKernel(tensorflowFusedConv2dConfig); // registerTensorflowKernels() does this
 * ```
 */
export const tensorflowFusedConv2dConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'tensorflow',
  kernelFunc: tensorflowFusedConv2dKernel,
};
