import { ValueError } from '@tessera/core';
import type { WebWorkerInit, WebWorkerOutcome } from './launch-web-workers.js';
import type { ProcessGroup } from './process-group.js';
import { sharedMemoryGroup } from './shared-memory-group.js';

/**
 * The part of a worker's global scope that {@link runWebWorkerReplica} uses (`self` by default).
 *
 * @example
 * ```ts
 * runWebWorkerReplica(train, self as WorkerScopeLike);
 * ```
 */
export interface WorkerScopeLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data?: unknown }) => void): void;
}

/**
 * The worker side of {@link launchWebWorkers}: waits for the page's first message, joins the
 * shared-memory group as the rank it names, runs `train(group, data)` and posts its result (any
 * structured-cloneable value) back to the page. A failure aborts the group (the other replicas
 * throw at their next collective) and is reported to the page, which rejects naming it. The group
 * is closed either way. Call it once, at the top of the worker module; `Atomics.wait` blocks, so
 * replicas run in workers, never on the page's main thread.
 *
 * @example
 * ```ts
 * // replica.ts (a module worker)
 * runWebWorkerReplica(async (group, data: { epochs: number }) => {
 *   await useBackend(cpu());
 *   const step = dataParallel(model, { loss, optimizer: adam(), group });
 *   await fit(step, { x, y, batchSize: 64, shuffle: true, seed: 1 }, { epochs: data.epochs, seed: 1 });
 *   return Object.fromEntries(Object.entries(model.parameters()).map(([k, v]) => [k, v.dataSync()]));
 * });
 * ```
 */
export function runWebWorkerReplica<D = unknown, R = unknown>(
  train: (group: ProcessGroup, data: D) => R | Promise<R>,
  scope: WorkerScopeLike = globalThis as unknown as WorkerScopeLike,
): void {
  if (typeof train !== 'function') throw new ValueError('runWebWorkerReplica train', 'a function (group, data) => result', train);
  if (!scope || typeof scope.postMessage !== 'function' || typeof scope.addEventListener !== 'function')
    throw new ValueError('runWebWorkerReplica scope', "a worker's global scope (postMessage, addEventListener)", scope);
  let started = false;
  scope.addEventListener('message', (event) => {
    const init = event.data as WebWorkerInit<D> | undefined;
    if (started || !init || typeof init !== 'object' || !init.tessera) return;
    started = true;
    let group: ProcessGroup | undefined;
    const post = (out: WebWorkerOutcome<R>) => scope.postMessage(out);
    Promise.resolve()
      .then(() => {
        group = sharedMemoryGroup(init.tessera);
        return train(group, init.data);
      })
      .then(
        (result) => post({ tessera: 'done', result }),
        (err: unknown) => {
          const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
          group?.abort(error.split('\n')[0] ?? error);
          post({ tessera: 'failed', error });
        },
      )
      .finally(() => group?.close());
  });
}
