// The communication thread of a TCP process group: it owns the sockets and runs the ring
// collectives asynchronously while the training thread waits on shared memory (see tcp-group.ts).
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { ringAllReduce, ringBroadcast } from './ring.js';
import { type RendezvousConfig, type Ring, rendezvous } from './tcp-rendezvous.js';

interface Init {
  cfg: RendezvousConfig;
  buffer: SharedArrayBuffer;
  capacity: number;
  port: MessagePort;
}

interface Request {
  op: 'allReduce' | 'broadcast' | 'barrier';
  seq: number;
  n: number;
  root: number;
}

// control words shared with tcp-group.ts: [0] last completed request, [1] failed flag
const DONE = 0;
const FAILED = 1;
/** How long a failed collective waits for a peer's abort notice before reporting its own error. */
const REASON_GRACE_MS = 1000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function main(): Promise<void> {
  const init = workerData as Init;
  const { cfg, port } = init;
  const ctl = new Int32Array(init.buffer, 0, 2);
  const data = new Float32Array(init.buffer, 8, init.capacity);
  let ring: Ring | null = null;
  let failed = false;
  const fail = (e: unknown) => {
    if (failed) return;
    failed = true;
    const msg = e instanceof Error ? e.message : String(e);
    port.postMessage({ error: msg });
    Atomics.store(ctl, FAILED, 1);
    Atomics.notify(ctl, DONE);
    // the reason goes to rank 0 (or from rank 0 to everyone), and dropping every connection tells the ring at once
    ring?.abort(`rank ${cfg.rank}: ${msg}`);
  };
  try {
    ring = await rendezvous(cfg);
  } catch (e) {
    port.postMessage({ error: `rank ${cfg.rank}: rendezvous failed: ${(e as Error).message}` });
    return;
  }
  port.postMessage({ ready: true });
  // A peer that goes away is noticed by the collective that needs it: a read from a closed connection
  // rejects at once (after the bytes that did arrive), a write fails. A peer that ends normally
  // (after the last collective) is no error.
  // a control line is an abort notice: another rank failed
  for (const c of ring.controls)
    c.line().then(
      (line) => fail(new Error(`${c.peer} reports: ${(JSON.parse(line) as { abort?: string }).abort ?? line}`)),
      () => undefined,
    );
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (req: Request | { op: 'close' } | { op: 'abort'; reason: string }) => {
    if (req.op === 'abort') {
      fail(new Error(`aborted: ${req.reason}`));
      return;
    }
    if (req.op === 'close') {
      failed = true;
      // after the queued collectives: end every connection cleanly (FIN after the data in flight)
      void queue.then(() => {
        ring?.end();
        port.close();
      });
      return;
    }
    const r = req as Request;
    queue = queue.then(async () => {
      if (failed) return;
      try {
        const view = data.subarray(0, r.n);
        const local = new Float32Array(view);
        const what = `${r.op} of ${r.n} floats`;
        const link = (ring as Ring).link;
        if (r.op === 'allReduce') await withTimeout(ringAllReduce(local, cfg.rank, cfg.worldSize, link), cfg.timeoutMs, what);
        else if (r.op === 'broadcast') await withTimeout(ringBroadcast(local, cfg.rank, cfg.worldSize, r.root, link), cfg.timeoutMs, what);
        else {
          const token = new Float32Array(cfg.worldSize);
          await withTimeout(ringAllReduce(token, cfg.rank, cfg.worldSize, link), cfg.timeoutMs, what);
        }
        view.set(local);
        Atomics.store(ctl, DONE, r.seq);
        Atomics.notify(ctl, DONE);
      } catch (e) {
        // A rank that fails sends its reason on the control line and drops its ring connections in
        // the same moment, so this rank may see the dropped connection first ("rank 2 closed the
        // connection") and the reason, which names the rank that failed first, a little later.
        // Wait briefly for that reason; `fail` keeps whichever comes first.
        setTimeout(() => fail(e), REASON_GRACE_MS);
      }
    });
  });
}

void main().catch((e) => parentPort?.postMessage({ error: String(e) }));
