import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium as chromiumExists, chromiumLaunchOptions, chromiumPath } from '../../../test-support/chromium.mjs';
import { maxDiff } from './max-diff.js';
import type { ReplicaData, ReplicaResult } from './web/replica.js';

/**
 * Web Workers in headless Chromium: a cross-origin-isolated page (COOP same-origin, COEP
 * require-corp, so SharedArrayBuffer exists) starts 2 replicas with launchWebWorkers; each trains
 * an Iris MLP with dataParallel under fit on the cpu backend. Both must end with bit-identical
 * weights, equal to a 1-worker run of the same global batches within 1e-5. The page and the
 * worker are bundled from the package sources with esbuild and served from memory.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const datasets = process.env.TESSERA_DATASETS ?? resolve(repo, '../shared/datasets');
const hasChromium = chromiumExists();
if (!hasChromium && process.env.CI) throw new Error(`no Chromium at ${chromiumPath} (bash scripts/ensure-chromium.sh)`);

/** Iris rows standardized per column, labels 0-2 (read from the shared dataset, not committed). */
function irisRows(): { rows: number[][]; labels: number[] } {
  const lines = readFileSync(resolve(datasets, 'iris/iris.csv'), 'utf8').trim().split('\n').slice(1);
  const species: string[] = [];
  const raw = lines.map((l) => l.split(','));
  const rows = raw.map((c) => c.slice(0, 4).map(Number));
  const labels = raw.map((c) => {
    const s = (c[4] as string).trim();
    if (!species.includes(s)) species.push(s);
    return species.indexOf(s);
  });
  for (let j = 0; j < 4; j++) {
    const col = rows.map((r) => r[j] as number);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
    for (const r of rows) r[j] = ((r[j] as number) - mean) / sd;
  }
  return { rows, labels };
}

/** Workspace packages resolve to their sources, as in the Node tests. */
const sources: Plugin = {
  name: 'tessera-sources',
  setup(b) {
    b.onResolve({ filter: /^@tessera\/[a-z0-9-]+$/ }, (args) => ({ path: resolve(repo, 'packages', args.path.slice(9), 'src/index.ts') }));
  },
};

async function bundle(): Promise<Record<string, string>> {
  const out = await build({
    entryPoints: { page: resolve(here, 'web/page.ts'), replica: resolve(here, 'web/replica.ts') },
    bundle: true,
    write: false,
    outdir: '/',
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [sources],
    logLevel: 'silent',
  });
  const files: Record<string, string> = {
    '/': '<!doctype html><html><head><meta charset="utf-8"><title>replicas</title></head><body><script type="module" src="/page.js"></script></body></html>',
  };
  for (const f of out.outputFiles) files[f.path] = f.text;
  return files;
}

function serve(files: Record<string, string>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = files[path];
    res.writeHead(body === undefined ? 404 : 200, {
      'Content-Type': path.endsWith('.js') ? 'text/javascript' : 'text/html',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(body ?? 'not found');
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

describe.skipIf(!hasChromium)('data-parallel replicas as Web Workers in Chromium', () => {
  let server: Server;
  let browser: Browser;
  beforeAll(async () => {
    server = await serve(await bundle());
    const { chromium: pw } = await import('playwright-core');
    browser = await pw.launch(chromiumLaunchOptions());
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
  });

  it('2 workers over SharedArrayBuffer: identical weights, equal to 1 worker within 1e-5', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.setDefaultTimeout(120_000);
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined);
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    const data: ReplicaData = { ...irisRows(), epochs: 3, batchSize: 32 };
    const two = await page.evaluate((d) => window.runReplicas(2, d), data);
    const one = await page.evaluate((d) => window.runReplicas(1, d), data);
    expect(errors).toEqual([]);
    const [a, b] = two as [ReplicaResult, ReplicaResult];
    const ref = one[0] as ReplicaResult;
    expect([a.rank, b.rank, a.worldSize, ref.worldSize]).toEqual([0, 1, 2, 1]);
    expect(a.transport).toBe('shared-memory');
    expect(a.isolated && b.isolated).toBe(true);
    // 150 rows, global batch 32: 5 steps an epoch, the same global batches in both runs
    expect([a.steps, b.steps, ref.steps]).toEqual([15, 15, 15]);
    expect(b.weights).toEqual(a.weights);
    expect(maxDiff(ref, a)).toBeLessThan(1e-5);
    expect(Math.abs(ref.loss - a.loss)).toBeLessThan(1e-5);
    expect(a.loss).toBeLessThan(0.5);
    for (const r of [a, b, ref]) expect(r.tensorsPerEpoch[2]).toBe(r.tensorsPerEpoch[1]);
    await page.close();
  }, 180_000);

  it('a worker that throws aborts the group; launchWebWorkers rejects naming it', async () => {
    const page = await browser.newPage();
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined);
    const data: ReplicaData = { ...irisRows(), epochs: 2, batchSize: 32, dieAt: { rank: 1, step: 3 } };
    const t0 = Date.now();
    const error = await page.evaluate(
      (d) =>
        window.runReplicas(2, d).then(
          () => 'resolved',
          (e: Error) => e.message,
        ),
      data,
    );
    // rank 1 fails first; rank 0, blocked in its next all-reduce, throws naming rank 1
    expect(error).toMatch(/launchWebWorkers: 2 of 2 workers failed; first: rank \d: .*rank 1 stops at step 3/);
    expect(Date.now() - t0).toBeLessThan(30_000);
    await page.close();
  }, 180_000);
});
