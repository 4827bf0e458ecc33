export type { NodeGpuOptions } from './node-gpu.js';
export { nodeGpu } from './node-gpu.js';
