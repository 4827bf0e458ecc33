import { ValueError } from '@tessera/core';

/** What naming needs to know about a layer. */
export interface Nameable {
  readonly name: string;
  readonly namePrefix: string;
  readonly className: string;
  /** `auto`: may still be named by a model; `fixed`: explicit or given by a model; `derived`: follows a wrapper. */
  readonly nameKind: 'auto' | 'fixed' | 'derived';
  readonly creationIndex: number;
}

/**
 * Names the automatic layers of one model: `members` are the layers named in the model's scope
 * (nested models' layers excluded), `all` every layer below the model. Fixed names (explicit,
 * given by an earlier model, derived) are kept; the others get `prefix`, `prefix_1`, ... in
 * construction order, skipping every name already used below the model. Throws a ValueError when
 * two layers end up with one name (their parameter keys would collide).
 *
 * @example
 * ```ts
 * assignScopeNames('mlp', [d1, d2], [d1, d2], (l, n) => rename(l, n)); // 'dense', 'dense_1'
 * ```
 */
export function assignScopeNames<L extends Nameable>(
  owner: string,
  members: L[],
  all: L[],
  setName: (layer: L, name: string) => void,
): void {
  const taken = new Set<string>();
  for (const l of all) if (l.nameKind === 'fixed') taken.add(l.name);
  const auto = members.filter((l) => l.nameKind === 'auto').sort((a, b) => a.creationIndex - b.creationIndex);
  for (const l of auto) {
    let name = l.namePrefix;
    for (let i = 1; taken.has(name); i++) name = `${l.namePrefix}_${i}`;
    taken.add(name);
    setName(l, name);
  }
  const seen = new Map<string, L>();
  for (const l of all) {
    const other = seen.get(l.name);
    if (other && other !== l) {
      throw new ValueError(
        `${owner} layer names`,
        'unique layer names within one model (parameter keys are <layer>/<weight>); give one of the layers another explicit name',
        `two layers named "${l.name}" (${other.className} and ${l.className})`,
      );
    }
    seen.set(l.name, l);
  }
}

/**
 * Converts a class name to a snake_case prefix: `Conv2DTranspose` -> `conv2d_transpose`.
 *
 * @example
 * ```ts
 * snakeCase('Conv2DTranspose'); // 'conv2d_transpose'
 * ```
 */
export function snakeCase(className: string): string {
  return className
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([0-9])D([A-Z])/g, '$1d_$2')
    .replace(/([0-9])D$/, '$1d')
    .toLowerCase();
}
