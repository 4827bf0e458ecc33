export type { WasmOptions } from './wasm.js';
export { wasm } from './wasm.js';
export type { WasmFileName } from './wasm-files.js';
export { wasmFileUrls } from './wasm-files.js';
