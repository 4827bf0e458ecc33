// End-to-end test of the page in headless Chromium: builds it with Vite, serves the build, picks
// a backend with ?backend=, trains, draws digits on the pad, checks the predictions and the chart's
// points, saves a screenshot to test-results/browser-example-<backend>.png (the backend that
// trained), then switches backend and predicts again. Usage: node test/run-e2e.mjs [backend]
// (default webgl).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, chromiumPath, hasChromium } from '../../../test-support/chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const backend = process.argv[2] ?? process.env.E2E_BACKEND ?? 'webgl';
if (!hasChromium()) {
  const msg = `example-browser e2e: no Chromium at ${chromiumPath} (run scripts/ensure-chromium.sh)`;
  if (process.env.CI) throw new Error(msg);
  console.warn(`${msg}; skipped`);
  process.exit(0);
}

const fail = (msg) => {
  console.error(`example-browser e2e (${backend}) FAILED: ${msg}`);
  process.exitCode = 1;
};

const made = spawnSync('node', ['scripts/make-subset.mjs'], { cwd: root, stdio: 'inherit' });
if (made.status !== 0) throw new Error('make-subset failed');
const { build, preview } = await import('vite');
await build({ root, logLevel: 'warn' });
const server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const url = server.resolvedUrls.local[0];
const { chromium: pw } = await import('playwright-core');
const browser = await pw.launch(chromiumLaunchOptions({ gpu: true }));
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 620 } });
  // A loaded 2-core CI machine runs other browser suites at the same time: generous waits.
  page.setDefaultTimeout(180_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}?backend=${backend}`);
  await page.waitForSelector('#status[data-state="ready"], #status[data-state="error"]', { timeout: 60_000 });
  const active = await page.$eval('#backend', (s) => s.value);
  const statusText = await page.textContent('#status');
  if (active !== backend || !statusText.includes(`backend ${backend} ready`))
    fail(`expected backend ${backend}, page says "${statusText}" (select: ${active})`);
  await page.fill('#epochs', '1');
  await page.fill('#samples', process.env.E2E_SAMPLES ?? '8000');
  const t0 = Date.now();
  await page.click('#train');
  await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 540_000 });
  const seconds = (Date.now() - t0) / 1000;
  const result = await page.textContent('#result');
  const accuracy = Number(await page.$eval('#result', (e) => e.dataset.accuracy));
  console.log(`example-browser e2e: trained on ${backend} in ${seconds.toFixed(1)} s: ${result}; ${await page.textContent('#rate')}`);
  if (!(accuracy >= 0.85)) fail(`test accuracy ${accuracy} < 0.85`);

  // Draw with the mouse on the 280×280 pad: a "1" (vertical stroke) and a "0" (ellipse).
  const box = await page.locator('#pad').boundingBox();
  const stroke = async (points) => {
    await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
    await page.mouse.down();
    for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 2 });
    await page.mouse.up();
  };
  const predicted = async () => {
    await page.waitForFunction(() => document.querySelector('#prediction')?.dataset.digit !== undefined);
    return page.$eval('#prediction', (e) => e.dataset.digit);
  };
  const drawings = {
    1: [Array.from({ length: 12 }, (_, i) => [140 + i * 0.8, 40 + i * 18])],
    0: [Array.from({ length: 41 }, (_, i) => [140 + 60 * Math.sin((i / 40) * 2 * Math.PI), 140 - 95 * Math.cos((i / 40) * 2 * Math.PI)])],
  };
  const got = {};
  for (const [digit, strokes] of Object.entries(drawings)) {
    await page.click('#clear');
    if ((await page.$eval('#prediction', (e) => e.dataset.digit)) !== undefined) fail('Clear left the old prediction');
    for (const s of strokes) await stroke(s);
    await page.waitForTimeout(300);
    got[digit] = await predicted();
    if (got[digit] !== digit) fail(`drew a ${digit}, the page predicted ${got[digit]}`);
  }
  console.log(`example-browser e2e: drew 1 -> predicted ${got[1]}, drew 0 -> predicted ${got[0]}`);

  // The chart was drawn (points per series, from drawChart's data-points), then the screenshot of
  // the backend that trained, before the switch below changes the page's backend.
  const points = JSON.parse((await page.$eval('#chart', (e) => e.dataset.points)) ?? '{}');
  console.log(`example-browser e2e: chart points ${JSON.stringify(points)}`);
  for (const label of ['loss', 'train accuracy', 'test accuracy'])
    if (!(points[label] > 0)) fail(`the chart has no ${label} points (data-points: ${JSON.stringify(points)})`);
  const shownBackend = await page.$eval('#backend', (s) => s.value);
  if (shownBackend !== backend) fail(`the page shows backend ${shownBackend} at the screenshot, expected ${backend}`);
  mkdirSync(join(root, 'test-results'), { recursive: true });
  const shot = resolve(root, `test-results/browser-example-${backend}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`example-browser e2e: screenshot (${backend}, after training and prediction) ${shot}`);

  // The backend switcher: the trained model moves to the new backend and still predicts.
  const other = backend === 'webgpu' ? 'webgl' : 'webgpu';
  await page.selectOption('#backend', other);
  await page.waitForFunction((b) => document.querySelector('#status')?.textContent === `backend ${b} ready`, other, { timeout: 60_000 });
  await page.click('#clear');
  await stroke(drawings[0][0]);
  await page.waitForTimeout(300);
  const afterSwitch = await predicted();
  console.log(`example-browser e2e: switched to ${other}, drew 0 -> predicted ${afterSwitch}`);
  if (afterSwitch !== '0') fail(`after switching to ${other}, drew a 0, the page predicted ${afterSwitch}`);
  if (errors.length) fail(`page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  await new Promise((r) => server.httpServer.close(r));
}
