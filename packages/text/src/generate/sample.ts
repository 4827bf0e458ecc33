import { ValueError } from '@tessera/core';

/**
 * How the next token is chosen from logits.
 *
 * @example
 * ```ts
 * const greedy: SamplingOptions = { temperature: 0 };
 * const nucleus: SamplingOptions = { temperature: 0.8, topK: 50, topP: 0.95 };
 * ```
 */
export interface SamplingOptions {
  /** Divides the logits; 0 picks the most likely token (greedy). Default 1. */
  temperature?: number;
  /** Keep only the `topK` most likely tokens (ties with the k-th are kept, as nanoGPT). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches `topP` (nucleus sampling). */
  topP?: number;
}

/**
 * Checks sampling options; returns them resolved.
 *
 * @example
 * ```ts
 * checkSampling({ topK: 0 }); // throws: topK expected a positive integer
 * ```
 */
export function checkSampling(o: SamplingOptions, where = 'generate'): { temperature: number; topK: number | undefined; topP: number } {
  const temperature = o.temperature ?? 1;
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature))
    throw new ValueError(`${where} temperature`, 'a finite number >= 0', temperature);
  const topK = o.topK;
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) throw new ValueError(`${where} topK`, 'a positive integer', topK);
  const topP = o.topP ?? 1;
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) throw new ValueError(`${where} topP`, 'a number in (0, 1]', o.topP);
  return { temperature, topK, topP };
}

/**
 * Index of the largest value (the first one on ties).
 *
 * @example
 * ```ts
 * argmax([0.1, 2, 2, -1]); // 1
 * ```
 */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/**
 * The distribution sampling draws from: `softmax(logits / temperature)` restricted to the top-k
 * and then the top-p tokens, renormalized (zeros elsewhere). Temperature must be > 0.
 *
 * @example
 * ```ts
 * samplingProbabilities([2, 1, 0], { temperature: 1, topK: 2 }); // [0.731, 0.269, 0]
 * ```
 */
export function samplingProbabilities(logits: ArrayLike<number>, options: SamplingOptions = {}): Float64Array {
  const { temperature, topK, topP } = checkSampling(options, 'samplingProbabilities');
  if (temperature === 0) throw new ValueError('samplingProbabilities temperature', 'a number > 0 (0 is greedy: use argmax)', 0);
  const n = logits.length;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = (logits[i] as number) / temperature;
  if (topK !== undefined && topK < n) {
    const kth = Float64Array.from(z).sort()[n - topK] as number;
    for (let i = 0; i < n; i++) if ((z[i] as number) < kth) z[i] = Number.NEGATIVE_INFINITY;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if ((z[i] as number) > max) max = z[i] as number;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((z[i] as number) - max);
    z[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) z[i] = (z[i] as number) / sum;
  if (topP < 1) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (z[b] as number) - (z[a] as number) || a - b);
    let cum = 0;
    let kept = 0;
    for (const i of order) {
      if (cum >= topP && kept > 0) z[i] = 0;
      else {
        cum += z[i] as number;
        kept++;
      }
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += z[i] as number;
    for (let i = 0; i < n; i++) z[i] = (z[i] as number) / s;
  }
  return z;
}

/**
 * Picks a token from `logits`: the argmax when `temperature` is 0, else a draw from
 * {@link samplingProbabilities} with the uniform number `u` in [0, 1) (inverse CDF over the ids in order).
 *
 * @example
 * ```ts
 * const rng = new Prng(7);
 * sampleToken(logits, { temperature: 0.8, topK: 40 }, rng.next());
 * ```
 */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, u: number): number {
  if ((options.temperature ?? 1) === 0) return argmax(logits);
  const p = samplingProbabilities(logits, options);
  let cum = 0;
  let last = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    if (pi <= 0) continue;
    last = i;
    cum += pi;
    if (u < cum) return i;
  }
  return last;
}
