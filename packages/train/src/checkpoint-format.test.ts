import { FormatError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from './checkpoint-format.js';

describe('decodeCheckpoint of incomplete or malformed files', () => {
  it('a missing file is named with the files expected and received', () => {
    const files = { 'model.safetensors': new Uint8Array(8) };
    expect(() => decodeCheckpoint(files)).toThrow(
      new FormatError(
        'tessera-checkpoint',
        'missing file trainer.json: expected the files model.safetensors, optimizer.safetensors, trainer.json, received ["model.safetensors"]',
      ),
    );
  });
  it('trainer.json that is not JSON says so, without wrapping a missing-file error', () => {
    const files = { 'trainer.json': new TextEncoder().encode('{ nope') };
    expect(() => decodeCheckpoint(files)).toThrow(/^tessera-checkpoint: trainer\.json is not valid JSON: /);
  });
});
