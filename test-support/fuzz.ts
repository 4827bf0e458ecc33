// Test-only helpers for the parser fuzz suites (`*.fuzz.test.ts`): mutation arbitraries built from
// valid seed files, and one check every fuzzed case must pass.
//
// The contract checked for each case: the parser either returns a value, or throws a TesseraError
// whose message names the format (or file) and says what is wrong; it never throws a TypeError /
// RangeError / plain Error, never uses more than `maxMs` of CPU time (wall time stretches on a busy machine; a sync loop is cut by a vm watchdog,
// so a hang fails the case instead of the whole run), and never allocates more ArrayBuffer memory
// than `allocFactor` times its input plus `allocSlack` bytes (a lying size field must be rejected
// before allocating).
//
// Cases per run (numRuns set in each file; TESSERA_FUZZ_SCALE multiplies them):
//   packages/data/src/loaders/binary.fuzz.test.ts       3,800  (IDX, NPY, NPZ, gzip)
//   packages/data/src/loaders/image.fuzz.test.ts        3,000  (PNG, PNG chunks, JPEG, decodeImage)
//   packages/data/src/loaders/text.fuzz.test.ts         2,900  (CSV, JSONL)
//   packages/data/src/preprocess/tokenizer.fuzz.test.ts   900  (Tokenizer.fromJSON)
//   packages/tensor/src/safetensors.fuzz.test.ts        2,000  (safetensors)
//   packages/train/src/checkpoint-format.fuzz.test.ts   1,108  (checkpoints)
//   packages/layers/src/serialize.fuzz.test.ts          1,700  (serialized models)
//   packages/text/src/tokenizers/from-json.fuzz.test.ts   900  (tokenizerFromJSON)
//   total                                              16,308
import vm from 'node:vm';
import fc from 'fast-check';
import { TesseraError } from '../packages/core/src/errors.js';

/** One fuzzed input and how it was made (shown by fast-check when a case fails). */
export interface Mutated<T> {
  kind: string;
  value: T;
}

/** Extreme 32-bit values a lying size or count field is overwritten with. */
const EXTREME_WORDS = [0, 1, 0x7f, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x10000, 0x1000000];

/**
 * Byte mutations of valid seed files: truncation at a random length, 1-8 random bit flips, a
 * 32-bit word overwritten with an extreme value (lying headers), the seed's first bytes followed by
 * random bytes (valid magic, garbage structure), and fully random bytes.
 */
export function byteMutations(seeds: readonly Uint8Array[]): fc.Arbitrary<Mutated<Uint8Array>> {
  const seed = fc.nat({ max: seeds.length - 1 }).map((i) => seeds[i]!);
  const maxLen = Math.max(...seeds.map((s) => s.length));
  const truncate = fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })).map(([s, f]) => ({
    kind: `truncate to ${Math.floor(f * s.length)} of ${s.length} bytes`,
    value: s.slice(0, Math.floor(f * s.length)),
  }));
  const flip = fc
    .tuple(seed, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }))
    .filter(([s]) => s.length > 0)
    .map(([s, bits]) => {
      const out = s.slice();
      for (const b of bits) {
        const bit = b % (s.length * 8);
        out[bit >> 3]! ^= 1 << (bit & 7);
      }
      return { kind: `flip bits ${bits.map((b) => b % (s.length * 8)).join(',')}`, value: out };
    });
  const word = fc
    .tuple(seed, fc.nat(), fc.constantFrom(...EXTREME_WORDS), fc.boolean())
    .filter(([s]) => s.length >= 4)
    .map(([s, p, w, little]) => {
      const out = s.slice();
      const at = p % (s.length - 3);
      new DataView(out.buffer).setUint32(at, w, little);
      return { kind: `word ${w} at ${at} (${little ? 'LE' : 'BE'})`, value: out };
    });
  const tail = fc.tuple(seed, fc.nat(), fc.uint8Array({ maxLength: Math.min(maxLen, 256) })).map(([s, k, rest]) => {
    const keep = s.length ? k % s.length : 0;
    const out = new Uint8Array(keep + rest.length);
    out.set(s.subarray(0, keep));
    out.set(rest, keep);
    return { kind: `first ${keep} bytes + ${rest.length} random`, value: out };
  });
  const random = fc.uint8Array({ maxLength: Math.min(maxLen * 2, 1024) }).map((b) => ({ kind: 'random bytes', value: b }));
  return fc.oneof(truncate, flip, word, tail, random);
}

/** String mutations: truncation, random character replacements/insertions, and random strings. */
export function textMutations(seeds: readonly string[]): fc.Arbitrary<Mutated<string>> {
  const seed = fc.nat({ max: seeds.length - 1 }).map((i) => seeds[i]!);
  const truncate = fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })).map(([s, f]) => ({
    kind: 'truncate',
    value: s.slice(0, Math.floor(f * s.length)),
  }));
  const edit = fc
    .tuple(seed, fc.array(fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 3 }), fc.boolean()), { minLength: 1, maxLength: 8 }))
    .map(([s, edits]) => {
      let out = s;
      for (const [p, c, insert] of edits) {
        const at = out.length ? p % out.length : 0;
        out = out.slice(0, at) + c + out.slice(insert ? at : at + 1);
      }
      return { kind: 'edit', value: out };
    });
  const random = fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: fc.constantFrom(...',"\n\r\t{}[]:0-.e9aZ ') as fc.Arbitrary<string>, maxLength: 300 }),
    )
    .map((s) => ({ kind: 'random string', value: s }));
  return fc.oneof(truncate, edit, random);
}

const WRONG_VALUES: unknown[] = [null, -1, 0, 1.5, 2 ** 31, 2 ** 53, 1e308, -1e308, '', 'x', true, [], {}, [null], [-1, -1], { a: 1 }];

function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) for (const [i, x] of v.entries()) paths(x, [...prefix, i], out);
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function replaceAt(v: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(v)) {
    const copy = [...v];
    if (remove && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = replaceAt(copy[head as number], rest, value, remove);
    return copy;
  }
  const copy = { ...(v as Record<string, unknown>) };
  if (remove && rest.length === 0) delete copy[head as string];
  else copy[head as string] = replaceAt(copy[head as string], rest, value, remove);
  return copy;
}

/**
 * JSON with wrong types: 1-3 values of a valid seed document replaced by values of another type
 * (extreme numbers, null, strings, arrays, objects, random JSON) or removed.
 */
export function jsonMutations(seeds: readonly unknown[]): fc.Arbitrary<Mutated<unknown>> {
  const all = seeds.map((s) => ({ s, p: paths(s) }));
  const replacement = fc.oneof(fc.constantFrom(...WRONG_VALUES), fc.jsonValue({ maxDepth: 2 }));
  return fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), replacement, fc.boolean()), { minLength: 1, maxLength: 3 }))
    .map(([i, edits]) => {
      const { p } = all[i]!;
      let v = all[i]!.s;
      const kinds: string[] = [];
      for (const [k, value, remove] of edits) {
        const path = p[k % p.length]!;
        try {
          v = replaceAt(v, path, value, remove && path.length > 0);
        } catch {
          continue; // the path vanished after an earlier edit
        }
        kinds.push(
          `${remove ? 'remove' : 'set'} ${path.join('.') || '(root)'}${remove ? '' : ` = ${JSON.stringify(value)?.slice(0, 40)}`}`,
        );
      }
      return { kind: kinds.join('; '), value: v };
    });
}

/** Limits every fuzzed case is checked against. */
export interface CaseLimits {
  /** The thrown error's message must match this (the format or file name). */
  names: RegExp;
  /** Wall-time limit of one case (default 200 ms). */
  maxMs?: number;
  /** Allowed ArrayBuffer growth: `allocFactor * inputBytes + allocSlack` (defaults 64 and 1 MiB). */
  allocFactor?: number;
  allocSlack?: number;
}

const context = vm.createContext({ run: undefined as undefined | (() => unknown) });
const script = new vm.Script('run()');

/** Runs `fn` synchronously with a watchdog: a hang becomes a thrown "hang" error after `ms`. */
function withWatchdog<T>(fn: () => T, ms: number): T {
  context.run = fn;
  try {
    return script.runInContext(context, { timeout: ms }) as T;
  } catch (e) {
    if ((e as { code?: string })?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new Error(`hang: still running after ${ms} ms`);
    throw e;
  } finally {
    context.run = undefined;
  }
}

/** Outcome of one case, for tallies in the tests. */
export type Outcome = 'parsed' | 'rejected';

function checkError(e: unknown, limits: CaseLimits): void {
  if (!(e instanceof TesseraError)) {
    const what = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e);
    throw new Error(`expected a TesseraError, received ${what}`);
  }
  if (!limits.names.test(e.message)) throw new Error(`error message does not name the format/file (${limits.names}): ${e.message}`);
  if (e.message.length < 12) throw new Error(`error message does not say what is wrong: ${e.message}`);
}

function checkCost(ms: number, grown: number, inputBytes: number, limits: CaseLimits): void {
  const maxMs = limits.maxMs ?? 200;
  if (ms > maxMs) throw new Error(`case used ${ms.toFixed(1)} ms of CPU twice (limit ${maxMs} ms)`);
  const maxAlloc = (limits.allocFactor ?? 64) * inputBytes + (limits.allocSlack ?? 2 ** 20);
  if (grown > maxAlloc) throw new Error(`ArrayBuffer memory grew by ${grown} bytes for a ${inputBytes}-byte input (limit ${maxAlloc})`);
}

interface Run {
  outcome: Outcome;
  /** CPU milliseconds the test process used for the case: a busy machine stretches wall time, not this. */
  ms: number;
  grown: number;
}

/** CPU milliseconds (user + system) of this process since `start`. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function runOnce<T>(
  parse: () => T,
  limits: CaseLimits,
  dispose?: (value: T) => void,
  watchdogMs = Math.max(1000, (limits.maxMs ?? 200) * 5),
): Run {
  const mem0 = process.memoryUsage().arrayBuffers;
  const cpu0 = process.cpuUsage();
  let outcome: Outcome;
  let value: T | undefined;
  try {
    value = withWatchdog(parse, watchdogMs);
    outcome = 'parsed';
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('hang:')) {
      // the watchdog counts wall time: where the case got less CPU time than that (a busy machine,
      // not a loop that never ends), it runs again with ten times the time before it counts as a hang
      if (watchdogMs < 10_000 && cpuMsSince(cpu0) < watchdogMs) return runOnce(parse, limits, dispose, watchdogMs * 10);
      throw e;
    }
    checkError(e, limits);
    outcome = 'rejected';
  }
  const ms = cpuMsSince(cpu0);
  const grown = process.memoryUsage().arrayBuffers - mem0;
  if (value !== undefined) dispose?.(value);
  return { outcome, ms, grown };
}

/**
 * Checks one synchronous parse of a fuzzed input against the contract (see the file comment).
 * `dispose` releases what a successful parse returned (tensors). A case over the time limit is run
 * once more and fails only when it is slow again (a GC pause or a busy machine is not a bug).
 */
export function checkParse<T>(parse: () => T, inputBytes: number, limits: CaseLimits, dispose?: (value: T) => void): Outcome {
  let run = runOnce(parse, limits, dispose);
  if (run.ms > (limits.maxMs ?? 200)) run = runOnce(parse, limits, dispose);
  checkCost(run.ms, run.grown, inputBytes, limits);
  return run.outcome;
}

async function runOnceAsync<T>(parse: () => Promise<T>, limits: CaseLimits): Promise<Run> {
  const mem0 = process.memoryUsage().arrayBuffers;
  const cpu0 = process.cpuUsage();
  let outcome: Outcome;
  try {
    await parse();
    outcome = 'parsed';
  } catch (e) {
    checkError(e, limits);
    outcome = 'rejected';
  }
  return { outcome, ms: cpuMsSince(cpu0), grown: process.memoryUsage().arrayBuffers - mem0 };
}

/** Async form of {@link checkParse} (streamed parsers); a hang is caught by the time limit only after it ends. */
export async function checkParseAsync<T>(parse: () => Promise<T>, inputBytes: number, limits: CaseLimits): Promise<Outcome> {
  let run = await runOnceAsync(parse, limits);
  if (run.ms > (limits.maxMs ?? 200)) run = await runOnceAsync(parse, limits);
  checkCost(run.ms, run.grown, inputBytes, limits);
  return run.outcome;
}

/** Counts outcomes so a suite can assert that both parsing and rejecting were exercised. */
export class Tally {
  readonly counts: Record<Outcome, number> = { parsed: 0, rejected: 0 };
  add(o: Outcome): void {
    this.counts[o]++;
  }
  get total(): number {
    return this.counts.parsed + this.counts.rejected;
  }
}

/**
 * fast-check parameters of a fuzz property: `numRuns` cases from a fixed seed, so CI runs are
 * reproducible. `TESSERA_FUZZ_SEED=<n>` shifts every seed (explore new cases) and
 * `TESSERA_FUZZ_SCALE=<k>` multiplies every case count (longer local runs).
 */
export function fuzzParams(numRuns: number, seed: number): { numRuns: number; seed: number } {
  const shift = Number(process.env.TESSERA_FUZZ_SEED ?? 0) || 0;
  const scale = Number(process.env.TESSERA_FUZZ_SCALE ?? 1) || 1;
  return { numRuns: Math.round(numRuns * scale), seed: seed + shift };
}
