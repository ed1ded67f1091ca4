/**
 * The iteration orders of the Java collections the consumer coordinator walks, as far as they
 * change what Kafka computes or writes:
 *
 * - `TimelineHashMap` (Kafka's server-common `BaseHashTable`): the group's members and its
 *   server-assignor counts. Iteration is by slot, `slot = (hashCode × 0x9E3779B97F4A7C15) >>> (65 −
 *   log2(capacity+1))` (Fibonacci hashing of the 64-bit product), then within a slot from the last
 *   inserted key to the first. The member order is the order in which `TargetAssignmentBuilder` fills the assignor's
 *   `HashMap` of member specs, so it is what `exact` assignors need.
 * - `java.util.HashMap` / `HashSet` of strings: bucket `(h ^ (h >>> 16)) & (capacity − 1)`, then
 *   insertion order within a bucket (bins are treeified only past 8 colliding keys, which these
 *   small maps never reach).
 */

/** `String.hashCode()`: Σ s[i]·31^(n-1-i) over UTF-16 code units, as int32. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** `HashMap.tableSizeFor`: the smallest power of two ≥ c (at least 1). */
export function javaTableSizeFor(c: number): number {
  if (c <= 1) return 1;
  if (c >= 1 << 30) return 1 << 30;
  return 2 ** (32 - Math.clz32(c - 1));
}

function bucketOf(hash: number, capacity: number): number {
  return (hash ^ (hash >>> 16)) & (capacity - 1);
}

/**
 * Iteration order of a `java.util.HashMap<String, ?>` (or `HashSet<String>`) that received
 * `keys` in this order (duplicates ignored), starting at `initialCapacity` and doubling whenever
 * its size exceeds 0.75 × capacity. Returns the distinct keys in Java's iteration order.
 */
export function javaHashOrder(keys: Iterable<string>, initialCapacity = 16): string[] {
  const seen = new Set<string>();
  const distinct: string[] = [];
  for (const k of keys) {
    if (!seen.has(k)) {
      seen.add(k);
      distinct.push(k);
    }
  }
  let capacity = Math.max(1, initialCapacity);
  while (distinct.length > capacity * 0.75) capacity *= 2;
  // Resizing splits each bin in order, so the final order is: bucket at the final capacity,
  // then insertion order.
  return distinct
    .map((k, i) => ({ k, i, b: bucketOf(javaStringHash(k), capacity) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.k);
}

/** `new HashSet<>(collection)`: capacity max(⌊n/0.75f⌋ + 1, 16), rounded up to a power of two. */
export function javaHashSetFromCollectionOrder(keys: readonly string[]): string[] {
  const n = new Set(keys).size;
  const capacity = javaTableSizeFor(Math.max(Math.trunc(Math.fround(n / Math.fround(0.75))) + 1, 16));
  return javaHashOrder(keys, capacity);
}

/** `new HashMap<>(map)`: capacity tableSizeFor(⌊s/0.75f + 1⌋) when s > 0. */
export function javaHashMapCopyCapacity(size: number): number {
  if (size <= 0) return 16;
  return javaTableSizeFor(Math.trunc(Math.fround(Math.fround(size / Math.fround(0.75)) + 1)));
}

const FIBONACCI = 0x9e3779b97f4a7c15n; // −7046029254386353131 as an unsigned 64-bit value
const MASK64 = (1n << 64n) - 1n;

/** The high 32 bits of `(long) hashCode × −7046029254386353131L` (mod 2^64). */
function fibonacciHigh32(hashCode: number): number {
  const product = (BigInt.asUintN(64, BigInt(hashCode)) * FIBONACCI) & MASK64;
  return Number(product >> 32n);
}

/**
 * The key order of a Kafka `TimelineHashMap<String, ?>` (its current tier), kept in step with
 * inserts and removals. Only the keys are tracked; the caller keeps the values.
 */
export class TimelineKeyOrder {
  /** Each slot holds nothing, one key, or several keys in insertion order. */
  private slots: (string | string[] | undefined)[];
  private count = 0;
  private readonly high = new Map<string, number>();

  constructor(expectedSize = 0) {
    // BaseHashTable.expectedSizeToCapacity: max(2, roundUpToPowerOfTwo(ceil(n / 0.75f))).
    const min = Math.ceil(Math.fround(expectedSize / Math.fround(0.75)));
    this.slots = new Array<string | string[] | undefined>(Math.max(2, javaTableSizeFor(min)));
  }

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    const cur = this.slots[this.slotOf(key, this.slots.length)];
    return cur === key || (Array.isArray(cur) && cur.includes(key));
  }

  /** `baseAddOrReplace`: grows first (like Kafka, even when the key is already present). */
  add(key: string): void {
    if ((this.count + 1) * 0.75 > this.slots.length && this.slots.length < 1 << 30) {
      this.rehash(this.slots.length * 2);
    }
    const slot = this.slotOf(key, this.slots.length);
    const cur = this.slots[slot];
    if (cur === undefined) {
      this.slots[slot] = key;
    } else if (Array.isArray(cur)) {
      if (cur.includes(key)) return;
      this.slots[slot] = [...cur, key];
    } else {
      if (cur === key) return;
      this.slots[slot] = [cur, key];
    }
    this.count++;
  }

  remove(key: string): void {
    const slot = this.slotOf(key, this.slots.length);
    const cur = this.slots[slot];
    if (cur === undefined) return;
    if (Array.isArray(cur)) {
      const i = cur.indexOf(key);
      if (i < 0) return;
      const rest = cur.filter((_, j) => j !== i);
      this.slots[slot] = rest.length === 1 ? rest[0] : rest;
    } else {
      if (cur !== key) return;
      this.slots[slot] = undefined;
    }
    this.count--;
    this.high.delete(key);
  }

  /**
   * The keys in Kafka's iteration order: slot by slot, and within a slot from the last element
   * to the first (the iterator pops the slot's elements off the end of a list).
   */
  keys(): string[] {
    const out: string[] = [];
    for (const s of this.slots) {
      if (s === undefined) continue;
      if (Array.isArray(s)) for (let i = s.length - 1; i >= 0; i--) out.push(s[i]);
      else out.push(s);
    }
    return out;
  }

  private slotOf(key: string, capacity: number): number {
    let h = this.high.get(key);
    if (h === undefined) {
      h = fibonacciHigh32(javaStringHash(key));
      this.high.set(key, h);
    }
    // log2size = 32 - nlz(capacity); the slot is the top (log2size - 1) bits of the product.
    const bits = 31 - Math.clz32(capacity);
    return bits === 0 ? 0 : h >>> (32 - bits);
  }

  private rehash(capacity: number): void {
    const prev = this.slots;
    this.slots = new Array<string | string[] | undefined>(capacity);
    for (const s of prev) {
      if (s === undefined) continue;
      for (const key of Array.isArray(s) ? s : [s]) {
        const slot = this.slotOf(key, capacity);
        const cur = this.slots[slot];
        if (cur === undefined) this.slots[slot] = key;
        else if (Array.isArray(cur)) cur.push(key);
        else this.slots[slot] = [cur, key];
      }
    }
  }
}
