import { ValueError } from '@tessera/core';

/**
 * A sum tree over `capacity` non-negative priorities: set one in O(log n), read the total in O(1),
 * and find the slot where a running sum crosses a value in O(log n) (proportional sampling of
 * prioritized replay). A min tree alongside gives the smallest priority for the weights' normalizer.
 *
 * @example
 * ```ts
 * const tree = new SumTree(4);
 * tree.set(0, 1); tree.set(1, 3);
 * tree.total(); // 4
 * tree.find(2.5); // 1 (the prefix sums are 1, 4)
 * ```
 */
export class SumTree {
  private readonly size: number;
  private readonly sums: Float64Array;
  private readonly mins: Float64Array;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new ValueError('SumTree capacity', 'a positive integer', capacity);
    let size = 1;
    while (size < capacity) size *= 2;
    this.size = size;
    this.sums = new Float64Array(2 * size);
    this.mins = new Float64Array(2 * size).fill(Number.POSITIVE_INFINITY);
  }

  /** Sets the priority of slot `i`. */
  set(i: number, priority: number): void {
    if (!(Number.isInteger(i) && i >= 0 && i < this.capacity))
      throw new ValueError('SumTree.set index', `an integer in [0, ${this.capacity})`, i);
    if (!(Number.isFinite(priority) && priority >= 0)) throw new ValueError('SumTree.set priority', 'a finite number >= 0', priority);
    let node = i + this.size;
    this.sums[node] = priority;
    this.mins[node] = priority;
    node >>= 1;
    while (node >= 1) {
      this.sums[node] = (this.sums[2 * node] as number) + (this.sums[2 * node + 1] as number);
      this.mins[node] = Math.min(this.mins[2 * node] as number, this.mins[2 * node + 1] as number);
      node >>= 1;
    }
  }

  /** The priority of slot `i`. */
  get(i: number): number {
    return this.sums[i + this.size] as number;
  }

  /** The sum of every priority. */
  total(): number {
    return this.sums[1] as number;
  }

  /** The smallest priority among the slots set so far (Infinity when none is). */
  min(): number {
    return this.mins[1] as number;
  }

  /** The first slot whose prefix sum (inclusive) exceeds `value`, for `value` in [0, total()). */
  find(value: number): number {
    let node = 1;
    let v = value;
    while (node < this.size) {
      const left = this.sums[2 * node] as number;
      if (v < left) node = 2 * node;
      else {
        v -= left;
        node = 2 * node + 1;
      }
    }
    // rounding can walk past the last non-empty slot: step back to one with priority
    let i = Math.min(node - this.size, this.capacity - 1);
    while (i > 0 && (this.sums[i + this.size] as number) === 0) i--;
    return i;
  }
}
