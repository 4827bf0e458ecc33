import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { LSTMSequence, LSTMSequenceGrad, lstmBackward, lstmForward, type SeqBuffer, type SeqStore } from '../lstm/sequence.js';

type WasmMatMul = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: number,
  transposeB: number,
  outId: number,
) => void;

type WasmUnary = (...ids: number[]) => void;

/** The wasm functions a sequence kernel calls (bound once per backend). */
interface WasmFunctions {
  matMul: WasmMatMul;
  sigmoid: WasmUnary;
  tanh: WasmUnary;
}

/** The parts of tfjs-backend-wasm a sequence kernel uses. */
interface WasmBackend {
  wasm: { cwrap(name: string, ret: null, args: string[]): unknown };
  dataIdMap: { get(dataId: object): { id: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

interface WasmBuffer extends SeqBuffer {
  info: TensorInfo;
  id: number;
}

const bound = new WeakMap<object, WasmFunctions>();

function functionsOf(backend: WasmBackend): WasmFunctions {
  let fns = bound.get(backend);
  if (!fns) {
    const n = 'number';
    fns = {
      matMul: backend.wasm.cwrap('BatchMatMul', null, [n, 'array', n, n, 'array', n, n, n, n]) as WasmMatMul,
      sigmoid: backend.wasm.cwrap('Sigmoid', null, [n, n]) as WasmUnary,
      tanh: backend.wasm.cwrap('Tanh', null, [n, n, n]) as WasmUnary,
    };
    bound.set(backend, fns);
  }
  return fns;
}

/** tfjs-backend-wasm's dtype code of float32. */
const FLOAT32 = 0;

const shapes = new Map<string, Uint8Array>();

/** The bytes of the int32 shape `[1, m, n]` the wasm product takes (made once per shape). */
function shapeBytes(m: number, n: number): Uint8Array {
  const key = `${m},${n}`;
  let bytes = shapes.get(key);
  if (!bytes) {
    bytes = new Uint8Array(new Int32Array([1, m, n]).buffer);
    if (shapes.size < 256) shapes.set(key, bytes);
  }
  return bytes;
}

/** Buffers on the wasm heap (tensors of the backend), products through XNNPACK's plain 2-D path. */
class WasmStore implements SeqStore<WasmBuffer> {
  private readonly buffers: WasmBuffer[] = [];
  private readonly scratch: WasmBuffer[] = [];
  private readonly fns: WasmFunctions;
  constructor(
    private readonly backend: WasmBackend,
    private readonly inputs: Record<string, TensorInfo>,
  ) {
    this.fns = functionsOf(backend);
  }
  private wrap(info: TensorInfo): WasmBuffer {
    const data = this.backend.dataIdMap.get(info.dataId);
    if (!data) throw new TesseraError('BACKEND', 'LSTM sequence kernel: the wasm backend has no storage for a tensor');
    const buf: WasmBuffer = { info, id: data.id, v: new Float32Array(0) };
    this.buffers.push(buf);
    return buf;
  }
  input(name: string): WasmBuffer {
    const info = this.inputs[name];
    if (info?.dtype !== 'float32') throw new TesseraError('VALUE', `LSTM sequence kernel: input "${name}" must be a float32 tensor`);
    return this.wrap(info);
  }
  alloc(shape: number[], output = false): WasmBuffer {
    const buf = this.wrap(this.backend.makeOutput(shape, 'float32'));
    if (!output) this.scratch.push(buf);
    return buf;
  }
  bind(): void {
    for (const buf of this.buffers) buf.v = this.backend.typedArrayFromHeap(buf.info);
  }
  matMul(a: WasmBuffer, b: WasmBuffer, out: WasmBuffer, m: number, k: number, n: number): void {
    this.fns.matMul(a.id, shapeBytes(m, k), 3, b.id, shapeBytes(k, n), 3, 0, 0, out.id);
  }
  sigmoid(x: WasmBuffer, out: WasmBuffer): void {
    this.fns.sigmoid(x.id, out.id);
  }
  tanh(x: WasmBuffer, out: WasmBuffer): void {
    this.fns.tanh(x.id, FLOAT32, out.id);
  }
  finish(): void {
    for (const buf of this.scratch) this.backend.disposeData(buf.info.dataId);
  }
}

/**
 * The fused LSTM recurrence ({@link LSTMSequence}) on wasm: the whole sequence in one kernel, the
 * per-step recurrent product and the gate activations on XNNPACK straight from the heap, the
 * elementwise rest in JavaScript on heap views. In place of ~15 dispatched ops a step forward and ~40 backward.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it
 * lstm(32).call(x); // runs as one TesseraLSTMSequence kernel
 * ```
 */
export const wasmLstmSequenceKernel: KernelFunc = ({ inputs, backend }) => {
  const xp = (inputs as Record<string, TensorInfo>).xp as TensorInfo;
  const [t, b, g4] = xp.shape as [number, number, number];
  const store = new WasmStore(backend as unknown as WasmBackend, inputs as Record<string, TensorInfo>);
  return lstmForward(store, t, b, g4 / 4).map((buf) => buf.info);
};

/**
 * The gradient kernel of the fused LSTM recurrence ({@link LSTMSequenceGrad}) on wasm:
 * backpropagation through time with one recurrent product a step and one product for the whole
 * recurrent-kernel gradient.
 *
 * @example
 * ```ts
 * grad((x) => sum(lstm(32).call(x)))(x); // runs TesseraLSTMSequenceGrad once
 * ```
 */
export const wasmLstmSequenceGradKernel: KernelFunc = ({ inputs, backend }) => {
  const dhs = (inputs as Record<string, TensorInfo>).dhs as TensorInfo;
  const [t, b, u] = dhs.shape as [number, number, number];
  const store = new WasmStore(backend as unknown as WasmBackend, inputs as Record<string, TensorInfo>);
  return lstmBackward(store, t, b, u).map((buf) => buf.info);
};

/**
 * Kernel config of {@link wasmLstmSequenceKernel}.
 *
 * @example
 * ```ts
 * registerKernel(wasmLstmSequenceConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmLstmSequenceConfig: KernelConfig = { kernelName: LSTMSequence, backendName: 'wasm', kernelFunc: wasmLstmSequenceKernel };

/**
 * Kernel config of {@link wasmLstmSequenceGradKernel}.
 *
 * @example
 * ```ts
 * registerKernel(wasmLstmSequenceGradConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmLstmSequenceGradConfig: KernelConfig = {
  kernelName: LSTMSequenceGrad,
  backendName: 'wasm',
  kernelFunc: wasmLstmSequenceGradKernel,
};
