/**
 * Kernel name of the fused LSTM recurrence: inputs `xp` (`[t, b, 4u]`, the input projection of
 * every step with its bias, gates in Keras order i, f, c, o), `u` (recurrent kernel `[u, 4u]`),
 * `h0`, `c0` (`[b, u]`); outputs `hs`, `cs` (`[t, b, u]`, the hidden and cell state after each
 * step) and `gates` (`[t, b, 4u]`, the activated gates, saved for the gradient). Sigmoid gates,
 * tanh cell activation.
 *
 * @example
 * ```ts
 * const [hs, cs, gates] = engine().runKernel(LSTMSequence, { xp, u, h0, c0 }, {}) as Tensor[];
 * ```
 */
export const LSTMSequence = 'TesseraLSTMSequence';

/**
 * Kernel name of the gradient of {@link LSTMSequence} (backpropagation through time): inputs
 * `dhs`, `dcs` (`[t, b, u]`), `u`, `h0`, `c0`, `hs`, `cs`, `gates`; outputs `dxp`, `du`, `dh0`, `dc0`.
 *
 * @example
 * ```ts
 * const [dxp, du, dh0, dc0] = engine().runKernel(LSTMSequenceGrad, { dhs, dcs, u, h0, c0, hs, cs, gates }, {}) as Tensor[];
 * ```
 */
export const LSTMSequenceGrad = 'TesseraLSTMSequenceGrad';

/**
 * A float32 buffer of a sequence kernel: its values once the store has bound them.
 *
 * @example
 * ```ts
 * const buf: SeqBuffer = { v: new Float32Array(32 * 128) };
 * ```
 */
export interface SeqBuffer {
  v: Float32Array;
}

/**
 * Where a sequence kernel keeps its buffers and runs its products: wasm keeps them on the heap and
 * multiplies with XNNPACK, cpu in JavaScript arrays. Every buffer is allocated before `bind`
 * (an allocation can move the wasm heap); after it, `v` of every buffer is valid.
 *
 * @example
 * ```ts
 * const hs = store.alloc([steps, batch, units], true); // an output
 * store.bind();
 * store.matMul(h, u, z, batch, units, 4 * units);
 * ```
 */
export interface SeqStore<B extends SeqBuffer> {
  /** An input of the kernel. */
  input(name: string): B;
  /** A new buffer (an output when `output` is set, else scratch freed by `finish`). */
  alloc(shape: number[], output?: boolean): B;
  /** Makes `v` of every buffer valid. */
  bind(): void;
  /** out[m, n] = a[m, k] · b[k, n] (row-major). */
  matMul(a: B, b: B, out: B, m: number, k: number, n: number): void;
  /** out = sigmoid(x), elementwise over the whole buffers (same size). */
  sigmoid(x: B, out: B): void;
  /** out = tanh(x), elementwise over the whole buffers (same size). */
  tanh(x: B, out: B): void;
  /** Frees the scratch buffers. */
  finish(): void;
}

/**
 * Runs the LSTM recurrence of {@link LSTMSequence} on a store; returns the output buffers
 * `[hs, cs, gates]`. Each step is one product, one sigmoid over all gates (the cell gate as
 * `tanh(x) = 2·sigmoid(2x) − 1`) and one tanh of the cell state, with the rest in plain loops.
 *
 * @example
 * ```ts
 * const [hs, cs, gates] = lstmForward(store, steps, batch, units).map((buf) => buf.info);
 * ```
 */
export function lstmForward<B extends SeqBuffer>(store: SeqStore<B>, t: number, b: number, u: number): [B, B, B] {
  const g4 = 4 * u;
  const xp = store.input('xp');
  const w = store.input('u');
  const h0 = store.input('h0');
  const c0 = store.input('c0');
  const hs = store.alloc([t, b, u], true);
  const cs = store.alloc([t, b, u], true);
  const gates = store.alloc([t, b, g4], true);
  const hIn = store.alloc([b, u]);
  const z = store.alloc([b, g4]);
  const a = store.alloc([b, g4]);
  const c = store.alloc([b, u]);
  const tc = store.alloc([b, u]);
  store.bind();
  const bu = b * u;
  hIn.v.set(h0.v.subarray(0, bu));
  c.v.set(c0.v.subarray(0, bu));
  for (let s = 0; s < t; s++) {
    store.matMul(hIn, w, z, b, u, g4);
    const zv = z.v;
    const xv = xp.v;
    const x0 = s * b * g4;
    for (let r = 0; r < b; r++) {
      const zr = r * g4;
      for (let n = 0; n < g4; n++) zv[zr + n] = (zv[zr + n] as number) + (xv[x0 + zr + n] as number);
      for (let n = 2 * u; n < 3 * u; n++) zv[zr + n] = 2 * (zv[zr + n] as number);
    }
    store.sigmoid(z, a);
    const av = a.v;
    const gv = gates.v;
    const cv = c.v;
    for (let r = 0; r < b; r++) {
      const zr = r * g4;
      for (let n = 2 * u; n < 3 * u; n++) av[zr + n] = 2 * (av[zr + n] as number) - 1;
      gv.set(av.subarray(zr, zr + g4), x0 + zr);
      for (let j = 0; j < u; j++) {
        const idx = r * u + j;
        cv[idx] = (av[zr + u + j] as number) * (cv[idx] as number) + (av[zr + j] as number) * (av[zr + 2 * u + j] as number);
      }
    }
    cs.v.set(cv, s * bu);
    store.tanh(c, tc);
    const tv = tc.v;
    const hv = hIn.v;
    for (let r = 0; r < b; r++) {
      const zr = r * g4;
      for (let j = 0; j < u; j++) hv[r * u + j] = (av[zr + 3 * u + j] as number) * (tv[r * u + j] as number);
    }
    hs.v.set(hv, s * bu);
  }
  store.finish();
  return [hs, cs, gates];
}

/**
 * Backpropagation through time of {@link lstmForward} on a store; returns the output buffers
 * `[dxp, du, dh0, dc0]`: one tanh of every cell state, one product a step for the recurrent
 * gradient and one product over all steps for `du`.
 *
 * @example
 * ```ts
 * const [dxp, du, dh0, dc0] = lstmBackward(store, steps, batch, units).map((buf) => buf.info);
 * ```
 */
export function lstmBackward<B extends SeqBuffer>(store: SeqStore<B>, t: number, b: number, u: number): [B, B, B, B] {
  const g4 = 4 * u;
  const bu = b * u;
  const dhs = store.input('dhs');
  const dcs = store.input('dcs');
  const w = store.input('u');
  const h0 = store.input('h0');
  const c0 = store.input('c0');
  const hs = store.input('hs');
  const cs = store.input('cs');
  const gates = store.input('gates');
  const dxp = store.alloc([t, b, g4], true);
  const du = store.alloc([u, g4], true);
  const dh0 = store.alloc([b, u], true);
  const dc0 = store.alloc([b, u], true);
  const wT = store.alloc([g4, u]);
  const dz = store.alloc([b, g4]);
  const dhRec = store.alloc([b, u]);
  const hPrevT = store.alloc([u, t * b]);
  const tcs = store.alloc([t, b, u]);
  store.bind();
  store.tanh(cs, tcs);
  // uᵀ and [h0, h_0 .. h_{t-2}]ᵀ, for plain (untransposed) products
  const wv = w.v;
  const wTv = wT.v;
  for (let k = 0; k < u; k++) for (let n = 0; n < g4; n++) wTv[n * u + k] = wv[k * g4 + n] as number;
  const hT = hPrevT.v;
  const tb = t * b;
  for (let s = 0; s < t; s++) {
    const src = s === 0 ? h0.v : hs.v;
    const off = s === 0 ? 0 : (s - 1) * bu;
    for (let r = 0; r < b; r++) for (let j = 0; j < u; j++) hT[j * tb + s * b + r] = src[off + r * u + j] as number;
  }
  const dcNext = new Float32Array(bu);
  dhRec.v.fill(0);
  for (let s = t - 1; s >= 0; s--) {
    const gv = gates.v;
    const cv = cs.v;
    const dzv = dz.v;
    const dxv = dxp.v;
    const rec = dhRec.v;
    const cPrev = s === 0 ? c0.v : cv;
    const cOff = s === 0 ? 0 : (s - 1) * bu;
    for (let r = 0; r < b; r++) {
      const gr = s * b * g4 + r * g4;
      for (let j = 0; j < u; j++) {
        const idx = r * u + j;
        const at = s * bu + idx;
        const i = gv[gr + j] as number;
        const f = gv[gr + u + j] as number;
        const g = gv[gr + 2 * u + j] as number;
        const o = gv[gr + 3 * u + j] as number;
        const tc = tcs.v[at] as number;
        const dh = (dhs.v[at] as number) + (rec[idx] as number);
        const dc = (dcs.v[at] as number) + (dcNext[idx] as number) + dh * o * (1 - tc * tc);
        const dzi = dc * g * i * (1 - i);
        const dzf = dc * (cPrev[cOff + idx] as number) * f * (1 - f);
        const dzg = dc * i * (1 - g * g);
        const dzo = dh * tc * o * (1 - o);
        const zr = r * g4;
        dzv[zr + j] = dzi;
        dzv[zr + u + j] = dzf;
        dzv[zr + 2 * u + j] = dzg;
        dzv[zr + 3 * u + j] = dzo;
        dxv[gr + j] = dzi;
        dxv[gr + u + j] = dzf;
        dxv[gr + 2 * u + j] = dzg;
        dxv[gr + 3 * u + j] = dzo;
        dcNext[idx] = dc * f;
      }
    }
    store.matMul(dz, wT, dhRec, b, g4, u);
  }
  dh0.v.set(dhRec.v);
  dc0.v.set(dcNext);
  // du = Σ_s h_{s-1}ᵀ dz_s: one product over every step
  store.matMul(hPrevT, dxp, du, u, tb, g4);
  store.finish();
  return [dxp, du, dh0, dc0];
}
