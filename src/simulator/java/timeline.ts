/**
 * Iteration order of Kafka's `TimelineHashMap` (server-common `org.apache.kafka.timeline`), which
 * holds `ConsumerGroup.members`: an open table whose slot is the top log2(capacity) bits of
 * `hashCode · -7046029254386353131` (Fibonacci hashing on 64 bits), with colliding entries kept
 * in an array per slot in insertion order. It starts at capacity 2 and doubles *before* an
 * insertion that would take the load above 0.75. Its iterator walks the slots in order but
 * takes each slot's entries from the end of the array (CurrentIterator pops a list).
 */
import type { JavaKeyType } from './keys';

/** floor((h · -7046029254386353131) mod 2^64 / 2^(64 - bits)) for an int32 h, without BigInt. */
export function fibonacciSlot(h: number, bits: number): number {
  if (bits === 0) return 0;
  // The multiplier as four 16-bit limbs (little end first), two's complement of 0x61C8864680B583EB.
  const m = [0x7c15, 0x7f4a, 0x79b9, 0x9e37];
  // h sign-extended to 64 bits, as 16-bit limbs.
  const hi = h < 0 ? 0xffff : 0;
  const a = [h & 0xffff, (h >>> 16) & 0xffff, hi, hi];
  const r = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    let carry = 0;
    for (let j = 0; i + j < 4; j++) {
      const t = r[i + j] + a[i] * m[j] + carry;
      r[i + j] = t % 65536;
      carry = Math.floor(t / 65536);
    }
  }
  // Top `bits` bits of the 64-bit result r[3]:r[2]:r[1]:r[0].
  const top32 = (r[3] * 65536 + r[2]) >>> 0;
  if (bits <= 32) return Math.floor(top32 / 2 ** (32 - bits));
  const low32 = (r[1] * 65536 + r[0]) >>> 0;
  return top32 * 2 ** (bits - 32) + Math.floor(low32 / 2 ** (64 - bits));
}

export class TimelineHashOrder<K> {
  private slots: (K[] | null)[];
  private count = 0;
  private readonly ids = new Set<string | number>();

  /** `new TimelineHashMap<>(registry, expectedSize)`: capacity max(2, 2^⌈log2 ⌈expected / 0.75⌉⌉). */
  constructor(
    private readonly type: JavaKeyType<K>,
    expectedSize = 0,
  ) {
    const min = Math.ceil(Math.fround(expectedSize / 0.75));
    let cap = 2;
    while (cap < min && cap < 1 << 30) cap *= 2;
    this.slots = new Array<K[] | null>(cap).fill(null);
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.slots.length;
  }

  private slotOf(k: K, cap: number): number {
    return fibonacciSlot(this.type.hashCode(k), 31 - Math.clz32(cap));
  }

  /** `put`: a replaced key keeps its place, but the table may still grow (the check comes first). */
  add(k: K): void {
    const id = this.type.id(k);
    if ((this.count + 1) * 0.75 > this.slots.length && this.slots.length < 1 << 30) {
      this.rehash(this.slots.length * 2);
    }
    if (this.ids.has(id)) return;
    const s = this.slotOf(k, this.slots.length);
    const cur = this.slots[s];
    if (cur === null) this.slots[s] = [k];
    else cur.push(k);
    this.ids.add(id);
    this.count++;
  }

  delete(k: K): boolean {
    const id = this.type.id(k);
    if (!this.ids.delete(id)) return false;
    const s = this.slotOf(k, this.slots.length);
    const cur = this.slots[s] as K[];
    const i = cur.findIndex((x) => this.type.id(x) === id);
    cur.splice(i, 1);
    if (cur.length === 0) this.slots[s] = null;
    this.count--;
    return true;
  }

  private rehash(newCap: number): void {
    const old = this.slots;
    this.slots = new Array<K[] | null>(newCap).fill(null);
    for (const slot of old) {
      if (slot === null) continue;
      for (const k of slot) {
        const s = this.slotOf(k, newCap);
        const cur = this.slots[s];
        if (cur === null) this.slots[s] = [k];
        else cur.push(k);
      }
    }
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
}
