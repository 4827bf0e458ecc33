import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

// Two entries: the main one is browser-safe (specs, and SVG through a lazy import of vega);
// `./node` adds PNG (resvg) and file writing.
export default defineConfig(packageConfig({ entry: ['src/index.ts', 'src/node.ts'], shims: false }));
