import { describe, expect, it } from 'vitest';
import { describeValue, formatShape, ShapeError, TesseraError, ValueError } from './errors.js';

describe('errors', () => {
  it('ShapeError names where, expected and received', () => {
    const e = new ShapeError('dense_1 input', [null, 784], [32, 10]);
    expect(e.message).toBe('dense_1 input: expected shape [null, 784], received [32, 10]');
    expect(e).toBeInstanceOf(TesseraError);
    expect(e.code).toBe('SHAPE');
    expect(e.name).toBe('ShapeError');
  });
  it('ValueError quotes the received value', () => {
    expect(new ValueError('dense units', 'a positive integer', -3).message).toBe('dense units: expected a positive integer, received -3');
    expect(describeValue({ shape: [2, 3] })).toBe('Tensor of shape [2, 3]');
    expect(describeValue([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe('[1, 2, 3, 4, 5, 6, 7, 8, …]');
    expect(describeValue({})).toBe('{}');
    expect(describeValue({ a: 1 })).toBe('{ a: 1 }');
    expect(formatShape([null, 3])).toBe('[null, 3]');
  });
});
