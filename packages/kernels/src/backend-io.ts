import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of a tfjs backend a JavaScript kernel needs to read inputs and write an output. */
export interface HeapBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Reads a kernel input's values (a copy for wasm, the backing array for cpu). */
export function read(backend: unknown, t: TensorInfo): ArrayLike<number> {
  return (backend as HeapBackend).readSync(t.dataId);
}

/** Allocates a zero-filled float32 output on a wasm backend and returns it with its values. */
export function wasmOutput(backend: unknown, shape: number[]): { info: TensorInfo; values: Float32Array } {
  const b = backend as HeapBackend;
  const info = b.makeOutput(shape, 'float32');
  const values = b.typedArrayFromHeap(info) as Float32Array;
  values.fill(0);
  return { info, values };
}

/**
 * A float32 view of a wasm kernel input's values on the heap (no copy). Take it after allocating
 * the outputs: an allocation can grow the wasm memory, which detaches earlier views.
 */
export function heapView(backend: unknown, t: TensorInfo): Float32Array {
  return (backend as HeapBackend).typedArrayFromHeap(t) as Float32Array;
}
