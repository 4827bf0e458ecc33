// End-to-end test of the text tab in headless Chromium: builds the page with Vite, serves the build,
// follows the RL page's tab link, opens text.html on wasm with a short time budget (TEXT_SECONDS,
// default 8, and at least TEXT_MIN_STEPS steps, default 30, however loaded the machine) and a sample
// length (TEXT_LENGTH, default 120), trains, and checks that the loss
// decreases, that the chart plotted it, that a sample of the requested length appears and changes
// while the model learns, that the page kept painting frames, and that there were no page errors.
// Saves test-results/browser-example-text.png. Usage: node test/text-e2e.mjs [backend] (default wasm).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { root, servedPages } from './e2e-page.mjs';

const backend = process.argv[2] ?? 'wasm';
const seconds = Number(process.env.TEXT_SECONDS ?? 8);
// at least this many steps whatever the machine's load (the loss check needs them)
const minSteps = Number(process.env.TEXT_MIN_STEPS ?? 30);
const length = Number(process.env.TEXT_LENGTH ?? 120);
const { url, browser, server, fail } = await servedPages('text', backend);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // A loaded 2-core CI machine runs other browser suites at the same time: generous waits.
  page.setDefaultTimeout(180_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // The other pages link to the text tab.
  for (const from of ['', 'rl.html']) {
    await page.goto(`${url}${from}`);
    const tab = await page.$eval('#tab-text', (a) => a.getAttribute('href'));
    if (tab !== './text.html') fail(`the tab link on "${from || 'index'}" points to ${tab}`);
  }

  await page.goto(`${url}text.html?backend=${backend}&seconds=${seconds}&minSteps=${minSteps}&length=${length}&seed=3&temperature=0.8`);
  await page.waitForSelector('#status[data-state="ready"], #status[data-state="error"]', { timeout: 60_000 });
  const statusText = await page.textContent('#status');
  if (!statusText.includes(`backend ${backend} ready`)) fail(`expected backend ${backend}, page says "${statusText}"`);

  // Every sample shown, and the longest gap between animation frames, while training.
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__samples = [];
    w.__gaps = { last: performance.now(), max: 0 };
    const box = document.querySelector('#sample');
    new MutationObserver(() => {
      const d = box.dataset;
      if (d.count && w.__samples.at(-1)?.count !== d.count)
        w.__samples.push({ count: d.count, step: Number(d.step), length: Number(d.length), text: d.text, tensors: Number(d.tensors) });
    }).observe(box, { attributes: true, childList: true });
    const tick = (now) => {
      if (now - w.__gaps.last > w.__gaps.max) {
        w.__gaps.max = now - w.__gaps.last;
        w.__gaps.at = `step ${document.querySelector('#stats')?.dataset.step ?? 0}, ${document.querySelector('#sample')?.dataset.count ?? 0} samples done`;
      }
      w.__gaps.last = now;
      if (!['done', 'error'].includes(document.querySelector('#status')?.dataset.state ?? '')) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const trainStart = Date.now();
  await page.click('#start');
  await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: (seconds + 120) * 1000 });
  const took = (Date.now() - trainStart) / 1000;
  const done = await page.textContent('#status');
  console.log(`example-browser text e2e: ${done} (${took.toFixed(1)} s in the test)`);
  if (!done.startsWith('done')) fail(`training did not finish: "${done}"`);

  const steps = await page.$eval('#stats', (e) => Number(e.dataset.step));
  const points = JSON.parse((await page.$eval('#chart', (e) => e.dataset.points)) ?? '{}');
  if (points.loss !== steps || !(steps >= minSteps))
    fail(`expected at least ${minSteps} steps, each a loss point; ${steps} steps, chart ${JSON.stringify(points)}`);
  // The loss curve: mean of the first and of the last three steps (from ln 65 ≈ 4.17 down; on a
  // loaded 2-core machine 8 s are only 10 to 30 steps).
  const curve = (await page.$eval('#stats', (e) => e.dataset.losses ?? '')).split(',').map(Number);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [first, last] = [mean(curve.slice(0, 3)), mean(curve.slice(-3))];
  console.log(`example-browser text e2e: ${steps} steps, loss (mean of 3 steps) ${first.toFixed(3)} -> ${last.toFixed(3)}`);
  if (curve.length !== steps) fail(`the page reported ${curve.length} losses for ${steps} steps`);
  if (!(first > 3.5 && last < first - 0.3)) fail(`the loss did not decrease by 0.3: ${first} -> ${last}`);

  const samples = await page.evaluate(() => /** @type {any} */ (window).__samples);
  for (const s of samples)
    console.log(`example-browser text e2e: sample ${s.count} at step ${s.step}: ${JSON.stringify(s.text.slice(0, 60))}...`);
  if (samples.length < 3) fail(`expected at least 3 samples (the untrained one, during and after training), got ${samples.length}`);
  for (const s of samples)
    if (s.length !== length || [...s.text].length !== length) fail(`sample ${s.count} has ${s.length} characters, expected ${length}`);
  if (new Set(samples.map((s) => s.text)).size !== samples.length) fail('the samples did not change as the model trained');
  if (!(samples.at(-1).step === steps)) fail(`the last sample is of step ${samples.at(-1)?.step}, training ended at ${steps}`);
  // No tensor leaks: once training started (optimizer state made), live tensors stay the same.
  const counts = samples.filter((s) => s.step > 0).map((s) => s.tensors);
  console.log(`example-browser text e2e: live tensors after each sample while training ${counts.join(', ')}`);
  if (!(counts.length >= 2 && counts.every((c) => c === counts[0]))) fail(`live tensors changed while training: ${counts.join(', ')}`);
  const shown = await page.textContent('#sample');
  if (!shown.endsWith(samples.at(-1).text)) fail('the page does not show the last sample');
  const gap = await page.evaluate(() => /** @type {any} */ (window).__gaps);
  console.log(`example-browser text e2e: longest gap between frames while training ${gap.max.toFixed(0)} ms (ending at ${gap.at})`);

  mkdirSync(join(root, 'test-results'), { recursive: true });
  const shot = resolve(root, 'test-results/browser-example-text.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`example-browser text e2e: screenshot ${shot}`);
  if (errors.length) fail(`page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  await new Promise((r) => server.httpServer.close(r));
}
