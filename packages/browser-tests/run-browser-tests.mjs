// Runs the in-browser suites in headless Chromium. Without Chromium: fails under CI (CI=true,
// where scripts/ensure-chromium.sh installs it first), and skips with a notice elsewhere.
import { spawnSync } from 'node:child_process';
import { chromiumPath, hasChromium } from '../../test-support/chromium.mjs';

if (!hasChromium()) {
  const msg = `browser-tests: no Chromium at ${chromiumPath} (run scripts/ensure-chromium.sh)`;
  if (process.env.CI) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(`${msg}; skipped`);
  process.exit(0);
}
const r = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
