import type { StateTree } from '@tessera/core';
import { FormatError, flattenState, stateTensors, TesseraError, unflattenState } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { encodeSafetensors } from '@tessera/tensor';
import { readCheckpointTensors, validateTrainerJson } from './checkpoint-validate.js';
import type { TrainerSnapshot } from './trainer.js';

/**
 * File names inside one checkpoint directory.
 *
 * @example
 * ```ts
 * const bytes = encodeCheckpoint(snapshot)[CHECKPOINT_FILES.weights];
 * ```
 */
export const CHECKPOINT_FILES = {
  weights: 'model.safetensors',
  optimizer: 'optimizer.safetensors',
  trainer: 'trainer.json',
  /** Tensors of the callbacks' states (early stopping's best weights); present when a callback saved state. */
  callbacks: 'callbacks.safetensors',
} as const;

const FORMAT = 'tessera-checkpoint';

/**
 * Contents of `trainer.json` in a checkpoint directory (see {@link CHECKPOINT_FILES}).
 *
 * @example
 * ```ts
 * const files = encodeCheckpoint(trainer.snapshot());
 * const json: TrainerJson = JSON.parse(new TextDecoder().decode(files[CHECKPOINT_FILES.trainer]));
 * console.log(json.format, json.step, json.epoch, json.weightNames); // 'tessera-checkpoint' 1200 3 [...]
 * ```
 */
export interface TrainerJson {
  /** Always `tessera-checkpoint`. */
  format: typeof FORMAT;
  /** Format version. */
  version: 1;
  /** Optimizer steps taken. */
  step: number;
  /** Epoch to run next (0-based). */
  epoch: number;
  /** Batches of `epoch` already trained on. */
  stepInEpoch: number;
  /** The trainer's root RNG key. */
  rngKey: [number, number];
  /** The data position at the start of `epoch`, or null. */
  dataState: TrainerSnapshot['dataState'];
  /** JSON skeleton of the optimizer state; `{ $tensor: path }` refers to optimizer.safetensors. */
  optimizer: unknown;
  /** Names of the tensors in model.safetensors, sorted. */
  weightNames: string[];
  /** The step's JSON-only extra state (steps that have one). */
  extra?: unknown;
  /** JSON skeleton of the callbacks' states by key; `{ $tensor: path }` refers to callbacks.safetensors. */
  callbacks?: unknown;
}

/**
 * Serializes a trainer snapshot to the three checkpoint files (bytes by file name): weights and
 * optimizer tensors in safetensors, everything else in `trainer.json`. Storage-agnostic (browser-safe).
 *
 * @example
 * ```ts
 * const files = encodeCheckpoint(trainer.snapshot()); // { 'model.safetensors': Uint8Array, ... }
 * ```
 */
export function encodeCheckpoint(s: TrainerSnapshot): Record<string, Uint8Array> {
  const flat = flattenState(s.optimizerState);
  const meta = { format: FORMAT, step: String(s.step) };
  const json: TrainerJson = {
    format: FORMAT,
    version: 1,
    step: s.step,
    epoch: s.epoch,
    stepInEpoch: s.stepInEpoch,
    rngKey: s.rngKey,
    dataState: s.dataState,
    optimizer: flat.skeleton,
    weightNames: Object.keys(s.weights).sort(),
  };
  if (s.extra !== undefined) json.extra = s.extra;
  let callbackTensors: Record<string, Tensor> | null = null;
  if (s.callbacks) {
    const flatCallbacks = flattenState(s.callbacks);
    json.callbacks = flatCallbacks.skeleton;
    callbackTensors = flatCallbacks.tensors;
  }
  const files: Record<string, Uint8Array> = {
    [CHECKPOINT_FILES.weights]: encodeSafetensors(s.weights, meta),
    [CHECKPOINT_FILES.optimizer]: encodeSafetensors(flat.tensors, meta),
    [CHECKPOINT_FILES.trainer]: new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`),
  };
  if (callbackTensors) files[CHECKPOINT_FILES.callbacks] = encodeSafetensors(callbackTensors, meta);
  return files;
}

/**
 * Parses checkpoint files back into a snapshot that owns its tensors (pass it to
 * `fit({ resumeFrom })` or `trainer.restore`). Malformed files give a `FormatError` naming the file.
 *
 * @example
 * ```ts
 * const snapshot = decodeCheckpoint(files);
 * ```
 */
export function decodeCheckpoint(files: Record<string, Uint8Array | undefined>): TrainerSnapshot {
  const get = (name: string): Uint8Array => {
    const f = files[name];
    if (!f) {
      const required: string[] = [CHECKPOINT_FILES.weights, CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.trainer];
      const expected = (required.includes(name) ? required : [...required, name]).join(', ');
      throw new FormatError(FORMAT, `missing file ${name}: expected the files ${expected}, received ${JSON.stringify(Object.keys(files))}`);
    }
    return f;
  };
  const trainerBytes = get(CHECKPOINT_FILES.trainer);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(trainerBytes));
  } catch (err) {
    throw new FormatError(FORMAT, `${CHECKPOINT_FILES.trainer} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const json = validateTrainerJson(parsed);
  const decoded: Tensor[] = [];
  const read = (file: string): Record<string, Tensor> => {
    const tensors = readCheckpointTensors(get(file), file);
    decoded.push(...Object.values(tensors));
    return tensors;
  };
  const tree = (field: string, skeleton: unknown, tensors: Record<string, Tensor>): StateTree => {
    try {
      return unflattenState(skeleton, tensors);
    } catch (err) {
      if (!(err instanceof TesseraError)) throw err;
      throw new FormatError(FORMAT, `${CHECKPOINT_FILES.trainer} "${field}": ${err.message}`, { cause: err });
    }
  };
  try {
    const weights = read(CHECKPOINT_FILES.weights);
    const opt = read(CHECKPOINT_FILES.optimizer);
    for (const name of Object.keys(weights)) if (!json.weightNames.includes(name)) delete weights[name];
    const callbacks = json.callbacks === undefined ? undefined : tree('callbacks', json.callbacks, read(CHECKPOINT_FILES.callbacks));
    const snapshot: TrainerSnapshot = {
      step: json.step,
      epoch: json.epoch,
      stepInEpoch: json.stepInEpoch,
      rngKey: json.rngKey,
      dataState: json.dataState,
      weights,
      optimizerState: tree('optimizer', json.optimizer, opt),
      ...(json.extra !== undefined ? { extra: tree('extra', json.extra, {}) } : {}),
      ...(callbacks !== undefined ? { callbacks: callbacks as Record<string, StateTree> } : {}),
      ownsWeights: true,
    };
    // Tensors in the files that nothing refers to are freed (the snapshot owns the rest).
    const kept = new Set<Tensor>([
      ...Object.values(weights),
      ...stateTensors(snapshot.optimizerState),
      ...(callbacks !== undefined ? stateTensors(callbacks) : []),
    ]);
    for (const t of decoded) if (!kept.has(t)) t.dispose();
    return snapshot;
  } catch (err) {
    for (const t of decoded) t.dispose();
    throw err;
  }
}
