/**
 * Member assignments as views of typed arrays. A server assignor hands out one Map of topic →
 * partition set per member; with 10,000 members and a few topics each, building those Maps and
 * Sets costs more than the whole assignment does in Kafka. Instead every member's output is an
 * AssignmentView: a range of entries (topic number, slice of partitions) in an AssignmentTable
 * shared by the whole call, iterated in entry order. A topic's Set is made (a PartitionSet view)
 * when first read and then kept. The first write copies the view into a regular Map, so callers
 * may treat it as any Map.
 */
import type { TopicId } from './api';
import { PartitionSet } from './partition-set';

function grow(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** The entries of one assign call's outputs. Fill it, take views, then leave it alone. */
export class AssignmentTable {
  /** Entry e: topic number entries[3e], partitions data[entries[3e + 1] … entries[3e + 2]). */
  entries: Int32Array;
  count = 0;

  /**
   * `ids`: topic numbers → topic ids (the array may still grow while the table fills).
   * `data`: the partitions, of which the first `used` are given (entries may point into them) and
   * the rest is room to write more (`reserve`). `expectedEntries`: room to make up front.
   */
  constructor(
    readonly ids: readonly TopicId[],
    public data: Int32Array = new Int32Array(0),
    public used = data.length,
    expectedEntries = 16,
  ) {
    this.entries = new Int32Array(3 * Math.max(1, expectedEntries));
  }

  /** Room for n more partitions in `data`, to write from `used` (then `add` and move `used`). */
  reserve(n: number): Int32Array {
    if (this.data.length - this.used < n) this.data = grow(this.data, Math.max(this.used + n, 1024));
    return this.data;
  }

  /** Adds an entry: topic t with data[from, to). */
  add(t: number, from: number, to: number): void {
    const k = 3 * this.count;
    if (k === this.entries.length) this.entries = grow(this.entries, k + 3);
    const entries = this.entries;
    entries[k] = t;
    entries[k + 1] = from;
    entries[k + 2] = to;
    this.count++;
  }

  /** The topic id of entry e. */
  topicId(e: number): TopicId {
    return this.ids[this.entries[3 * e]];
  }

  /** Adds an entry with the n partitions just written at `used` (of the own buffer). */
  addWritten(t: number, n: number): void {
    this.add(t, this.used, this.used + n);
    this.used += n;
  }

  /** The entries from `first` to the last one added, as one member's assignment. */
  view(first: number): AssignmentView {
    return new AssignmentView(this, first, this.count);
  }
}

/** Above this many topics, `get` and `has` use an index built on first use instead of a scan. */
const SCAN_LIMIT = 12;

export class AssignmentView implements Map<TopicId, Set<number>> {
  private sets: (PartitionSet | undefined)[] | null = null;
  private index: Map<TopicId, number> | null = null;
  private mutable: Map<TopicId, Set<number>> | null = null;

  constructor(
    private readonly table: AssignmentTable,
    private readonly from: number,
    private readonly to: number,
  ) {}

  get size(): number {
    return this.mutable !== null ? this.mutable.size : this.to - this.from;
  }

  /** The entry of topic id, or -1. */
  private find(id: TopicId): number {
    const table = this.table;
    if (this.to - this.from <= SCAN_LIMIT) {
      for (let e = this.from; e < this.to; e++) if (table.topicId(e) === id) return e;
      return -1;
    }
    if (this.index === null) {
      this.index = new Map();
      for (let e = this.from; e < this.to; e++) this.index.set(table.topicId(e), e);
    }
    return this.index.get(id) ?? -1;
  }

  /** The set of entry e, made on first use. */
  private setAt(e: number): PartitionSet {
    const sets = (this.sets ??= new Array<PartitionSet | undefined>(this.to - this.from));
    let set = sets[e - this.from];
    if (set === undefined) {
      const { data, entries } = this.table;
      const from = entries[3 * e + 1];
      const to = entries[3 * e + 2];
      let ascending = true;
      for (let k = from + 1; k < to && ascending; k++) ascending = data[k - 1] < data[k];
      set = new PartitionSet(data, from, to, ascending);
      sets[e - this.from] = set;
    }
    return set;
  }

  has(id: TopicId): boolean {
    if (this.mutable !== null) return this.mutable.has(id);
    return this.find(id) >= 0;
  }

  get(id: TopicId): Set<number> | undefined {
    if (this.mutable !== null) return this.mutable.get(id);
    const e = this.find(id);
    return e < 0 ? undefined : this.setAt(e);
  }

  private writable(): Map<TopicId, Set<number>> {
    if (this.mutable === null) {
      const m = new Map<TopicId, Set<number>>();
      for (let e = this.from; e < this.to; e++) m.set(this.table.topicId(e), this.setAt(e));
      this.mutable = m;
      this.sets = null;
      this.index = null;
    }
    return this.mutable;
  }

  set(id: TopicId, partitions: Set<number>): this {
    this.writable().set(id, partitions);
    return this;
  }

  delete(id: TopicId): boolean {
    return this.writable().delete(id);
  }

  clear(): void {
    this.writable().clear();
  }

  forEach(
    callback: (value: Set<number>, key: TopicId, map: Map<TopicId, Set<number>>) => void,
    thisArg?: unknown,
  ): void {
    if (this.mutable !== null) {
      this.mutable.forEach((v, k) => callback.call(thisArg, v, k, this));
      return;
    }
    for (let e = this.from; e < this.to; e++) {
      callback.call(thisArg, this.setAt(e), this.table.topicId(e), this);
    }
  }

  entries(): MapIterator<[TopicId, Set<number>]> {
    if (this.mutable !== null) return this.mutable.entries();
    return new ViewIterator(this.from, this.to, (e) => [this.table.topicId(e), this.setAt(e)]);
  }

  keys(): MapIterator<TopicId> {
    if (this.mutable !== null) return this.mutable.keys();
    return new ViewIterator(this.from, this.to, (e) => this.table.topicId(e));
  }

  values(): MapIterator<Set<number>> {
    if (this.mutable !== null) return this.mutable.values();
    return new ViewIterator(this.from, this.to, (e) => this.setAt(e));
  }

  [Symbol.iterator](): MapIterator<[TopicId, Set<number>]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }
}

/** A plain iterator over entries [from, to) (generators are slow on hot paths). */
class ViewIterator<T> implements MapIterator<T> {
  constructor(
    private e: number,
    private readonly to: number,
    private readonly at: (e: number) => T,
  ) {}

  next(): IteratorResult<T, undefined> {
    if (this.e < this.to) return { value: this.at(this.e++), done: false };
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): MapIterator<T> {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return 'Map Iterator';
  }
}
