import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { heapView, read } from '../backend-io.js';
import { backendSimd } from '../simd/module.js';
import { RELU_GRAD_WASM } from '../simd/relu-grad-bytes.js';
import { ReluGrad } from '../tensorflow/relu-grad.js';

/** The `reluGrad` export: byte offsets of dy, x and the output, then the element count. */
type ReluGradExport = (dy: number, x: number, out: number, n: number) => void;

/** Both inputs, checked: float32, one shape. */
function reluGradInputs(inputs: Record<string, TensorInfo | undefined>, backendName: string): [TensorInfo, TensorInfo] {
  const { dy, x } = inputs;
  if (dy?.dtype !== 'float32' || x?.dtype !== 'float32')
    throw new TesseraError(
      'VALUE',
      `ReluGrad kernel on ${backendName}: dy and x must be float32 tensors, got ${dy?.dtype} and ${x?.dtype}`,
    );
  if (dy.shape.length !== x.shape.length || dy.shape.some((d, i) => d !== x.shape[i]))
    throw new TesseraError('VALUE', `ReluGrad kernel on ${backendName}: dy and x must have one shape, got [${dy.shape}] and [${x.shape}]`);
  return [dy, x];
}

/** `out[i] = x[i] > 0 ? dy[i] : 0`, TensorFlow's ReluGrad, one JavaScript pass. */
function reluGradLoop(dy: ArrayLike<number>, x: ArrayLike<number>, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (x[i] as number) > 0 ? (dy[i] as number) : 0;
}

/**
 * {@link ReluGrad} on the wasm backend: one SIMD WebAssembly pass on the backend's memory
 * (`simd/relu-grad.wat`; a JavaScript pass where WebAssembly SIMD is missing) in place of
 * tfjs' `dy · step(x)` (three passes: Step, Cast, Multiply). TensorFlow's values: 0 where x is
 * NaN or not positive.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it and the Relu gradient that uses it
 * grad((x) => sum(relu(x)))(x);
 * ```
 */
export const wasmReluGradKernel: KernelFunc = ({ inputs, backend }) => {
  const [dy, x] = reluGradInputs(inputs as Record<string, TensorInfo>, 'wasm');
  const b = backend as unknown as { makeOutput(shape: number[], dtype: 'float32'): TensorInfo };
  const info = b.makeOutput([...x.shape], 'float32');
  // views after the allocation, which can grow (and detach) the heap
  const [dv, xv, out] = [dy, x, info].map((t) => heapView(backend, t)) as [Float32Array, Float32Array, Float32Array];
  const simd = backendSimd<ReluGradExport>(backend, RELU_GRAD_WASM, 'reluGrad');
  if (simd) simd(dv.byteOffset, xv.byteOffset, out.byteOffset, out.length);
  else reluGradLoop(dv, xv, out);
  return info;
};

/**
 * {@link ReluGrad} on the cpu backend: one JavaScript pass in place of tfjs' three (Step, Cast,
 * Multiply). TensorFlow's values: 0 where x is NaN or not positive.
 *
 * @example
 * ```ts
 * await useBackend(cpu()); // registers it and the Relu gradient that uses it
 * ```
 */
export const cpuReluGradKernel: KernelFunc = ({ inputs, backend }) => {
  const [dy, x] = reluGradInputs(inputs as Record<string, TensorInfo>, 'cpu');
  const out = new Float32Array(x.shape.reduce((p, d) => p * d, 1));
  reluGradLoop(read(backend, dy), read(backend, x), out);
  const b = backend as unknown as { makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo };
  return b.makeTensorInfo([...x.shape], 'float32', out);
};

/**
 * Kernel config of {@link wasmReluGradKernel}.
 *
 * @example
 * ```ts
 * registerKernel(wasmReluGradConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmReluGradConfig: KernelConfig = { kernelName: ReluGrad, backendName: 'wasm', kernelFunc: wasmReluGradKernel };

/**
 * Kernel config of {@link cpuReluGradKernel}.
 *
 * @example
 * ```ts
 * registerKernel(cpuReluGradConfig); // registerCpuKernels() does this
 * ```
 */
export const cpuReluGradConfig: KernelConfig = { kernelName: ReluGrad, backendName: 'cpu', kernelFunc: cpuReluGradKernel };
