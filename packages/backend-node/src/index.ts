export type { NodeOptions } from './node.js';
export { node } from './node.js';
export { TESTED_TENSORFLOW_VERSIONS, tensorflowVersion } from './tensorflow-version.js';
export type { TfjsNodeFlavor } from './tfjs-node-plugin.js';
export { tfjsNodePlugin } from './tfjs-node-plugin.js';
