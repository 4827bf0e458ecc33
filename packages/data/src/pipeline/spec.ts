import { ValueError } from '@tessera/core';

/**
 * The tensor type and per-sample shape `batch` gives one leaf of an element.
 *
 * @example
 * ```ts
 * const label: LeafSpec = { dtype: 'int32', shape: [] }; // numbers -> int32 [batch]
 * const image: LeafSpec = { dtype: 'float32', shape: [28, 28] }; // Float32Array(784) -> [batch, 28, 28]
 * ```
 */
export interface LeafSpec {
  /** The batch tensor's dtype. */
  dtype: 'float32' | 'int32' | 'bool';
  /** Shape of one sample (`[]` for a number); a typed-array leaf must hold exactly that many values. */
  shape: readonly number[];
}

/**
 * What a dataset declares about its elements' leaves, keyed by path inside an element: `''` for
 * the element itself, `'x'`, `'x.mask'`, `'pair[0]'`. `batch` uses it for the leaves it names
 * (dtype and sample shape); other leaves are inferred (numbers -> float32 `[n]`, typed arrays
 * and number arrays -> `[n, length]`, integer typed arrays -> int32). Loaders set it
 * (`mnist` declares `{ x: float32 [28, 28], y: int32 [] }`); operators that keep elements as they
 * are keep it; `map` drops it (its output is new): re-declare with {@link Dataset.withSpec}.
 *
 * @example
 * ```ts
 * const spec: ElementSpec = { x: { dtype: 'float32', shape: [4] }, y: { dtype: 'int32', shape: [] } };
 * const ds = fromArray(rows).withSpec(spec); // batch(16): x float32 [16, 4], y int32 [16]
 * ```
 */
export type ElementSpec = Readonly<Record<string, LeafSpec>>;

const DTYPES = new Set(['float32', 'int32', 'bool']);

/** Checks a spec given by a user: known dtypes, shapes of non-negative integers. */
export function checkSpec(spec: ElementSpec, where: string): ElementSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new ValueError(where, 'an object of { dtype, shape } keyed by element path', spec);
  }
  for (const [path, leaf] of Object.entries(spec)) {
    if (leaf === null || typeof leaf !== 'object' || !DTYPES.has(leaf.dtype)) {
      throw new ValueError(`${where}[${JSON.stringify(path)}].dtype`, "'float32', 'int32' or 'bool'", leaf?.dtype);
    }
    if (!Array.isArray(leaf.shape) || !leaf.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ValueError(`${where}[${JSON.stringify(path)}].shape`, 'an array of non-negative integers', leaf.shape);
    }
  }
  return spec;
}

/** The spec of `zip`ped datasets: each source's paths under its key (`[i]` for arrays, `key` for objects). */
export function zipSpecs(specs: (ElementSpec | undefined)[], keys: string[] | undefined): ElementSpec | undefined {
  const out: Record<string, LeafSpec> = {};
  let any = false;
  specs.forEach((s, i) => {
    if (!s) return;
    const prefix = keys ? keys[i]! : `[${i}]`;
    for (const [path, leaf] of Object.entries(s)) {
      any = true;
      out[path === '' ? prefix : joinPath(prefix, path)] = leaf;
    }
  });
  return any ? out : undefined;
}

function joinPath(prefix: string, path: string): string {
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** True when two specs declare the same leaves. */
export function sameSpec(a: ElementSpec | undefined, b: ElementSpec | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => {
    const x = a[k]!;
    const y = b[k];
    return y !== undefined && x.dtype === y.dtype && x.shape.length === y.shape.length && x.shape.every((d, i) => d === y.shape[i]);
  });
}
