/**
 * The iteration order of one `java.util.HashMap`/`HashSet` with small int keys (partition numbers,
 * or topic and member indices standing for Uuids and Strings), worked out in typed arrays with no
 * allocation per operation, for the assignors' hot paths.
 *
 * Without tree bins, a HashMap iterates its buckets in index order at the final capacity, and
 * within a bucket keeps the order of insertion: `put` appends a key at the tail of its bucket,
 * `computeIfAbsent` links it at the head, resizes split a bucket into two lists that keep their
 * relative order, and removals unlink a key. So the final order is the present keys sorted by
 * (bucket, position), where a key put at time s has position +s and one linked at the head at time s
 * has position −s. The capacity follows the constructor's rules, the load-factor resizes (after an
 * insertion for `put`, before the lookup for `computeIfAbsent`) and the resize that `treeifyBin`
 * does instead of building a tree while the table is shorter than 64. When a real tree bin would
 * form, `finish` answers -1 and the caller replays the operations on the full model (`JavaHashMap`).
 *
 * One instance is reused for any number of maps: `begin` starts the next one in O(1).
 */
import { tableSizeFor } from './hash';

const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;
const MAXIMUM_CAPACITY = 1 << 30;
/** Keys are indices into typed arrays: larger ones (or negative ones) make `finish` answer -1. */
export const MAX_KEY = (1 << 24) - 1;
/** `begin(DEFAULT_CAPACITY)`: `new HashMap<>()`. */
export const DEFAULT_CAPACITY = -1;

/** `new HashSet<>(collection)` of n keys: `new HashMap<>(max((int) (n / .75f) + 1, 16))`. */
export function copyCapacity(n: number): number {
  return Math.max(Math.trunc(Math.fround(Math.fround(n) / 0.75)) + 1, 16);
}

/** Java's `(int) ((n / 0.75f) + 1)`, the capacity idiom Kafka's assignors use for n entries. */
export function capacityFor(n: number): number {
  return Math.trunc(Math.fround(Math.fround(Math.fround(n) / 0.75) + 1));
}

/** `(h ^ (h >>> 16))` of `Integer.hashCode(p)`, the bucket hash of a partition number. */
export function spreadInt(p: number): number {
  return (p ^ (p >>> 16)) | 0;
}

export class HashOrderSim {
  /** Table length; 0 while no table is allocated. */
  private cap = 0;
  /** The resize threshold, or (before the first resize) the initial capacity, 0 for the default. */
  private thr = 0;
  private count = 0;
  private seq = 0;
  private gen = 0;
  private failed = false;
  /** Bucket counts are kept only once the map has held 8 keys (no bucket can overflow before). */
  private counting = false;

  // Per key, valid when keyGen[key] === gen: its position (0 when absent) and its hash.
  private keyGen = new Int32Array(64);
  private keyPos = new Int32Array(64);
  private keyHash = new Int32Array(64);
  // Insertions in time order (a key re-inserted later appears again; only its last entry is live).
  private entKey = new Int32Array(64);
  private entPos = new Int32Array(64);
  private entries = 0;
  private counts = new Int32Array(64);
  // Scratch for finish().
  private sortKey = new Int32Array(64);
  private sortBucket = new Int32Array(64);
  private starts = new Int32Array(64);

  /** Starts a new map: `new HashMap<>(initialCapacity)`, or `new HashMap<>()` for DEFAULT_CAPACITY. */
  begin(initialCapacity: number): void {
    this.cap = 0;
    this.thr = initialCapacity < 0 ? 0 : tableSizeFor(Math.min(initialCapacity, MAXIMUM_CAPACITY));
    this.count = 0;
    this.seq = 0;
    this.entries = 0;
    this.failed = false;
    this.counting = false;
    if (++this.gen === 0x7fffffff) {
      this.keyGen.fill(0);
      this.gen = 1;
    }
  }

  get size(): number {
    return this.count;
  }

  /** False once a tree bin would have formed, or a key was out of range (then `finish` answers -1). */
  get exact(): boolean {
    return !this.failed;
  }

  has(key: number): boolean {
    return key < this.keyGen.length && this.keyGen[key] === this.gen && this.keyPos[key] !== 0;
  }

  /** `put(key, …)` / `HashSet.add(key)`; true when the key was absent. */
  put(key: number, hash: number): boolean {
    if (key >>> 0 > MAX_KEY) return this.outOfRange();
    if (this.cap === 0) this.resize();
    if (this.has(key)) return false;
    this.insert(key, hash, ++this.seq);
    // putVal treeifies when the bucket now holds 9 keys, then checks the load factor.
    if (this.count >= TREEIFY_THRESHOLD) this.checkBucket(hash, TREEIFY_THRESHOLD + 1);
    if (++this.count > this.thr) this.resize();
    return true;
  }

  /** `computeIfAbsent(key, …)`: grows first when over the threshold, links a new key at the head. */
  computeIfAbsent(key: number, hash: number): boolean {
    if (key >>> 0 > MAX_KEY) return this.outOfRange();
    if (this.cap === 0 || this.count > this.thr) this.resize();
    if (this.has(key)) return false;
    this.insert(key, hash, -++this.seq);
    // computeIfAbsent treeifies when the bucket held 7 keys before this one.
    if (this.count >= TREEIFY_THRESHOLD - 1) this.checkBucket(hash, TREEIFY_THRESHOLD);
    this.count++;
    return true;
  }

  /** `remove(key)`; true when the key was present. */
  remove(key: number): boolean {
    if (key >>> 0 > MAX_KEY) return this.outOfRange();
    if (!this.has(key)) return false;
    this.keyPos[key] = 0;
    this.count--;
    if (this.counting) this.counts[this.keyHash[key] & (this.cap - 1)]--;
    return true;
  }

  /**
   * Writes the keys in iteration order to out[offset…] (out must have room for `size` more) and
   * answers how many, or -1 when a tree bin would have formed. The map can be used further.
   */
  finish(out: Int32Array, offset: number): number {
    if (this.failed) return -1;
    const n = this.count;
    if (n === 0) return 0;
    if (this.sortKey.length < n) {
      this.sortKey = new Int32Array(Math.max(n, this.sortKey.length * 2));
      this.sortBucket = new Int32Array(this.sortKey.length);
    }
    const keys = this.sortKey;
    const buckets = this.sortBucket;
    const mask = this.cap - 1;
    // Present keys by position: those linked at the head, latest first, then those put, in order.
    const entKey = this.entKey;
    const entPos = this.entPos;
    const keyPos = this.keyPos;
    const keyHash = this.keyHash;
    let k = 0;
    let last = -1;
    let sorted = true;
    for (let i = this.entries - 1; i >= 0; i--) {
      const key = entKey[i];
      if (entPos[i] >= 0 || keyPos[key] !== entPos[i]) continue;
      const b = keyHash[key] & mask;
      if (b < last) sorted = false;
      last = b;
      keys[k] = key;
      buckets[k++] = b;
    }
    for (let i = 0; i < this.entries; i++) {
      const key = entKey[i];
      if (entPos[i] < 0 || keyPos[key] !== entPos[i]) continue;
      const b = keyHash[key] & mask;
      if (b < last) sorted = false;
      last = b;
      keys[k] = key;
      buckets[k++] = b;
    }
    if (sorted) {
      for (let i = 0; i < n; i++) out[offset + i] = keys[i];
      return n;
    }
    if (n <= 32) {
      // Stable insertion sort by bucket.
      for (let i = 1; i < n; i++) {
        const key = keys[i];
        const b = buckets[i];
        let j = i - 1;
        while (j >= 0 && buckets[j] > b) {
          keys[j + 1] = keys[j];
          buckets[j + 1] = buckets[j];
          j--;
        }
        keys[j + 1] = key;
        buckets[j + 1] = b;
      }
      for (let i = 0; i < n; i++) out[offset + i] = keys[i];
      return n;
    }
    // Stable counting sort by bucket.
    const cap = this.cap;
    if (this.starts.length < cap + 1) this.starts = new Int32Array(Math.max(cap + 1, this.starts.length * 2));
    const start = this.starts;
    start.fill(0, 0, cap + 1);
    for (let i = 0; i < n; i++) start[buckets[i] + 1]++;
    for (let b = 0; b < cap; b++) start[b + 1] += start[b];
    for (let i = 0; i < n; i++) out[offset + start[buckets[i]]++] = keys[i];
    return n;
  }

  /** Keys this model cannot index: the caller falls back to the full model. */
  private outOfRange(): boolean {
    this.failed = true;
    return false;
  }

  private insert(key: number, hash: number, pos: number): void {
    if (key >= this.keyGen.length) this.growKeys(key + 1);
    if (this.keyGen[key] !== this.gen) this.keyGen[key] = this.gen;
    this.keyPos[key] = pos;
    this.keyHash[key] = hash;
    if (this.entries === this.entKey.length) {
      const k = new Int32Array(this.entries * 2);
      k.set(this.entKey);
      this.entKey = k;
      const p = new Int32Array(this.entries * 2);
      p.set(this.entPos);
      this.entPos = p;
    }
    this.entKey[this.entries] = key;
    this.entPos[this.entries++] = pos;
    if (this.counting) this.counts[hash & (this.cap - 1)]++;
  }

  /** After inserting `hash`'s key: treeifyBin when its bucket holds `limit` keys. */
  private checkBucket(hash: number, limit: number): void {
    if (!this.counting) {
      this.counting = true;
      this.recount();
    }
    if (this.counts[hash & (this.cap - 1)] < limit) return;
    if (this.cap < MIN_TREEIFY_CAPACITY) this.resize();
    else this.failed = true;
  }

  private recount(): void {
    const cap = this.cap;
    if (this.counts.length < cap + 1) this.counts = new Int32Array(Math.max(cap + 1, this.counts.length * 2));
    const counts = this.counts;
    counts.fill(0, 0, cap);
    const mask = cap - 1;
    for (let i = 0; i < this.entries; i++) {
      const key = this.entKey[i];
      if (this.keyPos[key] === this.entPos[i]) counts[this.keyHash[key] & mask]++;
    }
  }

  private resize(): void {
    const oldCap = this.cap;
    const oldThr = this.thr;
    let newCap: number;
    let newThr = 0;
    if (oldCap > 0) {
      if (oldCap >= MAXIMUM_CAPACITY) {
        this.failed = true;
        return;
      }
      newCap = oldCap * 2;
      if (newCap < MAXIMUM_CAPACITY && oldCap >= 16) newThr = oldThr * 2;
    } else if (oldThr > 0) newCap = oldThr;
    else {
      newCap = 16;
      newThr = 12;
    }
    if (newThr === 0)
      newThr = newCap < MAXIMUM_CAPACITY ? Math.trunc(Math.fround(newCap * 0.75)) : 0x7fffffff;
    this.cap = newCap;
    this.thr = newThr;
    if (this.counting) this.recount();
  }

  private growKeys(n: number): void {
    const len = Math.max(n, this.keyGen.length * 2);
    const g = new Int32Array(len);
    g.set(this.keyGen);
    this.keyGen = g;
    const p = new Int32Array(len);
    p.set(this.keyPos);
    this.keyPos = p;
    const h = new Int32Array(len);
    h.set(this.keyHash);
    this.keyHash = h;
  }
}
