import type { HistogramData } from './histogram.js';
import { ProtoWriter } from './proto.js';

/**
 * A PNG image for TensorBoard's image dashboard, with its size and channel count.
 *
 * @example
 * ```ts
 * const img: SummaryImage = { png: encodePng(28, 28, 1, pixels), width: 28, height: 28, channels: 1 };
 * ```
 */
export interface SummaryImage {
  png: Uint8Array;
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: number;
}

/**
 * One value of a summary: a scalar, a histogram, an image, a text, or raw plugin data (the
 * HParams records) with an empty tensor.
 *
 * @example
 * ```ts
 * const values: SummaryValue[] = [{ tag: 'epoch_loss', scalar: 0.25 }, { tag: 'samples', text: 'hello' }];
 * ```
 */
export type SummaryValue =
  | { tag: string; scalar: number }
  | { tag: string; histogram: HistogramData }
  | { tag: string; image: SummaryImage }
  | { tag: string; text: string }
  | { tag: string; plugin: { name: string; content: Uint8Array } };

/**
 * One TensorBoard `Event`: wall time in seconds, step, and a file version (first event of a file)
 * or summary values.
 *
 * @example
 * ```ts
 * const event: TensorBoardEvent = { wallTime: Date.now() / 1000, step: 3, values: [{ tag: 'epoch_loss', scalar: 0.2 }] };
 * ```
 */
export interface TensorBoardEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values?: SummaryValue[];
}

const utf8 = new TextEncoder();

function pluginMetadata(name: string, content: Uint8Array): ProtoWriter {
  // SummaryMetadata { plugin_data = 1 { plugin_name = 1, content = 2 } }
  return new ProtoWriter().message(1, new ProtoWriter().string(1, name).bytes(2, content));
}

function encodeValue(v: SummaryValue): ProtoWriter {
  const w = new ProtoWriter().string(1, v.tag);
  if ('scalar' in v) return w.float(2, v.scalar, true);
  if ('histogram' in v) {
    const h = v.histogram;
    const histo = new ProtoWriter()
      .double(1, h.min)
      .double(2, h.max)
      .double(3, h.num)
      .double(4, h.sum)
      .double(5, h.sumSquares)
      .doubles(6, h.bucketLimit)
      .doubles(7, h.bucket);
    return w.message(5, histo);
  }
  if ('image' in v) {
    const i = v.image;
    return w.message(4, new ProtoWriter().int(1, i.height).int(2, i.width).int(3, i.channels).bytes(4, i.png));
  }
  if ('text' in v) {
    // TensorProto { dtype = DT_STRING (7), tensor_shape = {} (a scalar), string_val = [text] }
    const tensor = new ProtoWriter().int(1, 7).message(2, new ProtoWriter()).bytes(8, utf8.encode(v.text), true);
    // the text plugin's TextPluginData { version = 0 } encodes to no bytes
    return w.message(9, pluginMetadata('text', new Uint8Array(0))).message(8, tensor);
  }
  // an empty float tensor of shape [0] carries plugin data (the HParams records)
  const shape = new ProtoWriter().message(2, new ProtoWriter());
  const tensor = new ProtoWriter().int(1, 1).message(2, shape);
  return w.message(9, pluginMetadata(v.plugin.name, v.plugin.content)).message(8, tensor);
}

/**
 * Encodes one TensorBoard `Event` protobuf message (frame it with {@link encodeTFRecord}).
 *
 * @example
 * ```ts
 * const bytes = encodeEvent({ wallTime: Date.now() / 1000, step: 10, values: [{ tag: 'batch_loss', scalar: 0.5 }] });
 * ```
 */
export function encodeEvent(event: TensorBoardEvent): Uint8Array {
  const w = new ProtoWriter().double(1, event.wallTime).int(2, event.step);
  if (event.fileVersion) w.string(3, event.fileVersion);
  if (event.values) {
    const summary = new ProtoWriter();
    for (const v of event.values) summary.message(1, encodeValue(v));
    w.message(5, summary);
  }
  return w.finish();
}
