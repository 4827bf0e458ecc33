import { RngKey, rngKey, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { fill, linalg, mul, normal, ones, reshape, scope, transpose, truncNormal, uniform, zeros } from '@tessera/tensor';
import { isSerialized, type Serialized } from './serializable.js';

/**
 * Something that creates initial weight values; `key` is used when the initializer has no own seed.
 *
 * @example
 * ```ts
 * const w = heNormal({ seed: 1 }).init([784, 128]);
 * ```
 */
export interface Initializer {
  readonly className: string;
  init(shape: number[], key?: RngKey): Tensor;
  getConfig(): Serialized;
}

type Seed = number | RngKey | undefined;
type Factory = (config: Record<string, unknown>) => Initializer;
const registry = new Map<string, Factory>();

function keyFor(seed: Seed, key?: RngKey): RngKey {
  if (seed instanceof RngKey) return seed;
  if (typeof seed === 'number') return rngKey(seed);
  return key ?? rngKey(Math.floor(Math.random() * 2 ** 31));
}

function make(className: string, config: Record<string, unknown>, fn: (shape: number[], key: RngKey) => Tensor): Initializer {
  const seed = config.seed as Seed;
  return {
    className,
    init: (shape, key) => scope(() => fn(shape, keyFor(seed, key))),
    getConfig: () => ({
      className,
      config: { ...config, ...(seed instanceof RngKey ? { seed: seed.toJSON() } : {}) },
    }),
  };
}

/**
 * Keras fan-in / fan-out of a weight shape (conv kernels: receptive field times channels).
 *
 * @example
 * ```ts
 * computeFans([3, 3, 32, 64]); // [288, 576]
 * ```
 */
export function computeFans(shape: number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0] as number, shape[0] as number];
  if (shape.length === 2) return [shape[0] as number, shape[1] as number];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [receptive * (shape[shape.length - 2] as number), receptive * (shape[shape.length - 1] as number)];
}

/**
 * Options of a variance-scaling initializer.
 *
 * @example
 * ```ts
 * varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'uniform' });
 * ```
 */
export interface VarianceScalingOptions {
  scale?: number;
  mode?: 'fanIn' | 'fanOut' | 'fanAvg';
  distribution?: 'truncatedNormal' | 'untruncatedNormal' | 'uniform';
  seed?: number | RngKey;
}

/**
 * Variance scaling (the family behind glorot, he and lecun).
 *
 * @example
 * ```ts
 * const init = varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed: 1 });
 * ```
 */
export function varianceScaling(opts: VarianceScalingOptions = {}, className = 'VarianceScaling'): Initializer {
  const { scale = 1, mode = 'fanIn', distribution = 'truncatedNormal' } = opts;
  if (!(scale > 0)) throw new ValueError('varianceScaling scale', 'a positive number', scale);
  const config = className === 'VarianceScaling' ? { scale, mode, distribution, seed: opts.seed } : { seed: opts.seed };
  return make(className, config, (shape, key) => {
    const [fanIn, fanOut] = computeFans(shape);
    const n = Math.max(1, mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2);
    const s = scale / n;
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * s);
      return uniform(key, shape, -limit, limit);
    }
    if (distribution === 'untruncatedNormal') return normal(key, shape, 0, Math.sqrt(s));
    return truncNormal(key, shape, 0, Math.sqrt(s) / 0.8796256610342398);
  });
}

/**
 * The seed option of the random initializers: a number or an `RngKey` (`@tessera/core`). Without one, the
 * key comes from the layer's `seed` option, else it is random.
 *
 * @example
 * ```ts
 * const seed: SeedOptions = { seed: 1 };
 * dense(128, { kernelInitializer: heNormal(seed) });
 * orthogonal({ gain: 1, seed: rngKey(7) });
 * ```
 */
export type SeedOptions = { seed?: number | RngKey };
/** Glorot (Xavier) uniform. @example `dense(10, { kernelInitializer: glorotUniform({ seed: 1 }) })` */
export const glorotUniform = (o: SeedOptions = {}) =>
  varianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: o.seed }, 'GlorotUniform');
/** Glorot (Xavier) truncated normal. @example `glorotNormal({ seed: 1 })` */
export const glorotNormal = (o: SeedOptions = {}) => varianceScaling({ scale: 1, mode: 'fanAvg', seed: o.seed }, 'GlorotNormal');
/** He uniform (for relu). @example `heUniform({ seed: 1 })` */
export const heUniform = (o: SeedOptions = {}) =>
  varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'uniform', seed: o.seed }, 'HeUniform');
/** He truncated normal (for relu). @example `heNormal({ seed: 1 })` */
export const heNormal = (o: SeedOptions = {}) => varianceScaling({ scale: 2, mode: 'fanIn', seed: o.seed }, 'HeNormal');
/** LeCun uniform. @example `lecunUniform({ seed: 1 })` */
export const lecunUniform = (o: SeedOptions = {}) =>
  varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform', seed: o.seed }, 'LecunUniform');
/** LeCun truncated normal. @example `lecunNormal({ seed: 1 })` */
export const lecunNormal = (o: SeedOptions = {}) => varianceScaling({ scale: 1, mode: 'fanIn', seed: o.seed }, 'LecunNormal');

/**
 * All zeros.
 *
 * @example
 * ```ts
 * dense(4, { biasInitializer: zerosInit() });
 * ```
 */
export const zerosInit = (): Initializer => make('Zeros', {}, (shape) => zeros(shape));
/** All ones. @example `batchNormalization({ gammaInitializer: onesInit() })` */
export const onesInit = (): Initializer => make('Ones', {}, (shape) => ones(shape));
/** A constant value. @example `constant({ value: 0.1 })` */
export const constant = (o: { value?: number } = {}): Initializer =>
  make('Constant', { value: o.value ?? 0 }, (shape) => fill(shape, o.value ?? 0));
/** Normal samples. @example `randomNormalInit({ stddev: 0.02, seed: 1 })` */
export const randomNormalInit = (o: { mean?: number; stddev?: number } & SeedOptions = {}): Initializer =>
  make('RandomNormal', { mean: o.mean ?? 0, stddev: o.stddev ?? 0.05, seed: o.seed }, (shape, key) =>
    normal(key, shape, o.mean ?? 0, o.stddev ?? 0.05),
  );
/** Uniform samples. @example `randomUniformInit({ minval: -0.1, maxval: 0.1, seed: 1 })` */
export const randomUniformInit = (o: { minval?: number; maxval?: number } & SeedOptions = {}): Initializer =>
  make('RandomUniform', { minval: o.minval ?? -0.05, maxval: o.maxval ?? 0.05, seed: o.seed }, (shape, key) =>
    uniform(key, shape, o.minval ?? -0.05, o.maxval ?? 0.05),
  );
/** Truncated normal samples. @example `truncatedNormalInit({ stddev: 0.02, seed: 1 })` */
export const truncatedNormalInit = (o: { mean?: number; stddev?: number } & SeedOptions = {}): Initializer =>
  make('TruncatedNormal', { mean: o.mean ?? 0, stddev: o.stddev ?? 0.05, seed: o.seed }, (shape, key) =>
    truncNormal(key, shape, o.mean ?? 0, o.stddev ?? 0.05),
  );

/**
 * A (semi-)orthogonal matrix (QR of a normal sample), reshaped to the weight shape.
 *
 * @example
 * ```ts
 * lstm(32, { recurrentInitializer: orthogonal({ gain: 1, seed: 1 }) });
 * ```
 */
export const orthogonal = (o: { gain?: number } & SeedOptions = {}): Initializer =>
  make('Orthogonal', { gain: o.gain ?? 1, seed: o.seed }, (shape, key) => {
    const cols = shape[shape.length - 1] ?? 1;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const big = Math.max(rows, cols);
    const small = Math.min(rows, cols);
    const a = normal(key, [big, small]);
    const [q] = linalg.qr(a);
    const m = rows < cols ? transpose(q as Tensor) : (q as Tensor);
    return reshape(mul(m, o.gain ?? 1), shape);
  });

const names: Record<string, Factory> = {
  VarianceScaling: (c) => varianceScaling(c as VarianceScalingOptions),
  GlorotUniform: glorotUniform,
  GlorotNormal: glorotNormal,
  HeUniform: heUniform,
  HeNormal: heNormal,
  LecunUniform: lecunUniform,
  LecunNormal: lecunNormal,
  Zeros: zerosInit,
  Ones: onesInit,
  Constant: constant,
  RandomNormal: randomNormalInit,
  RandomUniform: randomUniformInit,
  TruncatedNormal: truncatedNormalInit,
  Orthogonal: orthogonal,
};
for (const [k, v] of Object.entries(names)) registry.set(k, v);
const aliases: Record<string, string> = { zeros: 'Zeros', ones: 'Ones' };

/**
 * Names accepted wherever an initializer is expected (lowerCamelCase).
 *
 * @example
 * ```ts
 * dense(10, { kernelInitializer: 'heNormal' });
 * ```
 */
export type InitializerName =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'lecunUniform'
  | 'lecunNormal'
  | 'zeros'
  | 'ones'
  | 'orthogonal'
  | 'randomNormal'
  | 'randomUniform'
  | 'truncatedNormal';
/**
 * An initializer, its name, or its serialized form.
 *
 * @example
 * ```ts
 * dense(10, { kernelInitializer: { className: 'HeNormal', config: { seed: 1 } } });
 * ```
 */
export type InitializerLike = Initializer | InitializerName | Serialized;

/**
 * Resolves a name, a serialized `{ className, config }` or an initializer object.
 *
 * @example
 * ```ts
 * getInitializer('heNormal').init([3, 4]);
 * ```
 */
export function getInitializer(x: InitializerLike, where = 'initializer'): Initializer {
  if (typeof x === 'string') {
    const cls = aliases[x] ?? x.charAt(0).toUpperCase() + x.slice(1);
    const f = registry.get(cls);
    if (!f) throw new ValueError(where, `one of ${Object.keys(names).join(', ')}`, x);
    return f({});
  }
  if (isSerialized(x) && !('init' in x)) {
    const f = registry.get(x.className);
    if (!f) throw new ValueError(where, `a known initializer class`, x.className);
    const cfg = { ...x.config };
    if (Array.isArray(cfg.seed)) cfg.seed = RngKey.fromJSON(cfg.seed);
    return f(cfg);
  }
  if (typeof (x as Initializer).init === 'function') return x as Initializer;
  throw new ValueError(where, 'an initializer, its name or its config', x);
}
