import type { Loss, Metric, TensorTree } from '@tessera/core';
import { ShapeError, TesseraError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, isTensor, mul } from '@tessera/tensor';

/**
 * A loss for each model output: one loss (single-output models), a list (list outputs) or a
 * record (named outputs).
 *
 * @example
 * ```ts
 * const single: LossSpec = sparseCategoricalCrossentropy({ fromLogits: true });
 * const named: LossSpec = { digit: sparseCategoricalCrossentropy({ fromLogits: true }), box: meanSquaredError() };
 * ```
 */
export type LossSpec = Loss | Loss[] | Record<string, Loss>;

/**
 * Streaming metrics: a list (single-output models), or a list per output (by index or name).
 *
 * @example
 * ```ts
 * const single: MetricSpec = [accuracy()];
 * const named: MetricSpec = { digit: [accuracy()], box: [meanAbsoluteError()] };
 * ```
 */
export type MetricSpec = Metric[] | Metric[][] | Record<string, Metric[]>;

/** One output of a model: its log name, its loss and weight, and how to pick it from a tree. */
export interface OutputHead {
  /** Key of the output (`''` for single-output models, the index or the record key otherwise). */
  key: string;
  /** Log prefix (`''` for single-output models, else `<key>_`). */
  prefix: string;
  loss: Loss;
  weight: number;
}

function lossName(loss: Loss): string {
  return loss.lossName ?? (loss.name || 'loss');
}

/**
 * Normalizes the loss, loss-weight and metric options of a supervised step into output heads
 * and a flat, uniquely named metric list.
 *
 * @example
 * ```ts
 * const { heads, metrics } = outputHeads({ a: mse, b: ce }, { a: 1, b: 0.5 }, { a: [mae()] });
 * ```
 */
export function outputHeads(
  loss: LossSpec,
  weights: number[] | Record<string, number> | undefined,
  metrics: MetricSpec | undefined,
): { heads: OutputHead[]; metrics: Metric[]; metricHeads: Array<{ metric: Metric; key: string }> } {
  if (typeof loss === 'function') {
    if (weights !== undefined) throw new ValueError('supervised lossWeights', 'no weights for a single loss', weights);
    const list = metrics ?? [];
    if (!Array.isArray(list) || list.some((m) => Array.isArray(m))) {
      throw new ValueError('supervised metrics', 'a list of metrics for a single-output model', metrics);
    }
    const flat = list as Metric[];
    return { heads: [{ key: '', prefix: '', loss, weight: 1 }], metrics: flat, metricHeads: flat.map((metric) => ({ metric, key: '' })) };
  }
  if (typeof loss !== 'object' || loss === null) {
    throw new ValueError('supervised loss', 'a loss, a list of losses or a record of losses by output name', loss);
  }
  const keys = Object.keys(loss);
  if (keys.length === 0) throw new ValueError('supervised loss', 'at least one output loss', loss);
  const heads = keys.map((key) => {
    const l = (loss as Record<string, Loss>)[key] as Loss;
    if (typeof l !== 'function') throw new ValueError(`supervised loss for output "${key}"`, 'a loss function', l);
    const w = weights === undefined ? 1 : (weights as Record<string, number>)[key];
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new ValueError(`supervised lossWeights for output "${key}"`, 'a finite number', w);
    }
    return { key, prefix: `${Array.isArray(loss) ? `output_${key}` : key}_`, loss: l, weight: w };
  });
  const metricHeads: Array<{ metric: Metric; key: string }> = [];
  if (metrics !== undefined) {
    if (Array.isArray(metrics) && metrics.some((m) => !Array.isArray(m))) {
      throw new ValueError('supervised metrics', `a list of metrics per output (${keys.join(', ')}) for a multi-output model`, metrics);
    }
    for (const [key, list] of Object.entries(metrics as Record<string, Metric[]>)) {
      const head = heads.find((h) => h.key === key);
      if (!head) throw new ValueError('supervised metrics output', `one of ${keys.join(', ')}`, key);
      for (const m of list) metricHeads.push({ metric: prefixed(m, head.prefix), key });
    }
  }
  return { heads, metrics: metricHeads.map((h) => h.metric), metricHeads };
}

function prefixed(m: Metric, prefix: string): Metric {
  return {
    name: prefix + m.name,
    update: (y, p, w) => m.update(y, p, w),
    result: () => m.result(),
    reset: () => m.reset(),
    saveState: () => m.saveState?.() ?? null,
    loadState: (s) => m.loadState?.(s),
    dispose: () => m.dispose?.(),
  };
}

/**
 * Picks output `key` of a tree of model outputs or targets (the tree itself for `''`).
 *
 * @example
 * ```ts
 * pick({ a: ta, b: tb }, 'b', 'prediction'); // tb
 * ```
 */
export function pick(tree: TensorTree, key: string, what: string): Tensor {
  if (key === '') {
    if (!isTensor(tree)) throw new ValueError(what, 'one tensor (the model has one loss: give a loss per output for several)', tree);
    return tree;
  }
  const t = (tree as Record<string, Tensor>)[key];
  if (!isTensor(t)) throw new ValueError(`${what} for output "${key}"`, 'a tensor', t);
  return t;
}

function shapeOf(t: unknown): string {
  return isTensor(t) ? `[${t.shape.join(', ')}]` : typeof t;
}

/**
 * Total weighted loss of all heads and each head's own loss (for logs). Errors name the loss,
 * the output and both shapes.
 *
 * @example
 * ```ts
 * const { total, parts } = headLosses(heads, batch.y, pred, batch.sampleWeight, 'model');
 * ```
 */
export function headLosses(
  heads: OutputHead[],
  y: TensorTree,
  pred: TensorTree,
  sampleWeight: Tensor | undefined,
  modelName: string,
): { total: Tensor; parts: Record<string, Tensor> } {
  let total: Tensor | null = null;
  const parts: Record<string, Tensor> = {};
  for (const h of heads) {
    const p = pick(pred, h.key, `model "${modelName}" output`);
    const t = pick(y, h.key, 'batch targets y');
    let l: Tensor;
    try {
      l = h.loss(t, p, sampleWeight);
    } catch (err) {
      const out = h.key === '' ? '' : ` (output "${h.key}")`;
      const where = `loss "${lossName(h.loss)}"${out}`;
      const detail = `batch targets y of shape ${shapeOf(t)} do not fit predictions of shape ${shapeOf(p)} from model "${modelName}"`;
      if (err instanceof ShapeError) throw new ShapeError(where, err.expected, err.received, `${detail}: ${err.message}`);
      throw new TesseraError('SHAPE', `${where}: ${detail}: ${(err as Error).message}`, { cause: err });
    }
    if (heads.length > 1) parts[`${h.prefix}loss`] = l;
    const weighted = h.weight === 1 ? l : mul(l, h.weight);
    total = total === null ? weighted : add(total, weighted);
  }
  return { total: total as Tensor, parts };
}
