// A minimal protocol-buffers writer: just the wire types the TensorBoard messages use.
const utf8 = new TextEncoder();

/** Builds one protobuf message; nested messages are encoded separately and added as bytes. */
export class ProtoWriter {
  private chunks: number[] = [];
  private parts: Uint8Array[] = [];

  private flushBytes(): void {
    if (this.chunks.length) {
      this.parts.push(Uint8Array.from(this.chunks));
      this.chunks = [];
    }
  }

  private varint(value: number): void {
    // non-negative integers up to 2^53; negative int32/int64 as 10-byte two's complement
    if (value < 0) {
      let lo = value >>> 0;
      let hi = Math.floor(value / 2 ** 32) >>> 0;
      for (let i = 0; i < 9; i++) {
        this.chunks.push((lo & 0x7f) | 0x80);
        lo = ((lo >>> 7) | (hi << 25)) >>> 0;
        hi >>>= 7;
      }
      this.chunks.push(1);
      return;
    }
    let v = value;
    while (v >= 0x80) {
      this.chunks.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.chunks.push(v);
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** int32/int64/uint/enum/bool field (skipped when 0 / false, proto3 default, unless `always`: a oneof member). */
  int(field: number, value: number | boolean, always = false): this {
    const v = typeof value === 'boolean' ? Number(value) : value;
    if (v === 0 && !always) return this;
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  /** double field (fixed64), skipped when 0 unless `always`. */
  double(field: number, value: number, always = false): this {
    if (value === 0 && !always && !Object.is(value, -0)) return this;
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.chunks.push(...b);
    return this;
  }

  /** float field (fixed32); `always` writes 0 too (a oneof member). */
  float(field: number, value: number, always = false): this {
    if (value === 0 && !always) return this;
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.chunks.push(...b);
    return this;
  }

  /** Packed repeated doubles. */
  doubles(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const b = new Uint8Array(values.length * 8);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i] as number, true);
    return this.bytes(field, b, true);
  }

  /** Length-delimited bytes (a nested message's encoding too); `always` writes empty ones. */
  bytes(field: number, value: Uint8Array, always = false): this {
    if (value.length === 0 && !always) return this;
    this.key(field, 2);
    this.varint(value.length);
    this.flushBytes();
    this.parts.push(value);
    return this;
  }

  /** UTF-8 string field. */
  string(field: number, value: string | undefined): this {
    return value ? this.bytes(field, utf8.encode(value)) : this;
  }

  /** A nested message (written even when empty: it marks a oneof member as set). */
  message(field: number, value: ProtoWriter | Uint8Array): this {
    return this.bytes(field, value instanceof ProtoWriter ? value.finish() : value, true);
  }

  /** The encoded message. */
  finish(): Uint8Array {
    this.flushBytes();
    const n = this.parts.reduce((s, p) => s + p.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
