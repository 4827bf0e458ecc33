// Fuzzed checkpoint decoding: one file of a valid checkpoint mutated (truncated, bit-flipped, a
// lying size word, random bytes), trainer.json rewritten with values of the wrong type, or a file
// missing. Every case either decodes to a snapshot or throws a TesseraError naming the checkpoint
// format and file, within 200 ms, without allocating more than 64x its input + 1 MiB, and without
// leaking tensors (see test-support/fuzz.ts).
// Cases per run: bytes 600 + trainer.json 500 + missing files 8 = 1108.
import { cpu } from '@tessera/backend-cpu';
import { stateTensors, useBackend } from '@tessera/core';
import { tensor, tensorCount } from '@tessera/tensor';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { byteMutations, checkParse, fuzzParams, jsonMutations, type Mutated, Tally } from '../../../test-support/fuzz.js';
import { CHECKPOINT_FILES, decodeCheckpoint, encodeCheckpoint } from './checkpoint-format.js';
import type { TrainerSnapshot } from './trainer.js';

type Files = Record<string, Uint8Array>;

let seed: Files;
let trainerJson: unknown;

beforeAll(async () => {
  await useBackend(cpu());
  const kernel = tensor([1, 2, 3, 4], [2, 2]);
  const bias = tensor([0.5, -0.5]);
  const m = tensor([0.1, 0.2, 0.3, 0.4], [2, 2]);
  const best = tensor([9, 8]);
  const snapshot: TrainerSnapshot = {
    step: 12,
    epoch: 2,
    stepInEpoch: 3,
    rngKey: [7, 11],
    dataState: { pass: 2 },
    weights: { 'dense/kernel': kernel, 'dense/bias': bias },
    optimizerState: { count: 12, mu: { 'dense/kernel': m } },
    extra: { note: 'x' },
    callbacks: { earlyStopping: { best: 0.25, weights: { bias: best } } },
  };
  seed = encodeCheckpoint(snapshot);
  for (const t of [kernel, bias, m, best]) t.dispose();
  trainerJson = JSON.parse(new TextDecoder().decode(seed[CHECKPOINT_FILES.trainer]));
});

const size = (files: Files): number => Object.values(files).reduce((a, f) => a + f.length, 0);

function release(s: TrainerSnapshot): void {
  for (const t of Object.values(s.weights)) t.dispose();
  for (const t of stateTensors(s.optimizerState)) t.dispose();
  for (const tree of Object.values(s.callbacks ?? {})) for (const t of stateTensors(tree)) t.dispose();
}

/** One file of the seed checkpoint replaced by a byte mutation of itself. */
function fileMutations(): fc.Arbitrary<Mutated<Files>> {
  const names = Object.keys(seed);
  return fc.oneof(
    ...names.map((name) => byteMutations([seed[name]!]).map((m) => ({ kind: `${name}: ${m.kind}`, value: { ...seed, [name]: m.value } }))),
  );
}

function jsonFileMutations(): fc.Arbitrary<Mutated<Files>> {
  return jsonMutations([trainerJson]).map((m) => ({
    kind: m.kind,
    value: { ...seed, [CHECKPOINT_FILES.trainer]: new TextEncoder().encode(JSON.stringify(m.value) ?? 'undefined') },
  }));
}

describe('fuzzed checkpoints decode or throw a FormatError naming the file, leaking nothing', () => {
  it('the seed checkpoint decodes', () => {
    const s = decodeCheckpoint(seed);
    expect(s.step).toBe(12);
    release(s);
  });

  it('byte mutations of one file: 600 cases', () => {
    const before = tensorCount();
    const tally = new Tally();
    fc.assert(
      fc.property(fileMutations(), (m) => {
        tally.add(
          checkParse(() => decodeCheckpoint(m.value), size(m.value), { names: /tessera-checkpoint: [a-z]+\.(json|safetensors)/ }, release),
        );
      }),
      fuzzParams(600, 90),
    );
    expect(tensorCount()).toBe(before);
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('trainer.json with wrong types: 500 cases', () => {
    const before = tensorCount();
    const tally = new Tally();
    fc.assert(
      fc.property(jsonFileMutations(), (m) => {
        const live = tensorCount();
        tally.add(checkParse(() => decodeCheckpoint(m.value), size(m.value), { names: /tessera-checkpoint: trainer\.json/ }, release));
        expect(tensorCount()).toBe(live);
      }),
      fuzzParams(500, 91),
    );
    expect(tensorCount()).toBe(before);
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('a missing file is named: 8 cases', () => {
    const before = tensorCount();
    for (const name of Object.keys(seed)) {
      const files: Record<string, Uint8Array | undefined> = { ...seed, [name]: undefined };
      expect(() => decodeCheckpoint(files)).toThrow(`tessera-checkpoint: missing file ${name}`);
      const live = tensorCount();
      checkParse(() => decodeCheckpoint(files), size(seed), { names: new RegExp(name.replace('.', '\\.')) }, release);
      expect(tensorCount()).toBe(live);
    }
    expect(tensorCount()).toBe(before);
  });
});
