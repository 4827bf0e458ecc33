import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { type Cache, stateTensors, useBackend } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import {
  add,
  concat,
  dispose,
  getBackend,
  logSoftmax,
  mean,
  mul,
  neg,
  oneHot,
  reshape,
  slice,
  sub,
  sum,
  tensor,
  tensor2d,
  tensorCount,
  tidy,
  variableGrads,
} from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequential } from '../graph/sequential.js';
import type { Layer } from '../layer.js';
import { Dense } from '../layers/dense.js';
import { Embedding } from '../layers/embedding.js';
import { LayerNormalization } from '../layers/norms.js';
import { deserializeModule, serializeModule } from '../serialize.js';
import { PositionalEmbedding } from './positional-embedding.js';
import { TransformerEncoderBlock } from './transformer-block.js';
import { TransformerDecoderBlock } from './transformer-decoder-block.js';
import { TransformerLM, type TransformerLMCache } from './transformer-lm.js';

const seq = (b: number, t: number, d: number, phase: number) =>
  tensor(
    Array.from({ length: b * t * d }, (_, i) => Math.sin(i * 0.37 + phase)),
    [b, t, d],
  );
const maxDiff = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  return Array.from(x).reduce((m, v, i) => Math.max(m, Math.abs(v - (y[i] as number))), 0);
};

type Parts = Record<'attention' | 'norm1' | 'norm2' | 'mlpIn' | 'mlpOut', Layer>;

/** Runs a stepper over `x` in chunks (the stepper's own cache), returning the concatenated outputs. */
function stepThrough<C extends Cache>(
  m: { initCache(b: number, o?: { maxLength?: number }): C; step(x: Tensor, c: C): [Tensor, C] },
  x: Tensor,
  chunks: number[],
  maxLength: number,
): Tensor {
  let cache = m.initCache(x.shape[0] as number, { maxLength });
  const ys: Tensor[] = [];
  let t = 0;
  for (const n of chunks) {
    const begin = x.rank === 3 ? [0, t, 0] : [0, t];
    const size = x.rank === 3 ? [-1, n, -1] : [-1, n];
    const xt = slice(x, begin, size);
    const [y, next] = m.step(xt, cache);
    dispose([xt, ...stateTensors(cache)]);
    cache = next;
    ys.push(y);
    t += n;
  }
  dispose(stateTensors(cache));
  const out = concat(ys, 1);
  dispose(ys);
  return out;
}

describe.each([cpu(), wasm()])('transformer blocks on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    expect(getBackend()).toBe(plugin.name);
  });

  it('pre-norm block is x + att(norm(x)), then h + mlp(norm(h)); post-norm is norm(x + att(x)), then norm(h + mlp(h))', () => {
    for (const norm of ['pre', 'post'] as const) {
      const block = new TransformerDecoderBlock({ numHeads: 2, intermediateDim: 8, norm, activation: 'relu', seed: 1 });
      const x = seq(2, 3, 4, 0.5);
      const y = block.call(x);
      const p = block as unknown as Parts;
      const want = tidy(() => {
        const mlp = (h: Tensor) => p.mlpOut.call(p.mlpIn.call(h)) as Tensor;
        if (norm === 'pre') {
          const h = add(x, p.attention.call(p.norm1.call(x) as Tensor) as Tensor);
          return add(h, mlp(p.norm2.call(h) as Tensor));
        }
        const h = p.norm1.call(add(x, p.attention.call(x) as Tensor)) as Tensor;
        return p.norm2.call(add(h, mlp(h))) as Tensor;
      });
      expect(maxDiff(y, want)).toBeLessThan(1e-5);
      expect(Object.keys(block.parameters()).sort()).toEqual(
        [
          'attention/output_bias',
          'attention/output_kernel',
          'attention/key_bias',
          'attention/key_kernel',
          'attention/query_bias',
          'attention/query_kernel',
          'attention/value_bias',
          'attention/value_kernel',
          `${norm === 'pre' ? 'attention_norm' : 'attention_output_norm'}/beta`,
          `${norm === 'pre' ? 'attention_norm' : 'attention_output_norm'}/gamma`,
          `${norm === 'pre' ? 'mlp_norm' : 'mlp_output_norm'}/beta`,
          `${norm === 'pre' ? 'mlp_norm' : 'mlp_output_norm'}/gamma`,
          'mlp_in/bias',
          'mlp_in/kernel',
          'mlp_out/bias',
          'mlp_out/kernel',
        ]
          .map((k) => `transformer_decoder_block/${k}`)
          .sort(),
      );
      dispose([x, y, want]);
      block.dispose();
    }
  });

  it('encoder block: a right-padded batch gives the unpadded outputs at real steps', () => {
    const block = new TransformerEncoderBlock({ numHeads: 2, seed: 2 });
    const x = seq(1, 5, 4, 1.5);
    const short = slice(x, [0, 0, 0], [1, 3, 4]);
    const y = block.call(x, { mask: tensor2d([[1, 1, 1, 0, 0]], [1, 5]) });
    const ref = block.call(short);
    expect(maxDiff(slice(y, [0, 0, 0], [1, 3, 4]), ref)).toBeLessThan(1e-5);
    dispose([x, short, y, ref]);
    block.dispose();
  });

  it('a sequential stack of decoder blocks steps with a cache: chunk by chunk equals the full call, no leak', () => {
    const stack = sequential(
      [
        new TransformerDecoderBlock({ numHeads: 2, seed: 3 }),
        new TransformerDecoderBlock({ numHeads: 2, numKeyValueHeads: 1, rotary: true, seed: 4 }),
      ],
      { inputShape: [null, 8] },
    );
    const x = seq(2, 5, 8, 2.5);
    const full = stack.call(x);
    for (const chunks of [
      [1, 1, 1, 1, 1],
      [3, 2],
    ]) {
      const before = tensorCount();
      const stepped = stepThrough(stack, x, chunks, 6);
      expect(maxDiff(stepped, full)).toBeLessThan(1e-5);
      stepped.dispose();
      expect(tensorCount()).toBe(before);
    }
    dispose([x, full]);
    stack.dispose();
  });

  it('a sequential language model (Embedding, PositionalEmbedding, blocks, LayerNorm, Dense) steps like its call', () => {
    const lm = sequential([
      new Embedding({ inputDim: 9, outputDim: 8, seed: 20 }),
      new PositionalEmbedding({ maxLength: 6, seed: 21 }),
      new TransformerDecoderBlock({ numHeads: 2, seed: 22 }),
      new TransformerDecoderBlock({ numHeads: 2, norm: 'post', seed: 23 }),
      new LayerNormalization(),
      new Dense({ units: 9, seed: 24 }),
    ]);
    const ids = tensor2d([[3, 1, 4, 1, 5, 8]], [1, 6], 'int32');
    const full = lm.call(ids);
    const stepped = stepThrough(lm, ids, [2, 1, 3], 6);
    expect(maxDiff(stepped, full)).toBeLessThan(1e-5);
    dispose([ids, full, stepped]);
    lm.dispose();
  });

  it('TransformerLM steps with a cache: logits equal the full call (learned + tied, rotary + grouped-query + untied)', () => {
    const lms = [
      new TransformerLM({ vocabSize: 11, blockSize: 8, layers: 2, heads: 2, width: 8, seed: 5 }),
      new TransformerLM({
        vocabSize: 11,
        blockSize: 8,
        layers: 2,
        heads: 4,
        numKeyValueHeads: 2,
        width: 8,
        positions: 'rotary',
        tieEmbeddings: false,
        seed: 6,
      }),
    ];
    const ids = tensor2d(
      [
        [1, 5, 2, 9, 3, 3, 7],
        [4, 0, 10, 6, 2, 8, 1],
      ],
      [2, 7],
      'int32',
    );
    for (const lm of lms) {
      const full = lm.call(ids);
      expect(full.shape).toEqual([2, 7, 11]);
      const before = tensorCount();
      const stepped = stepThrough<TransformerLMCache>(lm, ids, [3, 1, 1, 2], 8);
      expect(maxDiff(stepped, full)).toBeLessThan(1e-4);
      stepped.dispose();
      expect(tensorCount()).toBe(before);
      dispose(full);
      lm.dispose();
    }
    ids.dispose();
  });

  it('TransformerLM decodes left-padded prompts in one batch with a padding mask and positions', () => {
    for (const positions of ['learned', 'rotary'] as const) {
      const lm = new TransformerLM({ vocabSize: 10, blockSize: 8, layers: 2, heads: 2, width: 8, positions, seed: 30 });
      // prompt a = [3, 1, 4, 1], prompt b = [5, 9] left-padded with 0; then one more token each
      const ids = tensor2d(
        [
          [3, 1, 4, 1],
          [0, 0, 5, 9],
        ],
        [2, 4],
        'int32',
      );
      const mask = tensor2d(
        [
          [1, 1, 1, 1],
          [0, 0, 1, 1],
        ],
        [2, 4],
      );
      const pos = tensor2d(
        [
          [0, 1, 2, 3],
          [0, 0, 0, 1],
        ],
        [2, 4],
        'int32',
      );
      const c0 = lm.initCache(2);
      const [l1, c1] = lm.step(ids, c0, { mask, positions: pos });
      const next = tensor2d([[2], [6]], [2, 1], 'int32');
      const nextPos = tensor2d([[4], [2]], [2, 1], 'int32');
      const [l2, c2] = lm.step(next, c1, { positions: nextPos });
      const a = tensor2d([[3, 1, 4, 1, 2]], [1, 5], 'int32');
      const b = tensor2d([[5, 9, 6]], [1, 3], 'int32');
      const la = lm.call(a);
      const lb = lm.call(b);
      const got = concat([slice(l1, [1, 2, 0], [1, 2, -1]), slice(l2, [1, 0, 0], [1, 1, -1])], 1);
      expect(maxDiff(got, lb)).toBeLessThan(1e-4);
      const gotA = concat([slice(l1, [0, 0, 0], [1, 4, -1]), slice(l2, [0, 0, 0], [1, 1, -1])], 1);
      expect(maxDiff(gotA, la)).toBeLessThan(1e-4);
      dispose([
        ids,
        mask,
        pos,
        next,
        nextPos,
        a,
        b,
        la,
        lb,
        l1,
        l2,
        got,
        gotA,
        ...stateTensors(c0),
        ...stateTensors(c1),
        ...stateTensors(c2),
      ]);
      lm.dispose();
    }
  });

  it('TransformerLM: GPT-2 parameter layout, tied head, config round trip', () => {
    const lm = new TransformerLM({ vocabSize: 65, blockSize: 64, layers: 4, heads: 4, width: 128, seed: 7 });
    lm.build([null, null]);
    const names = Object.keys(lm.parameters());
    expect(names).toContain('transformer_lm/embedding/token/embeddings');
    expect(names).toContain('transformer_lm/embedding/position/embeddings');
    expect(names).toContain('transformer_lm/block_3/attention/query_kernel');
    expect(names).toContain('transformer_lm/final_norm/gamma');
    expect(names.some((n) => n.includes('head'))).toBe(false);
    // nanoGPT's count for this config (with biases): embeddings + 4 blocks + final norm
    const block = 4 * (128 * 128 + 128) + 2 * 2 * 128 + (128 * 512 + 512) + (512 * 128 + 128);
    expect(lm.countParams().trainable).toBe(65 * 128 + 64 * 128 + 4 * block + 2 * 128);
    const copy = deserializeModule(serializeModule(lm));
    expect(serializeModule(copy)).toBe(serializeModule(lm));
    expect(() => lm.call(tensor2d([new Array(65).fill(1)], [1, 65], 'int32'))).toThrow(/blockSize \(64\)/);
    lm.dispose();
    copy.dispose();
  });

  it('TransformerLM: kernel and residual-output initializers (GPT-2 init) reach every block, config round trip', () => {
    const lm = new TransformerLM({
      vocabSize: 9,
      blockSize: 4,
      layers: 2,
      heads: 2,
      width: 4,
      useBias: false,
      tieEmbeddings: false,
      kernelInitializer: { className: 'Constant', config: { value: 0.5 } },
      outputKernelInitializer: { className: 'Constant', config: { value: -0.25 } },
    });
    lm.build([null, null]);
    const params = lm.parameters();
    const values = (name: string) => Array.from((params[name] as Variable).dataSync());
    for (const b of ['block_0', 'block_1']) {
      for (const k of ['query_kernel', 'key_kernel', 'value_kernel'])
        expect(new Set(values(`transformer_lm/${b}/attention/${k}`))).toEqual(new Set([0.5]));
      expect(new Set(values(`transformer_lm/${b}/mlp_in/kernel`))).toEqual(new Set([0.5]));
      expect(new Set(values(`transformer_lm/${b}/attention/output_kernel`))).toEqual(new Set([-0.25]));
      expect(new Set(values(`transformer_lm/${b}/mlp_out/kernel`))).toEqual(new Set([-0.25]));
    }
    expect(new Set(values('transformer_lm/head/kernel'))).toEqual(new Set([0.5]));
    expect(Object.keys(params).some((n) => n.endsWith('bias'))).toBe(false);
    const copy = deserializeModule(serializeModule(lm)) as TransformerLM;
    expect(serializeModule(copy)).toBe(serializeModule(lm));
    copy.build([null, null]);
    expect(new Set(Array.from((copy.parameters()['transformer_lm/block_1/mlp_out/kernel'] as Variable).dataSync()))).toEqual(
      new Set([-0.25]),
    );
    lm.dispose();
    copy.dispose();
  });

  it("TransformerLM: layerNormCenter false drops every layer norm's offset (nanoGPT's bias=False), config round trip", () => {
    const lm = new TransformerLM({ vocabSize: 9, blockSize: 4, layers: 2, heads: 2, width: 4, useBias: false, layerNormCenter: false });
    lm.build([null, null]);
    const names = Object.keys(lm.parameters());
    expect(names.filter((n) => n.endsWith('beta'))).toEqual([]);
    // 2 norms per block + the final norm, each with its scale only
    expect(names.filter((n) => /norm\/(gamma|scale)$/.test(n)).length).toBe(5);
    const copy = deserializeModule(serializeModule(lm)) as TransformerLM;
    expect(serializeModule(copy)).toBe(serializeModule(lm));
    copy.build([null, null]);
    expect(Object.keys(copy.parameters()).sort()).toEqual([...names].sort());
    const centered = new TransformerLM({ vocabSize: 9, blockSize: 4, layers: 2, heads: 2, width: 4 });
    centered.build([null, null]);
    expect(Object.keys(centered.parameters()).filter((n) => n.endsWith('beta')).length).toBe(5);
    lm.dispose();
    copy.dispose();
    centered.dispose();
  });

  it('TransformerLM learns a repeating sequence (loss falls by sparse cross-entropy on [batch, time, vocab] logits)', () => {
    const lm = new TransformerLM({ vocabSize: 6, blockSize: 8, layers: 1, heads: 2, width: 16, seed: 8 });
    const data = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1];
    const x = tensor2d([data.slice(0, 8), data.slice(3, 11)], [2, 8], 'int32');
    const y = tensor2d([data.slice(1, 9), data.slice(4, 12)], [2, 8], 'int32');
    const lossOf = () => {
      const logits = lm.call(x, { training: true });
      return neg(mean(sum(mul(oneHot(reshape(y, [-1]), 6), reshape(logSoftmax(logits), [-1, 6])), -1)));
    };
    lm.build(x.shape);
    const vars = Object.values(lm.parameters()) as Variable[];
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) {
      tidy(() => {
        const { value, grads } = variableGrads(lossOf as () => never, vars);
        losses.push(value.dataSync()[0] as number);
        for (const v of vars) v.assign(sub(v, mul(grads[v.name] as Tensor, 0.1)));
      });
    }
    expect(losses[0]).toBeGreaterThan(1.5);
    expect(losses[losses.length - 1]).toBeLessThan(0.3 * (losses[0] as number));
    dispose([x, y]);
    lm.dispose();
  });
});
