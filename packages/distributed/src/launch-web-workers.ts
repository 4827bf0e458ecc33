import { TesseraError, ValueError } from '@tessera/core';
import { abortSharedMemory, createSharedMemory, type SharedMemoryInit } from './shared-memory-group.js';

/**
 * What a page posts to each replica worker: the shared-memory group to join (its rank included)
 * and the page's own payload. {@link runWebWorkerReplica} reads it.
 *
 * @example
 * ```ts
 * worker.postMessage({ tessera: { ...createSharedMemory(2), rank: 0 }, data: { epochs: 3 } } satisfies WebWorkerInit);
 * ```
 */
export interface WebWorkerInit<D = unknown> {
  /** The group to join (from `createSharedMemory`, plus this worker's rank). */
  tessera: SharedMemoryInit;
  /** The page's payload (structured-cloneable). */
  data: D;
}

/**
 * What a replica worker posts back when it ends: its result, or why it failed.
 *
 * @example
 * ```ts
 * const done: WebWorkerOutcome<number> = { tessera: 'done', result: 0.42 };
 * ```
 */
export type WebWorkerOutcome<R = unknown> = { tessera: 'done'; result: R } | { tessera: 'failed'; error: string };

/**
 * The part of a DOM `Worker` that {@link launchWebWorkers} uses (what a custom factory returns).
 *
 * @example
 * ```ts
 * const make = (rank: number): WebWorkerLike => new Worker(new URL('./replica.js', import.meta.url), { type: 'module', name: `r${rank}` });
 * await launchWebWorkers(make, { workers: 2 });
 * ```
 */
export interface WebWorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: { data?: unknown; message?: string }) => void): void;
}

/**
 * Options of {@link launchWebWorkers}.
 *
 * @example
 * ```ts
 * const options: LaunchWebWorkersOptions<{ epochs: number }> = { workers: 2, data: { epochs: 3 } };
 * ```
 */
export interface LaunchWebWorkersOptions<D = unknown> {
  /** Number of replica workers. */
  workers: number;
  /** Payload posted to every worker with its rank (structured-cloneable: arrays, typed arrays, plain objects). */
  data?: D;
  /** Floats per shared-memory slot (see `createSharedMemory`). */
  capacity?: number;
  /** A collective waits this long for the slowest worker (ms). */
  timeoutMs?: number;
}

/**
 * Makes the Web Worker of one rank: what {@link launchWebWorkers} takes instead of a script URL when
 * the worker needs options (a module worker, a name).
 *
 * @example
 * ```ts
 * const make: WorkerFactory = (rank) => new Worker(new URL('./replica.js', import.meta.url), { type: 'module', name: `rank ${rank}` });
 * ```
 */
export type WorkerFactory = (rank: number) => WebWorkerLike;

function workerFactory(script: string | URL | WorkerFactory): WorkerFactory {
  if (typeof script === 'function') return script;
  const Ctor = (globalThis as { Worker?: new (url: string | URL, options?: { type?: string; name?: string }) => WebWorkerLike }).Worker;
  if (typeof Ctor !== 'function')
    throw new ValueError('launchWebWorkers script', 'a function creating a Worker (this environment has no global Worker)', script);
  return (rank) => new Ctor(script, { type: 'module', name: `tessera-rank-${rank}` });
}

/**
 * Starts `workers` data-parallel replicas as Web Workers from a page: allocates the shared
 * memory, creates each worker (a module worker of `script`, or `script(rank)`), and posts it
 * `{ tessera: { ...shared, rank }, data }`; each worker joins with {@link runWebWorkerReplica}
 * and trains with its own tfjs engine and backend. Resolves with the workers' results by rank when
 * every one has finished, then terminates them; when one fails, the group is aborted (the others
 * throw at their next collective) and the promise rejects naming the first failure.
 *
 * `SharedArrayBuffer` exists only in a cross-origin-isolated page: serve it with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`.
 *
 * @example
 * ```ts
 * // page.ts
 * const results = await launchWebWorkers(new URL('./replica.js', import.meta.url), { workers: 2, data: { epochs: 3 } });
 * ```
 */
export function launchWebWorkers<R = unknown, D = unknown>(
  script: string | URL | WorkerFactory,
  options: LaunchWebWorkersOptions<D>,
): Promise<R[]> {
  const n = options?.workers;
  if (!Number.isInteger(n) || n < 1) throw new ValueError('launchWebWorkers workers', 'a positive integer', n);
  if (typeof SharedArrayBuffer !== 'function')
    throw new ValueError(
      'launchWebWorkers page',
      'a cross-origin-isolated page (COOP: same-origin, COEP: require-corp) where SharedArrayBuffer exists',
      'no SharedArrayBuffer',
    );
  const create = workerFactory(script);
  const shared = createSharedMemory(n, { capacity: options.capacity });
  const results: R[] = new Array(n);
  const failures: string[] = [];
  const workers: WebWorkerLike[] = [];
  const runs = Array.from({ length: n }, (_, rank) => {
    const worker = create(rank);
    workers.push(worker);
    return new Promise<void>((resolve) => {
      let settled = false;
      const settle = (failure?: string) => {
        if (settled) return;
        settled = true;
        if (failure !== undefined) {
          failures.push(`rank ${rank}: ${failure}`);
          abortSharedMemory(shared.buffer, rank, failure);
        }
        resolve();
      };
      worker.addEventListener('message', (event) => {
        const out = event.data as WebWorkerOutcome<R> | undefined;
        if (out?.tessera === 'done') {
          results[rank] = out.result;
          settle();
        } else if (out?.tessera === 'failed') settle(out.error);
      });
      worker.addEventListener('error', (event) => settle(event.message || 'the worker failed to start or threw'));
      worker.addEventListener('messageerror', () => settle('a message could not be deserialized'));
      const init: WebWorkerInit<D | undefined> = { tessera: { ...shared, rank, timeoutMs: options.timeoutMs }, data: options.data };
      worker.postMessage(init);
    });
  });
  return Promise.all(runs).then(() => {
    for (const w of workers) w.terminate();
    if (failures.length)
      throw new TesseraError('DISTRIBUTED', `launchWebWorkers: ${failures.length} of ${n} workers failed; first: ${failures[0]}`);
    return results;
  });
}
