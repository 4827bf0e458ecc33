import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { wasmBackendMemory } from '../simd/module.js';
import { adamOnArrays, adamOnMemory } from './adam-wasm.js';
import { type AdamUpdateAttrs, adamConstants } from './loop.js';

/**
 * Kernel name of one Adam moment update and preconditioning, elementwise: inputs `g` (the
 * gradient), `m`, `v` (the first and second moments, same shape); attrs `b1`, `b2`, `eps`,
 * `count` (the step number, from 1); outputs `update`, `m`, `v`:
 * `m' = b1·m + (1 − b1)·g`, `v' = b2·v + (1 − b2)·g²`,
 * `update = (m' / (1 − b1^count)) / (sqrt(v' / (1 − b2^count)) + eps)`, as optax's `scale_by_adam`.
 *
 * @example
 * ```ts
 * const [update, m1, v1] = engine().runKernel(AdamUpdate, { g, m, v }, { b1: 0.9, b2: 0.999, eps: 1e-7, count: 1 }) as Tensor[];
 * ```
 */
export const AdamUpdate = 'TesseraAdamUpdate';

/**
 * The three float32 inputs of an {@link AdamUpdate} kernel, checked: same shape, float32.
 *
 * @example
 * ```ts
 * const [g, m, v] = adamInputs(inputs as Record<string, TensorInfo>); // inside a kernel function
 * ```
 */
export function adamInputs(inputs: Record<string, TensorInfo>): [TensorInfo, TensorInfo, TensorInfo] {
  const named = (['g', 'm', 'v'] as const).map((name) => {
    const info = inputs[name];
    if (info?.dtype !== 'float32')
      throw new TesseraError('VALUE', `Adam update kernel: input "${name}" must be a float32 tensor, got ${info ? info.dtype : 'nothing'}`);
    return info;
  }) as [TensorInfo, TensorInfo, TensorInfo];
  const shape = named[0].shape;
  for (const info of named)
    if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i]))
      throw new TesseraError('VALUE', `Adam update kernel: g, m and v must have one shape, got [${shape}] and [${info.shape}]`);
  return named;
}

/** The parts of the cpu and wasm backends the kernel uses. */
interface JsBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  makeOutput?(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap?(info: TensorInfo): Float32Array;
}

/**
 * {@link AdamUpdate} on the cpu backend: one pass of the SIMD WebAssembly update (a JavaScript
 * loop where WebAssembly SIMD is missing) in place of ~12 dispatched ops.
 *
 * @example
 * ```ts
 * await useBackend(cpu()); // registers it
 * ```
 */
export const cpuAdamUpdateKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const [g, m, v] = adamInputs(inputs as Record<string, TensorInfo>);
  const b = backend as unknown as JsBackend & Required<Pick<JsBackend, 'makeTensorInfo'>>;
  const n = g.shape.reduce((p, d) => p * d, 1);
  const outs = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
  adamOnArrays(b.readSync(g.dataId), b.readSync(m.dataId), b.readSync(v.dataId), ...outs, attrs as unknown as AdamUpdateAttrs);
  return outs.map((values) => b.makeTensorInfo(g.shape, 'float32', values));
};

/**
 * {@link AdamUpdate} on the wasm backend: one pass of the SIMD WebAssembly update over the
 * backend's own memory (shared in the threaded build), in place of ~12 dispatched ops; a
 * JavaScript loop where WebAssembly SIMD is missing.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it
 * ```
 */
export const wasmAdamUpdateKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const [g, m, v] = adamInputs(inputs as Record<string, TensorInfo>);
  const b = backend as unknown as JsBackend & Required<Pick<JsBackend, 'makeOutput' | 'typedArrayFromHeap'>>;
  const adamAttrs = attrs as unknown as AdamUpdateAttrs;
  // every output first: an allocation can move the heap, so views are taken after
  const infos = [b.makeOutput(g.shape, 'float32'), b.makeOutput(g.shape, 'float32'), b.makeOutput(g.shape, 'float32')] as const;
  const views = [g, m, v, ...infos].map((info) => b.typedArrayFromHeap(info)) as Float32Array[];
  const [gv, mv, vv, update, m1, v1] = views as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const memory = wasmBackendMemory(b);
  const inPlace = memory && memory.buffer === gv.buffer ? adamOnMemory(memory) : undefined;
  if (inPlace)
    inPlace(
      ...(views.map((view) => view.byteOffset) as [number, number, number, number, number, number]),
      gv.length,
      ...adamConstants(adamAttrs),
    );
  else adamOnArrays(gv, mv, vv, update, m1, v1, adamAttrs);
  return [...infos];
};

/**
 * Kernel config of {@link cpuAdamUpdateKernel}.
 *
 * @example
 * ```ts
 * registerKernel(cpuAdamUpdateConfig); // registerCpuKernels() does this
 * ```
 */
export const cpuAdamUpdateConfig: KernelConfig = { kernelName: AdamUpdate, backendName: 'cpu', kernelFunc: cpuAdamUpdateKernel };

/**
 * Kernel config of {@link wasmAdamUpdateKernel}.
 *
 * @example
 * ```ts
 * registerKernel(wasmAdamUpdateConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmAdamUpdateConfig: KernelConfig = { kernelName: AdamUpdate, backendName: 'wasm', kernelFunc: wasmAdamUpdateKernel };
