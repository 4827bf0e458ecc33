import { readFile, writeFile } from 'node:fs/promises';
import type { Layer, Model, Sequential } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { loadKerasModel } from './keras/load-keras.js';
import { exportOnnx, type OnnxExportOptions } from './onnx/export-onnx.js';
import { exportTorchSafetensors, importTorchSafetensors } from './torch/state-dict.js';

type AnyLayer = Layer<Tensor | Tensor[]>;

/**
 * Reads a Keras 3 `.keras` file and loads it with {@link loadKerasModel}.
 *
 * @example
 * ```ts
 * import { loadKerasFile } from '@tessera/interop/node';
 * const m = await loadKerasFile('model.keras');
 * ```
 */
export async function loadKerasFile(path: string): Promise<Sequential | Model> {
  return loadKerasModel(new Uint8Array(await readFile(path)));
}

/**
 * Writes a model as an ONNX file ({@link exportOnnx}).
 *
 * @example
 * ```ts
 * import { saveOnnx } from '@tessera/interop/node';
 * await saveOnnx(model, 'model.onnx');
 * ```
 */
export async function saveOnnx(model: AnyLayer, path: string, options: OnnxExportOptions = {}): Promise<void> {
  await writeFile(path, exportOnnx(model, options));
}

/**
 * Writes a model's PyTorch-style state dict as a `.safetensors` file ({@link exportTorchSafetensors}).
 *
 * @example
 * ```ts
 * import { saveTorchSafetensors } from '@tessera/interop/node';
 * await saveTorchSafetensors(model, 'model.safetensors'); // torch: module.load_state_dict(load_file(...))
 * ```
 */
export async function saveTorchSafetensors(model: AnyLayer, path: string, metadata?: Record<string, string>): Promise<void> {
  await writeFile(path, exportTorchSafetensors(model, metadata));
}

/**
 * Loads a `.safetensors` file holding a PyTorch-style state dict into a built model
 * ({@link importTorchSafetensors}).
 *
 * @example
 * ```ts
 * import { loadTorchSafetensors } from '@tessera/interop/node';
 * await loadTorchSafetensors(model, 'model.safetensors');
 * ```
 */
export async function loadTorchSafetensors(model: AnyLayer, path: string): Promise<void> {
  importTorchSafetensors(model, new Uint8Array(await readFile(path)));
}
