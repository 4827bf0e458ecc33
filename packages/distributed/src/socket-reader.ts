import type { Socket } from 'node:net';

/**
 * Exact-length reads from a socket: `read(n)` resolves with the next `n` bytes, `line()` with
 * the next newline-terminated string. A closed or failed socket rejects what is pending and
 * every later read with an error naming `peer`.
 *
 * @example
 * ```ts
 * const reader = new SocketReader(socket, 'rank 1 (10.0.0.2:41000)');
 * const hello = await reader.line();
 * const bytes = await reader.read(4096);
 * ```
 */
export class SocketReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiting: { n: number; line: boolean; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(
    readonly socket: Socket,
    readonly peer: string,
  ) {
    socket.on('data', (b: Buffer) => {
      this.chunks.push(b);
      this.buffered += b.length;
      this.pump();
    });
    const closed = (why: string) => {
      if (!this.failure) this.failure = new Error(`${peer} ${why}`);
      const w = this.waiting;
      this.waiting = null;
      w?.reject(this.failure);
    };
    socket.on('error', (e) => closed(`connection failed (${e.message})`));
    socket.on('close', () => closed('closed the connection'));
  }

  /** The error that ended the connection, or null while it is open. */
  get error(): Error | null {
    return this.failure;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  private pump(): void {
    const w = this.waiting;
    if (!w) return;
    if (w.line) {
      const all = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [all];
      const at = all.indexOf(10);
      if (at < 0) return;
      this.waiting = null;
      w.resolve(this.take(at + 1));
    } else if (this.buffered >= w.n) {
      this.waiting = null;
      w.resolve(this.take(w.n));
    }
  }

  private wait(n: number, line: boolean): Promise<Buffer> {
    if (this.waiting) return Promise.reject(new Error(`${this.peer}: concurrent reads`));
    return new Promise((resolve, reject) => {
      this.waiting = { n, line, resolve, reject };
      this.pump();
      if (this.waiting && this.failure) {
        this.waiting = null;
        reject(this.failure);
      }
    });
  }

  /** The next `n` bytes. */
  read(n: number): Promise<Uint8Array> {
    return this.wait(n, false);
  }

  /** The next line, without its newline. */
  async line(): Promise<string> {
    const b = await this.wait(0, true);
    return b.subarray(0, b.length - 1).toString('utf8');
  }
}

/**
 * Writes `bytes` and resolves once they are handed to the operating system; rejects when the
 * socket fails.
 *
 * @example
 * ```ts
 * await writeAll(socket, new Uint8Array([1, 2, 3]));
 * ```
 */
export function writeAll(socket: Socket, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) {
      reject(new Error('write on a closed connection'));
      return;
    }
    socket.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}
