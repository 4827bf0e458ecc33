import { FormatError } from '@tessera/core';

/**
 * Huffman-coded JPEG data takes at least one bit per 8x8 block of its largest component (a DC
 * code is at least one bit long), so a file can describe at most 512 pixels per byte of
 * entropy-coded data. A frame header claiming more is corrupt.
 */
const MAX_PIXELS_PER_BYTE = 512;
/** Pixels always allowed, whatever the data length (a 64x64 image). */
const MIN_PIXELS = 4096;

/**
 * Checks a JPEG's frame size against the amount of image data in the file before it is decoded,
 * so a corrupt or hostile SOF header cannot make the decoder allocate hundreds of megabytes.
 * Walks the marker segments; stops quietly on anything it does not understand (the decoder
 * reports those).
 */
export function checkJpegFrame(bytes: Uint8Array, name: string): void {
  const n = bytes.length;
  const u16 = (p: number): number => (bytes[p]! << 8) | bytes[p + 1]!;
  let frame: { width: number; height: number } | undefined;
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
    if ((marker === 0xc0 || marker === 0xc1 || marker === 0xc2) && p + 9 <= n) {
      frame = { height: u16(p + 5), width: u16(p + 7) };
    }
    p += 2 + len;
    if (marker === 0xda) {
      const start = p;
      while (p + 1 < n && !(bytes[p] === 0xff && bytes[p + 1] !== 0 && !(bytes[p + 1]! >= 0xd0 && bytes[p + 1]! <= 0xd7))) p++;
      entropy += p - start;
    }
  }
  if (!frame) return;
  const pixels = frame.width * frame.height;
  const limit = MAX_PIXELS_PER_BYTE * entropy + MIN_PIXELS;
  if (pixels > limit) {
    throw new FormatError(
      'jpeg',
      `${name}: frame header declares ${frame.width}x${frame.height} pixels, but the file holds ${entropy} bytes of image data (enough for at most ${limit} pixels)`,
    );
  }
}
