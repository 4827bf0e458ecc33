// Whole image datasets as two tensors (x in [-1, 1] for tanh generators, int32 labels).
import { concat, mul, scalar, sub, tidy } from '@tessera/tensor';

/** Every batch of `dataset` (elements { x, y }) concatenated: { x: [n, ...] scaled to [-1, 1], y: [n] }. */
export async function allImages(dataset, { limit = Number.POSITIVE_INFINITY } = {}) {
  const xs = [];
  const ys = [];
  let n = 0;
  for await (const b of dataset.batch(10000)) {
    xs.push(b.x);
    ys.push(b.y);
    n += b.x.shape[0];
    if (n >= limit) break;
  }
  const x = tidy(() => sub(mul(concat(xs), scalar(2)), scalar(1)));
  const y = concat(ys);
  for (const t of [...xs, ...ys]) t.dispose();
  return { x, y };
}
