/** True when running in Node.js. */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return Boolean(proc?.versions?.node);
}

/**
 * A Node builtin module loaded without a static import, so browser bundles never see it.
 * Throws a clear error outside Node.
 */
export async function nodeBuiltin<T>(name: 'fs' | 'fs/promises' | 'path' | 'os' | 'zlib' | 'crypto' | 'stream'): Promise<T> {
  if (!isNode()) throw new Error(`node:${name} is only available in Node.js (this feature reads or writes files)`);
  const proc = (globalThis as unknown as { process: { getBuiltinModule?: (id: string) => unknown } }).process;
  const viaProcess = proc.getBuiltinModule?.(`node:${name}`) as T | undefined;
  if (viaProcess) return viaProcess;
  const id = ['node', name].join(':');
  return (await import(/* @vite-ignore */ id)) as T;
}
