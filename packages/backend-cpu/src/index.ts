export type { CpuOptions } from './cpu.js';
export { cpu } from './cpu.js';
