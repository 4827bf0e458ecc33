/**
 * A minimal protocol-buffers encoder: varints, length-delimited fields, packed repeated numbers.
 * Enough for ONNX's messages (which use no groups, maps or zig-zag integers).
 *
 * @example
 * ```ts
 * const w = new ProtoWriter();
 * w.string(1, 'name').varint(2, 7);
 * const bytes = w.finish();
 * ```
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  private rawVarint(v: number | bigint): void {
    let n = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) byte |= 0x80;
      out.push(byte);
    } while (n !== 0n);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  /** A varint field (int32/int64/enum/bool; negative numbers as 10-byte two's complement). */
  varint(field: number, v: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(v);
    return this;
  }

  /** A 32-bit float field. */
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  /** A length-delimited field holding raw bytes. */
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(b.length);
    this.push(b);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** An embedded message field. */
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated varint field (skipped when empty). */
  packedVarints(field: number, vs: ReadonlyArray<number | bigint>): this {
    if (vs.length === 0) return this;
    const inner = new ProtoWriter();
    for (const v of vs) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field (skipped when empty). */
  packedFloats(field: number, vs: ArrayLike<number>): this {
    if (vs.length === 0) return this;
    const b = new Uint8Array(vs.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < vs.length; i++) view.setFloat32(i * 4, vs[i] as number, true);
    return this.bytes(field, b);
  }

  /** The encoded bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
