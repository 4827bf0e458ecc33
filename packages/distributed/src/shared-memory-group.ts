import { TesseraError, ValueError } from '@tessera/core';
import type { ProcessGroup } from './process-group.js';

// control words (Int32): arrival count, barrier generation, abort (0, or failing rank + 1), abort
// claim (the first aborter writes the reason, then publishes ABORT), spare
const COUNT = 0;
const GEN = 1;
const ABORT = 2;
const CLAIM = 3;
const HEADER_INTS = 8;
const REASON_BYTES = 1024;

/**
 * What a replica thread needs to join a {@link sharedMemoryGroup}: the buffer every thread maps
 * (control words, an abort reason, one slot per rank and two result slots), its rank and the size
 * of the group. Plain data: pass it to a `Worker` in `workerData` / `postMessage`.
 *
 * @example
 * ```ts
 * const init: SharedMemoryInit = { ...createSharedMemory(2), rank: 1 };
 * new Worker(script, { workerData: { tessera: init } });
 * ```
 */
export interface SharedMemoryInit {
  /** The shared buffer (from {@link createSharedMemory}). */
  buffer: SharedArrayBuffer;
  /** Number of replicas. */
  worldSize: number;
  /** Floats per slot: longer arrays are reduced in pieces of this size. */
  capacity: number;
  /** This replica's rank. */
  rank: number;
  /** A collective waits this long for the slowest peer before it throws (ms, default 120 000). */
  timeoutMs?: number;
}

/**
 * Allocates the shared memory of a {@link sharedMemoryGroup} of `worldSize` replicas:
 * `(worldSize + 2) × capacity` floats plus the control words. Give each thread
 * `{ ...createSharedMemory(n), rank }`.
 *
 * @example
 * ```ts
 * const shared = createSharedMemory(4, { capacity: 1 << 20 }); // 4 MB per slot
 * ```
 */
export function createSharedMemory(worldSize: number, options: { capacity?: number } = {}): Omit<SharedMemoryInit, 'rank'> {
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new ValueError('createSharedMemory worldSize', 'a positive integer', worldSize);
  const capacity = options.capacity ?? 1 << 20;
  if (!Number.isInteger(capacity) || capacity < 1) throw new ValueError('createSharedMemory capacity', 'a positive integer', capacity);
  const bytes = HEADER_INTS * 4 + REASON_BYTES + (worldSize + 2) * capacity * 4;
  return { buffer: new SharedArrayBuffer(bytes), worldSize, capacity };
}

/**
 * Marks a shared-memory group failed from outside it (a launcher whose replica thread died):
 * every rank blocked in a collective wakes and throws, naming `rank` and `reason`.
 *
 * @example
 * ```ts
 * worker.on('error', (e) => abortSharedMemory(shared.buffer, rank, e.message));
 * ```
 */
export function abortSharedMemory(buffer: SharedArrayBuffer, rank: number, reason: string): void {
  const ctl = new Int32Array(buffer, 0, HEADER_INTS);
  if (Atomics.compareExchange(ctl, CLAIM, 0, 1) !== 0) return;
  const bytes = new TextEncoder().encode(reason.slice(0, REASON_BYTES / 4));
  const view = new Uint8Array(buffer, HEADER_INTS * 4, REASON_BYTES);
  view.fill(0);
  view.set(bytes.subarray(0, REASON_BYTES));
  // published only once the reason is written: a rank that sees ABORT reads the whole reason
  Atomics.store(ctl, ABORT, rank + 1);
  Atomics.add(ctl, GEN, 1);
  Atomics.notify(ctl, GEN);
}

function abortMessage(buffer: SharedArrayBuffer, ctl: Int32Array): string {
  const who = Atomics.load(ctl, ABORT) - 1;
  const raw = new Uint8Array(buffer, HEADER_INTS * 4, REASON_BYTES).slice();
  const end = raw.indexOf(0);
  const reason = new TextDecoder().decode(end < 0 ? raw : raw.subarray(0, end));
  return `rank ${who} failed: ${reason || 'no reason given'}`;
}

/**
 * A {@link ProcessGroup} of threads of one process sharing one `SharedArrayBuffer` (Node
 * `worker_threads`, or Web Workers in a cross-origin-isolated page). `allReduce` copies each
 * rank's array into its slot, each rank then sums its share of the elements over all slots in
 * rank order into a result slot (reduce-scatter), and every rank copies the result back
 * (all-gather): identical bits on every rank. Two barriers per call: consecutive collectives
 * alternate between two result slots, so none waits for the peers to finish reading the last one. Ranks meet at barriers (`Atomics.wait`/`notify`); a rank that waits longer than
 * `timeoutMs`, or finds the group aborted, throws a `DISTRIBUTED` error. `Atomics.wait` blocks:
 * in a browser, run the group in Web Workers, not on the page's main thread.
 *
 * @example
 * ```ts
 * // in each worker thread
 * const group = sharedMemoryGroup(workerData.tessera);
 * group.allReduce(grads); // sum over the threads
 * ```
 */
export function sharedMemoryGroup(init: SharedMemoryInit): ProcessGroup {
  const { buffer, worldSize, capacity, rank } = init;
  if (!(buffer instanceof SharedArrayBuffer)) throw new ValueError('sharedMemoryGroup buffer', 'a SharedArrayBuffer', buffer);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize)
    throw new ValueError('sharedMemoryGroup rank', `an integer in [0, ${worldSize})`, rank);
  const timeoutMs = init.timeoutMs ?? 120_000;
  const ctl = new Int32Array(buffer, 0, HEADER_INTS);
  const floats = new Float32Array(buffer, HEADER_INTS * 4 + REASON_BYTES, (worldSize + 2) * capacity);
  const slot = (k: number) => floats.subarray(k * capacity, (k + 1) * capacity);
  const results = [slot(worldSize), slot(worldSize + 1)] as const;
  // every rank runs the same collectives in the same order, so this count agrees on all ranks
  let calls = 0;
  const nextResult = () => results[calls++ & 1] as Float32Array;
  let closed = false;

  const fail = (what: string): never => {
    throw new TesseraError('DISTRIBUTED', `shared-memory group, rank ${rank}: ${what}`);
  };
  const barrier = (op: string) => {
    if (closed) fail(`${op} after close()`);
    if (Atomics.load(ctl, ABORT) !== 0) fail(abortMessage(buffer, ctl));
    const gen = Atomics.load(ctl, GEN);
    if (Atomics.add(ctl, COUNT, 1) === worldSize - 1) {
      Atomics.store(ctl, COUNT, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      return;
    }
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(ctl, GEN) === gen) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const msg = `${op}: no answer from the other ranks within ${timeoutMs} ms`;
        abortSharedMemory(buffer, rank, msg);
        fail(msg);
      }
      Atomics.wait(ctl, GEN, gen, left);
    }
    if (Atomics.load(ctl, ABORT) !== 0) fail(abortMessage(buffer, ctl));
  };

  return {
    rank,
    worldSize,
    transport: 'shared-memory',
    allReduce(data) {
      for (let off = 0; off < data.length || off === 0; off += capacity) {
        const m = Math.min(capacity, data.length - off);
        const result = nextResult();
        slot(rank).set(data.subarray(off, off + m));
        barrier('allReduce');
        // reduce-scatter: this rank sums only its share of the elements, over the slots in rank order
        const lo = Math.floor((rank * m) / worldSize);
        const hi = Math.floor(((rank + 1) * m) / worldSize);
        for (let i = lo; i < hi; i++) {
          let s = floats[i] as number;
          for (let k = 1; k < worldSize; k++) s = Math.fround(s + (floats[k * capacity + i] as number));
          result[i] = s;
        }
        barrier('allReduce');
        // all-gather. No third barrier: the next collective writes the other result slot, and
        // the one after this one's slot only after its first barrier, which every rank reaches
        // after finishing this copy; the rank slots are read only before the second barrier.
        data.set(result.subarray(0, m), off);
        if (data.length === 0) break;
      }
    },
    broadcast(data, root = 0) {
      for (let off = 0; off < data.length || off === 0; off += capacity) {
        const m = Math.min(capacity, data.length - off);
        const result = nextResult();
        if (rank === root) result.set(data.subarray(off, off + m));
        barrier('broadcast');
        if (rank !== root) data.set(result.subarray(0, m), off);
        barrier('broadcast');
        if (data.length === 0) break;
      }
    },
    barrier: () => barrier('barrier'),
    abort: (reason) => abortSharedMemory(buffer, rank, reason),
    close() {
      closed = true;
    },
  };
}
