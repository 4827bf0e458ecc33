// End-to-end test of the RL tab in headless Chromium: builds the page with Vite, serves the build,
// follows the MNIST page's tab link, opens rl.html on wasm, and checks that the CartPole canvas is
// drawn and animates (non-white pixels, which change between frames) before and while PPO learns,
// that timesteps advance rollout by rollout and ep_rew_mean is reported, and that the return curve
// has points. Saves test-results/browser-example-rl.png. Usage: node test/rl-e2e.mjs [backend]
// (default wasm); RL_TIMESTEPS sets the learning budget (default 2048: 8 rollouts of 256 steps).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { root, servedPages } from './e2e-page.mjs';

const backend = process.argv[2] ?? 'wasm';
const budget = Number(process.env.RL_TIMESTEPS ?? 2048);
const { url, browser, server, fail } = await servedPages('rl', backend);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  // A loaded 2-core CI machine runs other browser suites at the same time: generous waits.
  page.setDefaultTimeout(180_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // The MNIST page links to the RL tab.
  await page.goto(url);
  const tab = await page.$eval('#tab-rl', (a) => a.getAttribute('href'));
  if (tab !== './rl.html') fail(`the MNIST page's RL tab links to ${tab}`);

  await page.goto(`${url}rl.html?backend=${backend}`);
  await page.waitForSelector('#status[data-state="ready"], #status[data-state="error"]', { timeout: 60_000 });
  const statusText = await page.textContent('#status');
  if (!statusText.includes(`backend ${backend} ready`)) fail(`expected backend ${backend}, page says "${statusText}"`);

  // The CartPole canvas: how many pixels are not white, and a hash of them, frame after frame.
  const snapshot = () =>
    page.$eval('#cartpole', (c) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let ink = 0;
      let hash = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) {
          ink++;
          hash = (hash * 31 + i + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) >>> 0;
        }
      }
      return { ink, hash, frames: Number(c.dataset.frames ?? 0) };
    });
  // Two snapshots at least 250 ms and 3 frames apart. While PPO learns, a rollout blocks the page for
  // up to ~0.6 s idle and several seconds on a loaded machine, so the wait is for frames, not a fixed time.
  const animates = async (when) => {
    const a = await snapshot();
    await page.waitForTimeout(250);
    const drawn = await page
      .waitForFunction((n) => Number(document.querySelector('#cartpole')?.dataset.frames ?? 0) >= n, a.frames + 3, {
        timeout: 60_000,
        polling: 50,
      })
      .then(() => true)
      .catch(() => false);
    const b = await snapshot();
    console.log(`example-browser rl e2e: canvas ${when}: ${a.ink} -> ${b.ink} drawn pixels, frames ${a.frames} -> ${b.frames}`);
    if (!(a.ink > 1000 && b.ink > 1000)) fail(`the CartPole canvas is (nearly) blank ${when}: ${a.ink}, ${b.ink} non-white pixels`);
    if (!drawn) fail(`fewer than 3 frames drawn in 60 s ${when} (frames ${a.frames} -> ${b.frames})`);
    if (a.hash === b.hash) fail(`the CartPole canvas did not change between frames ${when}`);
  };
  await animates('before learning');

  // The longest gap between animation frames while PPO learns (one rollout blocks the page).
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__gaps = { last: performance.now(), max: 0 };
    const tick = (now) => {
      w.__gaps.max = Math.max(w.__gaps.max, now - w.__gaps.last);
      w.__gaps.last = now;
      if (!['done', 'error'].includes(document.querySelector('#status')?.dataset.state ?? '')) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.fill('#budget', String(budget));
  const learnStart = Date.now();
  await page.click('#start');
  const timesteps = () => page.$eval('#stats', (e) => Number(e.dataset.timesteps ?? 0));
  await page.waitForFunction(() => Number(document.querySelector('#stats')?.dataset.timesteps ?? 0) > 0, null, { timeout: 120_000 });
  await animates('while learning');
  await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 240_000 });
  const history = (await page.$eval('#stats', (e) => e.dataset.history ?? '')).split(',').map(Number);
  const expected = Array.from({ length: budget / 256 }, (_, i) => (i + 1) * 256);
  console.log(`example-browser rl e2e: timesteps shown ${history.join(' -> ')}`);
  if (history.join() !== expected.join()) fail(`timesteps did not advance by rollouts of 256 to ${budget}: ${history.join(', ')}`);
  const gap = await page.evaluate(() => /** @type {any} */ (window).__gaps.max);
  console.log(`example-browser rl e2e: longest gap between frames while learning ${gap.toFixed(0)} ms`);
  const seconds = (Date.now() - learnStart) / 1000;
  const done = await page.textContent('#status');
  const final = await timesteps();
  const epRewMean = await page.$eval('#stats', (e) => Number(e.dataset.epRewMean));
  const shown = await page.textContent('#ep-rew-mean');
  console.log(
    `example-browser rl e2e: ${done} (${seconds.toFixed(1)} s in the test); ep_rew_mean ${shown}, env steps/s ${await page.textContent('#fps')}`,
  );
  if (!done.startsWith('done')) fail(`learning did not finish: "${done}"`);
  if (final !== budget) fail(`final timesteps ${final}, expected ${budget}`);
  // CartPole returns are at least 1 and at most 500 per episode.
  if (!(epRewMean >= 1 && epRewMean <= 500)) fail(`ep_rew_mean ${epRewMean} is not a CartPole return`);
  if (shown !== epRewMean.toFixed(1)) fail(`the page shows ep_rew_mean "${shown}", its data says ${epRewMean}`);
  const points = JSON.parse((await page.$eval('#returns', (e) => e.dataset.points)) ?? '{}');
  console.log(`example-browser rl e2e: return curve points ${JSON.stringify(points)}`);
  if (!(points.ep_rew_mean >= 1)) fail(`the return curve has no ep_rew_mean points (${JSON.stringify(points)})`);
  await animates('after learning');

  mkdirSync(join(root, 'test-results'), { recursive: true });
  const shot = resolve(root, 'test-results/browser-example-rl.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`example-browser rl e2e: screenshot ${shot}`);
  if (errors.length) fail(`page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  await new Promise((r) => server.httpServer.close(r));
}
