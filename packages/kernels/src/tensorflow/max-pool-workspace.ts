import { engine } from '@tensorflow/tfjs-core';
import type { TfBackend } from './binding.js';

// oneDNN's max pooling can return a workspace (where each window's maximum was) that its gradient
// reads; without it the gradient has to pool again. A kernel has one place to keep it from the
// forward pass to the gradient: beside the pooled output, keyed by the output's data, and freed
// with that data. (As a second kernel output, tfjs would build a zero gradient of its full size
// for it on every backward pass.)

/** A kept workspace: its native handle, and the input and pooling it belongs to. */
interface Kept {
  id: number;
  input: object;
  pooling: string;
}

/** Workspaces by the data id of the pooled output they belong to. */
const kept = /* @__PURE__ */ new Map<object, Kept>();

/** Backends whose `disposeData` frees the workspace of the data it frees. */
const tracked = /* @__PURE__ */ new WeakSet<object>();

/** Makes `tb.disposeData` free a kept workspace along with the output it belongs to (once per backend). */
function trackLifetimes(tb: TfBackend): void {
  if (tracked.has(tb)) return;
  tracked.add(tb);
  const dispose = tb.disposeData.bind(tb);
  tb.disposeData = (dataId: object, ...rest: unknown[]) => {
    const freed = (dispose as (id: object, ...r: unknown[]) => boolean)(dataId, ...rest);
    const entry = freed === false ? undefined : kept.get(dataId);
    if (entry) {
      kept.delete(dataId);
      tb.binding.deleteTensor(entry.id);
    }
    return freed;
  };
}

/** Whether a gradient tape is recording: only then can a gradient want the workspace. */
function recording(): boolean {
  return (engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}

/**
 * Keeps workspace handle `id` for the pooled output `output` (of `input`, pooled as `pooling`)
 * while a gradient tape records; frees it at once otherwise.
 */
export function keepWorkspace(tb: TfBackend, output: object, input: object, pooling: string, id: number): void {
  if (!recording()) {
    tb.binding.deleteTensor(id);
    return;
  }
  trackLifetimes(tb);
  kept.set(output, { id, input, pooling });
}

/** The workspace kept for `output` when it came from `input` pooled as `pooling`, else `undefined`. */
export function keptWorkspace(output: object, input: object, pooling: string): number | undefined {
  const entry = kept.get(output);
  return entry && entry.input === input && entry.pooling === pooling ? entry.id : undefined;
}

/**
 * How many max-pool workspaces are kept now (each belongs to a live pooled output).
 *
 * @example
 * ```ts
 * keptMaxPoolWorkspaces(); // 0 once the outputs of the pools are disposed
 * ```
 */
export function keptMaxPoolWorkspaces(): number {
  return kept.size;
}
