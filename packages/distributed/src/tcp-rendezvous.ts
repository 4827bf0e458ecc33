import { connect, createServer, type Server, type Socket } from 'node:net';
import type { RingLink } from './ring.js';
import { SocketReader, writeAll } from './socket-reader.js';

/**
 * Where a rank finds the others (torchrun's environment contract).
 *
 * @example
 * ```ts
 * const cfg: RendezvousConfig = { rank: 1, worldSize: 4, masterAddr: '127.0.0.1', masterPort: 29500, timeoutMs: 30_000 };
 * ```
 */
export interface RendezvousConfig {
  rank: number;
  worldSize: number;
  /** Host of rank 0's rendezvous server (`MASTER_ADDR`). */
  masterAddr: string;
  /** Its port (`MASTER_PORT`). */
  masterPort: number;
  /** How long to wait for the other ranks to join, and for any collective (ms). */
  timeoutMs: number;
  /** Address the ring listener binds (default `0.0.0.0`). */
  bindAddr?: string;
  /** Address the others reach this rank at (default: as rank 0 sees the connection). */
  advertiseAddr?: string;
}

/**
 * A rank's connections once the ring is up: to the next and from the previous rank, and the
 * control connection to rank 0 (or from every rank, on rank 0) whose loss signals a dead rank.
 *
 * @example
 * ```ts
 * const ring = await rendezvous(cfg);
 * await ringAllReduce(data, cfg.rank, cfg.worldSize, ring.link);
 * ring.close();
 * ```
 */
export interface Ring {
  link: RingLink;
  /** Every socket the rank holds (closing them all tells the peers this rank is gone). */
  sockets: Socket[];
  /** Readers of the incoming ring and control connections (their `error` says which peer died). */
  readers: SocketReader[];
  /** The control connections (to rank 0, or on rank 0 from every rank). */
  controls: SocketReader[];
  /** Tells the control peers why this rank stops (one JSON line), then drops every connection. */
  abort(reason: string): void;
  /** Ends every connection after the data in flight (a normal shutdown). */
  end(): void;
  close(): void;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function connectOnce(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, noDelay: true });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

async function connectRetry(host: string, port: number, deadline: number, what: string): Promise<Socket> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await connectOnce(host, port);
    } catch (e) {
      last = e;
      await delay(100);
    }
  }
  throw new Error(`could not reach ${what} at ${host}:${port} (${(last as Error)?.message ?? 'timed out'})`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Joins the job: rank 0 serves the rendezvous on `masterPort`; every rank opens a ring listener
 * on a free port and reports it to rank 0, which answers with every rank's address once
 * `worldSize` ranks (with distinct ranks and the same world size) have joined; each rank then
 * connects to the next rank and accepts the previous one. Control connections to rank 0 stay
 * open to detect dead ranks.
 *
 * @example
 * ```ts
 * const ring = await rendezvous({ rank, worldSize, masterAddr, masterPort, timeoutMs: 60_000 });
 * ```
 */
export async function rendezvous(cfg: RendezvousConfig): Promise<Ring> {
  const { rank, worldSize, timeoutMs } = cfg;
  const deadline = Date.now() + timeoutMs;
  const sockets: Socket[] = [];
  const readers: SocketReader[] = [];
  const controls: SocketReader[] = [];
  const ringServer = createServer({ noDelay: true });
  let master: Server | null = null;
  const closeAll = () => {
    for (const s of sockets) s.destroy();
    ringServer.close();
    master?.close();
  };
  try {
    // the ring listener: the previous rank connects here
    const incoming = new Promise<Socket>((resolve) => ringServer.once('connection', resolve));
    await listen(ringServer, 0, cfg.bindAddr ?? '0.0.0.0');
    const ringPort = (ringServer.address() as { port: number }).port;
    let table: Array<{ host: string; port: number }>;
    if (rank === 0) {
      master = createServer({ noDelay: true });
      const joined = new Map<number, { host: string; port: number; socket: Socket; reader: SocketReader }>();
      const all = new Promise<void>((resolve, reject) => {
        if (worldSize === 1) resolve();
        (master as Server).on('connection', (socket) => {
          const reader = new SocketReader(socket, 'a joining rank');
          reader
            .line()
            .then((line) => {
              const hello = JSON.parse(line) as { rank: number; worldSize: number; port: number; host?: string };
              if (hello.worldSize !== worldSize)
                throw new Error(`rank ${hello.rank} says WORLD_SIZE=${hello.worldSize}, rank 0 has ${worldSize}`);
              if (!Number.isInteger(hello.rank) || hello.rank < 1 || hello.rank >= worldSize || joined.has(hello.rank))
                throw new Error(`a rank joined as RANK=${hello.rank}: expected a distinct rank in [1, ${worldSize})`);
              const host = hello.host ?? (socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
              joined.set(hello.rank, { host, port: hello.port, socket, reader: new SocketReader(socket, `rank ${hello.rank}`) });
              if (joined.size === worldSize - 1) resolve();
            })
            .catch(reject);
        });
      });
      await listen(master, cfg.masterPort, cfg.bindAddr ?? '0.0.0.0');
      await withTimeout(
        all,
        Math.max(1, deadline - Date.now()),
        `rank 0: waiting for ${worldSize} ranks to join on port ${cfg.masterPort}`,
      );
      table = [{ host: cfg.advertiseAddr ?? cfg.masterAddr, port: ringPort }];
      for (let r = 1; r < worldSize; r++) {
        const j = joined.get(r) as { host: string; port: number };
        table.push({ host: j.host, port: j.port });
      }
      for (const j of joined.values()) {
        sockets.push(j.socket);
        // the first reader consumed the hello; the control reader watches for the connection's end
        j.socket.removeAllListeners('data');
        const ctl = new SocketReader(j.socket, `rank ${[...joined.entries()].find(([, v]) => v === j)?.[0]}`);
        readers.push(ctl);
        controls.push(ctl);
        await writeAll(j.socket, Buffer.from(`${JSON.stringify(table)}\n`));
      }
      master.close();
    } else {
      const ctl = await connectRetry(cfg.masterAddr, cfg.masterPort, deadline, 'rank 0 (MASTER_ADDR:MASTER_PORT)');
      sockets.push(ctl);
      const hello: Record<string, unknown> = { rank, worldSize, port: ringPort };
      if (cfg.advertiseAddr) hello.host = cfg.advertiseAddr;
      const reader = new SocketReader(ctl, 'rank 0');
      await writeAll(ctl, Buffer.from(`${JSON.stringify(hello)}\n`));
      table = JSON.parse(await withTimeout(reader.line(), Math.max(1, deadline - Date.now()), 'waiting for the other ranks')) as Array<{
        host: string;
        port: number;
      }>;
      readers.push(reader);
      controls.push(reader);
    }
    const next = table[(rank + 1) % worldSize] as { host: string; port: number };
    const [out, inc] = await Promise.all([
      connectRetry(next.host, next.port, deadline, `rank ${(rank + 1) % worldSize}`),
      withTimeout(incoming, Math.max(1, deadline - Date.now()), `rank ${rank}: waiting for rank ${(rank + worldSize - 1) % worldSize}`),
    ]);
    ringServer.close();
    sockets.push(out, inc);
    const prev = `rank ${(rank + worldSize - 1) % worldSize}`;
    const fromPrev = new SocketReader(inc, prev);
    const toNext = new SocketReader(out, `rank ${(rank + 1) % worldSize}`);
    readers.push(fromPrev, toNext);
    return {
      link: {
        // a failed write names the peer (the reader on the same socket knows why it closed)
        send: (bytes) =>
          writeAll(out, bytes).catch((e: Error) => {
            throw toNext.error ?? new Error(`rank ${(rank + 1) % worldSize}: ${e.message}`);
          }),
        recv: (n) => fromPrev.read(n),
      },
      sockets,
      readers,
      controls,
      abort(reason) {
        const line = Buffer.from(`${JSON.stringify({ abort: reason })}\n`);
        for (const c of controls) if (!c.socket.destroyed) c.socket.end(line);
        for (const s of sockets) if (!controls.some((c) => c.socket === s)) s.destroy();
        ringServer.close();
        setTimeout(closeAll, 1000).unref();
      },
      end() {
        for (const s of sockets) s.end();
        ringServer.close();
        setTimeout(closeAll, 5000).unref();
      },
      close: closeAll,
    };
  } catch (e) {
    closeAll();
    throw e;
  }
}
