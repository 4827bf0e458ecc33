// The benchmark's data, read the same way by both sides: the first N MNIST training images
// (IDX gz from ../shared/datasets) and SMS messages as padded word ids. The Python peers read the
// same files the same way (peers/peer_data.py); `fingerprint` lets a driver check they agree.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = process.env.TESSERA_DATASETS ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/datasets');

/** `n` MNIST images as float32 [n, 784] in [0, 1] and int labels. */
export function mnist(n) {
  const img = gunzipSync(readFileSync(resolve(root, 'mnist/train-images-idx3-ubyte.gz')));
  const lab = gunzipSync(readFileSync(resolve(root, 'mnist/train-labels-idx1-ubyte.gz')));
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = img[16 + i] / 255;
  const y = Int32Array.from(lab.subarray(8, 8 + n));
  return { x, y };
}

/** `n` SMS messages as int ids [n, len] (vocabulary of the most frequent words) and 0/1 labels. */
export function sms(n, len = 40, vocab = 2000) {
  const lines = readFileSync(resolve(root, 'text/SMSSpamCollection.tsv'), 'utf8').trim().split('\n').slice(0, n);
  const rows = lines.map((l) => {
    const [label, text] = l.split('\t');
    return { y: label === 'spam' ? 1 : 0, words: text.toLowerCase().match(/[a-z0-9']+/g) ?? [] };
  });
  const freq = new Map();
  for (const r of rows) for (const w of r.words) freq.set(w, (freq.get(w) ?? 0) + 1);
  const ids = new Map(
    [...freq.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, vocab - 2)
      .map(([w], i) => [w, i + 2]),
  );
  const x = new Int32Array(n * len);
  rows.forEach((r, i) => {
    r.words.slice(0, len).forEach((w, j) => {
      x[i * len + j] = ids.get(w) ?? 1;
    });
  });
  return { x, y: Float32Array.from(rows, (r) => r.y), len, vocab };
}

/**
 * `n` Tiny Shakespeare windows of `len + 1` characters as int ids (the 65 sorted characters, as
 * nanoGPT's prepare.py): x is [n, len], y the same windows shifted by one. Window i starts at
 * character i × 997 (a fixed spread over the text, no randomness).
 */
export function shakespeare(n, len = 64) {
  const text = readFileSync(resolve(root, 'shakespeare/input.txt'), 'utf8');
  const chars = [...new Set(text)].sort();
  const id = new Map(chars.map((c, i) => [c, i]));
  const x = new Int32Array(n * len);
  const y = new Int32Array(n * len);
  for (let i = 0; i < n; i++) {
    const start = (i * 997) % (text.length - len - 1);
    for (let j = 0; j < len; j++) {
      x[i * len + j] = id.get(text[start + j]);
      y[i * len + j] = id.get(text[start + j + 1]);
    }
  }
  return { x, y, len, vocab: chars.length };
}

/** First 12 hex digits of the SHA-256 of `x`'s then `y`'s bytes (the same in peers/peer_data.py). */
export function fingerprint({ x, y }) {
  const h = createHash('sha256');
  h.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  h.update(new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
  return h.digest('hex').slice(0, 12);
}
