import type { backend_util as BackendUtil, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, MaxPool, MaxPoolGrad } from '@tensorflow/tfjs-core';
import type { OutputMetadata, TfBackend } from './binding.js';
import { keepWorkspace, keptWorkspace } from './max-pool-workspace.js';
import type { NativeTemps } from './native-op.js';
import { type OpAttr, oneDnnUsable, runOneDnn, runStock, stockBackedConfigs } from './onednn.js';

/**
 * Input elements from which max pooling and its gradient run on oneDNN. Measured on 2 cores
 * (TensorFlow 2.21): at [8, 15, 15, 4] Eigen's gradient takes 0.09 ms and oneDNN's 0.4; at
 * [64, 11, 11, 64] 1.4 against 0.45 ms, at [64, 26, 26, 32] 5.5 against 1.3 ms.
 *
 * @example
 * ```ts
 * 64 * 26 * 26 * 32 >= ONEDNN_MIN_POOL_ELEMENTS; // true: this pool and its gradient run on oneDNN
 * ```
 */
export const ONEDNN_MIN_POOL_ELEMENTS = 1 << 16;

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The pooling geometry when a float32 pool over `x` should run on oneDNN, else `undefined`. */
function oneDnnPool(tb: TfBackend, x: TensorInfo, attrs: unknown): BackendUtil.Conv2DInfo | undefined {
  if (!oneDnnUsable(tb) || x.dtype !== 'float32' || x.shape.length !== 4) return undefined;
  if (x.shape.reduce((a, b) => a * b, 1) < ONEDNN_MIN_POOL_ELEMENTS) return undefined;
  const a = attrs as PoolAttrs;
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  return info.padInfo.type === 'VALID' || info.padInfo.type === 'SAME' ? info : undefined;
}

function poolAttrs(tb: TfBackend, info: BackendUtil.Conv2DInfo, workspace: boolean): OpAttr[] {
  const bind = tb.binding;
  return [
    { name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT },
    { name: 'ksize', type: bind.TF_ATTR_INT, value: [1, info.filterHeight, info.filterWidth, 1] },
    { name: 'strides', type: bind.TF_ATTR_INT, value: [1, info.strideHeight, info.strideWidth, 1] },
    { name: 'padding', type: bind.TF_ATTR_STRING, value: info.padInfo.type },
    { name: 'data_format', type: bind.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'workspace_enabled', type: bind.TF_ATTR_BOOL, value: workspace },
  ];
}

/**
 * `MaxPool` on the native `tensorflow` backend: TensorFlow's oneDNN kernel for `valid`/`same`
 * float32 pools over at least {@link ONEDNN_MIN_POOL_ELEMENTS} inputs (at [64, 26, 26, 32] 0.4
 * against Eigen's 1.3 ms), tfjs-node's kernel for the rest. While a gradient tape records, it keeps
 * oneDNN's workspace with the output (freed with the output's data) for the gradient.
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * maxPool(x, 2, 2, 'valid');
 * ```
 */
export const tensorflowMaxPoolKernel: KernelFunc = (args) => {
  const tb = args.backend as unknown as TfBackend;
  const x = args.inputs.x as TensorInfo;
  const info = oneDnnPool(tb, x, args.attrs);
  const out = info && runOneDnn(tb, 'MaxPool', poolAttrs(tb, info, false), tb.getInputTensorIds([x]) as number[], 2);
  if (!out) return runStock(MaxPool, args);
  const y = tb.createOutputTensor(out[0] as OutputMetadata);
  // the gradient reads the workspace instead of pooling again (kept only while a tape records)
  keepWorkspace(tb, y.dataId, x.dataId, poolingKey(info), (out[1] as OutputMetadata).id);
  return y;
};

/** The pooling geometry a kept workspace belongs to. */
function poolingKey(info: BackendUtil.Conv2DInfo): string {
  return [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.type].join(',');
}

/**
 * `MaxPoolGrad` on the native `tensorflow` backend, on the cases {@link tensorflowMaxPoolKernel}
 * takes: oneDNN's gradient from the workspace of the forward pass (where each window's maximum
 * was; {@link tensorflowMaxPoolKernel} keeps it with its output while a gradient tape records),
 * or, without one, from oneDNN's pool run again. 3–4× Eigen's `MaxPoolGrad` with the pool run
 * again (at [64, 26, 26, 32] 1.3 against 5.5 ms), with the same values: each window's gradient
 * goes to its first maximum, as TensorFlow's.
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * grad((x) => sum(maxPool(x, 2, 2, 'valid')))(x);
 * ```
 */
export const tensorflowMaxPoolGradKernel: KernelFunc = (args) => {
  const tb = args.backend as unknown as TfBackend;
  const { dy, input, output } = args.inputs as { dy: TensorInfo; input: TensorInfo; output?: TensorInfo };
  const info = dy.dtype === 'float32' ? oneDnnPool(tb, input, args.attrs) : undefined;
  if (!info) return runStock(MaxPoolGrad, args);
  const [x, g] = tb.getInputTensorIds([input, dy]) as [number, number];
  const kept = output && keptWorkspace(output.dataId, input.dataId, poolingKey(info));
  if (kept !== undefined) {
    const [y] = tb.getInputTensorIds([output as TensorInfo]) as [number];
    const out = runOneDnn(tb, 'MaxPoolGrad', poolAttrs(tb, info, true), [x, y, g, kept], 1);
    if (out) return tb.createOutputTensor(out[0] as OutputMetadata);
  }
  const pooled = runOneDnn(tb, 'MaxPool', poolAttrs(tb, info, true), [x], 2);
  if (!pooled) return runStock(MaxPoolGrad, args);
  const temps: NativeTemps = pooled.map((m) => m.id);
  const [y, workspace] = temps as [number, number];
  try {
    const out = runOneDnn(tb, 'MaxPoolGrad', poolAttrs(tb, info, true), [x, y, g, workspace], 1);
    return out ? tb.createOutputTensor(out[0] as OutputMetadata) : runStock(MaxPoolGrad, args);
  } finally {
    for (const id of temps) tb.binding.deleteTensor(id);
  }
};

/**
 * Kernel configs of the oneDNN max-pool kernels for `tensorflow`; keeps tfjs-node's kernels they
 * replace (the cases oneDNN leaves alone go there). Call after tfjs-node is loaded.
 *
 * @example
 * ```ts
 * for (const config of tensorflowOneDnnPoolConfigs()) registerKernel(config); // registerTensorflowKernels() does this
 * ```
 */
export function tensorflowOneDnnPoolConfigs(): KernelConfig[] {
  return stockBackedConfigs([
    [MaxPool, tensorflowMaxPoolKernel],
    [MaxPoolGrad, tensorflowMaxPoolGradKernel],
  ]);
}
