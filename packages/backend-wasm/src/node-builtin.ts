/**
 * A Node builtin module loaded without a static import, so browser bundles never see it
 * (`process.getBuiltinModule` from Node 20.16, else a dynamic import). Only called in Node.
 */
export async function nodeBuiltin<T>(name: 'fs' | 'module' | 'os' | 'url'): Promise<T> {
  const proc = (globalThis as unknown as { process: { getBuiltinModule?: (id: string) => unknown } }).process;
  const viaProcess = proc.getBuiltinModule?.(`node:${name}`) as T | undefined;
  if (viaProcess) return viaProcess;
  const id = ['node', name].join(':');
  return (await import(/* @vite-ignore */ id)) as T;
}
