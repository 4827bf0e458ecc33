import { ShapeError, type TesseraError, type TesseraErrorCode, ValueError } from '@tessera/core';

/** What a wrong call must throw: the class, the code and three parts of the message. */
export interface BadInputExpectation {
  /** The Tessera error class (a subclass of TesseraError). */
  error: new (
    ...args: never[]
  ) => TesseraError;
  /** The stable error code. */
  code: TesseraErrorCode;
  /** The argument (or option, or input) the message names. */
  arg: string | RegExp;
  /** The expected value the message quotes. */
  expected: string | RegExp;
  /** The received value the message quotes. */
  received: string | RegExp;
}

/** One row of the bad-input table: a wrong call and what it must throw. */
export interface BadInputRow extends BadInputExpectation {
  /** The package whose API is called wrongly. */
  pkg: string;
  /** What the row does wrong. */
  label: string;
  /** The wrong call (sync or async). */
  run: () => unknown;
}

/** A row builder for one error class and code. */
const rowOf =
  (error: BadInputExpectation['error'], code: TesseraErrorCode) =>
  (
    pkg: string,
    label: string,
    run: () => unknown,
    arg: string | RegExp,
    expected: string | RegExp,
    received: string | RegExp,
  ): BadInputRow => ({ pkg, label, run, error, code, arg, expected, received });

/** Builds a row whose message is a ValueError (`code: VALUE`). */
export const value = rowOf(ValueError, 'VALUE');

/** Builds a row whose message is a ShapeError (`code: SHAPE`). */
export const shape = rowOf(ShapeError, 'SHAPE');

/** Runs a row's call and returns what it threw (undefined when it did not throw). */
export async function thrownBy(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Describes how a thrown value misses a row's expectation; null when it matches. */
export function mismatch(row: BadInputExpectation, err: unknown): string | null {
  if (err === undefined) return 'nothing was thrown';
  const e = err as Error;
  const what = `${e?.constructor?.name ?? typeof err}${(e as TesseraError)?.code ? ` [${(e as TesseraError).code}]` : ''}: ${e?.message ?? String(err)}`;
  if (!(err instanceof row.error)) return `expected a ${row.error.name}, received ${what}`;
  if ((err as TesseraError).code !== row.code) return `expected code ${row.code}, received ${what}`;
  for (const part of ['arg', 'expected', 'received'] as const) {
    const want = row[part];
    const ok = typeof want === 'string' ? e.message.includes(want) : want.test(e.message);
    if (!ok) return `the message lacks the ${part} ${String(want)}: ${what}`;
  }
  return null;
}
