// wasm threads in a cross-origin-isolated page: serves the page (Vite dev server, unminified) with
// COOP/COEP headers, checks the wasm backend loads its threaded SIMD binary and trains (tfjs picks
// the thread count: half the cores, so 1 on a 2-core machine).
// (tfjs 4.22's threaded build cannot start from a minified bundle; see @tessera/backend-wasm.)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, chromiumPath, hasChromium } from '../../../test-support/chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!hasChromium()) {
  if (process.env.CI) throw new Error(`no Chromium at ${chromiumPath}`);
  console.warn(`isolated-wasm: no Chromium at ${chromiumPath}; skipped`);
  process.exit(0);
}
const { createServer } = await import('vite');
const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const server = await createServer({ root, server: { port: 0, host: '127.0.0.1', headers }, logLevel: 'warn' });
await server.listen();
const url = server.resolvedUrls.local[0];
const { chromium: pw } = await import('playwright-core');
const browser = await pw.launch(chromiumLaunchOptions());
try {
  const page = await browser.newPage();
  // A loaded 2-core CI machine runs other browser suites at the same time: generous waits.
  page.setDefaultTimeout(180_000);
  const wasmFiles = [];
  page.on('request', (r) => {
    if (/\.wasm(\?|$)/.test(r.url())) wasmFiles.push(r.url().split('/').pop());
  });
  await page.goto(`${url}?backend=wasm`);
  await page.waitForSelector('#status[data-state="ready"], #status[data-state="error"]', { timeout: 120_000 });
  const detail = await page.textContent('#detail');
  await page.fill('#samples', '4000');
  await page.fill('#epochs', '1');
  await page.click('#train');
  await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 300_000 });
  const result = await page.textContent('#result');
  console.log(`isolated-wasm: ${await page.textContent('#status')}${detail}; loaded ${wasmFiles.join(', ')}; ${result}`);
  if (!detail.includes('page cross-origin isolated')) throw new Error(`expected an isolated page, page says "${detail}"`);
  if (!wasmFiles.some((f) => f.startsWith('tfjs-backend-wasm-threaded-simd')))
    throw new Error(`expected the threaded binary, loaded ${wasmFiles}`);
  if (!(Number(await page.$eval('#result', (e) => e.dataset.accuracy)) > 0.8)) throw new Error(`training failed: ${result}`);
} finally {
  await browser.close();
  await server.close();
}
