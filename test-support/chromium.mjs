// Headless Chromium for the browser tests: Debian's /usr/bin/chromium (CHROMIUM_PATH names another),
// started with flags that keep it from calling out (the CI machine has no network). `gpu: true` adds
// SwiftShader's software WebGL2 and, with --enable-unsafe-webgpu, a software WebGPU adapter.
import { existsSync } from 'node:fs';

/** The Chromium executable the browser tests launch. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether that executable exists. */
export function hasChromium() {
  return existsSync(chromiumPath);
}

/** Command-line flags for headless Chromium; `gpu` adds the software WebGL2/WebGPU flags. */
export function chromiumArgs({ gpu = false } = {}) {
  const args = [
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (gpu) args.push('--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu');
  return args;
}

/**
 * Options for playwright-core's `chromium.launch`: the executable, the flags and a start-up timeout
 * (180 s by default: a loaded 2-core CI machine runs several browser suites at once).
 */
export function chromiumLaunchOptions({ gpu = false, timeout = 180_000 } = {}) {
  return { timeout, executablePath: chromiumPath, args: chromiumArgs({ gpu }) };
}
