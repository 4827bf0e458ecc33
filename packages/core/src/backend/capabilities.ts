import { engine, getBackend, getGradient, getKernel, getKernelsForBackend } from '@tensorflow/tfjs-core';
import { TesseraError, ValueError } from '../errors.js';

/**
 * What a backend can do, as returned by {@link capabilities}.
 *
 * @example
 * ```ts
 * const report: CapabilityReport = capabilities();
 * console.log(report.backend, report.kernels.length, report.missingKernels.includes('Conv2DBackpropFilter'));
 * ```
 */
export interface CapabilityReport {
  /** Name of the tfjs backend the report is about, e.g. `wasm`. */
  backend: string;
  /** Kernels registered for the backend. */
  kernels: string[];
  /** Kernels (any backend) that have a registered gradient. */
  gradients: string[];
  /** Known tfjs kernel names with no implementation on this backend. */
  missingKernels: string[];
  /** Kernels on this backend that have no gradient (cannot be trained through). */
  kernelsWithoutGradient: string[];
}

/**
 * Every kernel name known in this process: the union of the kernels of every backend
 * registered with the engine (loaded or not yet initialized).
 *
 * @example
 * ```ts
 * knownKernelNames().includes('MatMul');
 * ```
 */
export function knownKernelNames(): string[] {
  const names = new Set<string>();
  for (const b of Object.keys(engine().registryFactory)) {
    for (const k of getKernelsForBackend(b)) names.add(k.kernelName);
  }
  return [...names].sort();
}

/**
 * Reports the kernels and gradients available on a backend (the active one by default).
 *
 * @example
 * ```ts
 * await useBackend(wasm());
 * const report = capabilities();
 * report.missingKernels.includes('Conv2DBackpropFilter');
 * ```
 */
export function capabilities(backend: string = getBackend()): CapabilityReport {
  const registered = Object.keys(engine().registryFactory);
  if (!registered.includes(backend)) {
    throw new ValueError('capabilities backend', `one of the registered backends ${JSON.stringify(registered)}`, backend);
  }
  const kernels = getKernelsForBackend(backend)
    .map((k) => k.kernelName)
    .sort();
  const have = new Set(kernels);
  const all = new Set([...knownKernelNames(), ...kernels]);
  const gradients = [...all].filter((k) => getGradient(k) != null).sort();
  const withGrad = new Set(gradients);
  return {
    backend,
    kernels,
    gradients,
    missingKernels: [...all].filter((k) => !have.has(k)).sort(),
    kernelsWithoutGradient: kernels.filter((k) => !withGrad.has(k)),
  };
}

/**
 * Checks that the active backend has the kernels (and, with `gradients: true`, their gradients)
 * a model needs, before training starts. Throws one error listing everything missing.
 *
 * @example
 * ```ts
 * assertKernels(['MatMul', 'Conv2D', 'Conv2DBackpropFilter'], { gradients: true });
 * ```
 */
export function assertKernels(needed: readonly string[], options: { gradients?: boolean; backend?: string } = {}): void {
  const registered = Object.keys(engine().registryFactory);
  if (options.backend !== undefined && !registered.includes(options.backend)) {
    throw new ValueError('assertKernels backend', `one of the registered backends ${JSON.stringify(registered)}`, options.backend);
  }
  const report = capabilities(options.backend);
  const have = new Set(report.kernels);
  const grads = new Set(report.gradients);
  const missing = needed.filter((k) => !have.has(k));
  const noGrad = options.gradients ? needed.filter((k) => have.has(k) && !grads.has(k)) : [];
  if (missing.length || noGrad.length) {
    const parts = [];
    if (missing.length) parts.push(`missing kernels: ${missing.join(', ')}`);
    if (noGrad.length) parts.push(`kernels without gradient: ${noGrad.join(', ')}`);
    const expected = `kernels ${needed.join(', ')}${options.gradients ? ' and their gradients' : ''}`;
    throw new TesseraError(
      'UNSUPPORTED',
      `backend "${report.backend}" cannot run this model (${parts.join('; ')}): assertKernels expected ${expected}`,
    );
  }
}

/**
 * Whether `kernelName` is registered for a backend (the active one by default): a cheap check a
 * layer can make on every call to pick a fused kernel where the backend has one.
 *
 * @example
 * ```ts
 * await useBackend(wasm());
 * hasKernel('TesseraLSTMSequence'); // true: registered by the wasm plugin's kernels
 * hasKernel('Conv2D', 'cpu');
 * ```
 */
export function hasKernel(kernelName: string, backend: string = getBackend()): boolean {
  return getKernel(kernelName, backend) !== undefined;
}
