export type { ThreadsRequest } from './threads.js';
export { MAX_WASM_THREADS } from './threads.js';
export type { WasmOptions } from './wasm.js';
export { wasm } from './wasm.js';
export type { WasmFileName } from './wasm-files.js';
export { wasmFileUrls } from './wasm-files.js';
