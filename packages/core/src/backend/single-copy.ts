import { TesseraError } from '../errors.js';

const REGISTRY = Symbol.for('tessera.tfjsCoreCopies');

/**
 * One recorded copy of tfjs-core: where it was resolved, its version and which package uses it
 * (see {@link recordTfjsCore} and {@link assertSingleTfjsCore}).
 *
 * @example
 * ```ts
 * const copies: CopyRecord[] = [
 *   { path: '/app/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js', version: '4.22.0', who: '@tessera/core' },
 *   { path: '/app/node_modules/x/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js', version: '4.21.0', who: 'x' },
 * ];
 * assertSingleTfjsCore(copies); // throws a TesseraError with code 'DUPLICATE_TFJS' naming both paths
 * ```
 */
export interface CopyRecord {
  /** Resolved path of tfjs-core's entry file. */
  path: string;
  /** tfjs-core version (`version_core`), or `unknown`. */
  version: string;
  /** Package (or `a loaded module`) that uses this copy. */
  who: string;
}

function registry(): CopyRecord[] {
  const g = globalThis as unknown as Record<symbol, CopyRecord[] | undefined>;
  g[REGISTRY] ??= [];
  return g[REGISTRY] as CopyRecord[];
}

/**
 * Records which copy of tfjs-core a package uses (its resolved path and version), then throws
 * if two different copies were recorded: two copies mean two kernel registries and silent bugs.
 *
 * @example
 * ```ts
 * recordTfjsCore('/app/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js', '4.22.0', '@tessera/core');
 * ```
 */
export function recordTfjsCore(path: string, version: string, who: string): void {
  const list = registry();
  if (!list.some((r) => r.path === path && r.who === who)) list.push({ path, version, who });
  assertSingleTfjsCore();
}

/**
 * Throws a clear error naming both paths when more than one copy of tfjs-core is in use.
 *
 * @example
 * ```ts
 * assertSingleTfjsCore();
 * ```
 */
export function assertSingleTfjsCore(paths: readonly CopyRecord[] = registry()): void {
  const distinct = new Map<string, CopyRecord>();
  for (const r of paths) if (!distinct.has(r.path)) distinct.set(r.path, r);
  if (distinct.size > 1) {
    const [a, b] = [...distinct.values()] as [CopyRecord, CopyRecord];
    throw new TesseraError(
      'DUPLICATE_TFJS',
      `two copies of @tensorflow/tfjs-core are loaded: ${a.path} (v${a.version}, used by ${a.who}) and ${b.path} (v${b.version}, used by ${b.who}). ` +
        'Tensors and kernels registered in one are invisible to the other. Deduplicate with `npm dedupe` ' +
        'or pin one version of @tensorflow/tfjs-core (all Tessera packages take it as a peer dependency).',
    );
  }
}

/**
 * Records every copy of tfjs-core's Node entry that Node has loaded (from the module cache),
 * then checks there is only one. A no-op outside Node.
 *
 * @example
 * ```ts
 * checkLoadedTfjsCore(await nodeModuleBuiltin()); // or checkLoadedTfjsCore() on Node >= 20.16
 * ```
 */
export function checkLoadedTfjsCore(moduleBuiltin?: unknown): void {
  // Node's `module` builtin: passed in (useBackend imports it, which works on every Node >= 20),
  // else process.getBuiltinModule (Node >= 20.16); outside Node there is no module cache to read.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = (moduleBuiltin ?? proc?.getBuiltinModule?.('module')) as { _cache?: Record<string, unknown> } | undefined;
  const cache = mod?._cache;
  if (cache) {
    for (const key of Object.keys(cache)) {
      if (/[\\/]@tensorflow[\\/]tfjs-core[\\/]dist[\\/]tf-core\.node\.js$/.test(key)) {
        const list = registry();
        if (!list.some((r) => r.path === key)) list.push({ path: key, version: 'unknown', who: 'a loaded module' });
      }
    }
  }
  assertSingleTfjsCore();
}

/**
 * Clears the records (tests only).
 *
 * @example
 * ```ts
 * afterEach(() => resetTfjsCoreRecords());
 * ```
 */
export function resetTfjsCoreRecords(): void {
  registry().length = 0;
}
