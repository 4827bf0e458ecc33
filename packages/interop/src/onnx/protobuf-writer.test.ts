import { describe, expect, it } from 'vitest';
import { encodeOnnxModel, OnnxType } from './onnx-proto.js';
import { ProtoWriter } from './protobuf-writer.js';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

describe('ProtoWriter (protobuf wire format, hand-encoded expectations)', () => {
  it('writes varints, including 300 and negative int64', () => {
    expect(hex(new ProtoWriter().varint(1, 150).finish())).toBe('08 96 01');
    expect(hex(new ProtoWriter().varint(2, 300).finish())).toBe('10 ac 02');
    // -1 as int64: ten bytes of two's complement
    expect(hex(new ProtoWriter().varint(1, -1).finish())).toBe('08 ff ff ff ff ff ff ff ff ff 01');
  });
  it('writes strings, floats and packed fields', () => {
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('12 07 74 65 73 74 69 6e 67');
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('15 00 00 80 3f');
    expect(hex(new ProtoWriter().packedVarints(4, [3, 270, 86942]).finish())).toBe('22 06 03 8e 02 9e a7 05');
    expect(hex(new ProtoWriter().packedFloats(7, []).finish())).toBe('');
  });
  it('nests messages with their length', () => {
    const inner = new ProtoWriter().varint(1, 150);
    expect(hex(new ProtoWriter().message(3, inner).finish())).toBe('1a 03 08 96 01');
  });
});

describe('encodeOnnxModel', () => {
  it('starts with ir_version 8 and the producer name', () => {
    const bytes = encodeOnnxModel({
      name: 'g',
      opset: 17,
      initializers: [{ name: 'w', dims: [2], type: OnnxType.FLOAT, values: new Float32Array([1, 2]) }],
      nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'], name: 'add' }],
      inputs: [{ name: 'x', type: OnnxType.FLOAT, shape: ['batch', 2] }],
      outputs: [{ name: 'y', type: OnnxType.FLOAT, shape: ['batch', 2] }],
    });
    expect(hex(bytes.slice(0, 11))).toBe('08 08 12 07 74 65 73 73 65 72 61');
    // the initializer's raw little-endian floats are in the file
    expect(hex(bytes)).toContain('00 00 80 3f 00 00 00 40');
  });
});
