export type { WebgpuOptions } from './webgpu.js';
export { webgpu } from './webgpu.js';
