/**
 * The three .wasm builds of tfjs-backend-wasm, keyed by the file name tfjs asks for.
 *
 * @example
 * ```ts
 * const file: WasmFileName = 'tfjs-backend-wasm-simd.wasm';
 * await useBackend(wasm({ wasmPaths: { [file]: '/static/tfjs-backend-wasm-simd.wasm' } }));
 * ```
 */
export type WasmFileName = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * URLs of the .wasm files written so that bundlers find and emit them without set-up: Vite and
 * webpack 5 resolve `new URL('<package path>', import.meta.url)` to the emitted asset. Unbundled
 * or with bundlers that do not (esbuild), pass `wasm({ wasmPaths })` instead.
 *
 * @example
 * ```ts
 * const urls = wasmFileUrls();
 * urls['tfjs-backend-wasm-simd.wasm']; // e.g. '/assets/tfjs-backend-wasm-simd-1a2b3c.wasm'
 * ```
 */
export function wasmFileUrls(): Record<WasmFileName, string> {
  return {
    'tfjs-backend-wasm.wasm': new URL('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(
      '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
      import.meta.url,
    ).href,
  };
}
