import { detectRuntime } from './runtime.js';

/**
 * The part of a `require` function that {@link resolveInNode} uses: `require.resolve`.
 *
 * @example
 * ```ts
 * const req: RequireLike | undefined = (await nodeModuleBuiltin())?.createRequire(import.meta.url);
 * const path = req?.resolve('@tensorflow/tfjs-core');
 * ```
 */
export type RequireLike = { resolve(id: string, options?: { paths?: string[] }): string };
/**
 * The part of Node's `module` builtin that {@link nodeModuleBuiltin} returns: `createRequire`.
 *
 * @example
 * ```ts
 * const mod: ModuleBuiltin | undefined = await nodeModuleBuiltin();
 * const require = mod?.createRequire(import.meta.url);
 * ```
 */
export type ModuleBuiltin = { createRequire(path: string | URL): RequireLike };

/**
 * Node's `module` builtin without a static import (so browser bundles never see it).
 * Undefined outside Node.
 *
 * @example
 * ```ts
 * const mod = await nodeModuleBuiltin();
 * const require = mod?.createRequire(import.meta.url);
 * ```
 */
export async function nodeModuleBuiltin(): Promise<ModuleBuiltin | undefined> {
  if (detectRuntime() !== 'node') return undefined;
  const proc = globalThis as unknown as { process: { getBuiltinModule?: (id: string) => unknown } };
  const viaProcess = proc.process.getBuiltinModule?.('module') as ModuleBuiltin | undefined;
  if (viaProcess) return viaProcess;
  const id = ['node', 'module'].join(':');
  return (await import(/* @vite-ignore */ id)) as ModuleBuiltin;
}

/**
 * Resolves a module path with Node's resolver, relative to `from` (a file URL or path, or a
 * directory ending in '/'), without loading it. Undefined outside Node or when not installed.
 *
 * @example
 * ```ts
 * const p = await resolveInNode('@tensorflow/tfjs-node', import.meta.url);
 * ```
 */
export async function resolveInNode(id: string, from?: string): Promise<string | undefined> {
  const mod = await nodeModuleBuiltin();
  if (!mod) return undefined;
  try {
    const cwd = (globalThis as unknown as { process: { cwd(): string } }).process.cwd();
    const base = from ?? `${cwd}/`;
    const req = mod.createRequire(base.endsWith('/') ? `${base}noop.js` : base);
    return req.resolve(id);
  } catch {
    return undefined;
  }
}
