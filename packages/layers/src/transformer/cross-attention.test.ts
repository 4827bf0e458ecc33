import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { stateTensors, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, concat, dispose, slice, tensor, tensor2d, tensorCount, tidy } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from '../layer.js';
import { deserializeModule, serializeModule } from '../serialize.js';
import { TransformerDecoderBlock } from './transformer-decoder-block.js';

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
type Parts = Record<'attention' | 'norm1' | 'norm2' | 'mlpIn' | 'mlpOut' | 'crossAttention' | 'crossNorm', Layer>;

describe.each([cpu(), wasm()])('decoder block cross-attention on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
  });

  it('pre-norm: h = x + self(norm(x)), h += cross(norm(h), enc), h + mlp(norm(h)); post-norm the same with norms after each add', () => {
    for (const norm of ['pre', 'post'] as const) {
      const block = new TransformerDecoderBlock({ numHeads: 2, intermediateDim: 8, norm, seed: 3 });
      const x = seq(2, 3, 4, 0.5);
      const enc = seq(2, 5, 6, 1.5); // encoder width 6 ≠ decoder width 4
      const y = block.call([x, enc]);
      const p = block as unknown as Parts;
      const want = tidy(() => {
        const mlp = (h: Tensor) => p.mlpOut.call(p.mlpIn.call(h)) as Tensor;
        const cross = (h: Tensor) => p.crossAttention.call([h, enc]) as Tensor;
        if (norm === 'pre') {
          let h = add(x, p.attention.call(p.norm1.call(x) as Tensor) as Tensor);
          h = add(h, cross(p.crossNorm.call(h) as Tensor));
          return add(h, mlp(p.norm2.call(h) as Tensor));
        }
        let h = p.norm1.call(add(x, p.attention.call(x) as Tensor)) as Tensor;
        h = p.crossNorm.call(add(h, cross(h))) as Tensor;
        return p.norm2.call(add(h, mlp(h))) as Tensor;
      });
      expect(maxDiff(y, want)).toBeLessThan(1e-5);
      const names = Object.keys(block.parameters());
      const crossNorm = norm === 'pre' ? 'cross_attention_norm' : 'cross_attention_output_norm';
      for (const k of ['query_kernel', 'key_kernel', 'value_kernel', 'output_kernel', 'output_bias'])
        expect(names).toContain(`transformer_decoder_block/cross_attention/${k}`);
      expect(names).toContain(`transformer_decoder_block/${crossNorm}/gamma`);
      // the cross-attention keys and values project the encoder width (6), its queries the decoder width (4)
      expect((block.parameters()['transformer_decoder_block/cross_attention/key_kernel'] as Tensor).shape).toEqual([6, 4]);
      expect((block.parameters()['transformer_decoder_block/cross_attention/query_kernel'] as Tensor).shape).toEqual([4, 4]);
      dispose([x, enc, y, want]);
      block.dispose();
    }
  });

  it('the encoder padding mask: each sequence gives what its unpadded encoder outputs give; causal in the decoder', () => {
    const block = new TransformerDecoderBlock({ numHeads: 2, intermediateDim: 8, seed: 5 });
    const x = seq(2, 4, 4, 0.2);
    const real = [5, 3]; // encoder steps per sequence; the rest is padding with large values
    const enc = tidy(() =>
      tensor(
        Array.from({ length: 2 * 5 * 4 }, (_, i) => {
          const b = Math.floor(i / 20);
          const t = Math.floor(i / 4) % 5;
          return t < (real[b] as number) ? Math.cos(i * 0.61) : 50 + i;
        }),
        [2, 5, 4],
      ),
    );
    const mask = tensor2d(
      real.map((n) => Array.from({ length: 5 }, (_, t) => (t < n ? 1 : 0))),
      [2, 5],
    );
    const y = block.call([x, enc, mask]);
    for (let b = 0; b < 2; b++) {
      const xb = slice(x, [b, 0, 0], [1, -1, -1]);
      const eb = slice(enc, [b, 0, 0], [1, real[b] as number, -1]);
      const yb = block.call([xb, eb]);
      const got = slice(y, [b, 0, 0], [1, -1, -1]);
      expect(maxDiff(got, yb)).toBeLessThan(1e-5);
      dispose([xb, eb, yb, got]);
    }
    // unmasked, the padding changes the second sequence
    const leaky = block.call([x, enc]);
    const a = slice(leaky, [1, 0, 0], [1, -1, -1]);
    const b1 = slice(y, [1, 0, 0], [1, -1, -1]);
    expect(maxDiff(a, b1)).toBeGreaterThan(1e-3);
    // causal: changing the last decoder step leaves the earlier outputs as they were
    const x2 = tidy(() => concat([slice(x, [0, 0, 0], [-1, 3, -1]), seq(2, 1, 4, 9)], 1));
    const y2 = block.call([x2, enc, mask]);
    const early = slice(y, [0, 0, 0], [-1, 3, -1]);
    const early2 = slice(y2, [0, 0, 0], [-1, 3, -1]);
    expect(maxDiff(early, early2)).toBeLessThan(1e-6);
    const last = slice(y, [0, 3, 0], [-1, 1, -1]);
    const last2 = slice(y2, [0, 3, 0], [-1, 1, -1]);
    expect(maxDiff(last, last2)).toBeGreaterThan(1e-3);
    dispose([x, enc, mask, y, leaky, a, b1, x2, y2, early, early2, last, last2]);
    block.dispose();
  });

  it('steps with a self-attention cache and the whole encoder sequence: chunk by chunk equals the call, no leak', () => {
    const block = new TransformerDecoderBlock({ numHeads: 2, intermediateDim: 8, numKeyValueHeads: 1, seed: 7 });
    const x = seq(2, 5, 4, 0.3);
    const enc = seq(2, 3, 6, 0.9);
    const mask = tensor2d(
      [
        [1, 1, 1],
        [1, 1, 0],
      ],
      [2, 3],
    );
    const full = block.call([x, enc, mask]);
    const run = () => {
      let cache = block.initCache(2, { maxLength: 8 });
      const ys: Tensor[] = [];
      let t = 0;
      for (const n of [2, 1, 2]) {
        const xt = slice(x, [0, t, 0], [-1, n, -1]);
        const [y, next] = block.step([xt, enc, mask], cache);
        dispose([xt, ...stateTensors(cache)]);
        cache = next;
        ys.push(y);
        t += n;
      }
      dispose(stateTensors(cache));
      const out = concat(ys, 1);
      dispose(ys);
      return out;
    };
    const first = run();
    expect(maxDiff(first, full)).toBeLessThan(1e-5);
    dispose(first);
    const before = tensorCount();
    dispose(run());
    expect(tensorCount()).toBe(before);
    dispose([x, enc, mask, full]);
    block.dispose();
  });

  it('config round trip rebuilds the cross-attention from the input shapes; wrong inputs name the block', () => {
    const block = new TransformerDecoderBlock({ numHeads: 2, intermediateDim: 8, norm: 'post', dropout: 0.1, seed: 2 });
    block.build([
      [null, null, 4],
      [null, null, 6],
    ]);
    const copy = deserializeModule(serializeModule(block)) as TransformerDecoderBlock;
    expect(serializeModule(copy)).toBe(serializeModule(block));
    copy.build([
      [null, null, 4],
      [null, null, 6],
    ]);
    expect(Object.keys(copy.parameters()).sort()).toEqual(Object.keys(block.parameters()).sort());
    const x = seq(1, 2, 4, 0);
    expect(() => block.call(x)).toThrow(/transformer_decoder_block/);
    const plain = new TransformerDecoderBlock({ numHeads: 2, seed: 1 });
    plain.build([null, null, 4]);
    const enc = seq(1, 3, 4, 1);
    expect(() => plain.call([x, enc])).toThrow(/transformer_decoder_block/);
    dispose([x, enc]);
    for (const l of [block, copy, plain]) l.dispose();
  });
});
