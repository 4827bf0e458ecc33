import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { TesseraError, ValueError } from '@tessera/core';
import type { ProcessGroup } from './process-group.js';

/**
 * Options of {@link tcpProcessGroup} (torchrun's environment contract, as numbers).
 *
 * @example
 * ```ts
 * const options: TcpGroupOptions = { rank: 0, worldSize: 2, masterAddr: '127.0.0.1', masterPort: 29500 };
 * ```
 */
export interface TcpGroupOptions {
  rank: number;
  worldSize: number;
  /** Host of rank 0 (`MASTER_ADDR`). */
  masterAddr: string;
  /** Rendezvous port on rank 0 (`MASTER_PORT`). */
  masterPort: number;
  /** Joining and every collective give up after this long (ms, default 60 000). */
  timeoutMs?: number;
  /** Floats moved per collective call; longer arrays go in pieces (default 4 Mi floats = 16 MB). */
  capacity?: number;
  /** Address the ring listener binds (default `0.0.0.0`). */
  bindAddr?: string;
  /** Address the other ranks reach this one at (default: as rank 0 sees it). */
  advertiseAddr?: string;
}

const DONE = 0;
const FAILED = 1;

/**
 * A {@link ProcessGroup} of processes (on one machine or many) over TCP: rank 0 runs the
 * rendezvous on `masterPort`; the ranks form a ring and all-reduce with the bandwidth-optimal ring
 * algorithm (reduce-scatter, then all-gather). The sockets live in a communication thread; the
 * training thread hands it each collective through shared memory and waits (`Atomics.wait`), so
 * collectives are synchronous for the step. A rank that dies closes its connections: its peers
 * (and, through rank 0, every rank) throw a `DISTRIBUTED` error naming it, at once or at their
 * next collective; a silent peer makes the collective throw after `timeoutMs`.
 *
 * @example
 * ```ts
 * const group = await tcpProcessGroup({ rank: 1, worldSize: 4, masterAddr: '10.0.0.1', masterPort: 29500 });
 * group.allReduce(grads);
 * group.close();
 * ```
 */
export async function tcpProcessGroup(options: TcpGroupOptions): Promise<ProcessGroup> {
  const { rank, worldSize } = options;
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new ValueError('tcpProcessGroup worldSize', 'a positive integer', worldSize);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize)
    throw new ValueError('tcpProcessGroup rank', `an integer in [0, ${worldSize})`, rank);
  if (!Number.isInteger(options.masterPort) || options.masterPort < 1 || options.masterPort > 65535)
    throw new ValueError('tcpProcessGroup masterPort', 'a port number in [1, 65535]', options.masterPort);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const capacity = options.capacity ?? 1 << 22;
  const buffer = new SharedArrayBuffer(8 + capacity * 4);
  const ctl = new Int32Array(buffer, 0, 2);
  const data = new Float32Array(buffer, 8, capacity);
  const { port1, port2 } = new MessageChannel();
  const cfg = {
    rank,
    worldSize,
    masterAddr: options.masterAddr,
    masterPort: options.masterPort,
    timeoutMs,
    bindAddr: options.bindAddr,
    advertiseAddr: options.advertiseAddr,
  };
  const worker = new Worker(new URL('./tcp-worker.js', import.meta.url), {
    workerData: { cfg, buffer, capacity, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  const fail = (what: string): never => {
    throw new TesseraError('DISTRIBUTED', `tcp group, rank ${rank} of ${worldSize}: ${what}`);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      port1.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error))));
      worker.once('error', reject);
    });
  } catch (e) {
    port1.close();
    await worker.terminate();
    return fail((e as Error).message);
  }
  port1.unref();
  let seq = 0;
  let closed = false;
  let error: string | null = null;
  const readError = (): string => {
    if (error) return error;
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      const msg = m.message as { error?: string };
      if (msg.error) error = msg.error;
    }
    return error ?? 'the communication thread stopped';
  };
  const run = (op: string, values: Float32Array | null, root = 0) => {
    if (closed) fail(`${op} after close()`);
    const total = values?.length ?? 0;
    for (let off = 0; off < total || off === 0; off += capacity) {
      if (Atomics.load(ctl, FAILED)) fail(readError());
      const n = values ? Math.min(capacity, total - off) : 0;
      if (values) data.set(values.subarray(off, off + n));
      seq++;
      port1.postMessage({ op, seq, n, root });
      // the communication thread has its own timeout; this one only guards against it being gone
      const deadline = Date.now() + timeoutMs + 5_000;
      for (;;) {
        const done = Atomics.load(ctl, DONE);
        if (done >= seq) break;
        if (Atomics.load(ctl, FAILED)) fail(readError());
        const left = deadline - Date.now();
        if (left <= 0) fail(`${op}: no answer within ${timeoutMs} ms`);
        Atomics.wait(ctl, DONE, done, Math.min(left, 1000));
      }
      if (values) values.set(data.subarray(0, n), off);
      if (total === 0) break;
    }
  };
  return {
    rank,
    worldSize,
    transport: 'tcp',
    allReduce: (values) => run('allReduce', values),
    broadcast: (values, root = 0) => run('broadcast', values, root),
    barrier: () => run('barrier', null),
    abort(reason) {
      if (closed) return;
      port1.postMessage({ op: 'abort', reason });
    },
    close() {
      if (closed) return;
      closed = true;
      // the thread ends its connections cleanly and exits; it does not keep the process alive
      port1.postMessage({ op: 'close' });
      port1.close();
    },
  };
}
