import { ValueError } from '@tessera/core';
import { type HistogramData, histogramOf } from './histogram.js';
import { encodePng } from './png.js';
import { encodeEvent, type SummaryImage, type SummaryValue } from './summary.js';
import { encodeTFRecord } from './tfrecord.js';

/**
 * Where an {@link EventWriter} sends its framed records on `flush()` (a file in Node).
 *
 * @example
 * ```ts
 * const chunks: Uint8Array[] = [];
 * const sink: EventSink = { write: (bytes) => { chunks.push(bytes); } };
 * ```
 */
export interface EventSink {
  write(bytes: Uint8Array): void | Promise<void>;
}

/**
 * 8-bit pixels to encode as PNG: row-major `height × width × channels`, values 0..255.
 *
 * @example
 * ```ts
 * const img: RawImage = { width: 2, height: 1, channels: 1, pixels: [0, 255] };
 * ```
 */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  pixels: ArrayLike<number>;
}

/**
 * Options of {@link EventWriter}.
 *
 * @example
 * ```ts
 * const writer = new EventWriter({ sink: { write: (b) => socket.send(b) }, keep: false });
 * ```
 */
export interface EventWriterOptions {
  /** Receives the framed records on `flush()` (default: none, the bytes stay in memory). */
  sink?: EventSink;
  /** Keep every record for `bytes()` (default: true without a sink, false with one). */
  keep?: boolean;
  /** Wall clock in seconds (default `Date.now() / 1000`). */
  now?: () => number;
}

/**
 * Writes a TensorBoard event file: TFRecord-framed `Event` protobufs, starting with the
 * `brain.Event:2` version record. Works anywhere: in a browser `bytes()` returns the whole file
 * (save it as `events.out.tfevents.<time>.<name>`); in Node `eventFileWriter` from
 * `@tessera/train/node` appends to a file on every `flush()`.
 *
 * @example
 * ```ts
 * const writer = new EventWriter();
 * writer.scalar('epoch_loss', 0.25, 1);
 * writer.histogram('dense/kernel', await kernel.data(), 1);
 * writer.text('samples', 'once upon a time', 1);
 * const file = writer.bytes(); // Uint8Array of a complete event file
 * ```
 */
export class EventWriter {
  private readonly sink: EventSink | undefined;
  private readonly keep: boolean;
  private readonly now: () => number;
  private readonly kept: Uint8Array[] = [];
  private pending: Uint8Array[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(options: EventWriterOptions = {}) {
    this.sink = options.sink;
    this.keep = options.keep ?? !options.sink;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.record(encodeEvent({ wallTime: this.now(), step: 0, fileVersion: 'brain.Event:2' }));
  }

  private record(event: Uint8Array): void {
    const framed = encodeTFRecord(event);
    if (this.keep) this.kept.push(framed);
    if (this.sink) this.pending.push(framed);
  }

  private checkStep(step: number): void {
    if (!Number.isInteger(step) || step < 0) throw new ValueError('EventWriter step', 'a non-negative integer', step);
  }

  /** Queues one event holding `values` at `step`. */
  write(step: number, values: SummaryValue[]): void {
    this.checkStep(step);
    this.record(encodeEvent({ wallTime: this.now(), step, values }));
  }

  /** A scalar (`simple_value`), shown in the scalars dashboard. */
  scalar(tag: string, value: number, step: number): void {
    this.write(step, [{ tag, scalar: value }]);
  }

  /** A histogram of `values` (bucketed into `buckets`, default 30) or of ready {@link HistogramData}. */
  histogram(tag: string, values: ArrayLike<number> | HistogramData, step: number, buckets = 30): void {
    const h = 'bucketLimit' in values ? (values as HistogramData) : histogramOf(values as ArrayLike<number>, buckets);
    this.write(step, [{ tag, histogram: h }]);
  }

  /** An image: PNG bytes with their size, or raw 8-bit pixels (encoded here). */
  image(tag: string, image: SummaryImage | RawImage, step: number): void {
    const img: SummaryImage =
      'png' in image ? image : { ...image, png: encodePng(image.width, image.height, image.channels, image.pixels) };
    this.write(step, [{ tag, image: { png: img.png, width: img.width, height: img.height, channels: img.channels } }]);
  }

  /** A text (Markdown) for the text dashboard. */
  text(tag: string, text: string, step: number): void {
    this.write(step, [{ tag, text }]);
  }

  /** Sends the queued records to the sink (in order; one `write` per flush). */
  flush(): Promise<void> {
    const sink = this.sink;
    if (!sink || this.pending.length === 0) return this.chain;
    const bytes = concat(this.pending);
    this.pending = [];
    this.chain = this.chain.then(() => sink.write(bytes));
    return this.chain;
  }

  /** Every record written so far as one event file (needs `keep`, the default without a sink). */
  bytes(): Uint8Array {
    if (!this.keep) throw new ValueError('EventWriter bytes()', 'a writer created with keep: true (or without a sink)', 'keep: false');
    return concat(this.kept);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
