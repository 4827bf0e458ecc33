import { FormatError } from '@tessera/core';

/** Blocks always allowed, whatever the data length. */
const FREE_BLOCKS = 64;

interface Frame {
  width: number;
  height: number;
  progressive: boolean;
  /** 8x8 blocks of each component. */
  blocks: number[];
}

function readFrame(bytes: Uint8Array, p: number, progressive: boolean): Frame | undefined {
  const u16 = (q: number): number => (bytes[q]! << 8) | bytes[q + 1]!;
  if (p + 10 > bytes.length) return undefined;
  const height = u16(p + 5);
  const width = u16(p + 7);
  const n = bytes[p + 9]!;
  if (p + 10 + 3 * n > bytes.length) return undefined;
  const factors = Array.from({ length: n }, (_, i) => bytes[p + 11 + 3 * i]!);
  const hMax = Math.max(1, ...factors.map((f) => f >> 4));
  const vMax = Math.max(1, ...factors.map((f) => f & 15));
  const blocks = factors.map(
    (f) => Math.ceil(Math.ceil((width * (f >> 4)) / hMax) / 8) * Math.ceil(Math.ceil((height * (f & 15)) / vMax) / 8),
  );
  return { width, height, progressive, blocks };
}

/**
 * Checks a JPEG's frame size against the amount of image data in the file before it is decoded,
 * so a corrupt or hostile SOF header cannot make the decoder allocate hundreds of megabytes.
 * Huffman-coded data takes at least one bit per 8x8 block for the DC coefficient, and in a
 * sequential scan another for the AC coefficients (an end-of-block code): a sequential frame needs
 * at least 2 bits per block of every component, a progressive one at least 1 bit per block of its
 * largest component. Walks the marker segments; stops quietly on anything it does not understand
 * (the decoder reports those).
 */
export function checkJpegFrame(bytes: Uint8Array, name: string): void {
  const n = bytes.length;
  const u16 = (p: number): number => (bytes[p]! << 8) | bytes[p + 1]!;
  let frame: Frame | undefined;
  let entropy = 0;
  let p = 2;
  while (p + 4 <= n) {
    if (bytes[p] !== 0xff) return;
    const marker = bytes[p + 1]!;
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker === 0xd9) break;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    const len = u16(p + 2);
    if (len < 2) return;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) frame = readFrame(bytes, p, marker === 0xc2);
    p += 2 + len;
    if (marker === 0xda) {
      const start = p;
      while (p + 1 < n && !(bytes[p] === 0xff && bytes[p + 1] !== 0 && !(bytes[p + 1]! >= 0xd0 && bytes[p + 1]! <= 0xd7))) p++;
      entropy += p - start;
    }
  }
  if (!frame) return;
  const bits = frame.progressive ? Math.max(0, ...frame.blocks) : 2 * frame.blocks.reduce((a, b) => a + b, 0);
  const needed = Math.ceil(Math.max(0, bits - 2 * FREE_BLOCKS) / 8);
  if (needed > entropy) {
    throw new FormatError(
      'jpeg',
      `${name}: frame header declares ${frame.width}x${frame.height} pixels, which need at least ${needed} bytes of image data; the file holds ${entropy}`,
    );
  }
}
