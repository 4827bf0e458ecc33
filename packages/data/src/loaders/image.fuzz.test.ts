// Fuzzed image decoders: PNG (byte mutations, and chunk-body mutations with the CRC recomputed so
// they reach the decoder past the checksum), JPEG and the sniffing decodeImage. Every case either
// decodes or throws a TesseraError naming the file, within 200 ms and without allocating more than
// 64x its input + 1 MiB (see test-support/fuzz.ts).
// Cases per run: png 1000 + png chunks 1000 + jpeg 600 + decodeImage 400 = 3000.
import fc from 'fast-check';
import { zlibSync } from 'fflate';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { byteMutations, checkParse, fuzzParams, type Mutated, Tally } from '../../../../test-support/fuzz.js';
import { crc32 } from '../io/crc32.js';
import { decodeImage, decodeJpeg } from './image.js';
import { decodePng } from './png.js';

interface Chunk {
  type: string;
  body: Uint8Array;
}

function chunkBytes({ type, body }: Chunk): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, false);
  out.set(new TextEncoder().encode(type), 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)), false);
  return out;
}

function pngFile(chunks: Chunk[]): Uint8Array {
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), ...chunks.map(chunkBytes)];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The chunks of a PNG: IHDR, optional PLTE/tRNS, IDAT (rows with filter bytes 0-4), IEND. */
function pngChunks(w: number, h: number, depth: number, color: number, palette = false): Chunk[] {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, w, false);
  v.setUint32(4, h, false);
  ihdr.set([depth, color, 0, 0, 0], 8);
  const spp = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[color]!;
  const stride = Math.ceil((w * spp * depth) / 8);
  const raw = new Uint8Array(h * (stride + 1));
  for (let y = 0; y < h; y++) {
    raw[y * (stride + 1)] = y % 5;
    for (let x = 0; x < stride; x++) raw[y * (stride + 1) + 1 + x] = (x * 31 + y * 17) % 256;
  }
  const chunks: Chunk[] = [{ type: 'IHDR', body: ihdr }];
  if (palette) {
    chunks.push({ type: 'PLTE', body: Uint8Array.from({ length: 48 }, (_, i) => (i * 23) % 256) });
    chunks.push({ type: 'tRNS', body: Uint8Array.from({ length: 8 }, (_, i) => i * 30) });
  }
  chunks.push({ type: 'IDAT', body: zlibSync(raw) }, { type: 'IEND', body: new Uint8Array(0) });
  return chunks;
}

const pngSeeds: Chunk[][] = [
  pngChunks(5, 4, 8, 6),
  pngChunks(3, 3, 8, 2),
  pngChunks(6, 2, 16, 0),
  pngChunks(7, 3, 8, 4),
  pngChunks(9, 3, 1, 0),
  pngChunks(5, 5, 4, 3, true),
  pngChunks(4, 2, 2, 3, true),
];

/** Mutates one chunk's body (bit flips, an extreme 32-bit word, truncation) and fixes its CRC. */
function chunkMutations(seeds: Chunk[][]): fc.Arbitrary<Mutated<Uint8Array>> {
  return fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.nat(), byteMutations([new Uint8Array(13), new Uint8Array(64)]), fc.nat(), fc.boolean())
    .map(([s, c, m, p, splice]) => {
      const chunks = seeds[s]!.map((ch) => ({ ...ch }));
      const target = chunks[c % chunks.length]!;
      const body = target.body.slice();
      if (splice || body.length === 0) {
        // Replace the body by a mutation of itself: cut, flipped or a random tail.
        const mutated = byteMutations([body.length ? body : new Uint8Array(4)]);
        target.body = fc.sample(mutated, { seed: p, numRuns: 1 })[0]!.value;
      } else {
        for (let i = 0; i < Math.min(m.value.length, 4); i++) body[(p + i) % body.length] = m.value[i]!;
        target.body = body;
      }
      return { kind: `chunk ${target.type} mutated`, value: pngFile(chunks) };
    });
}

function rgba(w: number, h: number): Buffer {
  return Buffer.from(Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 37) % 256));
}

const jpegSeeds = [
  new Uint8Array(jpeg.encode({ data: rgba(8, 8), width: 8, height: 8 }, 90).data),
  new Uint8Array(jpeg.encode({ data: rgba(17, 9), width: 17, height: 9 }, 50).data),
];

describe('fuzzed image decoders decode or throw a FormatError', () => {
  it('PNG bytes: 1000 cases', () => {
    const seeds = pngSeeds.map(pngFile);
    for (const s of seeds) expect(decodePng(s).width).toBeGreaterThan(0);
    const tally = new Tally();
    fc.assert(
      fc.property(byteMutations(seeds), (m) => {
        tally.add(checkParse(() => decodePng(m.value, 'cat.png'), m.value.length, { names: /cat\.png/ }));
      }),
      fuzzParams(1000, 50),
    );
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('PNG chunks with valid CRCs: 1000 cases', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(chunkMutations(pngSeeds), (m) => {
        tally.add(checkParse(() => decodePng(m.value, 'cat.png'), m.value.length, { names: /cat\.png/ }));
      }),
      fuzzParams(1000, 51),
    );
    expect(tally.counts.parsed).toBeGreaterThan(10);
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('JPEG: 600 cases', () => {
    for (const s of jpegSeeds) expect(decodeJpeg(s).width).toBeGreaterThan(0);
    const tally = new Tally();
    fc.assert(
      fc.property(byteMutations(jpegSeeds), (m) => {
        tally.add(checkParse(() => decodeJpeg(m.value, 'dog.jpg'), m.value.length, { names: /dog\.jpg/ }));
      }),
      fuzzParams(600, 52),
    );
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('a JPEG frame header claiming 9000x9000 pixels is rejected before decoding', () => {
    const bytes = jpegSeeds[0]!.slice();
    let sof = 2;
    while (!(bytes[sof] === 0xff && bytes[sof + 1] === 0xc0)) sof++;
    new DataView(bytes.buffer).setUint16(sof + 5, 9000);
    new DataView(bytes.buffer).setUint16(sof + 7, 9000);
    const mem0 = process.memoryUsage().arrayBuffers;
    expect(() => decodeJpeg(bytes, 'dog.jpg')).toThrow(
      /dog\.jpg: frame header declares 9000x9000 pixels, which need at least \d+ bytes of image data; the file holds \d+/,
    );
    expect(process.memoryUsage().arrayBuffers - mem0).toBeLessThan(2 ** 20);
  });

  it('decodeImage (sniffed format): 400 cases', () => {
    const seeds = [pngFile(pngSeeds[0]!), jpegSeeds[0]!];
    fc.assert(
      fc.property(byteMutations(seeds), (m) => {
        checkParse(() => decodeImage(m.value, 'photo'), m.value.length, { names: /photo/ });
      }),
      fuzzParams(400, 53),
    );
  });
});
