/**
 * Iteration order of Kafka's `TimelineHashMap` (server-common `org.apache.kafka.timeline`), which
 * holds `ConsumerGroup.members`, the group's server-assignor counts and its resolved regexes: an
 * open table whose slot is the top log2(capacity) bits of `hashCode · -7046029254386353131`
 * (Fibonacci hashing on 64 bits), with colliding entries kept in an array per slot in insertion
 * order. It starts at capacity 2 and doubles *before* an insertion that would take the load above
 * 0.75 (even when the key is already present). Its iterator walks the slots in order but takes
 * each slot's entries from the end of the array (CurrentIterator pops a list), so within a slot
 * the last inserted key comes first.
 */
import type { JavaKeyType } from './keys';

const MAX_CAPACITY = 1 << 30;

/** The high 32 bits (as an unsigned number) of `(long) h · -7046029254386353131L` mod 2^64, without BigInt. */
export function fibonacciHigh32(h: number): number {
  // The multiplier as four 16-bit limbs (little end first), two's complement of 0x61C8864680B583EB.
  const m0 = 0x7c15;
  const m1 = 0x7f4a;
  const m2 = 0x79b9;
  const m3 = 0x9e37;
  // h sign-extended to 64 bits, as 16-bit limbs.
  const a0 = h & 0xffff;
  const a1 = (h >>> 16) & 0xffff;
  const a2 = h < 0 ? 0xffff : 0;
  // Column sums of the schoolbook product, keeping limbs 0..3 only (mod 2^64). Each column is a
  // sum of at most four 32-bit products plus a carry: exact in a double.
  const c0 = a0 * m0;
  const c1 = a0 * m1 + a1 * m0 + Math.floor(c0 / 65536);
  const c2 = a0 * m2 + a1 * m1 + a2 * m0 + Math.floor(c1 / 65536);
  const c3 = a0 * m3 + a1 * m2 + a2 * m1 + a2 * m0 + Math.floor(c2 / 65536);
  return ((c3 % 65536) * 65536 + (c2 % 65536)) >>> 0;
}

/** floor((h · -7046029254386353131) mod 2^64 / 2^(64 - bits)) for an int32 h and bits in 0..32. */
export function fibonacciSlot(h: number, bits: number): number {
  if (bits === 0) return 0;
  return Math.floor(fibonacciHigh32(h) / 2 ** (32 - bits));
}

export class TimelineHashOrder<K> {
  private slots: (K[] | null)[];
  /** Each key's id → the high 32 bits of its Fibonacci product (so a rehash never rehashes). */
  private readonly high = new Map<string | number, number>();
  private bits: number;

  /** `new TimelineHashMap<>(registry, expectedSize)`: capacity max(2, 2^⌈log2 ⌈expected / 0.75⌉⌉). */
  constructor(
    private readonly type: JavaKeyType<K>,
    expectedSize = 0,
  ) {
    const min = Math.ceil(Math.fround(expectedSize / 0.75));
    let cap = 2;
    while (cap < min && cap < MAX_CAPACITY) cap *= 2;
    this.slots = new Array<K[] | null>(cap).fill(null);
    this.bits = 31 - Math.clz32(cap);
  }

  get size(): number {
    return this.high.size;
  }

  get capacity(): number {
    return this.slots.length;
  }

  has(k: K): boolean {
    return this.high.has(this.type.id(k));
  }

  /** `put`: a replaced key keeps its place, but the table may still grow (the check comes first). */
  add(k: K): void {
    const id = this.type.id(k);
    if ((this.high.size + 1) * 0.75 > this.slots.length && this.slots.length < MAX_CAPACITY) {
      this.rehash(this.slots.length * 2);
    }
    if (this.high.has(id)) return;
    const h = fibonacciHigh32(this.type.hashCode(k));
    this.high.set(id, h);
    this.place(k, h);
  }

  /** `remove`: the other keys of the slot keep their relative order. */
  delete(k: K): boolean {
    const id = this.type.id(k);
    const h = this.high.get(id);
    if (h === undefined) return false;
    this.high.delete(id);
    const s = this.slotOf(h);
    const cur = this.slots[s] as K[];
    if (cur.length === 1) {
      this.slots[s] = null;
    } else {
      const i = cur.findIndex((x) => this.type.id(x) === id);
      cur.splice(i, 1);
    }
    return true;
  }

  /** Keys in iteration order: slot by slot, and within a slot from the last added to the first. */
  keys(): K[] {
    const out: K[] = [];
    for (const slot of this.slots) {
      if (slot === null) continue;
      for (let i = slot.length - 1; i >= 0; i--) out.push(slot[i]);
    }
    return out;
  }

  /** The first key in iteration order (what `iterator().next()` returns), or undefined when empty. */
  first(): K | undefined {
    for (const slot of this.slots) if (slot !== null) return slot[slot.length - 1];
    return undefined;
  }

  private slotOf(high: number): number {
    return this.bits === 0 ? 0 : high >>> (32 - this.bits);
  }

  private place(k: K, high: number): void {
    const s = this.slotOf(high);
    const cur = this.slots[s];
    if (cur === null) this.slots[s] = [k];
    else cur.push(k);
  }

  /** Slot by slot, each slot's keys in their array order, appended to their new slots. */
  private rehash(newCap: number): void {
    const old = this.slots;
    this.slots = new Array<K[] | null>(newCap).fill(null);
    this.bits = 31 - Math.clz32(newCap);
    for (const slot of old) {
      if (slot === null) continue;
      for (const k of slot) this.place(k, this.high.get(this.type.id(k)) as number);
    }
  }
}
