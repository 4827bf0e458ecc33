import type { TfBackend } from './binding.js';

/**
 * Whether a tfjs-node binding takes list(string) and list(type) attributes (`npm run
 * setup:native` builds it so; tfjs-node's own build does not), known after its first call.
 */
const support = /* @__PURE__ */ new WeakMap<object, boolean>();

/** The error tfjs-node's stock binding throws for an array where it expects one string or type. */
const NO_LIST_ATTRIBUTES = /A (string|number) was expected/;

/**
 * Runs `call` (an op with list(string) or list(type) attributes on `tb`'s binding) unless that
 * binding is known to lack them; `undefined` when it does (the caller then runs separate ops).
 * Any other error is the caller's.
 */
export function withListAttributes<T>(tb: TfBackend, call: () => T): T | undefined {
  const bind = tb.binding;
  if (support.get(bind) === false) return undefined;
  try {
    const out = call();
    support.set(bind, true);
    return out;
  } catch (e) {
    if (support.has(bind) || !NO_LIST_ATTRIBUTES.test(String(e))) throw e;
    support.set(bind, false);
    return undefined;
  }
}
