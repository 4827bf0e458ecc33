export type { WasmOptions } from './wasm.js';
export { wasm } from './wasm.js';
