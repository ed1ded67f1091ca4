/**
 * Shared pieces of the server-side assignors: member and topic iteration order in each ordering
 * mode, topics numbered per call, the typed-array arena outputs are views of, and an editable
 * member assignment that keeps Java's iteration order (the slow path of `exact` output).
 */
import { spreadHash, stringHashCode } from '../../java/hash';
import { JAVA_INTEGER, JAVA_STRING, JAVA_UUID } from '../../java/keys';
import { hashSetCopyCapacity, JavaHashMap, JavaHashSet } from '../../java/hashmap';
import { DEFAULT_CAPACITY, HashOrderSim, spreadInt } from '../../java/hash-order-sim';
import { javaHashOrder, javaIntSetOrder } from '../../java/order';
import { uuidHashCode } from '../../java/uuid';
import type {
  GroupSpec,
  MemberAssignment,
  MemberSubscriptionAndAssignment,
  OrderingMode,
  TopicId,
} from '../api';
import type { AssignmentTable } from '../assignment-view';
import { PartitionSet } from '../partition-set';

export type ReadonlyAssignment = ReadonlyMap<TopicId, ReadonlySet<number>>;

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The group's members in `groupSpec.memberIds()` order, with their specs. */
export interface OrderedMembers {
  readonly ids: string[];
  readonly specs: MemberSubscriptionAndAssignment[];
}

/**
 * `groupSpec.memberIds()` order: Java's HashMap order of the insertion order (exact) or member
 * ids sorted by UTF-16 code units (canonical).
 */
export function orderedMembers(spec: GroupSpec, ordering: OrderingMode): OrderedMembers {
  const n = spec.members.size;
  const ids = new Array<string>(n);
  const specs = new Array<MemberSubscriptionAndAssignment>(n);
  let i = 0;
  let sorted = true;
  spec.members.forEach((m, id) => {
    if (sorted && i > 0 && !(ids[i - 1] < id)) sorted = false;
    ids[i] = id;
    specs[i++] = m;
  });
  if (ordering === 'exact') {
    if (n <= 1) return { ids, specs };
    // new HashMap<>() filled in insertion order; keys are the insertion indices.
    const sim = fresh.topicSim;
    sim.begin(DEFAULT_CAPACITY);
    for (let k = 0; k < n; k++) sim.put(k, spreadHash(stringHashCode(ids[k])));
    const perm = new Int32Array(n);
    if (sim.finish(perm, 0) < 0) {
      // A tree bin: the full model decides.
      const order = javaHashOrder(JAVA_STRING, ids);
      return {
        ids: order,
        specs: order.map((id) => spec.members.get(id) as MemberSubscriptionAndAssignment),
      };
    }
    const pIds = new Array<string>(n);
    const pSpecs = new Array<MemberSubscriptionAndAssignment>(n);
    for (let k = 0; k < n; k++) {
      pIds[k] = ids[perm[k]];
      pSpecs[k] = specs[perm[k]];
    }
    return { ids: pIds, specs: pSpecs };
  }
  if (sorted) return { ids, specs };
  // The default sort compares strings by UTF-16 code units, as compareStrings does.
  const order = ids.slice().sort();
  return { ids: order, specs: order.map((id) => spec.members.get(id) as MemberSubscriptionAndAssignment) };
}

/**
 * The topics of one assign call numbered 0, 1, … in the order first seen, with each one's Java
 * bucket hash (`HashMap.hash(Uuid)`) worked out when first asked for.
 */
export class TopicTable {
  readonly ids: TopicId[] = [];
  private readonly index = new Map<TopicId, number>();
  private hashes = new Int32Array(16);
  private hashed = 0;

  get size(): number {
    return this.ids.length;
  }

  indexOf(id: TopicId): number | undefined {
    return this.index.get(id);
  }

  intern(id: TopicId): number {
    let t = this.index.get(id);
    if (t === undefined) {
      t = this.ids.length;
      this.ids.push(id);
      this.index.set(id, t);
    }
    return t;
  }

  /** The spread Uuid hash code of topic t. */
  hash(t: number): number {
    if (t >= this.hashed) {
      if (this.hashes.length < this.ids.length) {
        const h = new Int32Array(Math.max(this.ids.length, this.hashes.length * 2));
        h.set(this.hashes.subarray(0, this.hashed));
        this.hashes = h;
      }
      for (let k = this.hashed; k < this.ids.length; k++)
        this.hashes[k] = spreadHash(uuidHashCode(this.ids[k]));
      this.hashed = this.ids.length;
    }
    return this.hashes[t];
  }
}

/** Topic order of a target assignment as Kafka iterates it (exact) or sorted (canonical). */
export function assignmentTopicOrder(a: ReadonlyAssignment, ordering: OrderingMode): TopicId[] {
  const topics = [...a.keys()];
  return ordering === 'exact' ? javaHashOrder(JAVA_UUID, topics) : topics.sort(compareStrings);
}

/** Partition order of one topic of a target assignment: `new HashSet<>(list)` (exact) or ascending. */
export function assignmentPartitionOrder(parts: ReadonlySet<number>, ordering: OrderingMode): number[] {
  const list = [...parts];
  return ordering === 'exact' ? javaIntSetOrder(list, 'copy') : list.sort((x, y) => x - y);
}

interface PartitionLog {
  /** The `new HashSet<>(capacity)` the set started from (undefined: the default constructor). */
  readonly capacity: number | undefined;
  /** Additions (p) and removals (~p) in order, starting with the copied partitions. */
  readonly log: number[];
  hasRemovals: boolean;
  /** How many partitions the set holds now (the assignors only add absent and remove present ones). */
  size: number;
}

/**
 * `AssignorHelpers.deepCopyAssignment` and later edits, recorded as the sequence of Java
 * operations; `toOutput` replays them on the Java collections model to list the result in Java's
 * iteration order. Partition sets without removals take a fast path (javaIntSetOrder), and runs
 * of `computeIfAbsent` on one topic are shortened (only the first two calls can grow the map).
 */
export class JavaAssignment {
  private readonly topicLog: TopicId[] = [];
  private readonly topicRemoved: boolean[] = [];
  private readonly sets = new Map<TopicId, PartitionLog>();
  private lastCif: TopicId | null = null;
  private lastCifCalls = 0;

  private constructor(
    private readonly initialTopics: readonly TopicId[],
    private readonly initialCapacity: number,
  ) {}

  /** `new HashMap<>(old.size())`, each topic copied with `new HashSet<>(old set)`, in old's order. */
  static deepCopy(old: ReadonlyAssignment): JavaAssignment {
    const topics = assignmentTopicOrder(old, 'exact');
    const copy = new JavaAssignment(topics, old.size);
    for (const t of topics) {
      const order = assignmentPartitionOrder(old.get(t) as ReadonlySet<number>, 'exact');
      copy.sets.set(t, {
        capacity: hashSetCopyCapacity(order.length),
        log: order,
        hasRemovals: false,
        size: order.length,
      });
    }
    return copy;
  }

  private logTopic(t: TopicId, removed: boolean): void {
    this.topicLog.push(t);
    this.topicRemoved.push(removed);
  }

  removeTopic(t: TopicId): void {
    this.logTopic(t, true);
    this.sets.delete(t);
    this.lastCif = null;
  }

  /** `set.remove(p)`, dropping the topic when its set becomes empty. */
  removePartition(t: TopicId, p: number): void {
    const s = this.sets.get(t);
    if (s === undefined) return;
    s.log.push(~p);
    s.hasRemovals = true;
    if (--s.size === 0) this.removeTopic(t);
  }

  /** `computeIfAbsent(t, __ -> new HashSet<>(initialCapacity)).add(p)`. */
  addPartition(t: TopicId, p: number, initialCapacity?: number): void {
    if (this.lastCif !== t) {
      this.lastCif = t;
      this.lastCifCalls = 0;
    }
    if (this.lastCifCalls < 2) {
      this.logTopic(t, false);
      this.lastCifCalls++;
    }
    let s = this.sets.get(t);
    if (s === undefined) {
      s = { capacity: initialCapacity, log: [], hasRemovals: false, size: 0 };
      this.sets.set(t, s);
    }
    s.log.push(p);
    s.size++;
  }

  /** The assignment as JS collections whose insertion order is Java's iteration order. */
  toOutput(): MemberAssignment {
    if (this.initialTopics.length === 0 && this.sets.size === 1 && !this.topicRemoved.includes(true)) {
      // One topic added to an empty map: no order to work out at the topic level.
      const [t, s] = this.sets.entries().next().value as [TopicId, PartitionLog];
      if (!s.hasRemovals) return new Map([[t, PartitionSet.of(javaIntSetOrder(s.log, s.capacity))]]);
    }
    const map = new JavaHashMap<TopicId, true>(JAVA_UUID, this.initialCapacity);
    for (const t of this.initialTopics) map.set(t, true);
    for (let i = 0; i < this.topicLog.length; i++) {
      if (this.topicRemoved[i]) map.delete(this.topicLog[i]);
      else map.computeIfAbsent(this.topicLog[i], () => true);
    }
    const out: MemberAssignment = new Map();
    for (const t of map.keyArray()) {
      const s = this.sets.get(t) as PartitionLog;
      if (!s.hasRemovals) {
        out.set(t, new Set(javaIntSetOrder(s.log, s.capacity)));
        continue;
      }
      const set = new JavaHashSet<number>(JAVA_INTEGER, s.capacity);
      for (const e of s.log) {
        if (e >= 0) set.add(e);
        else set.delete(~e);
      }
      out.set(t, new Set(set.toArray()));
    }
    return out;
  }
}

/**
 * The output for a member whose assignment the assignor left alone: the input map itself, as
 * Kafka hands back the same immutable map. Canonical mode does not rewrite it either (sorting
 * every untouched member would cost more than the assignment); it sorts what it builds.
 */
export function unchangedOutput(old: ReadonlyAssignment): MemberAssignment {
  return old as MemberAssignment;
}

/** A growable list of (topic index, partition) pairs in typed arrays. */
export class PartitionList {
  topic: Int32Array;
  partition: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.topic = new Int32Array(Math.max(16, capacity));
    this.partition = new Int32Array(Math.max(16, capacity));
  }

  push(topic: number, partition: number): void {
    if (this.length === this.topic.length) {
      const t = new Int32Array(this.length * 2);
      t.set(this.topic);
      this.topic = t;
      const p = new Int32Array(this.length * 2);
      p.set(this.partition);
      this.partition = p;
    }
    this.topic[this.length] = topic;
    this.partition[this.length] = partition;
    this.length++;
  }
}

/**
 * A (topic number, partition) pair as one number below 2^53 that sorts like the pair:
 * topic · 2^32 + (partition + 2^31).
 */
export function pairKey(t: number, p: number): number {
  return t * 4294967296 + (p + 2147483648);
}

export function pairTopic(key: number): number {
  return Math.floor(key / 4294967296);
}

export function pairPartition(key: number): number {
  return key - pairTopic(key) * 4294967296 - 2147483648;
}

let pairScratch = new Float64Array(64);

/** How many partitions `a` holds of topics numbered below topicCount. */
export function countPairs(a: ReadonlyAssignment, topics: TopicTable, topicCount: number): number {
  let n = 0;
  a.forEach((ps, id) => {
    const t = topics.indexOf(id);
    if (t !== undefined && t < topicCount) n += ps.size;
  });
  return n;
}

/**
 * The pairs of `a` of topics numbered below topicCount, sorted (a shared scratch array, with
 * room for `extra` more after them): the canonical order when topic numbers follow topic ids.
 */
export function sortedPairs(
  a: ReadonlyAssignment,
  topics: TopicTable,
  topicCount: number,
  extra = 0,
): Float64Array {
  const n = countPairs(a, topics, topicCount);
  if (pairScratch.length < n + extra)
    pairScratch = new Float64Array(Math.max(n + extra, 2 * pairScratch.length));
  const keys = pairScratch;
  let k = 0;
  a.forEach((ps, id) => {
    const t = topics.indexOf(id);
    if (t === undefined || t >= topicCount) return;
    for (const p of ps) keys[k++] = pairKey(t, p);
  });
  keys.subarray(0, n).sort();
  return keys;
}

/** Sorts keys[0, n) and adds them to `out` as entries, one per topic, partitions ascending. */
export function addSortedPairs(keys: Float64Array, n: number, out: AssignmentTable): void {
  keys.subarray(0, n).sort();
  const d = out.reserve(n);
  const o = out.used;
  for (let k = 0; k < n;) {
    const t = pairTopic(keys[k]);
    let e = k;
    for (; e < n && pairTopic(keys[e]) === t; e++) d[o + e] = pairPartition(keys[e]);
    out.add(t, o + k, o + e);
    k = e;
  }
  out.used += n;
}

/** Scratch of FreshOutputs and orderedMembers (each use is one call, so all share it). */
const fresh = {
  topicSim: new HashOrderSim(),
  setSim: new HashOrderSim(),
  gen: 0,
  stamp: new Int32Array(64),
  head: new Int32Array(64),
  tail: new Int32Array(64),
  next: new Int32Array(64),
  setFrom: new Int32Array(64),
  setTo: new Int32Array(64),
  order: new Int32Array(16),
  keys: new Float64Array(16),
};

/**
 * Outputs of members that had nothing and receive list[from, to), topics numbered as in `topics`:
 * in Java a `new HashMap<>(0)` filled by `computeIfAbsent(topic, new HashSet<>()).add(p)` in list
 * order; in canonical mode topics sorted (as the topic numbers are) and partitions ascending.
 * Outputs are views of `out`, whose data starts with the list's partitions: where a slice already
 * is in the wanted order, an entry points into it.
 */
export class FreshOutputs {
  constructor(
    private readonly list: PartitionList,
    private readonly topics: TopicTable,
    private readonly ordering: OrderingMode,
    private readonly out: AssignmentTable,
  ) {}

  output(from: number, to: number): MemberAssignment {
    const out = this.out;
    const first = out.count;
    if (from >= to) return out.view(first);
    const list = this.list;
    const t = list.topic[from];
    let single = true;
    for (let k = from + 1; k < to && single; k++) single = list.topic[k] === t;
    let done: boolean;
    if (single) done = this.singleTopic(t, from, to);
    else if (this.ordering === 'canonical') done = this.canonicalMulti(from, to);
    else done = this.exactMulti(from, to);
    return done ? out.view(first) : this.slowOutput(from, to);
  }

  /** One topic: most often the slice already is in the wanted order. */
  private singleTopic(t: number, from: number, to: number): boolean {
    const data = this.list.partition;
    const out = this.out;
    const n = to - from;
    let ascending = true;
    for (let k = from + 1; k < to && ascending; k++) ascending = data[k - 1] < data[k];
    if (this.ordering === 'canonical') {
      if (ascending) out.add(t, from, to);
      else {
        const d = out.reserve(n);
        const o = out.used;
        for (let k = from; k < to; k++) d[o + k - from] = data[k];
        d.subarray(o, o + n).sort();
        out.addWritten(t, n);
      }
      return true;
    }
    let contiguous = data[to - 1] - data[from] === n - 1 && data[from] >= 0 && data[to - 1] <= 0xffff;
    for (let k = from + 1; k < to && contiguous; k++) contiguous = data[k] === data[k - 1] + 1;
    if (contiguous) {
      // new HashSet<>() + adds of a run [a, a + n): every slot holds at most one partition, so
      // the order is the run rotated at the first slot index that wraps around.
      let cap = 16;
      while (n > cap * 0.75) cap *= 2;
      const mask = cap - 1;
      let split = -1;
      for (let k = from + 1; k < to && split < 0; k++) if ((data[k] & mask) < (data[k - 1] & mask)) split = k;
      if (split < 0) out.add(t, from, to);
      else {
        const d = out.reserve(n);
        let o = out.used;
        for (let k = split; k < to; k++) d[o++] = data[k];
        for (let k = from; k < split; k++) d[o++] = data[k];
        out.addWritten(t, n);
      }
      return true;
    }
    const sim = fresh.setSim;
    sim.begin(DEFAULT_CAPACITY);
    for (let k = from; k < to; k++) sim.put(data[k], spreadInt(data[k]));
    const d = out.reserve(n);
    const o = out.used;
    if (sim.finish(d, o) < 0) return false;
    let same = true;
    for (let k = 0; k < n && same; k++) same = d[o + k] === data[from + k];
    if (same) out.add(t, from, to);
    else out.addWritten(t, n);
    return true;
  }

  /** Topics ascending by number, partitions ascending: runs of the slice when it is sorted so. */
  private canonicalMulti(from: number, to: number): boolean {
    const list = this.list;
    const out = this.out;
    let sorted = true;
    for (let k = from + 1; k < to && sorted; k++) {
      const t0 = list.topic[k - 1];
      const t1 = list.topic[k];
      sorted = t0 < t1 || (t0 === t1 && list.partition[k - 1] < list.partition[k]);
    }
    if (sorted) {
      for (let k = from; k < to;) {
        const t = list.topic[k];
        let e = k + 1;
        while (e < to && list.topic[e] === t) e++;
        out.add(t, k, e);
        k = e;
      }
      return true;
    }
    const n = to - from;
    if (fresh.keys.length < n) fresh.keys = new Float64Array(Math.max(n, fresh.keys.length * 2));
    const keys = fresh.keys;
    for (let k = 0; k < n; k++) keys[k] = pairKey(list.topic[from + k], list.partition[from + k]);
    addSortedPairs(keys, n, out);
    return true;
  }

  /** Replays the computeIfAbsent calls on the map and the adds on each topic's set. */
  private exactMulti(from: number, to: number): boolean {
    const list = this.list;
    const topics = this.topics;
    const out = this.out;
    const f = fresh;
    if (f.stamp.length < topics.size) {
      const n = Math.max(topics.size, f.stamp.length * 2);
      f.stamp = new Int32Array(n);
      f.head = new Int32Array(n);
      f.tail = new Int32Array(n);
      f.setFrom = new Int32Array(n);
      f.setTo = new Int32Array(n);
    }
    if (f.next.length < to - from) f.next = new Int32Array(Math.max(to - from, f.next.length * 2));
    const { stamp, head, tail, next, setFrom, setTo, topicSim, setSim } = f;
    const gen = ++f.gen;
    topicSim.begin(0); // deepCopyAssignment of the empty map: new HashMap<>(0)
    for (let k = from; k < to; k++) {
      const t = list.topic[k];
      topicSim.computeIfAbsent(t, topics.hash(t));
      next[k - from] = -1;
      if (stamp[t] !== gen) {
        stamp[t] = gen;
        head[t] = k - from;
      } else next[tail[t]] = k - from;
      tail[t] = k - from;
    }
    const count = topicSim.size;
    if (f.order.length < count) f.order = new Int32Array(Math.max(count, f.order.length * 2));
    const order = f.order;
    if (topicSim.finish(order, 0) < 0) return false;
    for (let j = 0; j < count; j++) {
      const t = order[j];
      setSim.begin(DEFAULT_CAPACITY);
      for (let k = head[t]; k !== -1; k = next[k]) {
        const p = list.partition[from + k];
        setSim.put(p, spreadInt(p));
      }
      const d = out.reserve(setSim.size);
      const n = setSim.finish(d, out.used);
      if (n < 0) return false;
      setFrom[t] = out.used;
      setTo[t] = out.used += n;
    }
    for (let j = 0; j < count; j++) out.add(order[j], setFrom[order[j]], setTo[order[j]]);
    return true;
  }

  /** The full Java collections model, for slices that would grow a tree bin. */
  private slowOutput(from: number, to: number): MemberAssignment {
    const map = new JavaHashMap<TopicId, JavaHashSet<number>>(JAVA_UUID, 0);
    for (let k = from; k < to; k++) {
      const set = map.computeIfAbsent(
        this.topics.ids[this.list.topic[k]],
        () => new JavaHashSet(JAVA_INTEGER),
      );
      set.add(this.list.partition[k]);
    }
    const result: MemberAssignment = new Map();
    for (const [t, set] of map) result.set(t, PartitionSet.of(set.toArray()));
    return result;
  }
}
