import { Prng, ValueError } from '@tessera/core';
import type { CausalLM } from './causal-lm.js';
import { CachedDecoder, recompute } from './decode-steps.js';
import { checkSampling, type SamplingOptions, sampleToken } from './sample.js';

/**
 * Options of {@link generate}.
 *
 * @example
 * ```ts
 * const options: GenerateOptions = { maxNewTokens: 200, temperature: 0.8, topK: 40, seed: 1, stopToken: eot };
 * ```
 */
export interface GenerateOptions extends SamplingOptions {
  /** Tokens to generate (fewer when every sequence met a stop token). */
  maxNewTokens: number;
  /**
   * Seed of the sampling (default 0): the same seed, model and prompt give the same tokens.
   * Sequence `i` of a batch draws from stream `i`, so the first sequence of a batch samples what it would alone.
   */
  seed?: number;
  /**
   * Decode incrementally with the model's cache (`initCache`/`step`) instead of recomputing the
   * whole window for every token. Default: true when the model has them.
   */
  useCache?: boolean;
  /** A sequence ends after emitting this token (or any of these); it is included in the output. */
  stopToken?: number | readonly number[];
  /**
   * Context length: the model sees the last `blockSize` tokens (nanoGPT's `idx[:, -block_size:]`).
   * Default: the model's `blockSize`, else unlimited.
   */
  blockSize?: number;
  /** Called with each new token of each sequence, as it is chosen (streaming). */
  onToken?(token: number, sequence: number): void;
}

const isBatch = (p: ArrayLike<number> | readonly ArrayLike<number>[]): p is readonly ArrayLike<number>[] =>
  p.length > 0 && typeof (p as readonly unknown[])[0] === 'object' && (p as readonly unknown[])[0] !== null;

/**
 * Autoregressive generation: feeds the prompt, picks the next token from the last position's
 * logits (greedy when `temperature` is 0, else seeded sampling with temperature, top-k and
 * top-p), appends it and repeats. With `useCache` the prompt is run once through `step` and then
 * one token at a time (positions passed as `options.positions`); without, the model is called on
 * the last `blockSize` tokens for every new token. When a cached sequence reaches `blockSize`
 * the cache is rebuilt from the last `blockSize` tokens, so both paths see the same windows
 * and give the same tokens (up to float rounding). Returns the new tokens only, one array per
 * prompt for a batch of equally long prompts. Frees every tensor it makes.
 *
 * @example
 * ```ts
 * const ids = await generate(model, tok.encode('ROMEO:'), { maxNewTokens: 100, temperature: 0.8, topK: 40, seed: 1 });
 * console.log(tok.decode(ids));
 * const [a, b] = await generate(model, [[1, 2], [3, 4]], { maxNewTokens: 5, temperature: 0 }); // greedy, a batch of two
 * ```
 */
export async function generate(model: CausalLM, prompt: ArrayLike<number>, options: GenerateOptions): Promise<number[]>;
export async function generate(model: CausalLM, prompt: readonly ArrayLike<number>[], options: GenerateOptions): Promise<number[][]>;
export async function generate(
  model: CausalLM,
  prompt: ArrayLike<number> | readonly ArrayLike<number>[],
  options: GenerateOptions,
): Promise<number[] | number[][]> {
  const batched = isBatch(prompt);
  const rows = (batched ? prompt : [prompt]).map((p, i) => checkPrompt(p, batched ? `generate prompt[${i}]` : 'generate prompt'));
  const out = await run(model, rows, options);
  return batched ? out : (out[0] as number[]);
}

function checkPrompt(p: ArrayLike<number>, where: string): number[] {
  if (p === null || typeof p !== 'object' || typeof p.length !== 'number' || p.length === 0)
    throw new ValueError(where, 'a non-empty array of token ids', p);
  const ids = Array.from(p);
  ids.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`${where}[${i}]`, 'a non-negative integer id', v);
  });
  return ids;
}

async function run(model: CausalLM, seqs: number[][], options: GenerateOptions): Promise<number[][]> {
  const maxNew = options?.maxNewTokens;
  if (!Number.isInteger(maxNew) || maxNew < 0) throw new ValueError('generate maxNewTokens', 'a non-negative integer', maxNew);
  const sampling = checkSampling(options);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ValueError('generate seed', 'an integer', seed);
  const len = (seqs[0] as number[]).length;
  seqs.forEach((s, i) => {
    if (s.length !== len)
      throw new ValueError(`generate prompt[${i}]`, `${len} tokens (prompts of one batch have one length)`, `${s.length} tokens`);
  });
  const blockSize = options.blockSize ?? model.blockSize;
  if (blockSize !== undefined && (!Number.isInteger(blockSize) || blockSize < 1))
    throw new ValueError('generate blockSize', 'a positive integer', blockSize);
  const canStep = typeof model.step === 'function' && typeof model.initCache === 'function';
  const useCache = options.useCache ?? canStep;
  if (useCache && !canStep) throw new ValueError('generate useCache', 'a model with initCache and step (a Stepper)', model);
  const stops = new Set(
    options.stopToken === undefined ? [] : typeof options.stopToken === 'number' ? [options.stopToken] : options.stopToken,
  );
  const batch = seqs.length;
  // one stream per sequence: a sequence samples the same tokens alone or in any batch
  const rngs = seqs.map((_, b) => new Prng(seed, b));
  const generated: number[][] = seqs.map(() => []);
  const done = seqs.map(() => false);
  const decoder = useCache ? new CachedDecoder(model, batch, blockSize ?? len + maxNew) : null;
  try {
    for (let t = 0; t < maxNew && done.includes(false); t++) {
      const last = decoder ? decoder.next(seqs) : recompute(model, seqs, blockSize);
      let logits: Float32Array;
      try {
        logits = (await last.data()) as Float32Array;
      } finally {
        last.dispose();
      }
      const vocab = logits.length / batch;
      for (let b = 0; b < batch; b++) {
        const token = sampleToken(
          logits.subarray(b * vocab, (b + 1) * vocab),
          sampling,
          sampling.temperature === 0 ? 0 : (rngs[b] as Prng).next(),
        );
        (seqs[b] as number[]).push(done[b] ? ((seqs[b] as number[]).at(-1) as number) : token);
        if (done[b]) continue;
        (generated[b] as number[]).push(token);
        options.onToken?.(token, b);
        if (stops.has(token)) done[b] = true;
      }
    }
  } finally {
    decoder?.dispose();
  }
  return generated;
}
