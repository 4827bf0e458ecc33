import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { getBackend, getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { TesseraError, tfjsGradientConfigs } from '@tessera/core';

/** One kernel's gradient that differs per backend: the dispatcher tfjs sees and what it picks from. */
interface Scoped {
  readonly dispatcher: GradConfig;
  /** What applies on backends without their own gradient: the one registered before, else tfjs-core's. */
  fallback: GradConfig | undefined;
  readonly byBackend: Map<string, GradConfig>;
}

const scoped = new Map<string, Scoped>();

const stock = (kernelName: string): GradConfig | undefined => tfjsGradientConfigs.find((c) => c.kernelName === kernelName);

const sameSaves = (a: GradConfig, b: GradConfig): boolean =>
  Boolean(a.saveAllInputs) === Boolean(b.saveAllInputs) &&
  (a.inputsToSave ?? []).join() === (b.inputsToSave ?? []).join() &&
  (a.outputsToSave ?? []).join() === (b.outputsToSave ?? []).join();

function dispatcherFor(kernelName: string, first: GradConfig): Scoped {
  const entry: Scoped = {
    dispatcher: {
      kernelName,
      inputsToSave: first.inputsToSave,
      outputsToSave: first.outputsToSave,
      saveAllInputs: first.saveAllInputs,
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
        const config = gradientOn(kernelName, getBackend());
        if (!config) throw new TesseraError('UNSUPPORTED', `no gradient for ${kernelName} on backend "${getBackend()}"`);
        return config.gradFunc(dy, saved, attrs);
      },
    },
    fallback: undefined,
    byBackend: new Map(),
  };
  scoped.set(kernelName, entry);
  return entry;
}

/**
 * Registers a gradient for one backend only: tfjs keeps one gradient per kernel for every backend,
 * so the kernel's gradient becomes a dispatcher that runs `config` while `backendName` is active
 * and, on every other backend, the gradient registered before (tfjs-core's own when there was
 * none). `config` must save the same inputs and outputs as that gradient. Idempotent; re-installs
 * the dispatcher if something registered another gradient over it since.
 *
 * @example
 * ```ts
 * registerBackendGradient('wasm', batchMatMulGradConfig); // registerWasmKernels() does this
 * gradientOn('BatchMatMul', 'wasm') === batchMatMulGradConfig; // true
 * gradientOn('BatchMatMul', 'cpu'); // tfjs-core's own, as before
 * ```
 */
export function registerBackendGradient(backendName: string, config: GradConfig): void {
  const { kernelName } = config;
  const existing = scoped.get(kernelName);
  const current = getGradient(kernelName);
  const installed = existing !== undefined && current?.gradFunc === existing.dispatcher.gradFunc;
  const fallback = installed ? existing.fallback : (current ?? stock(kernelName));
  if (fallback && !sameSaves(config, fallback)) {
    throw new TesseraError(
      'CONFIG',
      `registerBackendGradient: the ${kernelName} gradient for "${backendName}" must save the inputs and outputs the other backends' gradient saves (${JSON.stringify(fallback.inputsToSave ?? [])}), received ${JSON.stringify(config.inputsToSave ?? [])}`,
    );
  }
  const entry = existing ?? dispatcherFor(kernelName, fallback ?? config);
  if (!installed) {
    entry.fallback = fallback;
    registerGradient(entry.dispatcher);
  }
  entry.byBackend.set(backendName, config);
}

/**
 * Removes a gradient {@link registerBackendGradient} registered for one backend: that backend
 * gets the shared one again. Restores the shared gradient itself when no backend has its own left.
 *
 * @example
 * ```ts
 * unregisterBackendGradient('wasm', 'BatchMatMul'); // unregisterTesseraKernels() does this
 * ```
 */
export function unregisterBackendGradient(backendName: string, kernelName: string): void {
  const entry = scoped.get(kernelName);
  if (!entry) return;
  entry.byBackend.delete(backendName);
  if (entry.byBackend.size > 0) return;
  if (getGradient(kernelName)?.gradFunc === entry.dispatcher.gradFunc && entry.fallback) registerGradient(entry.fallback);
  scoped.delete(kernelName);
}

/**
 * The gradient that runs for `kernelName` on `backendName` (the active backend by default): the
 * backend's own one from {@link registerBackendGradient}, else the one tfjs has registered, with
 * a dispatcher resolved to the gradient it runs there.
 *
 * @example
 * ```ts
 * await useBackend(cpu());
 * gradientOn('BatchMatMul')?.gradFunc; // tfjs-core's, whatever wasm() registered for wasm
 * ```
 */
export function gradientOn(kernelName: string, backendName: string = getBackend()): GradConfig | undefined {
  const registered = getGradient(kernelName);
  const entry = scoped.get(kernelName);
  if (!entry || registered?.gradFunc !== entry.dispatcher.gradFunc) return registered;
  return entry.byBackend.get(backendName) ?? entry.fallback;
}
