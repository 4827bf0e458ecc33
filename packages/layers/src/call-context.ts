import type { NamedTensors } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';

/** New values of state variables written during one outermost layer call. */
export interface StateSink {
  /** Latest value per variable key. */
  readonly values: Map<string, { variable: Variable; value: Tensor }>;
  /** Values replaced by a later write in the same call (freed when the call ends). */
  readonly superseded: Tensor[];
}

/** Tensors that replace variables (by key) in the innermost `apply` / `statelessCall`. */
export const overrideStack: NamedTensors[] = [];
/** State writes of the running call; empty when no layer call is running. */
export const sinkStack: StateSink[] = [];

/** A fresh, empty {@link StateSink}. */
export function newSink(): StateSink {
  return { values: new Map(), superseded: [] };
}

/** Every tensor a sink holds (returned from each call's memory scope so they survive it). */
export function sinkTensors(sink: StateSink | undefined): Tensor[] {
  if (!sink) return [];
  return [...[...sink.values.values()].map((e) => e.value), ...sink.superseded];
}
