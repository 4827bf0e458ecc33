import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import type { GradientTransform, NamedTensors, StateTree } from '@tessera/core';
import { flattenState, stateTensors, unflattenState, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { getBackend, memory, mul, square, sub as subtract, sum, tensor1d, tidy, variable, variableGrads } from '@tessera/tensor';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdamState, ChainState, CountState, TraceState } from './index.js';
import {
  accumulate,
  adagrad,
  adam,
  adamw,
  addDecayedWeights,
  applyUpdates,
  chain,
  clip,
  clipByGlobalNorm,
  disposeStale,
  ema,
  emaParams,
  getLearningRate,
  lion,
  momentum,
  namedChain,
  piecewiseConstant,
  rmsprop,
  scale,
  scaleByAdam,
  scaleByLearningRate,
  scaleByRms,
  scaleByRss,
  scaleBySchedule,
  scaleLearningRate,
  setLearningRate,
  sgd,
  trace,
} from './index.js';

const vals = (t: Tensor | undefined) => Array.from((t as Tensor).dataSync());
const close = (a: number[], b: number[], tol = 1e-5) =>
  a.forEach((v, i) => {
    expect(Math.abs(v - (b[i] as number))).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i] as number)));
  });

/** Runs `steps` updates with fixed gradient sequences and returns the parameter values after each. */
function run(tx: GradientTransform, p0: number[], grads: number[][]): number[][] {
  let params: NamedTensors = { w: tensor1d(p0) };
  let state = tx.init(params);
  const out: number[][] = [];
  for (const g of grads) {
    const [u, next] = tx.update({ w: tensor1d(g) }, state, params);
    const w = vals(params.w).map((v, i) => v + (vals(u.w)[i] as number));
    params = { w: tensor1d(w) };
    state = next;
    out.push(w);
  }
  return out;
}

const all: Array<[string, () => GradientTransform]> = [
  ['scaleByAdam', () => scaleByAdam()],
  ['scaleByRms', () => scaleByRms()],
  ['scaleByRss', () => scaleByRss()],
  ['trace', () => trace({ decay: 0.9, nesterov: true })],
  ['addDecayedWeights', () => addDecayedWeights({ weightDecay: 0.1 })],
  ['clipByGlobalNorm', () => clipByGlobalNorm(1)],
  ['clip', () => clip(0.5)],
  ['scale', () => scale(-0.1)],
  ['scaleByLearningRate', () => scaleByLearningRate((s) => 0.1 / (1 + s))],
  ['scaleBySchedule', () => scaleBySchedule((s) => s + 1)],
  ['accumulate', () => accumulate(2, adam())],
  ['ema', () => chain(sgd(), ema({ decay: 0.9 }))],
  ['chain', () => chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(0.01))],
  [
    'namedChain',
    () =>
      namedChain([
        ['clip', clip(1)],
        ['adam', adam()],
      ]),
  ],
  ['sgd', () => sgd({ learningRate: 0.1 })],
  ['momentum', () => momentum({ learningRate: 0.1, nesterov: true })],
  ['adam', () => adam()],
  ['adamw', () => adamw()],
  ['rmsprop', () => rmsprop({ momentum: 0.5 })],
  ['adagrad', () => adagrad()],
  ['lion', () => lion({ weightDecay: 0.1 })],
  // hyperparameters other than the learning rate as schedules of the step
  ['trace (scheduled decay)', () => trace({ decay: (step) => 0.5 + 0.1 * step, nesterov: true })],
  ['addDecayedWeights (scheduled)', () => addDecayedWeights({ weightDecay: (step) => 0.1 * (step + 1) })],
  ['ema (scheduled decay)', () => chain(sgd(), ema({ decay: (step) => step / (step + 1) }))],
  ['momentum (scheduled)', () => momentum({ learningRate: 0.1, momentum: (step) => Math.min(0.9, 0.3 * step) })],
  ['adamw (scheduled weightDecay)', () => adamw({ weightDecay: (step) => 0.01 * 2 ** step })],
  ['lion (scheduled weightDecay)', () => lion({ weightDecay: (step) => 0.1 / (step + 1) })],
  ['rmsprop (scheduled momentum)', () => rmsprop({ momentum: (step) => 0.5 * step })],
];

describe.each([cpu(), wasm()])('optimizers on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    expect(getBackend()).toBe(plugin.name);
  });

  describe.each(all)('%s', (_name, make) => {
    it('is pure, round-trips its state and does not leak', () => {
      const tx = make();
      const params: NamedTensors = { a: tensor1d([1, -2, 3]), 'dense/kernel': tensor1d([0.5, 0.25]) };
      const grads: NamedTensors = { a: tensor1d([0.1, 0.2, -0.3]), 'dense/kernel': tensor1d([1, -1]) };
      let state: StateTree = tx.init(params);
      const before = memory().numTensors;
      for (let i = 0; i < 4; i++) {
        const next = tidy(() => {
          const [u, s] = tx.update(grads, state, params);
          expect(Object.keys(u).sort()).toEqual(['a', 'dense/kernel']);
          expect(u.a?.shape).toEqual([3]);
          return s as never;
        }) as StateTree;
        disposeStale(state, next);
        state = next;
        if (i > 0) expect(memory().numTensors).toBe(before);
      }
      for (const t of [...Object.values(params), ...Object.values(grads)]) expect(t.isDisposed).toBe(false);
      expect(vals(params.a)).toEqual([1, -2, 3]);
      expect(vals(grads.a).map((v) => Math.round(v * 10) / 10)).toEqual([0.1, 0.2, -0.3]);
      // state round trip through the serializable form gives the same next update
      const { tensors, skeleton } = flattenState(state);
      const restored = unflattenState(JSON.parse(JSON.stringify(skeleton)), tensors);
      const [u1] = tx.update(grads, state, params);
      const [u2] = tx.update(grads, restored, params);
      expect(vals(u2.a)).toEqual(vals(u1.a));
      expect(vals(u2['dense/kernel'])).toEqual(vals(u1['dense/kernel']));
      for (const t of stateTensors(state)) t.dispose();
    });
  });

  it('sgd, momentum and Nesterov match hand-computed updates', () => {
    const g = [
      [1, -2],
      [0.5, 0.5],
      [-1, 0],
    ];
    close(run(sgd({ learningRate: 0.1 }), [1, 1], g)[2] as number[], [1 - 0.1 * 0.5, 1 - 0.1 * -1.5]);
    // momentum 0.9: v1 = g1, v2 = g2 + 0.9 v1, v3 = g3 + 0.9 v2; w -= lr * v
    const v1 = [1, -2];
    const v2 = [0.5 + 0.9, 0.5 - 1.8];
    const v3 = [-1 + 0.9 * v2[0]!, 0 + 0.9 * v2[1]!];
    const w3 = [1 - 0.1 * (v1[0]! + v2[0]! + v3[0]!), 1 - 0.1 * (v1[1]! + v2[1]! + v3[1]!)];
    close(run(sgd({ learningRate: 0.1, momentum: 0.9 }), [1, 1], g)[2] as number[], w3);
    // Nesterov: step = g + 0.9 v_new
    const n = [v1, v2, v3].map((v, i) => [g[i]![0]! + 0.9 * v[0]!, g[i]![1]! + 0.9 * v[1]!]);
    close(run(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), [1, 1], g)[2] as number[], [
      1 - 0.1 * (n[0]![0]! + n[1]![0]! + n[2]![0]!),
      1 - 0.1 * (n[0]![1]! + n[1]![1]! + n[2]![1]!),
    ]);
  });

  it('adam and adamw match hand-computed updates for 3 steps', () => {
    const g = [
      [0.1, -0.2],
      [0.3, 0.1],
      [-0.05, 0.4],
    ];
    const lr = 0.01;
    const b1 = 0.9;
    const b2 = 0.999;
    const eps = 1e-7;
    const wd = 0.1;
    const byHand = (decay: number) => {
      let w = [0.5, -0.5];
      let m = [0, 0];
      let v = [0, 0];
      g.forEach((gt, t) => {
        m = m.map((mi, i) => b1 * mi + (1 - b1) * gt[i]!);
        v = v.map((vi, i) => b2 * vi + (1 - b2) * gt[i]! ** 2);
        const mh = m.map((mi) => mi / (1 - b1 ** (t + 1)));
        const vh = v.map((vi) => vi / (1 - b2 ** (t + 1)));
        w = w.map((wi, i) => wi - lr * (mh[i]! / (Math.sqrt(vh[i]!) + eps) + decay * wi));
      });
      return w;
    };
    close(run(adam({ learningRate: lr }), [0.5, -0.5], g)[2] as number[], byHand(0));
    close(run(adamw({ learningRate: lr, weightDecay: wd }), [0.5, -0.5], g)[2] as number[], byHand(wd));
  });

  it('clipByGlobalNorm, accumulate and ema match hand values', () => {
    const params = { a: tensor1d([0, 0]), b: tensor1d([0]) };
    const [u] = clipByGlobalNorm(1).update({ a: tensor1d([3, 0]), b: tensor1d([4]) }, {}, params);
    close(vals(u.a), [0.6, 0]);
    close(vals(u.b), [0.8]);
    const [same] = clipByGlobalNorm(10).update({ a: tensor1d([3, 0]), b: tensor1d([4]) }, {}, params);
    close(vals(same.b), [4]);
    // accumulate 2 with sgd(1): zero update, then -(g1 + g2) / 2
    const acc = run(accumulate(2, sgd({ learningRate: 1 })), [0], [[1], [3], [5], [7]]);
    close(
      acc.map((w) => w[0] as number),
      [0, -2, -2, -8],
    );
    const tx = chain(scaleByLearningRate(1), ema({ decay: 0.5 }));
    const p = { w: tensor1d([1]) };
    const s0 = tx.init(p);
    const [, s1] = tx.update({ w: tensor1d([1]) }, s0, p); // new param 0 -> ema 0.5 * 1 + 0.5 * 0
    close(vals(emaParams(s1)?.w), [0.5]);
    // three steps of sgd(0.5) on constant gradient 1 from w = 2: params 1.5, 1, 0.5;
    // ema(0.8) from 2: 0.8*2 + 0.2*1.5 = 1.9, 0.8*1.9 + 0.2*1 = 1.72, 0.8*1.72 + 0.2*0.5 = 1.476
    const tx3 = chain(sgd({ learningRate: 0.5 }), ema({ decay: 0.8 }));
    let params3: NamedTensors = { w: tensor1d([2]) };
    let st: StateTree = tx3.init(params3);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [u3, next] = tx3.update({ w: tensor1d([1]) }, st, params3);
      params3 = { w: tensor1d([vals(params3.w)[0]! + vals(u3.w)[0]!]) };
      st = next;
      seen.push(vals(emaParams(st)?.w)[0]!);
    }
    close(seen, [1.9, 1.72, 1.476]);
    // accumulate leaves the inner state untouched between its steps
    const accTx = accumulate(3, adam());
    const p0 = { w: tensor1d([1]) };
    const a0 = accTx.init(p0);
    const [, a1] = accTx.update({ w: tensor1d([1]) }, a0, p0);
    const [, a2] = accTx.update({ w: tensor1d([2]) }, a1, p0);
    expect(a2.inner).toBe(a0.inner);
    const [, a3] = accTx.update({ w: tensor1d([3]) }, a2, p0);
    const adamMu = ((a3.inner as ChainState)['0:scaleByAdam'] as AdamState).mu;
    close(vals(adamMu.w), [0.1 * 2]); // mean gradient 2, b1 0.9
  });

  it('clipByGlobalNorm never exceeds maxNorm and keeps directions (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.float({ min: Math.fround(0.01), max: 50, noNaN: true }),
        (xs, maxNorm) => {
          const g = { a: tensor1d(xs) };
          const [u] = clipByGlobalNorm(maxNorm).update(g, {}, g);
          const out = vals(u.a);
          const norm = Math.hypot(...xs);
          const outNorm = Math.hypot(...out);
          expect(outNorm).toBeLessThanOrEqual(maxNorm * (1 + 1e-5) + 1e-6);
          const factor = norm > maxNorm ? maxNorm / norm : 1;
          close(
            out,
            xs.map((x) => x * factor),
            1e-4,
          );
          g.a.dispose();
          u.a?.dispose();
        },
      ),
      { numRuns: 30 },
    );
  });

  it('rmsprop, adagrad, clip, scale and scaleBySchedule match hand values', () => {
    const g = [
      [0.5, -1],
      [2, 0.25],
    ];
    // rmsprop rho 0.9: nu = 0.9 nu + 0.1 g^2; w -= lr g / (sqrt(nu) + eps)
    const rmsByHand = () => {
      let w = [1, 1];
      let nu = [0, 0];
      for (const gt of g) {
        nu = nu.map((v, i) => 0.9 * v + 0.1 * gt[i]! ** 2);
        w = w.map((wi, i) => wi - (0.01 * gt[i]!) / (Math.sqrt(nu[i]!) + 1e-7));
      }
      return w;
    };
    close(run(rmsprop({ learningRate: 0.01 }), [1, 1], g)[1] as number[], rmsByHand());
    // adagrad: acc = 0.1 + sum g^2; w -= lr g / (sqrt(acc) + eps)
    const adagradByHand = () => {
      let w = [1, 1];
      let acc = [0.1, 0.1];
      for (const gt of g) {
        acc = acc.map((a, i) => a + gt[i]! ** 2);
        w = w.map((wi, i) => wi - (0.1 * gt[i]!) / (Math.sqrt(acc[i]!) + 1e-7));
      }
      return w;
    };
    close(run(adagrad({ learningRate: 0.1 }), [1, 1], g)[1] as number[], adagradByHand());
    const p = { w: tensor1d([0, 0, 0]) };
    const grads = { w: tensor1d([-2, 0.3, 5]) };
    close(vals(clip(0.5).update(grads, {}, p)[0].w), [-0.5, 0.3, 0.5]);
    close(vals(scale(-2).update(grads, {}, p)[0].w), [4, -0.6, -10]);
    const sched = scaleBySchedule((step) => 10 ** step);
    const [u0, s1] = sched.update(grads, sched.init(p), p);
    const [u1] = sched.update(grads, s1, p);
    close(vals(u0.w), [-2, 0.3, 5]);
    close(vals(u1.w), [-20, 3, 50]);
    const wd = addDecayedWeights({ weightDecay: 0.5, mask: (name) => name !== 'bias' });
    const [d] = wd.update({ w: tensor1d([1]), bias: tensor1d([1]) }, { count: 0 }, { w: tensor1d([4]), bias: tensor1d([4]) });
    close(vals(d.w), [3]);
    close(vals(d.bias), [1]);
    expect(() => wd.update(grads, { count: 0 })).toThrow('addDecayedWeights update');
  });

  it('lion matches hand-computed updates', () => {
    const g = [
      [0.5, -1],
      [-2, 0.1],
    ];
    // step 1: c = 0.1 g1 -> sign; m1 = 0.01 g1. step 2: c = 0.9 m1 + 0.1 g2
    const m1 = [0.005, -0.01];
    const c2 = [0.9 * m1[0]! + 0.1 * -2, 0.9 * m1[1]! + 0.1 * 0.1];
    const w2 = [1 - 0.1 * 1 - 0.1 * Math.sign(c2[0]!), 1 - 0.1 * -1 - 0.1 * Math.sign(c2[1]!)];
    close(run(lion({ learningRate: 0.1 }), [1, 1], g)[1] as number[], w2);
  });

  it('a schedule on weightDecay changes the decay step by step (addDecayedWeights, adamw, lion)', () => {
    // weightDecay 0.5, 0.25, 0 at steps 0, 1, 2 on w = 4 with gradient 1: updates 1 + wd * 4
    const wd = addDecayedWeights({ weightDecay: piecewiseConstant([1, 2], [0.5, 0.25, 0]) });
    const p = { w: tensor1d([4]) };
    let st = wd.init(p);
    expect(st).toEqual({ count: 0 });
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [u, next] = wd.update({ w: tensor1d([1]) }, st, p);
      seen.push(vals(u.w)[0] as number);
      st = next;
    }
    close(seen, [3, 2, 1]);
    expect(st).toEqual({ count: 3 });
    // a state without a count (written before weightDecay could be scheduled) reads as step 0
    close(vals(wd.update({ w: tensor1d([1]) }, {} as CountState, p)[0].w), [3]);
    // adamw: w -= lr * (adam direction + wd(t) * w), with wd(t) = 0.1 * (t + 1)
    const g = [
      [0.1, -0.2],
      [0.3, 0.1],
      [-0.05, 0.4],
    ];
    const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-7];
    const adamwByHand = (decay: (t: number) => number) => {
      let w = [0.5, -0.5];
      let m = [0, 0];
      let v = [0, 0];
      return g.map((gt, t) => {
        m = m.map((mi, i) => b1 * mi + (1 - b1) * gt[i]!);
        v = v.map((vi, i) => b2 * vi + (1 - b2) * gt[i]! ** 2);
        const mh = m.map((mi) => mi / (1 - b1 ** (t + 1)));
        const vh = v.map((vi) => vi / (1 - b2 ** (t + 1)));
        w = w.map((wi, i) => wi - lr * (mh[i]! / (Math.sqrt(vh[i]!) + eps) + decay(t) * wi));
        return w;
      });
    };
    const scheduled = run(adamw({ learningRate: lr, weightDecay: (t) => 0.1 * (t + 1) }), [0.5, -0.5], g);
    const want = adamwByHand((t) => 0.1 * (t + 1));
    for (let t = 0; t < 3; t++) close(scheduled[t] as number[], want[t] as number[]);
    // ... and differs from the constant 0.1 after the first step
    const constant = run(adamw({ learningRate: lr, weightDecay: 0.1 }), [0.5, -0.5], g);
    close(constant[0] as number[], scheduled[0] as number[]);
    expect(Math.abs((constant[1]![0] as number) - (scheduled[1]![0] as number))).toBeGreaterThan(1e-4);
    // lion: w -= lr * (sign(c) + wd(t) * w); a decay of 0 at step 0 and 0.5 at step 1
    const lg = [
      [0.5, -1],
      [-2, 0.1],
    ];
    const m1 = [0.005, -0.01];
    const c2 = [0.9 * m1[0]! + 0.1 * -2, 0.9 * m1[1]! + 0.1 * 0.1];
    const w1 = [1 - 0.1 * 1, 1 - 0.1 * -1];
    const w2 = [w1[0]! - 0.1 * (Math.sign(c2[0]!) + 0.5 * w1[0]!), w1[1]! - 0.1 * (Math.sign(c2[1]!) + 0.5 * w1[1]!)];
    const lw = run(lion({ learningRate: 0.1, weightDecay: (t) => (t === 0 ? 0 : 0.5) }), [1, 1], lg);
    close(lw[0] as number[], w1);
    close(lw[1] as number[], w2);
  });

  it('a schedule on momentum (trace decay) changes the updates step by step', () => {
    // decay 0, 0.5, 1 at steps 0, 1, 2 with gradient 1: trace 1, 1 + 0.5 * 1 = 1.5, 1 + 1 * 1.5 = 2.5
    const decay = piecewiseConstant([1, 2], [0, 0.5, 1]);
    const tr = trace({ decay });
    const p = { w: tensor1d([0]) };
    let st = tr.init(p);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [u, next] = tr.update({ w: tensor1d([1]) }, st, p);
      seen.push(vals(u.w)[0] as number);
      st = next;
    }
    close(seen, [1, 1.5, 2.5]);
    expect((st as { count: number }).count).toBe(3);
    // Nesterov: update g + d(t) * trace_t = 1, 1 + 0.5 * 1.5, 1 + 1 * 2.5
    const nesterov = run(trace({ decay, nesterov: true }), [0], [[1], [1], [1]]);
    close(
      nesterov.map((w) => w[0] as number),
      [1, 2.75, 6.25],
    );
    // momentum({ learningRate: 1 }) with that schedule: w = -1, -2.5, -5; a constant 0.5 gives -1, -2.5, -4.25
    close(
      run(momentum({ learningRate: 1, momentum: decay }), [0], [[1], [1], [1]]).map((w) => w[0] as number),
      [-1, -2.5, -5],
    );
    close(
      run(momentum({ learningRate: 1, momentum: 0.5 }), [0], [[1], [1], [1]]).map((w) => w[0] as number),
      [-1, -2.5, -4.25],
    );
    // sgd turns the trace on for a schedule even if it starts at 0
    close(
      run(sgd({ learningRate: 1, momentum: decay }), [0], [[1], [1], [1]]).map((w) => w[0] as number),
      [-1, -2.5, -5],
    );
    // a trace state without a count reads as step 0
    const [u0] = tr.update({ w: tensor1d([1]) }, { trace: { w: tensor1d([2]) } } as unknown as TraceState, p);
    close(vals(u0.w), [1]);
  });

  it('a schedule on the ema decay changes the averaging step by step', () => {
    // sgd(0.5), gradient 1, from w = 2: params 1.5, 1, 0.5; decay 0, 0.5, 0.8:
    // ema 1.5, 0.5 * 1.5 + 0.5 * 1 = 1.25, 0.8 * 1.25 + 0.2 * 0.5 = 1.1
    const tx = chain(sgd({ learningRate: 0.5 }), ema({ decay: piecewiseConstant([1, 2], [0, 0.5, 0.8]) }));
    let params: NamedTensors = { w: tensor1d([2]) };
    let st: StateTree = tx.init(params);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [u, next] = tx.update({ w: tensor1d([1]) }, st, params);
      params = { w: tensor1d([vals(params.w)[0]! + vals(u.w)[0]!]) };
      st = next;
      seen.push(vals(emaParams(st)?.w)[0]!);
    }
    close(seen, [1.5, 1.25, 1.1]);
    expect(() => ema({ decay: 2 })).toThrow('ema decay');
    const bad = ema({ decay: (step) => 1.5 + step });
    expect(() => bad.update({ w: tensor1d([1]) }, bad.init({ w: tensor1d([0]) }), { w: tensor1d([0]) })).toThrow('ema decay at step 0');
  });

  it('learning rate schedules and run-time scaling', () => {
    const tx = sgd({ learningRate: (step) => 0.1 * 0.5 ** step });
    const w = run(tx, [0], [[1], [1], [1]]);
    close(
      w.map((x) => x[0] as number),
      [-0.1, -0.15, -0.175],
    );
    const t2 = adam({ learningRate: 0.01 });
    let s = t2.init({ w: tensor1d([1]) });
    [, s] = t2.update({ w: tensor1d([1]) }, s, { w: tensor1d([1]) });
    expect(getLearningRate(t2, s)).toBeCloseTo(0.01, 8);
    s = scaleLearningRate(t2, s, 0.5);
    expect(getLearningRate(t2, s)).toBeCloseTo(0.005, 8);
    const [u] = t2.update({ w: tensor1d([1]) }, s, { w: tensor1d([1]) });
    const sgd2 = sgd({ learningRate: 0.2 });
    const sgdState = scaleLearningRate(sgd2, sgd2.init({ w: tensor1d([0]) }), 0.5);
    const [u2] = sgd2.update({ w: tensor1d([1]) }, sgdState);
    close(vals(u2.w), [-0.1]);
    expect(getLearningRate(sgd2, scaleLearningRate(sgd2, sgdState, 1e-6, { min: 0.01 }))).toBeCloseTo(0.01, 8);
    expect(vals(u.w)[0]).toBeLessThan(0);
  });

  it('named optimizers default to the Keras learning rates', () => {
    const p = { w: tensor1d([1]) };
    const defaults: Array<[() => GradientTransform, number]> = [
      [() => sgd(), 0.01],
      [() => momentum(), 0.01],
      [() => adam(), 1e-3],
      [() => adamw(), 1e-3],
      [() => rmsprop(), 1e-3],
      [() => adagrad(), 1e-3],
      [() => lion(), 1e-3],
    ];
    for (const [make, lr] of defaults) {
      const tx = make();
      const state = tx.init(p);
      expect(getLearningRate(tx, state)).toBe(lr);
      expect(tx.learningRate?.(state)).toBe(lr);
      disposeStale(state, []);
    }
  });

  it('setLearningRate changes the rate of the next steps, keeps schedules and survives flattenState', () => {
    const tx = namedChain([
      ['clip', clipByGlobalNorm(10)],
      ['sgd', sgd({ learningRate: 0.2 })],
    ]);
    let state = tx.init({ w: tensor1d([0]) });
    expect(getLearningRate(tx, state)).toBeCloseTo(0.2, 10);
    state = setLearningRate(tx, state, 0.05);
    expect(getLearningRate(tx, state)).toBeCloseTo(0.05, 10);
    const { tensors, skeleton } = flattenState(state);
    const restored = unflattenState(JSON.parse(JSON.stringify(skeleton)), tensors) as ChainState;
    const [u, next] = tx.update({ w: tensor1d([2]) }, restored, { w: tensor1d([0]) });
    close(vals(u.w), [-0.1]);
    expect(getLearningRate(tx, next)).toBeCloseTo(0.05, 10);
    // a halving schedule keeps halving from the new level: 0.1 at step 0 -> set 0.01 -> 0.005 at step 1
    const halving = sgd({ learningRate: (step) => 0.1 * 0.5 ** step });
    const s0 = setLearningRate(halving, halving.init({ w: tensor1d([0]) }), 0.01);
    const [u0, s1] = halving.update({ w: tensor1d([1]) }, s0);
    const [u1] = halving.update({ w: tensor1d([1]) }, s1);
    close(vals(u0.w), [-0.01]);
    close(vals(u1.w), [-0.005]);
    expect(() => setLearningRate(halving, s0, -1)).toThrow('setLearningRate value');
  });

  it.each([
    ['sgd', () => sgd({ learningRate: 0.1 })],
    ['momentum', () => momentum({ learningRate: 0.05 })],
    ['adam', () => adam({ learningRate: 0.1 })],
    ['adamw', () => adamw({ learningRate: 0.1, weightDecay: 0 })],
    ['rmsprop', () => rmsprop({ learningRate: 0.05 })],
    ['adagrad', () => adagrad({ learningRate: 0.5 })],
    ['lion', () => lion({ learningRate: 0.05, b2: 0.9 })],
  ] as Array<[string, () => GradientTransform]>)('%s minimizes a quadratic', (_n, make) => {
    const tx = make();
    const w = variable(tensor1d([2, -3]), true, `q_${_n}_${Math.random()}`);
    const target = tensor1d([0.5, 1]);
    let state = tx.init({ w });
    const f0 = vals(tidy(() => sum(square(tensor1d([1.5, -4])))))[0] as number;
    for (let i = 0; i < 150; i++) {
      const next = tidy(() => {
        const { grads } = variableGrads(() => sum(square(mul(tensor1d([1, 2]), subtract(w, target)))) as never, [w]);
        const [u, s] = tx.update({ w: grads[w.name] as Tensor }, state, { w });
        applyUpdates({ w }, u);
        return s as never;
      }) as StateTree;
      disposeStale(state, next);
      state = next;
    }
    const final = vals(tidy(() => sum(square(mul(tensor1d([1, 2]), subtract(w, target))))))[0] as number;
    expect(final).toBeLessThan(f0 * 0.01);
    w.dispose();
  });
});
