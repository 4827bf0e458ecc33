import type { TensorInfo } from '@tensorflow/tfjs-core';

// The parts of tfjs-node's native binding and kernel backend that Tessera's kernels for the
// native `tensorflow` backend use: running a TensorFlow eager op on native handles, making and
// freeing handles, and turning an output handle into a tfjs tensor.

/**
 * What a TensorFlow eager op returns for each output: a handle id, its shape and TF dtype.
 *
 * @example
 * ```ts
 * const out: OutputMetadata = binding.executeOp('Relu', typeAttr, [xId], 1)[0];
 * ```
 */
export interface OutputMetadata {
  id: number;
  shape: number[];
  dtype: number;
}

/**
 * The parts of tfjs-node's native binding these kernels use.
 *
 * @example
 * ```ts
 * const bind: TfBinding = (backend as unknown as TfBackend).binding;
 * const id = bind.createTensor([], bind.TF_FLOAT, new Float32Array([0.5]));
 * bind.deleteTensor(id);
 * ```
 */
export interface TfBinding {
  TF_FLOAT: number;
  TF_INT32: number;
  TF_INT64: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_INT: number;
  TF_ATTR_STRING: number;
  createTensor(shape: number[], dtype: number, values: Int32Array | Float32Array): number;
  deleteTensor(id: number): void;
  executeOp(
    name: string,
    attrs: { name: string; type: number; value: unknown }[],
    inputIds: number[],
    numOutputs: number,
  ): OutputMetadata[];
}

/**
 * The parts of tfjs-node's `NodeJSKernelBackend` these kernels use (two of them are private there).
 *
 * @example
 * ```ts
 * const tb = backend as unknown as TfBackend; // inside a kernel function for 'tensorflow'
 * const [xId] = tb.getInputTensorIds([x]);
 * ```
 */
export interface TfBackend {
  binding: TfBinding;
  /** Whether TensorFlow runs on a GPU (tfjs-node-gpu with a CUDA device). */
  isUsingGpuDevice?: boolean;
  readSync(dataId: object): ArrayLike<number>;
  /** Frees a tensor's data (its native handle once no tensor shares it). */
  disposeData(dataId: object, force?: boolean): boolean;
  write(values: Float32Array, shape: number[], dtype: 'float32'): object;
  getInputTensorIds(tensors: TensorInfo[]): number[];
  createOutputTensor(metadata: OutputMetadata): TensorInfo;
}
