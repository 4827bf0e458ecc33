import { Worker } from 'node:worker_threads';
import { TesseraError, ValueError } from '@tessera/core';
import { abortSharedMemory, createSharedMemory } from './shared-memory-group.js';

/**
 * Options of {@link launchThreads}.
 *
 * @example
 * ```ts
 * const options: LaunchThreadsOptions = { workers: 2, argv: ['--epochs', '3'], capacity: 1 << 20 };
 * ```
 */
export interface LaunchThreadsOptions {
  /** Number of replica threads. */
  workers: number;
  /** `process.argv.slice(2)` of each thread. */
  argv?: string[];
  /** Extra environment variables of each thread (on top of `process.env`, `RANK`, `WORLD_SIZE`, `LOCAL_RANK`). */
  env?: Record<string, string>;
  /** Floats per shared-memory slot (see `createSharedMemory`). */
  capacity?: number;
  /** A collective waits this long for the slowest thread (ms). */
  timeoutMs?: number;
}

/**
 * Runs `script` (an ES module path or URL) in `workers` Node worker threads of this process, each
 * with its own tfjs engine and backend; `initProcessGroup()` in the script joins them through one
 * `SharedArrayBuffer`. Resolves when every thread has finished; when one fails, the group is aborted
 * (the others throw at their next collective) and the promise rejects naming the first failure.
 *
 * @example
 * ```ts
 * await launchThreads(new URL('./train.mjs', import.meta.url), { workers: 2 });
 * ```
 */
export async function launchThreads(script: string | URL, options: LaunchThreadsOptions): Promise<void> {
  const n = options.workers;
  if (!Number.isInteger(n) || n < 1) throw new ValueError('launchThreads workers', 'a positive integer', n);
  const shared = createSharedMemory(n, { capacity: options.capacity });
  const failures: string[] = [];
  const runs = Array.from({ length: n }, (_, rank) => {
    const worker = new Worker(script, {
      argv: options.argv ?? [],
      env: { ...process.env, ...options.env, RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: String(n) },
      workerData: { tessera: { ...shared, rank, timeoutMs: options.timeoutMs } },
    });
    return new Promise<void>((resolve) => {
      let failed = false;
      const failOnce = (why: string) => {
        if (failed) return;
        failed = true;
        failures.push(`rank ${rank}: ${why}`);
        abortSharedMemory(shared.buffer, rank, why);
      };
      worker.on('error', (e) => failOnce(e instanceof Error ? (e.stack ?? e.message) : String(e)));
      worker.on('exit', (code) => {
        if (code !== 0) failOnce(`exited with code ${code}`);
        resolve();
      });
    });
  });
  await Promise.all(runs);
  if (failures.length)
    throw new TesseraError('DISTRIBUTED', `launchThreads: ${failures.length} of ${n} threads failed; first: ${failures[0]}`);
}
