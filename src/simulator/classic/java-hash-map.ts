/**
 * A string-keyed map that iterates in the order `java.util.HashMap<String, V>` does.
 *
 * Kafka's classic group keeps its members in a `HashMap<String, ClassicGroupMember>`, and several
 * observable outcomes follow that map's iteration order: which member becomes leader when the
 * leader leaves (the first key), which awaiting member is elected when the leader did not re-join,
 * the order of members in the leader's JoinGroup response, and which protocol wins a tied vote.
 * To reproduce those outcomes this map follows HashMap's layout:
 *
 * - the bucket of a key is `spread(key.hashCode()) & (capacity - 1)`, with `String.hashCode` over
 *   UTF-16 code units and `spread(h) = h ^ (h >>> 16)`;
 * - the table starts at 16 buckets and doubles when the size exceeds 3/4 of the capacity, and
 *   never shrinks; a resize keeps the relative order of the keys that land in the same bucket;
 * - a new key goes to the tail of its bucket; replacing a value keeps the key's position;
 * - when a bucket already holding 8 keys receives a ninth while the table has fewer than 64
 *   buckets, HashMap resizes instead of building a tree bin (`treeifyBin`).
 *
 * Not emulated: tree bins (a bucket of 9+ keys in a table of 64+ buckets), whose iteration order
 * differs. With random member ids that needs about 9 colliding keys at a load factor of at most
 * 0.75, which does not happen in practice.
 *
 * Written for the classic coordinator; a shared `src/simulator/java/` package may replace it.
 */

const DEFAULT_CAPACITY = 16;
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/** Java's `String.hashCode()` as a signed 32-bit integer. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** HashMap.hash(): the key's hash code with its high half folded into the low half. */
function spread(h: number): number {
  return h ^ (h >>> 16);
}

export class JavaHashMap<V> {
  private capacity = DEFAULT_CAPACITY;
  private buckets: string[][] = emptyTable(DEFAULT_CAPACITY);
  private readonly values = new Map<string, V>();
  private readonly hashes = new Map<string, number>();

  get size(): number {
    return this.values.size;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): V | undefined {
    return this.values.get(key);
  }

  set(key: string, value: V): void {
    if (this.values.has(key)) {
      this.values.set(key, value);
      return;
    }
    const hash = spread(javaStringHashCode(key));
    this.hashes.set(key, hash);
    this.values.set(key, value);
    const bucket = this.buckets[hash & (this.capacity - 1)];
    const before = bucket.length;
    bucket.push(key);
    if (before >= TREEIFY_THRESHOLD && this.capacity < MIN_TREEIFY_CAPACITY) this.resize();
    if (this.values.size > (this.capacity * 3) / 4) this.resize();
  }

  delete(key: string): boolean {
    const hash = this.hashes.get(key);
    if (hash === undefined) return false;
    const bucket = this.buckets[hash & (this.capacity - 1)];
    bucket.splice(bucket.indexOf(key), 1);
    this.hashes.delete(key);
    this.values.delete(key);
    return true;
  }

  /** The first key in iteration order, or undefined when empty. */
  firstKey(): string | undefined {
    for (const bucket of this.buckets) if (bucket.length > 0) return bucket[0];
    return undefined;
  }

  /** Keys in HashMap iteration order (a snapshot: safe to mutate the map while using it). */
  keys(): string[] {
    const out: string[] = [];
    for (const bucket of this.buckets) for (const k of bucket) out.push(k);
    return out;
  }

  /** Values in HashMap iteration order (a snapshot). */
  valuesInOrder(): V[] {
    return this.keys().map((k) => this.values.get(k) as V);
  }

  private resize(): void {
    const next = emptyTable(this.capacity * 2);
    for (const bucket of this.buckets) {
      for (const key of bucket) next[(this.hashes.get(key) ?? 0) & (next.length - 1)].push(key);
    }
    this.capacity = next.length;
    this.buckets = next;
  }
}

function emptyTable(capacity: number): string[][] {
  const t: string[][] = [];
  for (let i = 0; i < capacity; i++) t.push([]);
  return t;
}
