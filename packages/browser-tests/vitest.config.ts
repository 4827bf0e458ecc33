import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from '../../test-support/chromium.mjs';
import { sharedConfig } from '../../vitest.shared';

/**
 * Vitest browser mode in Debian's headless Chromium. SwiftShader gives software WebGL2 and
 * (with --enable-unsafe-webgpu) a software WebGPU adapter. The network flags keep Chromium from
 * calling out (the CI machine has no network).
 */
export default defineConfig({
  resolve: sharedConfig.resolve,
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      'onnxruntime-web/wasm',
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['verbose'],
    browser: {
      enabled: true,
      headless: true,
      // On a loaded 2-core CI machine, Vite's first dependency bundling (tfjs and its backends)
      // plus Chromium's start can take longer than the 60 s default before the page connects.
      connectTimeout: 300_000,
      screenshotFailures: false,
      provider: playwright({
        // the software WebGL2/WebGPU flags; the launch timeout is the connection's
        launchOptions: chromiumLaunchOptions({ gpu: true, timeout: 300_000 }),
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
