// The custom layer of the README, checked with the exported harness (`@tessera/layers/testing`).
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { add, mul, type Tensor, tensor, type Variable } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { constant, deserializeModule, Layer, type LayerOptions, registerLayer, type Shape, sequential, serializeModule } from '../index.js';
import { checkLayer, checkOutputShape } from './index.js';

interface ScaleShiftOptions extends LayerOptions {
  /** Initial scale. */
  scale?: number;
}

/** `x * scale + shift` per feature: a complete custom layer (weights, forward, config). */
class ScaleShift extends Layer {
  static readonly className = 'ScaleShift';
  private readonly initialScale: number;
  private scale?: Variable;
  private shift?: Variable;

  constructor(opts: ScaleShiftOptions = {}) {
    super(opts);
    this.initialScale = opts.scale ?? 1;
    this.buildFromOptions();
  }
  protected buildWeights(s: Shape): void {
    const n = s[s.length - 1] as number;
    this.scale = this.addWeight('scale', [n], constant({ value: this.initialScale }));
    this.shift = this.addWeight('shift', [n], 'zeros');
  }
  protected forward(x: Tensor): Tensor {
    return add(mul(x, this.use(this.scale)), this.use(this.shift));
  }
  protected layerConfig(): Record<string, unknown> {
    return { scale: this.initialScale };
  }
}

beforeAll(async () => {
  await useBackend(cpu());
  registerLayer(ScaleShift);
});

describe('a custom layer needs only its weights, forward and config', () => {
  it('passes every check of the harness', () => {
    const worst = checkLayer({ name: 'ScaleShift', make: () => new ScaleShift({ scale: 2 }), inputShape: [3, 4] });
    expect(worst).toBeLessThan(1e-2);
  });
  it('infers its output shape by a forward pass, unknown sizes staying unknown', () => {
    const l = new ScaleShift();
    expect(l.computeOutputShape([null, 5, 4])).toEqual([null, 5, 4]);
    expect(l.computeOutputShape([null, null, 4])).toEqual([null, null, 4]);
    expect(l.computeOutputShape([7, 2, 4])).toEqual([7, 2, 4]);
  });
  it('is named, serialized and deserialized like a built-in layer', () => {
    const m = sequential([new ScaleShift(), new ScaleShift({ scale: 3 })], { inputShape: [2] });
    expect(Object.keys(m.parameters())).toEqual(['scale_shift/scale', 'scale_shift/shift', 'scale_shift_1/scale', 'scale_shift_1/shift']);
    const copy = deserializeModule(serializeModule(m));
    const x = tensor([[1, -2]]);
    expect(Array.from((copy.call(x) as Tensor).dataSync())).toEqual([3, -6]);
  });
  it('a failing check throws an error naming the case', () => {
    class Wrong extends ScaleShift {
      computeOutputShape(s: Shape): Shape {
        return [...s, 1];
      }
    }
    expect(() => checkOutputShape({ name: 'wrong', make: () => new Wrong(), inputShape: [2, 3] })).toThrow(
      'wrong: output shape [[2,3]] differs from computeOutputShape [[2,3,1]]',
    );
  });
});
