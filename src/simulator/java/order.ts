/**
 * Fast answers to "in what order does Java iterate this collection?" for the shapes Kafka's
 * assignors build, falling back to the full HashMap model when a bucket would become a tree.
 */
import { tableSizeFor } from './hash';
import { hashSetCopyCapacity, JavaHashSet } from './hashmap';
import { JAVA_INTEGER, type JavaKeyType } from './keys';

const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/**
 * Iteration order of a `HashMap`/`HashSet` after inserting distinct `keys` in order (no removals),
 * with `put`. `initialCapacity` undefined means `new HashMap<>()`; `'copy'` means
 * `new HashSet<>(collection)` of these keys.
 */
export function javaHashOrder<K>(
  type: JavaKeyType<K>,
  keys: readonly K[],
  initialCapacity?: number | 'copy',
): K[] {
  const n = keys.length;
  if (n <= 1) return keys.slice();
  const hashes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = type.hashCode(keys[i]);
    hashes[i] = h ^ (h >>> 16);
  }
  const perm = javaHashPermutation(
    hashes,
    initialCapacity === 'copy' ? hashSetCopyCapacity(n) : initialCapacity,
  );
  if (perm === null) {
    const set =
      initialCapacity === 'copy'
        ? JavaHashSet.copyOf(type, keys, n)
        : new JavaHashSet<K>(type, initialCapacity);
    if (initialCapacity !== 'copy') for (const k of keys) set.add(k);
    return set.toArray();
  }
  const out = new Array<K>(n);
  for (let i = 0; i < n; i++) out[i] = keys[perm[i]];
  return out;
}

/**
 * Iteration order of `new HashSet<>(collection)` for any collection: repeated keys are added once,
 * but they count toward the capacity as `collection.size()` does.
 */
export function javaHashSetCopyOrder<K>(type: JavaKeyType<K>, items: readonly K[]): K[] {
  const ids = new Set<string | number>();
  const distinct: K[] = [];
  for (const k of items) {
    const id = type.id(k);
    if (ids.has(id)) continue;
    ids.add(id);
    distinct.push(k);
  }
  return distinct.length === items.length
    ? javaHashOrder(type, distinct, 'copy')
    : javaHashOrder(type, distinct, hashSetCopyCapacity(items.length));
}

/** Same as javaHashOrder for Integer keys (partition numbers), with a shortcut for small ranges. */
export function javaIntSetOrder(values: readonly number[], initialCapacity?: number | 'copy'): number[] {
  const n = values.length;
  if (n <= 1) return values.slice();
  if (n <= 32 && initialCapacity !== 'copy') {
    const small = smallSetOrder(values, initialCapacity);
    if (small !== null) return small;
  }
  const cap0 =
    initialCapacity === 'copy'
      ? tableSizeFor(hashSetCopyCapacity(n))
      : initialCapacity === undefined
        ? 16
        : Math.max(1, tableSizeFor(initialCapacity));
  // Every key below the smallest capacity the table can have once it holds them all lands in
  // its own bucket in ascending order, whatever the insertion order: sort and done.
  let max = 0;
  let allSmallNonNeg = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < 0 || v > 0xffff) {
      allSmallNonNeg = false;
      break;
    }
    if (v > max) max = v;
  }
  if (allSmallNonNeg && max < finalCapacityLowerBound(n, cap0)) {
    const sorted = values.slice();
    sorted.sort((a, b) => a - b);
    return sorted;
  }
  return javaHashOrder(JAVA_INTEGER, values, initialCapacity);
}

/** The capacity a table starting at cap0 reaches through load-factor growth alone for n keys. */
function finalCapacityLowerBound(n: number, cap0: number): number {
  let cap = cap0;
  while (n > Math.floor(cap * 0.75)) cap *= 2;
  return cap;
}

/**
 * The iteration permutation for spread hashes inserted in order, or null when a bucket would be
 * treeified (then the caller uses the full model). Models load-factor resizes and the resize
 * that `treeifyBin` does instead of treeifying while the table is shorter than 64.
 */
export function javaHashPermutation(spread: Int32Array, initialCapacity?: number): Int32Array | null {
  const n = spread.length;
  let cap = initialCapacity === undefined ? 16 : Math.max(1, tableSizeFor(initialCapacity));
  let threshold = initialCapacity === undefined ? 12 : Math.trunc(Math.fround(cap * 0.75));
  let counts: Int32Array = new Int32Array(cap);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const b = spread[i] & (cap - 1);
    const c = ++counts[b];
    if (c > TREEIFY_THRESHOLD) {
      // put() appends the 9th node and calls treeifyBin.
      if (cap >= MIN_TREEIFY_CAPACITY) return null;
      const grown = grow(cap, threshold);
      cap = grown[0];
      threshold = grown[1];
      counts = recount(spread, i + 1, cap);
      // A bucket of the doubled table may still hold 9+: the next insertion into it decides.
    }
    if (++size > threshold) {
      const grown = grow(cap, threshold);
      cap = grown[0];
      threshold = grown[1];
      counts = recount(spread, i + 1, cap);
    }
  }
  // Stable counting sort by bucket at the final capacity. Resizes keep insertion order within a
  // bucket, so this is the iteration order.
  const start = new Int32Array(cap + 1);
  for (let i = 0; i < n; i++) start[(spread[i] & (cap - 1)) + 1]++;
  for (let b = 0; b < cap; b++) start[b + 1] += start[b];
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[start[spread[i] & (cap - 1)]++] = i;
  return perm;
}

function grow(cap: number, threshold: number): [number, number] {
  const newCap = cap * 2;
  const newThr = cap >= 16 ? threshold * 2 : Math.trunc(Math.fround(newCap * 0.75));
  return [newCap, newThr];
}

function recount(spread: Int32Array, upTo: number, cap: number): Int32Array {
  const counts = new Int32Array(cap);
  for (let i = 0; i < upTo; i++) counts[spread[i] & (cap - 1)]++;
  return counts;
}

/**
 * A set of at most 32 partitions in [0, 65535] that never outgrows its first table: the order is
 * by (p & (cap - 1)), stable. Null when the table would grow, or a slot would reach 9 keys (then
 * treeifyBin resizes): the caller falls back to the general path.
 */
function smallSetOrder(values: readonly number[], initialCapacity: number | undefined): number[] | null {
  const cap = initialCapacity === undefined ? 16 : Math.max(1, tableSizeFor(initialCapacity));
  const threshold = initialCapacity === undefined ? 12 : Math.trunc(Math.fround(cap * 0.75));
  if (values.length > threshold) return null;
  const mask = cap - 1;
  const out = values.slice();
  for (const v of out) if (v < 0 || v > 0xffff) return null;
  // Insertion sort by bucket: stable, and n is tiny.
  for (let i = 1; i < out.length; i++) {
    const v = out[i];
    const b = v & mask;
    let j = i - 1;
    while (j >= 0 && (out[j] & mask) > b) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = v;
  }
  let run = 1;
  for (let i = 1; i < out.length; i++) {
    run = (out[i] & mask) === (out[i - 1] & mask) ? run + 1 : 1;
    if (run > TREEIFY_THRESHOLD) return null;
  }
  return out;
}
