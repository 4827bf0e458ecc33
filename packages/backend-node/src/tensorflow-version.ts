import { createRequire } from 'node:module';
import { BackendUnavailableError } from '@tessera/core';

/**
 * The TensorFlow library versions `node()` is tested on: the backend conformance suite and the
 * examples pass on them (with `TF_ENABLE_ONEDNN_OPTS=0` and `@tessera/kernels`' fixes). `npm run
 * setup:native` builds tfjs-node 4.22 against the first one. Loading any other version is refused
 * unless `node({ allowUntestedTensorflow: true })`.
 *
 * @example
 * ```ts
 * import { TESTED_TENSORFLOW_VERSIONS } from '@tessera/backend-node';
 * console.log(TESTED_TENSORFLOW_VERSIONS); // ['2.21.0']
 * ```
 */
export const TESTED_TENSORFLOW_VERSIONS: readonly string[] = ['2.21.0'];

let loadedVersion: string | undefined;

/**
 * The version of the TensorFlow C library the native backend runs on (e.g. `'2.21.0'`), once
 * `useBackend(node())` (or `nodeGpu()`) has loaded it; `undefined` before.
 *
 * @example
 * ```ts
 * import { useBackend } from '@tessera/core';
 * import { node, tensorflowVersion } from '@tessera/backend-node';
 * await useBackend(node());
 * console.log(`TensorFlow ${tensorflowVersion()}`); // TensorFlow 2.21.0
 * ```
 */
export function tensorflowVersion(): string | undefined {
  return loadedVersion;
}

/**
 * Loads tfjs-node's native binding (the TensorFlow library, without registering anything with
 * tfjs) and returns its `TF_Version()`. `entry` is the resolved entry file of `pkg`.
 */
export function readTensorflowVersion(pkg: string, entry: string): string {
  const req = createRequire(entry);
  const preGyp = req('@mapbox/node-pre-gyp') as { find(packageJson: string): string };
  const binding = req(preGyp.find(req.resolve(`${pkg}/package.json`))) as { TF_Version?: string };
  if (typeof binding.TF_Version !== 'string') throw new Error(`${pkg}'s binding reports no TF_Version`);
  loadedVersion = binding.TF_Version;
  return binding.TF_Version;
}

/**
 * Throws a {@link BackendUnavailableError} naming the expected and the received version when
 * `received` is not among `tested` and untested versions are not allowed.
 */
export function checkTensorflowVersion(backend: string, received: string, tested: readonly string[], allowUntested: boolean): void {
  if (allowUntested || tested.includes(received)) return;
  throw new BackendUnavailableError(
    backend,
    `untested TensorFlow version: expected TensorFlow ${tested.join(' or ')}, received TensorFlow ${received}. ` +
      `Tessera's conformance suite has not run on ${received} (tfjs-node's own install downloads 2.9.1; ` +
      'in the Tessera repository `npm run setup:native` builds it against 2.21.0). ' +
      `Pass \`${backend === 'node' ? 'node' : 'nodeGpu'}({ allowUntestedTensorflow: true })\` to use it anyway.`,
  );
}
