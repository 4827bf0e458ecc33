import type { TensorContainer } from '@tensorflow/tfjs-core';
import { engine, memory, tidy } from '@tensorflow/tfjs-core';
import { TesseraError, treeTensors } from '@tessera/core';

/**
 * Runs `fn` in a memory scope: every tensor it creates is freed when it returns, except the
 * tensors it returns. Synchronous only (see {@link asyncScope}).
 *
 * @example
 * ```ts
 * const loss = scope(() => mean(square(sub(y, p))));
 * ```
 */
export function scope<T extends TensorContainer>(fn: () => T, name?: string): T {
  return name ? tidy(name, fn) : tidy(fn);
}

/**
 * Async memory scope: tensors created while `fn` runs (and not returned) are freed when it
 * settles. Scopes must not interleave: await one before starting another in parallel.
 *
 * @example
 * ```ts
 * const logs = await asyncScope(async () => { const l = step(); return await l.data(); });
 * ```
 */
export async function asyncScope<T>(fn: () => Promise<T>): Promise<T> {
  const e = engine();
  e.startScope();
  let result: T | undefined;
  try {
    result = await fn();
    return result;
  } finally {
    e.endScope(treeTensors(result) as unknown as TensorContainer);
  }
}

/**
 * Number of live tensors (the quantity memory tests assert stays constant).
 *
 * @example
 * ```ts
 * const before = tensorCount(); step(); expect(tensorCount()).toBe(before);
 * ```
 */
export function tensorCount(): number {
  return memory().numTensors;
}

/**
 * Runs `fn` and throws if it leaves more live tensors than it started with (beyond `allowed`).
 *
 * @example
 * ```ts
 * await expectNoLeak(async () => { await trainStep(); });
 * ```
 */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, allowed = 0, what = 'operation'): Promise<T> {
  const before = tensorCount();
  const result = await fn();
  const after = tensorCount();
  if (after - before > allowed) {
    throw new TesseraError('VALUE', `${what} leaked tensors: expected at most ${before + allowed} live tensors, received ${after}`);
  }
  return result;
}
