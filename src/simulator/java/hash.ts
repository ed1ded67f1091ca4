/**
 * Java's hash codes and comparisons, as int32 arithmetic on JS numbers. These decide the
 * iteration order of `java.util.HashMap`/`HashSet`, which is what Kafka's assignors iterate.
 */

/** `String.hashCode()`: Σ s[i]·31^(n-1-i) over UTF-16 code units, wrapped to int32. */
export function stringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** `Integer.hashCode()`: the value itself (as int32). */
export function integerHashCode(v: number): number {
  return v | 0;
}

/** `HashMap.hash(key)`: the hash code with its high half folded into the low half. */
export function spreadHash(h: number): number {
  return (h ^ (h >>> 16)) | 0;
}

/** `String.compareTo`: lexicographic over UTF-16 code units (not locale-aware). */
export function compareJavaStrings(a: string, b: string): number {
  // JS `<` on strings also compares UTF-16 code units, which is exactly Java's rule.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `Integer.compare`. */
export function compareInts(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `Objects.hash`-style combination used by `TopicPartition.hashCode()`: 31·(31 + p) + topic.hashCode(). */
export function topicPartitionHashCode(topic: string, partition: number): number {
  return (Math.imul(31, (31 + partition) | 0) + stringHashCode(topic)) | 0;
}

/** `Integer.numberOfLeadingZeros`. */
export function numberOfLeadingZeros(v: number): number {
  return Math.clz32(v);
}

/** `HashMap.tableSizeFor` (JDK 17): the smallest power of two ≥ c, at least 1, at most 2^30. */
export function tableSizeFor(c: number): number {
  if (c <= 1) return 1;
  if (c >= 1 << 30) return 1 << 30;
  return 1 << (32 - Math.clz32(c - 1)); // at most 1 << 30 here
}

/** Java's `(int) f` for a float/double value: truncation toward zero, saturating at int32 bounds. */
export function javaIntCast(f: number): number {
  if (Number.isNaN(f)) return 0;
  if (f >= 2147483647) return 2147483647;
  if (f <= -2147483648) return -2147483648;
  return Math.trunc(f);
}

/** Java float division `(float) a / b` rounded to float32, as in `(int) (n / .75f)`. */
export function floatDiv(a: number, b: number): number {
  return Math.fround(Math.fround(a) / Math.fround(b));
}
