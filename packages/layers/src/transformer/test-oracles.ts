// Plain-JS oracles for the attention tests (loops over arrays, no tensors).
export type M = number[][];

export const matmul = (a: M, b: M): M =>
  a.map((r) => (b[0] as number[]).map((_, j) => r.reduce((s, v, k) => s + v * ((b[k] as number[])[j] as number), 0)));
export const transposeM = (a: M): M => (a[0] as number[]).map((_, j) => a.map((r) => r[j] as number));
export const softmaxRow = (r: number[]): number[] => {
  const m = Math.max(...r);
  const e = r.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
/** Rows of a flat array. */
export const rows = (flat: ArrayLike<number>, n: number, m: number): M =>
  Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => flat[i * m + j] as number));

/** One head: softmax(q kᵀ / √d + mask) v, mask[i][j] false = blocked. */
export function headAttention(q: M, k: M, v: M, mask?: (i: number, j: number) => boolean): M {
  const d = (q[0] as number[]).length;
  const s = matmul(q, transposeM(k)).map((r, i) => r.map((x, j) => (mask && !mask(i, j) ? -Infinity : x / Math.sqrt(d))));
  return matmul(s.map(softmaxRow), v);
}

export interface MhaWeights {
  wq: M;
  bq: number[];
  wk: M;
  bk: number[];
  wv: M;
  bv: number[];
  wo: M;
  bo: number[];
}

const affine = (x: M, w: M, b: number[]) => matmul(x, w).map((r) => r.map((v, j) => v + (b[j] as number)));
const cols = (x: M, from: number, n: number) => x.map((r) => r.slice(from, from + n));

/** Multi-head attention of one sequence: heads of size dk, kvHeads key/value heads (grouped-query). */
export function mhaReference(
  xq: M,
  xv: M,
  xk: M,
  w: MhaWeights,
  heads: number,
  kvHeads: number,
  dk: number,
  mask?: (i: number, j: number) => boolean,
): M {
  const q = affine(xq, w.wq, w.bq);
  const k = affine(xk, w.wk, w.bk);
  const v = affine(xv, w.wv, w.bv);
  const g = heads / kvHeads;
  const outs: M[] = [];
  for (let h = 0; h < heads; h++) {
    const kv = Math.floor(h / g);
    outs.push(headAttention(cols(q, h * dk, dk), cols(k, kv * dk, dk), cols(v, kv * dk, dk), mask));
  }
  const concat = xq.map((_, i) => outs.flatMap((o) => o[i] as number[]));
  return affine(concat, w.wo, w.bo);
}
