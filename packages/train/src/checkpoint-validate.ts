import { describeValue, FormatError } from '@tessera/core';
import { decodeSafetensors, type Tensor } from '@tessera/tensor';
import type { TrainerJson } from './checkpoint-format.js';

const FORMAT = 'tessera-checkpoint';
const FILE = 'trainer.json';

function fail(field: string, expected: string, received: unknown): never {
  throw new FormatError(FORMAT, `${FILE}: "${field}" must be ${expected}, received ${describeValue(received)}`);
}

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * Checks the parsed `trainer.json` of a checkpoint: its format and version, then every field
 * {@link decodeCheckpoint} reads, so a corrupt file fails here with the field, the expected and
 * the received value rather than later inside training.
 */
export function validateTrainerJson(json: unknown): TrainerJson {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new FormatError(FORMAT, `${FILE}: expected a JSON object, received ${describeValue(json)}`);
  }
  const j = json as Partial<TrainerJson>;
  if (j.format !== FORMAT || j.version !== 1) {
    throw new FormatError(
      FORMAT,
      `${FILE}: expected format "${FORMAT}" version 1, received ${JSON.stringify(j.format)} version ${describeValue(j.version)}`,
    );
  }
  for (const field of ['step', 'epoch', 'stepInEpoch'] as const) {
    if (!isCount(j[field])) fail(field, 'a non-negative integer', j[field]);
  }
  const key = j.rngKey;
  if (!Array.isArray(key) || key.length !== 2 || !key.every((k) => Number.isSafeInteger(k))) {
    fail('rngKey', 'two integers', key);
  }
  if (j.dataState !== null && (typeof j.dataState !== 'object' || Array.isArray(j.dataState))) {
    fail('dataState', 'an object or null', j.dataState);
  }
  if (!Array.isArray(j.weightNames) || !j.weightNames.every((n) => typeof n === 'string')) {
    fail('weightNames', 'an array of strings', j.weightNames);
  }
  return j as TrainerJson;
}

/** Decodes one safetensors file of a checkpoint; a format error names the file. */
export function readCheckpointTensors(bytes: Uint8Array, file: string): Record<string, Tensor> {
  try {
    return decodeSafetensors(bytes).tensors;
  } catch (err) {
    if (err instanceof FormatError) throw new FormatError(FORMAT, `${file}: ${err.message}`, { cause: err });
    throw err;
  }
}
