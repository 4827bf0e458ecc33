export type { WebglOptions } from './webgl.js';
export { webgl } from './webgl.js';
