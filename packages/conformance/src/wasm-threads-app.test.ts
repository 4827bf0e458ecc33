import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The BUILT @tessera/backend-wasm runs tfjs's threaded build in Node from an ESM and a CommonJS
 * script (its pthread worker script ships in dist/), computes the same values as one thread,
 * and the script exits on its own: no pthread worker keeps the process alive.
 */
const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = join(repo, 'packages/conformance/.tmp/wasm-threads');

const body = (threads: string) => `
await useBackend(wasm({ threads: ${threads} }));
const a = randomUniform([300, 200], -1, 1, 'float32', 1);
const b = randomUniform([200, 100], -1, 1, 'float32', 2);
const product = matMul(a, b);
const values = await product.data();
let sum = 0;
for (const v of values) sum += v;
console.log(JSON.stringify({ backend: getBackend(), threads: getThreadsCount(), first: values[0], sum }));
`;
const esm = `import { useBackend } from '@tessera/core';
import { wasm } from '@tessera/backend-wasm';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { getBackend, matMul, randomUniform } from '@tessera/tensor';
${body('Number(process.argv[2])')}`;
const cjs = `const { useBackend } = require('@tessera/core');
const { wasm } = require('@tessera/backend-wasm');
const { getThreadsCount } = require('@tensorflow/tfjs-backend-wasm');
const { getBackend, matMul, randomUniform } = require('@tessera/tensor');
(async () => {${body('Number(process.argv[2])')}})();
`;

async function app(file: string, threads: number) {
  const started = Date.now();
  // execFile resolves once the process has exited: a hanging worker fails it by the timeout.
  const { stdout } = await run(process.execPath, [file, String(threads)], { cwd: dir, timeout: 60_000 });
  return { ...JSON.parse(stdout.trim().split('\n').pop() as string), ms: Date.now() - started };
}

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.mjs'), esm);
  writeFileSync(join(dir, 'app.cjs'), cjs);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('threaded wasm in a Node app', () => {
  it('ESM and CommonJS scripts run 2 threads, match 1 thread and exit', async () => {
    const one = await app('app.mjs', 1);
    expect(one).toMatchObject({ backend: 'wasm', threads: 1 });
    for (const file of ['app.mjs', 'app.cjs']) {
      const two = await app(file, 2);
      expect(two, file).toMatchObject({ backend: 'wasm', threads: 2 });
      expect(two.first, file).toBeCloseTo(one.first, 5);
      expect(two.sum, file).toBeCloseTo(one.sum, 2);
    }
  });
});
