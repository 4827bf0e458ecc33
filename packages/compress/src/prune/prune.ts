import type { Callback, Module, StateTree, TrainingControl } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { keep, mul, tensor, tidy } from '@tessera/tensor';
import { magnitudeMask, nByMMask } from './masks.js';
import type { PruningSchedule } from './schedules.js';

/**
 * Options of {@link pruneLowMagnitude}.
 *
 * @example
 * ```ts
 * const opts: PruneOptions = {
 *   schedule: polynomialDecay({ initialSparsity: 0.5, finalSparsity: 0.8, beginStep: 0, endStep: 2000 }),
 *   layers: ['conv2d_2', 'dense'],
 * };
 * ```
 */
export interface PruneOptions {
  /** When masks are recomputed and to which sparsity ({@link constantSparsity}, {@link polynomialDecay}). */
  schedule: PruningSchedule;
  /**
   * Which weights are pruned (per-layer opt-in): layer names (their `kernel`/`embeddings`; a
   * weight `a/b/kernel` belongs to layer `a/b` and matches `a/b` or `b`), or a predicate on the
   * weight's name. Default: every `kernel` and `embeddings` weight of rank >= 2 (TF-MOT's prunable
   * weights; biases and normalization parameters are not pruned).
   */
  layers?: string[] | ((weightName: string, weight: Variable) => boolean);
  /**
   * Structured N:M sparsity instead of magnitude sparsity: `'2:4'` keeps the 2 largest of every 4
   * consecutive input channels (the schedule then only says when masks are updated).
   */
  structured?: '2:4' | [n: number, m: number];
}

/**
 * The pruning of one model, returned by {@link pruneLowMagnitude}: a callback for `fit` that
 * updates masks on the schedule's steps and multiplies the pruned weights by their masks after
 * every optimizer update (pruned weights stay exactly zero, whatever the optimizer's momentum),
 * plus the masks themselves.
 *
 * @example
 * ```ts
 * const pruning: Pruning = pruneLowMagnitude(model, { schedule: constantSparsity({ targetSparsity: 0.8, beginStep: 0, frequency: 50 }) });
 * await fit(model, train, { loss, optimizer, epochs: 2, callbacks: [pruning] });
 * console.log(pruning.prunedWeights, pruning.sparsity);
 * stripPruning(pruning);
 * ```
 */
export interface Pruning extends Callback {
  /** The model pruned. */
  readonly model: Module;
  /** Names of the pruned weights (known once the model is built). */
  readonly prunedWeights: string[];
  /** The current masks (1 = kept) by weight name; empty before the first update. */
  readonly masks: Readonly<Record<string, Tensor>>;
  /** The sparsity the masks were last updated to (0 before any update). */
  readonly sparsity: number;
  /** Brings the masks to the schedule's decision for `step` (as at the start of that step) and applies them. */
  sync(step: number): void;
  /** Multiplies every pruned weight by its mask. */
  applyMasks(): void;
  /** Frees the masks. */
  dispose(): void;
}

function selector(opts: PruneOptions): (name: string, v: Variable) => boolean {
  const layers = opts.layers;
  if (typeof layers === 'function') return layers;
  const prunable = (name: string, v: Variable) => /(^|\/)(kernel|embeddings)$/.test(name) && v.rank >= 2;
  if (Array.isArray(layers)) {
    return (name, v) => {
      const owner = name.slice(0, name.lastIndexOf('/'));
      return prunable(name, v) && layers.some((l) => owner === l || owner.endsWith(`/${l}`));
    };
  }
  return prunable;
}

function structure(s: PruneOptions['structured']): [number, number] | null {
  if (s === undefined) return null;
  const nm = s === '2:4' ? [2, 4] : s;
  if (!Array.isArray(nm) || nm.length !== 2 || !nm.every((x) => Number.isInteger(x) && x > 0) || (nm[0] as number) >= (nm[1] as number))
    throw new ValueError('pruneLowMagnitude structured', "'2:4' or [n, m] with 0 < n < m", s);
  return nm as [number, number];
}

/**
 * Magnitude pruning with TensorFlow Model Optimization's semantics (`prune_low_magnitude` +
 * `UpdatePruningStep`): at every step the schedule marks, each selected weight's mask is
 * recomputed to keep its largest magnitudes (`k = max(round(n · (1 - sparsity)), 1)`, ties kept),
 * and the weights are multiplied by their masks before the next forward pass. Unlike TF-MOT (which
 * masks in the forward pass and at epoch ends) the masks are applied right after every optimizer
 * update, so the stored weights are exactly sparse after each step. Pass the result to `fit`'s
 * `callbacks`; call {@link stripPruning} when done. Checkpoints save the masks (`stateKey` `pruning`).
 *
 * @example
 * ```ts
 * const pruning = pruneLowMagnitude(model, {
 *   schedule: polynomialDecay({ initialSparsity: 0.5, finalSparsity: 0.8, beginStep: 0, endStep: 1000, frequency: 100 }),
 * });
 * await fit(model, train.batch(64), { loss, optimizer: adam(), epochs: 2, callbacks: [pruning] });
 * stripPruning(pruning);
 * console.log(sparsityReport(model).total.sparsity); // ~0.8 of the pruned weights
 * ```
 */
export function pruneLowMagnitude(model: Module, options: PruneOptions): Pruning {
  if (typeof options?.schedule !== 'function') throw new ValueError('pruneLowMagnitude schedule', 'a PruningSchedule', options?.schedule);
  const select = selector(options);
  const nm = structure(options.structured);
  const masks: Record<string, Tensor> = {};
  let nextStep = 0; // first step whose decision is not yet applied
  let current = 0;

  const weights = (): Record<string, Variable> => {
    const out: Record<string, Variable> = {};
    for (const [name, v] of Object.entries(model.parameters())) if (select(name, v)) out[name] = v;
    return out;
  };
  const built = () => Object.keys(model.parameters()).length > 0;

  const updateMasks = (sparsity: number) => {
    for (const [name, v] of Object.entries(weights())) {
      const values = v.dataSync();
      const m = nm ? nByMMask(values, v.shape, nm[0], nm[1], `pruneLowMagnitude weight "${name}"`) : magnitudeMask(values, sparsity);
      masks[name]?.dispose();
      masks[name] = keep(tensor(m, v.shape, 'float32'));
    }
    current = nm ? 1 - nm[0] / nm[1] : sparsity;
  };

  const pruning: Pruning = {
    stateKey: 'pruning',
    model,
    get prunedWeights() {
      return Object.keys(weights());
    },
    masks,
    get sparsity() {
      return current;
    },
    sync(step: number) {
      if (!built()) return;
      let pending: number | null = null;
      for (let s = Math.max(nextStep, 0); s <= step; s++) {
        const d = options.schedule(s);
        if (d.prune) pending = d.sparsity;
      }
      nextStep = Math.max(nextStep, step + 1);
      if (pending !== null) updateMasks(pending);
      pruning.applyMasks();
    },
    applyMasks() {
      const ws = weights();
      tidy(() => {
        for (const [name, m] of Object.entries(masks)) {
          const v = ws[name];
          if (v) v.assign(mul(v, m));
        }
      });
    },
    dispose() {
      for (const k of Object.keys(masks)) {
        masks[k]?.dispose();
        delete masks[k];
      }
    },
    onBatchBegin(step: number) {
      // the decision for this step, unless already taken at the end of the previous step
      if (step >= nextStep) pruning.sync(step);
    },
    onBatchEnd(_step: number, _logs, control: TrainingControl) {
      // the update just done may have moved pruned weights: re-mask, and take the next step's decision now
      pruning.sync(control.step);
    },
    saveState(): StateTree {
      return { nextStep, sparsity: current, masks: { ...masks } };
    },
    loadState(state: StateTree) {
      const s = state as { nextStep: number; sparsity: number; masks: Record<string, Tensor> };
      pruning.dispose();
      for (const [k, t] of Object.entries(s.masks ?? {})) masks[k] = keep(t);
      nextStep = s.nextStep;
      current = s.sparsity;
    },
  };
  return pruning;
}

/**
 * Ends pruning: multiplies the weights by their masks a last time and frees the masks, leaving a
 * plain model whose pruned weights are zeros (TF-MOT's `strip_pruning`). Returns the model.
 *
 * @example
 * ```ts
 * const plain = stripPruning(pruning);
 * const bytes = encodeSafetensors(plain.parameters());
 * ```
 */
export function stripPruning(pruning: Pruning): Module {
  pruning.applyMasks();
  pruning.dispose();
  return pruning.model;
}
