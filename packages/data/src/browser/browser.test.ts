import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions, chromiumPath, hasChromium } from '../../../../test-support/chromium.mjs';
import { fromArray } from '../pipeline/sources.js';
import { DATASETS, REPO_ROOT } from '../test-utils/paths.js';

// The browser entry in real headless Chromium (Debian's /usr/bin/chromium). Without it: fails
// under CI (CI set, where scripts/ensure-chromium.sh installs it first, as in
// packages/browser-tests/run-browser-tests.mjs), so a missing browser is never counted as a pass;
// skipped with a notice elsewhere.
const available = hasChromium();
const requireBrowser = Boolean(process.env.CI);
const missing = `no Chromium at ${chromiumPath} (run scripts/ensure-chromium.sh or apt-get install -y chromium)`;
if (!available && !requireBrowser) console.warn(`browser.test.ts skipped: ${missing}`);

let server: Server | undefined;
let base = '';

beforeAll(async () => {
  if (!available) return;
  const { build } = await import('esbuild');
  const alias = Object.fromEntries(
    ['core', 'tensor', 'data', 'backend-cpu'].map((p) => [`@tessera/${p}`, join(REPO_ROOT, `packages/${p}/src/index.ts`)]),
  );
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    alias,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text;
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<script type="module" src="/page.js"></script>');
    if (url === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    const [, mode, ...rest] = url.split('/');
    try {
      const body = Buffer.from(readFileSync(join(DATASETS, ...rest)));
      if (mode === 'corrupt') body[10] = body[10]! ^ 0xff;
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  if (server) await new Promise((r) => server!.close(r));
});

describe.skipIf(!available && !requireBrowser)('browser entry in headless Chromium', () => {
  it('registry with the Cache API and IndexedDB, corrupt download, IDX, CSV stream, PNG, shuffle', async () => {
    if (!available) throw new Error(`browser.test.ts: ${missing}; CI is set, so this suite may not be skipped`);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/`);
      await page.waitForFunction(() => typeof (window as unknown as { runChecks?: unknown }).runChecks === 'function');
      const img = new PNG({ width: 3, height: 2 });
      img.data.fill(77);
      const pngBase64 = PNG.sync.write(img).toString('base64');
      const out = await page.evaluate(
        (b64) => (window as unknown as { runChecks(s: string): Promise<Record<string, unknown>> }).runChecks(b64),
        pngBase64,
      );
      expect(errors).toEqual([]);
      expect(out.irisRows).toBe(150);
      expect(out.cachedKeys).toEqual(['/datasets/iris/iris.csv']);
      expect(out.corruptError).toMatch(
        /iris-bad: could not get iris.csv \(nothing was cached in Cache API "tessera-datasets"\):\n.*SHA-256 mismatch/,
      );
      expect(out.cachedKeysAfterCorrupt).toBe(1);
      expect([out.idbBytes, out.idbStored, out.idbCorruptStored]).toEqual([3858, 3858, 'none']);
      expect(out.idbCorrupt).toMatch(/nothing was cached in IndexedDB "tessera-test".*\n.*SHA-256 mismatch/);
      expect(out.idx).toEqual([10000, 7, 6]);
      expect(out.sha).toBe('f7ae60f92e00ec6d');
      expect(out.csvRows).toBe(150);
      expect(out.png).toEqual([3, 2, 4, 77]);
      // the same seed gives the same order in the browser as in Node
      await useBackend(cpu());
      const node = await fromArray([1, 2, 3, 4, 5, 6]).shuffle({ seed: 1 }).toArray();
      expect(out.shuffled).toEqual(node);
    } finally {
      await browser.close();
    }
  });
});
