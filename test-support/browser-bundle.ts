// Test-only: bundle one entry file the way a browser bundler would, to check that it pulls in no
// Node builtins (the packages keep file and zlib code in their `./node` entries).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The text of `entry` bundled for the browser (ESM; workspace and tfjs packages left external).
 * Rejects when the entry imports a Node builtin, naming it.
 */
export async function browserBundle(entry: URL): Promise<string> {
  const out = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    external: ['@tessera/*', '@tensorflow/*'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]?.text ?? '';
}
