import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { TesseraError, ValueError } from '@tessera/core';

/**
 * Options of {@link launchProcesses}.
 *
 * @example
 * ```ts
 * const options: LaunchProcessesOptions = { nproc: 4, masterPort: 29500, graceMs: 5000 };
 * ```
 */
export interface LaunchProcessesOptions {
  /** Number of processes (`WORLD_SIZE`). */
  nproc: number;
  /** Arguments after the script. */
  args?: string[];
  /** `MASTER_PORT` (default: a free port). */
  masterPort?: number;
  /** `MASTER_ADDR` (default `127.0.0.1`). */
  masterAddr?: string;
  /** Extra environment of every process. */
  env?: Record<string, string>;
  /** After the first failure, the others get this long to fail on their own before they are killed (ms, default 10 000). */
  graceMs?: number;
  /** Prefix each output line with `[rank k]` (default true). */
  prefix?: boolean;
  /** Receives every output line instead of this process's stdout/stderr. */
  onLine?: (rank: number, line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * Exit status of one launched process.
 *
 * @example
 * ```ts
 * const exits: ProcessExit[] = await launchProcesses('train.mjs', { nproc: 2 });
 * ```
 */
export interface ProcessExit {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A free TCP port on 127.0.0.1 (for `MASTER_PORT`).
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function pipeLines(from: NodeJS.ReadableStream, to: (line: string) => void): void {
  let rest = '';
  from.on('data', (b: Buffer) => {
    const lines = (rest + b.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) to(l);
  });
  from.on('end', () => {
    if (rest) to(rest);
  });
}

/**
 * Starts `nproc` Node processes of `script` on this machine with torchrun's environment
 * (`RANK`, `LOCAL_RANK`, `WORLD_SIZE`, `LOCAL_WORLD_SIZE`, `MASTER_ADDR`, `MASTER_PORT`) and
 * resolves with their exits once all have ended. When one fails, the rest get `graceMs` to fail
 * on their own (their group reports the dead rank) and are then killed; the promise rejects naming
 * the first failure. The `tessera-launch` command runs this.
 *
 * @example
 * ```ts
 * await launchProcesses('train.mjs', { nproc: 2, args: ['--epochs', '3'] });
 * ```
 */
export async function launchProcesses(script: string, options: LaunchProcessesOptions): Promise<ProcessExit[]> {
  const n = options.nproc;
  if (!Number.isInteger(n) || n < 1) throw new ValueError('launchProcesses nproc', 'a positive integer', n);
  const masterPort = options.masterPort ?? (await freePort());
  const children: ChildProcess[] = [];
  let firstFailure: ProcessExit | null = null;
  let killTimer: ReturnType<typeof setTimeout> | null = null;
  const exits = await Promise.all(
    Array.from({ length: n }, (_, rank) => {
      const child = spawn(process.execPath, [script, ...(options.args ?? [])], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...options.env,
          RANK: String(rank),
          LOCAL_RANK: String(rank),
          WORLD_SIZE: String(n),
          LOCAL_WORLD_SIZE: String(n),
          MASTER_ADDR: options.masterAddr ?? '127.0.0.1',
          MASTER_PORT: String(masterPort),
        },
      });
      children.push(child);
      const prefix = options.prefix === false ? '' : `[rank ${rank}] `;
      const sink = (stream: 'stdout' | 'stderr') => (line: string) =>
        options.onLine ? options.onLine(rank, line, stream) : process[stream].write(`${prefix}${line}\n`);
      pipeLines(child.stdout as NodeJS.ReadableStream, sink('stdout'));
      pipeLines(child.stderr as NodeJS.ReadableStream, sink('stderr'));
      return new Promise<ProcessExit>((resolve) => {
        child.on('exit', (code, signal) => {
          const exit = { rank, code, signal };
          if ((code !== 0 || signal) && !firstFailure) {
            firstFailure = exit;
            killTimer = setTimeout(() => {
              for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
            }, options.graceMs ?? 10_000);
          }
          resolve(exit);
        });
      });
    }),
  );
  if (killTimer) clearTimeout(killTimer);
  const failed = firstFailure as ProcessExit | null;
  if (failed)
    throw new TesseraError('DISTRIBUTED', `tessera-launch: rank ${failed.rank} failed (${failed.signal ?? `exit code ${failed.code}`})`);
  return exits;
}
