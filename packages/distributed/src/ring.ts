/**
 * The two directions of a rank's place in a ring: bytes to the next rank, bytes from the
 * previous one. `recv(n)` resolves with exactly `n` bytes.
 *
 * @example
 * ```ts
 * const link: RingLink = { send: (b) => write(nextSocket, b), recv: (n) => reader.read(n) };
 * ```
 */
export interface RingLink {
  send(bytes: Uint8Array): Promise<void>;
  recv(bytes: number): Promise<Uint8Array>;
}

function bounds(length: number, worldSize: number, i: number): [number, number] {
  return [Math.floor((i * length) / worldSize), Math.floor(((i + 1) * length) / worldSize)];
}

function bytesOf(data: Float32Array, [lo, hi]: [number, number]): Uint8Array {
  return new Uint8Array(data.buffer.slice(data.byteOffset + lo * 4, data.byteOffset + hi * 4));
}

function floatsOf(bytes: Uint8Array): Float32Array {
  const copy = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
}

/**
 * Ring all-reduce (sum, in place): `data` is cut into `worldSize` chunks; in `worldSize - 1`
 * reduce-scatter steps each rank sends one chunk to the next rank and adds the chunk it receives
 * from the previous one, so that each rank ends with one chunk summed over all ranks; in
 * `worldSize - 1` all-gather steps the summed chunks travel round the ring. Each rank sends and
 * receives `2 (N - 1) / N × bytes` in all, whatever N. Every chunk is summed once, in one order,
 * then copied: all ranks end with the same bits.
 *
 * @example
 * ```ts
 * await ringAllReduce(grads, rank, worldSize, link);
 * ```
 */
export async function ringAllReduce(data: Float32Array, rank: number, worldSize: number, link: RingLink): Promise<void> {
  if (worldSize === 1) return;
  const chunk = (i: number) => bounds(data.length, worldSize, ((i % worldSize) + worldSize) % worldSize);
  for (let s = 0; s < worldSize - 1; s++) {
    const out = chunk(rank - s);
    const into = chunk(rank - s - 1);
    const [, got] = await Promise.all([link.send(bytesOf(data, out)), link.recv((into[1] - into[0]) * 4)]);
    const add = floatsOf(got);
    for (let i = into[0]; i < into[1]; i++) data[i] = (data[i] as number) + (add[i - into[0]] as number);
  }
  for (let s = 0; s < worldSize - 1; s++) {
    const out = chunk(rank + 1 - s);
    const into = chunk(rank - s);
    const [, got] = await Promise.all([link.send(bytesOf(data, out)), link.recv((into[1] - into[0]) * 4)]);
    data.set(floatsOf(got), into[0]);
  }
}

/**
 * Ring broadcast: `root`'s `data` travels round the ring in `worldSize - 1` hops (pipelined in
 * pieces of `piece` floats); every other rank's `data` is overwritten.
 *
 * @example
 * ```ts
 * await ringBroadcast(weights, rank, worldSize, 0, link);
 * ```
 */
export async function ringBroadcast(
  data: Float32Array,
  rank: number,
  worldSize: number,
  root: number,
  link: RingLink,
  piece = 1 << 16,
): Promise<void> {
  if (worldSize === 1) return;
  const last = (root + worldSize - 1) % worldSize;
  for (let lo = 0; lo < data.length; lo += piece) {
    const hi = Math.min(data.length, lo + piece);
    if (rank !== root) data.set(floatsOf(await link.recv((hi - lo) * 4)), lo);
    if (rank !== last) await link.send(bytesOf(data, [lo, hi]));
  }
}
