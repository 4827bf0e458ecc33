// Test helpers (not exported from the package): tiny hand-written modules, an SGD transform and a
// dataset that honours core's resume contract.
import type {
  Batch,
  Dataset,
  GradientTransform,
  IteratorState,
  Module,
  NamedTensors,
  NamedVariables,
  RngKey,
  StateTree,
} from '@tessera/core';
import { permutation } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { add, dropout, matMul, mean, mul, randomNormal, scalar, square, sub, sum, tensor2d, tidy, variable, zeros } from '@tessera/tensor';

/** y = x W + b, optional dropout on x (seeded by CallOptions.rng), lazily built. */
export class Linear implements Module {
  readonly name: string;
  w: Variable | null = null;
  b: Variable | null = null;
  constructor(
    readonly units: number,
    readonly opts: { dropout?: number; seed?: number; name?: string; l2?: number } = {},
  ) {
    this.name = opts.name ?? 'linear';
  }
  get built(): boolean {
    return this.w !== null;
  }
  call(x: Tensor, options: { training?: boolean; rng?: RngKey } = {}): Tensor {
    if (!this.w) {
      const inDim = x.shape[1] as number;
      this.w = variable(
        tidy(() => randomNormal([inDim, this.units], 0, 0.5, 'float32', this.opts.seed ?? 1)),
        true,
        `${this.name}_w_${uid()}`,
      );
      this.b = variable(zeros([this.units]), true, `${this.name}_b_${uid()}`);
    }
    let h = x;
    if (this.opts.dropout && options.training && options.rng) h = dropout(h, this.opts.dropout, undefined, options.rng.seed());
    return add(matMul(h, this.w), this.b as Variable);
  }
  parameters(): NamedVariables {
    return this.w ? { [`${this.name}/kernel`]: this.w, [`${this.name}/bias`]: this.b as Variable } : {};
  }
  state(): NamedVariables {
    return {};
  }
  regularizationLoss(): Tensor | null {
    return this.opts.l2 && this.w ? mul(scalar(this.opts.l2), sum(square(this.w))) : null;
  }
  getConfig() {
    return { className: 'Linear', config: { units: this.units } };
  }
  dispose() {
    this.w?.dispose();
    this.b?.dispose();
  }
}

let counter = 0;
function uid() {
  return counter++;
}

/** State of the test {@link sgd}: a plain learning-rate object and the velocities (momentum only). */
export interface SgdState {
  [key: string]: StateTree;
  lr: { count: number; scale: number; value: number };
  velocity: Record<string, Tensor>;
}

/** Plain SGD (with optional momentum to have tensor state) implementing the learning-rate protocol. */
export function sgd(learningRate: number, momentum = 0): GradientTransform<SgdState> {
  return {
    name: 'testSgd',
    init(params: NamedTensors): SgdState {
      const velocity: Record<string, Tensor> = {};
      if (momentum) for (const [k, v] of Object.entries(params)) velocity[k] = zeros(v.shape);
      return { lr: { count: 0, scale: 1, value: learningRate }, velocity };
    },
    update(grads, s) {
      const lr = learningRate * s.lr.scale;
      const updates: NamedTensors = {};
      const velocity: Record<string, Tensor> = {};
      for (const [k, g] of Object.entries(grads)) {
        if (momentum) {
          const v = add(mul(s.velocity[k] as Tensor, momentum), g);
          velocity[k] = v;
          updates[k] = mul(v, -lr);
        } else updates[k] = mul(g, -lr);
      }
      return [updates, { lr: { ...s.lr, count: s.lr.count + 1, value: lr }, velocity }];
    },
    learningRate: (s) => s.lr.value,
    scaleLearningRate: (s, factor) => ({ ...s, lr: { ...s.lr, scale: s.lr.scale * factor, value: s.lr.value * factor } }),
  };
}

export const mse = Object.assign((y: Tensor, p: Tensor) => tidy(() => mean(square(sub(y, p)))), { lossName: 'mse' });

/**
 * An in-memory dataset of rows that reshuffles on every pass (order = f(seed, pass)) and honours
 * the resume contract: checkpoint() before a pass, restore() makes the next pass repeat it.
 */
export class ShuffledRows implements Dataset<Batch> {
  private passNo = 0;
  constructor(
    readonly xs: number[][],
    readonly ys: number[][],
    readonly batchSize: number,
    readonly seed: number,
  ) {}
  checkpoint(): IteratorState {
    return { pass: this.passNo };
  }
  restore(state: IteratorState): void {
    this.passNo = state.pass as number;
  }
  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const order = permutation(this.xs.length, this.seed, this.passNo++);
    for (let s = 0; s < order.length; s += this.batchSize) {
      const idx = Array.from(order.subarray(s, s + this.batchSize));
      yield { x: tensor2d(idx.map((i) => this.xs[i] as number[])), y: tensor2d(idx.map((i) => this.ys[i] as number[])) };
    }
  }
}

/** A deterministic regression problem: y = x A + c + noise. */
export function regressionRows(n: number, inDim: number, outDim: number): { xs: number[][]; ys: number[][] } {
  const xs: number[][] = [];
  const ys: number[][] = [];
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: inDim }, rnd);
    xs.push(x);
    ys.push(
      Array.from(
        { length: outDim },
        (_, o) => x.reduce((a, v, j) => a + v * ((j + o) % 3) - 0.5 * v * (o === j ? 1 : 0), 0.3) + 0.01 * rnd(),
      ),
    );
  }
  return { xs, ys };
}

/** Every parameter's values by name. */
export function weightValues(model: Module): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(model.parameters())) out[k] = v.dataSync() as Float32Array;
  return out;
}
