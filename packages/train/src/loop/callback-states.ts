import type { Callback, ResumePoint, StateTree } from '@tessera/core';
import { stateTensors, ValueError } from '@tessera/core';

/** The stateful callbacks by checkpoint key: `stateKey`, then `stateKey#1`, ... for repeats. */
export function statefulCallbacks(callbacks: Callback[]): Map<string, Callback> {
  const out = new Map<string, Callback>();
  for (const cb of callbacks) {
    if (!cb.saveState && !cb.loadState) continue;
    if (!cb.stateKey) throw new ValueError('fit callbacks', 'a stateKey on every callback with saveState/loadState', cb);
    let key = cb.stateKey;
    for (let i = 1; out.has(key); i++) key = `${cb.stateKey}#${i}`;
    out.set(key, cb);
  }
  return out;
}

/** Hands each stateful callback its state from a restored checkpoint; frees what no callback claims. */
export async function loadCallbackStates(
  stateful: Map<string, Callback>,
  pending: { states: Record<string, StateTree>; owned: boolean } | null,
  at: ResumePoint,
): Promise<void> {
  if (!pending) return;
  for (const [key, state] of Object.entries(pending.states)) {
    const cb = stateful.get(key);
    if (cb?.loadState) await cb.loadState(state, at);
    else if (pending.owned) for (const t of stateTensors(state)) t.dispose(); // no such callback in this run
  }
}
