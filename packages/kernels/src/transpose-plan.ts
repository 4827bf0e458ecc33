/**
 * A transpose as repeated 2-D tile transposes: the source axis that becomes the output's innermost
 * (`rows`, source stride `srcStride`) swapped with the source's innermost (`cols`, which lands
 * `dstStride` apart in the output); `count` tiles `srcStep`/`dstStep` elements apart, once from
 * each of the `starts` (element offsets into the source and the output). Axes of size 1 are
 * dropped and axes that stay adjacent are merged first.
 *
 * @example
 * ```ts
 * const plan = transposePlan([768, 128], [1, 0]); // { rows: 768, cols: 128, srcStride: 128, dstStride: 768, count: 1, ... }
 * ```
 */
export interface TransposePlan {
  rows: number;
  cols: number;
  srcStride: number;
  dstStride: number;
  count: number;
  srcStep: number;
  dstStep: number;
  starts: [number, number][];
}

/** Row-major strides of `shape`, in elements. */
function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = (strides[i + 1] as number) * (shape[i + 1] as number);
  return strides;
}

/**
 * `shape` and `perm` with axes of size 1 dropped and runs of axes that stay adjacent in the output
 * merged: the same memory layouts, in as few axes as possible.
 */
export function collapseTranspose(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const keptAxes = shape.map((_, axis) => axis).filter((axis) => shape[axis] !== 1);
  const dims = keptAxes.map((axis) => shape[axis] as number);
  const order = perm.filter((axis) => shape[axis] !== 1).map((axis) => keptAxes.indexOf(axis));
  // groups of kept source axes, in output order, each a run of consecutive source axes
  const groups: number[][] = [];
  for (const axis of order) {
    const last = groups.at(-1);
    if (last && last.at(-1) === axis - 1) last.push(axis);
    else groups.push([axis]);
  }
  const bySource = [...groups].sort((g, h) => (g[0] as number) - (h[0] as number));
  return {
    shape: bySource.map((g) => g.reduce((p, axis) => p * (dims[axis] as number), 1)),
    perm: groups.map((g) => bySource.indexOf(g)),
  };
}

/**
 * The tile plan of transposing a `shape` tensor by `perm` ({@link TransposePlan}); `undefined`
 * where it is not a tile transpose worth one: the innermost axis stays innermost (whole rows move),
 * or a tile is narrower than 4 either way.
 */
export function transposePlan(shape: readonly number[], perm: readonly number[]): TransposePlan | undefined {
  const c = collapseTranspose(shape, perm);
  const k = c.shape.length;
  if (k < 2) return undefined;
  const inner = c.perm[k - 1] as number; // the source axis that becomes the output's innermost
  if (inner === k - 1) return undefined;
  const outShape = c.perm.map((axis) => c.shape[axis] as number);
  const srcStrides = stridesOf(c.shape);
  const outStrides = stridesOf(outShape);
  const dstStrideOf = (axis: number) => outStrides[c.perm.indexOf(axis)] as number;
  const rows = c.shape[inner] as number;
  const cols = c.shape[k - 1] as number;
  if (rows < 4 || cols < 4) return undefined;
  const others = c.shape.map((_, axis) => axis).filter((axis) => axis !== inner && axis !== k - 1);
  const last = others.pop();
  let starts: [number, number][] = [[0, 0]];
  for (const axis of others)
    starts = starts.flatMap(([s, d]) =>
      Array.from({ length: c.shape[axis] as number }, (_, i): [number, number] => [
        s + i * (srcStrides[axis] as number),
        d + i * dstStrideOf(axis),
      ]),
    );
  return {
    rows,
    cols,
    srcStride: srcStrides[inner] as number,
    dstStride: dstStrideOf(k - 1),
    count: last === undefined ? 1 : (c.shape[last] as number),
    srcStep: last === undefined ? 0 : (srcStrides[last] as number),
    dstStep: last === undefined ? 0 : dstStrideOf(last),
    starts,
  };
}
