import { ValueError } from '@tessera/core';

/**
 * Bytes or text to read: whole (string, bytes) or streamed (async iterables, web streams), or a function giving a fresh stream per pass.
 *
 * @example
 * ```ts
 * const inline: ByteSource = 'a,b\n1,2\n';
 * const streamed: ByteSource = async () => (await fetch('https://example.org/data.csv')).body!;
 * const rows = csv(streamed); // re-fetched on every pass
 * ```
 */
export type ByteSource =
  | string
  | Uint8Array
  | ArrayBuffer
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>
  | ReadableStream<Uint8Array>
  | (() => ByteSource | Promise<ByteSource>);

/**
 * Whole-buffer form of the sources that are not streams (for binary formats).
 *
 * @example
 * ```ts
 * const bytes: BinarySource = await (await fetch('x.npy')).arrayBuffer();
 * const { shape, data } = parseNpy(bytes);
 * ```
 */
export type BinarySource = Uint8Array | ArrayBuffer;

/** Normalizes binary input to a Uint8Array view. */
export function toBytes(src: BinarySource, where: string): Uint8Array {
  if (src instanceof Uint8Array) return src;
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  if (ArrayBuffer.isView(src)) {
    const v = src as ArrayBufferView;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  throw new ValueError(where, 'a Uint8Array or ArrayBuffer', src);
}

/** Opens a source as a stream of chunks (a fresh one each call when the source is a function). */
export async function* chunks(src: ByteSource): AsyncGenerator<Uint8Array | string> {
  if (typeof src === 'function') {
    yield* chunks(await src());
    return;
  }
  if (typeof src === 'string' || src instanceof Uint8Array) {
    yield src;
    return;
  }
  if (src instanceof ArrayBuffer) {
    yield new Uint8Array(src);
    return;
  }
  if (typeof (src as unknown as ReadableStream).getReader === 'function' && !(Symbol.asyncIterator in src)) {
    const reader = (src as unknown as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (Symbol.asyncIterator in src || Symbol.iterator in src) {
    for await (const c of src as AsyncIterable<Uint8Array | string>) yield c;
    return;
  }
  throw new ValueError('data source', 'a string, Uint8Array, ArrayBuffer, stream, iterable or function', src);
}
