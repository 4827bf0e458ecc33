// Fuzzed model deserialization: serialized Sequential and functional models whose JSON text is
// truncated or edited, whose configs hold values of the wrong type, and random JSON. Every case
// either rebuilds a layer or throws a TesseraError naming the module format or the layer config,
// within 200 ms (see test-support/fuzz.ts).
// Cases per run: text 500 + wrong types 1000 + random JSON 200 = 1700.
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensorCount } from '@tessera/tensor';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkParse, fuzzParams, jsonMutations, Tally, textMutations } from '../../../test-support/fuzz.js';
import { input } from './graph/input-layer.js';
import { model } from './graph/model.js';
import { sequential } from './graph/sequential.js';
import { batchNormalization } from './layers/batch-norm.js';
import { bidirectional } from './layers/bidirectional.js';
import { conv2dLayer } from './layers/conv.js';
import { dense } from './layers/dense.js';
import { dropoutLayer } from './layers/dropout.js';
import { embedding } from './layers/embedding.js';
import { addLayer, concatenateLayer } from './layers/merge.js';
import { layerNormalization } from './layers/norms.js';
import { maxPool2d } from './layers/pooling.js';
import { gru, lstm } from './layers/recurrent.js';
import { flatten, reshapeLayer } from './layers/shape-layers.js';
import type { AnyLayer } from './registry.js';
import { deserializeModule, serializeModule } from './serialize.js';

let texts: string[];

beforeAll(async () => {
  await useBackend(cpu());
  const mlp = sequential([dense(8, { activation: 'relu' }), dropoutLayer(0.2), batchNormalization(), dense(3)], { inputShape: [4] });
  const cnn = sequential([conv2dLayer(2, 3, { padding: 'same' }), maxPool2d(2), flatten(), dense(2)], { inputShape: [6, 6, 1] });
  const rnn = sequential([embedding(10, 4), lstm(3, { returnSequences: true }), bidirectional(gru(2)), layerNormalization()], {
    inputShape: [5],
  });
  const a = input({ shape: [4] });
  const b = input({ shape: [4] });
  const h = dense(4).call(addLayer([a, b]));
  const out = dense(2).call(concatenateLayer([h, reshapeLayer([4]).call(a)]));
  const functional = model({ inputs: [a, b], outputs: out });
  texts = [mlp, cnn, rnn, functional].map(serializeModule);
});

// Rebuilding a model creates its weights (an orthogonal LSTM kernel takes tens of ms on a busy
// 2-core machine), so a case may take up to 1 s here.
const limits = { names: /tessera-module|layer config/, maxMs: 1000 };
const release = (layer: AnyLayer): void => layer.dispose();

describe('fuzzed module JSON rebuilds a layer or throws a FormatError', () => {
  it('the seeds rebuild', () => {
    for (const t of texts) expect(serializeModule(deserializeModule(t))).toBe(t);
  });

  it('edited JSON text: 500 cases', () => {
    const before = tensorCount();
    const tally = new Tally();
    fc.assert(
      fc.property(textMutations(texts), (m) => {
        const live = tensorCount();
        tally.add(checkParse(() => deserializeModule(m.value), m.value.length, limits, release));
        expect(tensorCount()).toBe(live);
      }),
      fuzzParams(500, 100),
    );
    expect(tensorCount()).toBe(before);
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('configs with wrong types: 1000 cases', () => {
    const seeds = texts.map((t) => JSON.parse(t) as unknown);
    const before = tensorCount();
    const tally = new Tally();
    fc.assert(
      fc.property(jsonMutations(seeds), (m) => {
        const live = tensorCount();
        tally.add(checkParse(() => deserializeModule(m.value as object), 1024, limits, release));
        expect(tensorCount()).toBe(live);
      }),
      fuzzParams(1000, 101),
    );
    expect(tensorCount()).toBe(before);
    expect(tally.counts.parsed).toBeGreaterThan(20);
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('random JSON: 200 cases', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
        const live = tensorCount();
        checkParse(() => deserializeModule({ format: 'tessera-module', version: 1, module: v }), 1024, limits, release);
        expect(tensorCount()).toBe(live);
      }),
      fuzzParams(200, 102),
    );
  });
});

it('class names inherited from Object are not layer classes', () => {
  for (const className of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
    expect(() => deserializeModule({ format: 'tessera-module', version: 1, module: { className, config: {} } })).toThrow(
      `layer config className: expected a registered layer class, received "${className}"`,
    );
  }
});
