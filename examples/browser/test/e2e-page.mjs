// Shared set-up of the RL and Text tab e2e tests: skips (or, under CI, fails) without Chromium,
// builds the pages with Vite, serves the build on 127.0.0.1 and launches headless Chromium.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, chromiumPath, hasChromium } from '../../../test-support/chromium.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `label` names the test in its messages ("rl", "text"); returns the served URL, the browser, the server and `fail`. */
export async function servedPages(label, backend) {
  if (!hasChromium()) {
    const msg = `example-browser ${label} e2e: no Chromium at ${chromiumPath} (run scripts/ensure-chromium.sh)`;
    if (process.env.CI) throw new Error(msg);
    console.warn(`${msg}; skipped`);
    process.exit(0);
  }
  const fail = (msg) => {
    console.error(`example-browser ${label} e2e (${backend}) FAILED: ${msg}`);
    process.exitCode = 1;
  };
  const t0 = Date.now();
  const { build, preview } = await import('vite');
  await build({ root, logLevel: 'warn' });
  const server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls.local[0];
  console.log(`example-browser ${label} e2e: built and serving in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch(chromiumLaunchOptions());
  return { url, browser, server, fail };
}
