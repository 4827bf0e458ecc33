import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../test-support/browser-bundle.js';

describe('entry points', () => {
  it('the main entry bundles for the browser without Node builtins; launchers, TCP and the CLI live in ./node', async () => {
    const bundle = (entry: string) => browserBundle(new URL(entry, import.meta.url));
    const text = await bundle('./index.ts');
    expect(text).toContain('function dataParallel(');
    expect(text).toContain('function launchWebWorkers(');
    expect(text).toContain('function runWebWorkerReplica(');
    expect(text).not.toMatch(/["'](node:)?(fs|path|os|net|child_process|worker_threads|util|url)["']/);
    await expect(bundle('./node.ts')).rejects.toThrow(/worker_threads|child_process|net|node:/);
  });
});
