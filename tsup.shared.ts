import type { Options } from 'tsup';

/**
 * Shared tsup options: ESM + CJS + d.ts from src/index.ts. Dependencies and peers stay
 * external; `noExternal` names modules that must be bundled (tfjs-core's ESM-only files).
 */
export function packageConfig(overrides: Partial<Options> = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    treeshake: true,
    splitting: false,
    shims: true,
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js' }),
    ...overrides,
  };
}
