import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { node as nativeBackend } from '@tessera/backend-node';
import { describe, expect, it } from 'vitest';

/**
 * App-level checks through the BUILT packages (as a user's app resolves them): backend
 * selection by environment, the CommonJS build, and the duplicate tfjs-core guard.
 */
const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const app = join(repo, 'examples/auto-backend');

async function node(args: string[], env: Record<string, string> = {}, cwd = app) {
  const { stdout } = await run(process.execPath, args, { cwd, env: { ...process.env, ...env }, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

describe('an app calling auto()', () => {
  it('runs on wasm with TESSERA_BACKEND=wasm', async () => {
    const out = await node(['index.mjs'], { TESSERA_BACKEND: 'wasm' });
    expect(out).toEqual({ backend: 'wasm', plugin: 'wasm', result: [11] });
  });
  it('runs on cpu with TESSERA_BACKEND=cpu', async () => {
    const out = await node(['index.mjs'], { TESSERA_BACKEND: 'cpu' });
    expect(out).toEqual({ backend: 'cpu', plugin: 'cpu', result: [11] });
  });
  it('picks by priority without TESSERA_BACKEND (native TensorFlow when set up, else wasm over cpu in Node)', async () => {
    const env = { ...process.env };
    delete env.TESSERA_BACKEND;
    const { stdout } = await run(process.execPath, ['index.mjs'], { cwd: app, env, timeout: 60_000 });
    const expected = (await nativeBackend().isAvailable())
      ? { backend: 'tensorflow', plugin: 'node' }
      : { backend: 'wasm', plugin: 'wasm' };
    expect(JSON.parse(stdout.trim())).toEqual({ ...expected, result: [11] });
  });
  it('runs on native TensorFlow with TESSERA_BACKEND=node', async (ctx) => {
    if (!(await nativeBackend().isAvailable())) ctx.skip('@tensorflow/tfjs-node is not installed here (run `npm run setup:native`)');
    const out = await node(['index.mjs'], { TESSERA_BACKEND: 'node' });
    expect(out).toEqual({ backend: 'tensorflow', plugin: 'node', result: [11] });
  });
});

describe('the CommonJS builds', () => {
  it('require() works and has gradients registered', async () => {
    const out = await node(['index.cjs']);
    expect(out).toEqual({ backend: 'cpu', grad: [2, 4, 6] });
  });
});

describe('two copies of tfjs-core', () => {
  it('useBackend refuses to run and names both paths', async () => {
    const dir = join(repo, 'packages/conformance/.tmp/dup');
    rmSync(dir, { recursive: true, force: true });
    const copy = join(dir, 'node_modules/@tensorflow/tfjs-core');
    mkdirSync(join(copy, 'dist'), { recursive: true });
    const original = join(repo, 'node_modules/@tensorflow/tfjs-core');
    copyFileSync(join(original, 'package.json'), join(copy, 'package.json'));
    copyFileSync(join(original, 'dist/tf-core.node.js'), join(copy, 'dist/tf-core.node.js'));
    writeFileSync(
      join(dir, 'app.cjs'),
      `require('./node_modules/@tensorflow/tfjs-core');
const { useBackend } = require('@tessera/core');
const { cpu } = require('@tessera/backend-cpu');
useBackend(cpu()).then(() => console.log(JSON.stringify({ ok: true })), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`,
    );
    try {
      const out = await node(['app.cjs'], {}, dir);
      expect(out.code).toBe('DUPLICATE_TFJS');
      expect(out.message).toContain(join(repo, 'node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js'));
      expect(out.message).toContain(join(copy, 'dist/tf-core.node.js'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
