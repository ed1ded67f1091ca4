/**
 * A `Set<number>` of partitions that is a view of a slice of an Int32Array, iterated in the
 * slice's order. The server assignors return these instead of building a hash set per member and
 * topic (with 10,000 members that allocation alone costs more than Kafka's whole assignment). The
 * view is copied into a regular Set on its first mutation, so callers may treat it as any Set.
 */
export class PartitionSet implements Set<number> {
  private mutable: Set<number> | null = null;
  private index: Set<number> | null = null;

  /** `ascending` lets `has` binary-search the slice. */
  constructor(
    private readonly data: Int32Array | readonly number[],
    private readonly start: number,
    private readonly end: number,
    private readonly ascending: boolean,
  ) {}

  /** A set over [from, to) in ascending order. */
  static range(from: number, to: number): PartitionSet {
    return new PartitionSet(identity(to), from, to, true);
  }

  /** A set with these values, iterated in this order. The array is kept: do not change it. */
  static of(values: readonly number[]): PartitionSet {
    let ascending = true;
    for (let i = 1; i < values.length && ascending; i++) ascending = values[i - 1] < values[i];
    return new PartitionSet(values, 0, values.length, ascending);
  }

  private slice(): Iterable<number> {
    return this.data instanceof Int32Array
      ? this.data.subarray(this.start, this.end)
      : this.data.slice(this.start, this.end);
  }

  get size(): number {
    return this.mutable !== null ? this.mutable.size : this.end - this.start;
  }

  has(value: number): boolean {
    if (this.mutable !== null) return this.mutable.has(value);
    const d = this.data;
    if (this.ascending) {
      let lo = this.start;
      let hi = this.end - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = d[mid];
        if (v === value) return true;
        if (v < value) lo = mid + 1;
        else hi = mid - 1;
      }
      return false;
    }
    if (this.end - this.start <= 16) {
      for (let i = this.start; i < this.end; i++) if (d[i] === value) return true;
      return false;
    }
    this.index ??= new Set(this.slice());
    return this.index.has(value);
  }

  private writable(): Set<number> {
    if (this.mutable === null) {
      this.mutable = new Set(this.slice());
      this.index = null;
    }
    return this.mutable;
  }

  add(value: number): this {
    this.writable().add(value);
    return this;
  }

  delete(value: number): boolean {
    return this.writable().delete(value);
  }

  clear(): void {
    this.writable().clear();
  }

  forEach(callback: (value: number, key: number, set: Set<number>) => void, thisArg?: unknown): void {
    for (const v of this) callback.call(thisArg, v, v, this);
  }

  values(): SetIterator<number> {
    if (this.mutable !== null) return this.mutable.values();
    return new SliceIterator(this.data, this.start, this.end);
  }

  keys(): SetIterator<number> {
    return this.values();
  }

  *entries(): SetIterator<[number, number]> {
    for (const v of this.values()) yield [v, v];
  }

  [Symbol.iterator](): SetIterator<number> {
    return this.values();
  }

  get [Symbol.toStringTag](): string {
    return 'Set';
  }

  toJSON(): number[] {
    return [...this];
  }
}

let identityArray = new Int32Array(0);

/** A shared [0, 1, 2, …] of at least n values: do not change it. */
export function identity(n: number): Int32Array {
  if (identityArray.length < n) {
    const next = new Int32Array(Math.max(n, identityArray.length * 2, 1024));
    for (let i = 0; i < next.length; i++) next[i] = i;
    identityArray = next;
  }
  return identityArray;
}

/** A plain iterator over a slice (generators are slow on hot paths). */
class SliceIterator implements SetIterator<number> {
  constructor(
    private readonly data: Int32Array | readonly number[],
    private i: number,
    private readonly end: number,
  ) {}

  next(): IteratorResult<number, undefined> {
    if (this.i < this.end) return { value: this.data[this.i++], done: false };
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): SetIterator<number> {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return 'Set Iterator';
  }
}
