import { isMainThread, workerData } from 'node:worker_threads';
import { ValueError } from '@tessera/core';
import type { ProcessGroup } from './process-group.js';
import { singleProcessGroup } from './process-group.js';
import { type SharedMemoryInit, sharedMemoryGroup } from './shared-memory-group.js';
import { tcpProcessGroup } from './tcp-group.js';

/**
 * Options of {@link initProcessGroup}.
 *
 * @example
 * ```ts
 * const options: InitProcessGroupOptions = { env: { RANK: '0', WORLD_SIZE: '1' }, timeoutMs: 30_000 };
 * ```
 */
export interface InitProcessGroupOptions {
  /** Where to read `RANK`, `WORLD_SIZE`, `MASTER_ADDR`, `MASTER_PORT` (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Rendezvous and collective timeout (ms; default `TESSERA_TIMEOUT_MS` or 60 000). */
  timeoutMs?: number;
}

function int(env: Record<string, string | undefined>, name: string, fallback?: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new ValueError(`environment ${name}`, 'set (torchrun contract: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT)', raw);
  }
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new ValueError(`environment ${name}`, 'a non-negative integer', raw);
  return v;
}

/**
 * Joins the job this process or thread was started in, the way torch's `init_process_group`
 * does: a thread started by `launchThreads` joins its shared-memory group; a process with
 * `WORLD_SIZE` > 1 joins a TCP group at `MASTER_ADDR:MASTER_PORT` as `RANK` (torchrun's contract,
 * set by `tessera-launch`, torchrun itself, or a Kubernetes Indexed Job where `RANK` falls back to
 * `JOB_COMPLETION_INDEX`); anything else is a group of one.
 *
 * @example
 * ```ts
 * const group = await initProcessGroup();
 * console.log(`rank ${group.rank} of ${group.worldSize} over ${group.transport}`);
 * ```
 */
export async function initProcessGroup(options: InitProcessGroupOptions = {}): Promise<ProcessGroup> {
  const shared = !isMainThread ? (workerData as { tessera?: SharedMemoryInit } | null)?.tessera : undefined;
  if (shared) return sharedMemoryGroup(shared);
  const env = options.env ?? process.env;
  const worldSize = int(env, 'WORLD_SIZE', 1);
  if (worldSize <= 1) return singleProcessGroup();
  const rank = env.RANK !== undefined && env.RANK !== '' ? int(env, 'RANK') : int(env, 'JOB_COMPLETION_INDEX');
  const timeoutMs = options.timeoutMs ?? int(env, 'TESSERA_TIMEOUT_MS', 60_000);
  return tcpProcessGroup({
    rank,
    worldSize,
    masterAddr: env.MASTER_ADDR || '127.0.0.1',
    masterPort: int(env, 'MASTER_PORT', 29500),
    timeoutMs,
  });
}
