'use strict';
// One pthread of tfjs-backend-wasm's threaded SIMD build under Node's worker_threads. Emscripten
// starts it (`new Worker(path)`) when `wasm()` runs the threaded build in Node; nothing imports it.
//
// tfjs ships this worker's source as a string and, in browsers, starts it from a Blob URL, which
// Node's Worker refuses (ERR_WORKER_PATH). The source is a classic script: it expects `require`
// and `__filename` as globals (set here, in this worker's own global scope) and the newlines
// inside its string literals escaped, as tfjs does before making its Blob. It then loads the
// Emscripten glue from the path the main thread sends (`mainScriptUrlOrBlob`).
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');

globalThis.require = require;
globalThis.__filename = __filename;
// An indirect eval: the Emscripten worker source runs as a classic script in this worker's global scope.
// biome-ignore lint/security/noGlobalEval: that is the point (tfjs runs the same source from a Blob URL).
const globalEval = eval;
globalEval(wasmWorkerContents.replace(/\n/g, '\\n'));
