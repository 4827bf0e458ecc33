import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { LSTMSequence, LSTMSequenceGrad, lstmBackward, lstmForward, type SeqBuffer, type SeqStore } from '../lstm/sequence.js';

interface CpuBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

interface CpuBuffer extends SeqBuffer {
  shape: number[];
}

/** Buffers in JavaScript arrays, products as JavaScript loops (what the cpu backend's matMul is too). */
class CpuStore implements SeqStore<CpuBuffer> {
  constructor(
    private readonly backend: CpuBackend,
    private readonly inputs: Record<string, TensorInfo>,
  ) {}
  input(name: string): CpuBuffer {
    const info = this.inputs[name];
    if (info?.dtype !== 'float32') throw new TesseraError('VALUE', `LSTM sequence kernel: input "${name}" must be a float32 tensor`);
    const values = this.backend.readSync(info.dataId);
    return { shape: info.shape, v: values instanceof Float32Array ? values : Float32Array.from(values) };
  }
  alloc(shape: number[]): CpuBuffer {
    return { shape, v: new Float32Array(shape.reduce((p, c) => p * c, 1)) };
  }
  bind(): void {}
  matMul(a: CpuBuffer, b: CpuBuffer, out: CpuBuffer, m: number, k: number, n: number): void {
    const av = a.v;
    const bv = b.v;
    const ov = out.v;
    ov.fill(0, 0, m * n);
    for (let i = 0; i < m; i++) {
      const o = i * n;
      for (let p = 0; p < k; p++) {
        const x = av[i * k + p] as number;
        if (x === 0) continue;
        const bo = p * n;
        for (let j = 0; j < n; j++) ov[o + j] = (ov[o + j] as number) + x * (bv[bo + j] as number);
      }
    }
  }
  sigmoid(x: CpuBuffer, out: CpuBuffer): void {
    const xv = x.v;
    const ov = out.v;
    for (let i = 0; i < xv.length; i++) ov[i] = 1 / (1 + Math.exp(-(xv[i] as number)));
  }
  tanh(x: CpuBuffer, out: CpuBuffer): void {
    const xv = x.v;
    const ov = out.v;
    for (let i = 0; i < xv.length; i++) ov[i] = Math.tanh(xv[i] as number);
  }
  finish(): void {}
  output(buf: CpuBuffer): TensorInfo {
    return this.backend.makeTensorInfo(buf.shape, 'float32', buf.v);
  }
}

/**
 * The fused LSTM recurrence ({@link LSTMSequence}) on the cpu backend: the whole sequence in one
 * kernel of JavaScript loops, in place of ~15 dispatched ops a step.
 *
 * @example
 * ```ts
 * await useBackend(cpu()); // registers it
 * lstm(32).call(x); // runs as one TesseraLSTMSequence kernel
 * ```
 */
export const cpuLstmSequenceKernel: KernelFunc = ({ inputs, backend }) => {
  const xp = (inputs as Record<string, TensorInfo>).xp as TensorInfo;
  const [t, b, g4] = xp.shape as [number, number, number];
  const store = new CpuStore(backend as unknown as CpuBackend, inputs as Record<string, TensorInfo>);
  return lstmForward(store, t, b, g4 / 4).map((buf) => store.output(buf));
};

/**
 * The gradient kernel of the fused LSTM recurrence ({@link LSTMSequenceGrad}) on the cpu backend.
 *
 * @example
 * ```ts
 * grad((x) => sum(lstm(32).call(x)))(x); // runs TesseraLSTMSequenceGrad once
 * ```
 */
export const cpuLstmSequenceGradKernel: KernelFunc = ({ inputs, backend }) => {
  const dhs = (inputs as Record<string, TensorInfo>).dhs as TensorInfo;
  const [t, b, u] = dhs.shape as [number, number, number];
  const store = new CpuStore(backend as unknown as CpuBackend, inputs as Record<string, TensorInfo>);
  return lstmBackward(store, t, b, u).map((buf) => store.output(buf));
};

/**
 * Kernel config of {@link cpuLstmSequenceKernel}.
 *
 * @example
 * ```ts
 * registerKernel(cpuLstmSequenceConfig); // registerCpuKernels() does this
 * ```
 */
export const cpuLstmSequenceConfig: KernelConfig = { kernelName: LSTMSequence, backendName: 'cpu', kernelFunc: cpuLstmSequenceKernel };

/**
 * Kernel config of {@link cpuLstmSequenceGradKernel}.
 *
 * @example
 * ```ts
 * registerKernel(cpuLstmSequenceGradConfig); // registerCpuKernels() does this
 * ```
 */
export const cpuLstmSequenceGradConfig: KernelConfig = {
  kernelName: LSTMSequenceGrad,
  backendName: 'cpu',
  kernelFunc: cpuLstmSequenceGradKernel,
};
