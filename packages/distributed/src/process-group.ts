import { TesseraError } from '@tessera/core';

/**
 * The replicas of a data-parallel job and the collective operations between them (torch's
 * process group, MPI's communicator). Every operation is collective: all ranks call it with
 * arrays of the same length, in the same order. Operations are synchronous (they block the calling
 * thread until the peers answered), so a synchronous `TrainStep` can use them; they throw a
 * `DISTRIBUTED` `TesseraError` when a peer failed, closed its connection or did not answer
 * within the group's timeout.
 *
 * @example
 * ```ts
 * const group: ProcessGroup = await initProcessGroup();   // from @tessera/distributed/node
 * const grads = new Float32Array([group.rank, 1]);
 * group.allReduce(grads);                                  // [0 + 1 + ..., worldSize]
 * ```
 */
export interface ProcessGroup {
  /** This replica's index, 0 ... worldSize - 1 (rank 0 writes checkpoints and logs). */
  readonly rank: number;
  /** Number of replicas. */
  readonly worldSize: number;
  /** How the replicas talk: `'local'`, `'shared-memory'` or `'tcp'`. */
  readonly transport: string;
  /** Sums `data` element-wise over all ranks, in place; every rank receives the same bits. */
  allReduce(data: Float32Array): void;
  /** Copies `root`'s `data` into every rank's `data`, in place. */
  broadcast(data: Float32Array, root?: number): void;
  /** Returns when every rank has called it. */
  barrier(): void;
  /** Marks the group failed (peers blocked in a collective throw, naming this rank and `reason`). */
  abort(reason: string): void;
  /** Releases the group's threads, sockets and memory. */
  close(): void;
}

/**
 * A group of one: every collective is the identity. What a data-parallel step runs with when
 * no launcher started replicas, and the reference the N-replica runs are compared with.
 *
 * @example
 * ```ts
 * const step = dataParallel(model, { loss, optimizer, group: singleProcessGroup() });
 * ```
 */
export function singleProcessGroup(): ProcessGroup {
  let closed = false;
  const check = (op: string) => {
    if (closed) throw new TesseraError('DISTRIBUTED', `single-process group: ${op} after close()`);
  };
  return {
    rank: 0,
    worldSize: 1,
    transport: 'local',
    allReduce: () => check('allReduce'),
    broadcast: () => check('broadcast'),
    barrier: () => check('barrier'),
    abort: () => {},
    close: () => {
      closed = true;
    },
  };
}
