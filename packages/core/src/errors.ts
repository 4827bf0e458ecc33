/**
 * Stable machine-readable error codes used across Tessera packages ({@link TesseraError.code}).
 *
 * @example
 * ```ts
 * try {
 *   await useBackend(nodeGpu());
 * } catch (e) {
 *   const code: TesseraErrorCode | undefined = e instanceof TesseraError ? e.code : undefined;
 *   if (code === 'BACKEND_UNAVAILABLE') await useBackend(cpu());
 * }
 * ```
 */
export type TesseraErrorCode =
  | 'SHAPE'
  | 'VALUE'
  | 'CONFIG'
  | 'BACKEND_UNAVAILABLE'
  | 'BACKEND'
  | 'DUPLICATE_TFJS'
  | 'FORMAT'
  | 'IO'
  | 'NOT_BUILT'
  | 'NON_FINITE'
  | 'UNSUPPORTED'
  | 'DISTRIBUTED';

/**
 * Base class of every error Tessera throws on purpose.
 *
 * @example
 * ```ts
 * try { useBackend(nodeGpu()); } catch (e) { if (e instanceof TesseraError) console.log(e.code); }
 * ```
 */
export class TesseraError extends Error {
  readonly code: TesseraErrorCode;
  constructor(code: TesseraErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A tensor had the wrong shape. The message names where (layer/argument), the expected and the received shape.
 *
 * @example
 * ```ts
 * throw new ShapeError('dense_1 input', [null, 784], [32, 10]);
 * ```
 */
export class ShapeError extends TesseraError {
  readonly where: string;
  readonly expected: ReadonlyArray<number | null>;
  readonly received: ReadonlyArray<number>;
  constructor(where: string, expected: ReadonlyArray<number | null>, received: ReadonlyArray<number>, detail?: string) {
    super('SHAPE', `${where}: expected shape ${formatShape(expected)}, received ${formatShape(received)}${detail ? ` (${detail})` : ''}`);
    this.where = where;
    this.expected = expected;
    this.received = received;
  }
}

/**
 * An argument had an invalid value; the message quotes the expected and the received value.
 *
 * @example
 * ```ts
 * throw new ValueError('dense units', 'a positive integer', -3);
 * ```
 */
export class ValueError extends TesseraError {
  constructor(where: string, expected: string, received: unknown) {
    super('VALUE', `${where}: expected ${expected}, received ${describeValue(received)}`);
  }
}

/**
 * A backend could not be selected or loaded.
 *
 * @example
 * ```ts
 * throw new BackendUnavailableError('node-gpu', 'npm install @tensorflow/tfjs-node-gpu');
 * ```
 */
export class BackendUnavailableError extends TesseraError {
  readonly backend: string;
  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', `backend "${backend}" is unavailable: ${message}`, options);
    this.backend = backend;
  }
}

/**
 * A file or byte buffer had an invalid format (bad magic number, truncated, malformed header).
 *
 * @example
 * ```ts
 * throw new FormatError('safetensors', 'header length 900 exceeds file size 120');
 * ```
 */
export class FormatError extends TesseraError {
  constructor(format: string, message: string, options?: { cause?: unknown }) {
    super('FORMAT', `${format}: ${message}`, options);
  }
}

/**
 * Formats a shape for error messages, `null` standing for an unknown dimension.
 *
 * @example
 * ```ts
 * formatShape([null, 28, 28]); // '[null, 28, 28]'
 * ```
 */
export function formatShape(shape: ReadonlyArray<number | null | undefined>): string {
  return `[${shape.map((d) => (d == null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * Short, safe description of any value for error messages.
 *
 * @example
 * ```ts
 * describeValue('relu6'); // '"relu6"'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `[${value.slice(0, 8).map(describeValue).join(', ')}${value.length > 8 ? ', …' : ''}]`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  const shape = (value as { shape?: unknown }).shape;
  if (Array.isArray(shape)) return `Tensor of shape ${formatShape(shape as number[])}`;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const entries = Object.entries(value as object);
    if (entries.length === 0) return '{}';
    const parts = entries.slice(0, 8).map(([k, v]) => `${k}: ${describeValue(v)}`);
    const text = `{ ${parts.join(', ')}${entries.length > 8 ? ', …' : ''} }`;
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  }
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
