/**
 * Shared pieces of the server-side assignors: member and topic iteration order in each ordering
 * mode, and an editable member assignment that keeps Java's iteration order (for `exact` output).
 */
import { JAVA_INTEGER, JAVA_STRING, JAVA_UUID } from '../../java/keys';
import { hashSetCopyCapacity, JavaHashMap, JavaHashSet } from '../../java/hashmap';
import { javaHashOrder, javaIntSetOrder } from '../../java/order';
import type { GroupSpec, MemberAssignment, OrderingMode, TopicId } from '../api';
import { PartitionSet } from '../partition-set';

export type ReadonlyAssignment = ReadonlyMap<TopicId, ReadonlySet<number>>;

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `groupSpec.memberIds()` order: Java's HashMap order (exact) or sorted member ids (canonical). */
export function memberIdOrder(spec: GroupSpec, ordering: OrderingMode): string[] {
  const ids = [...spec.members.keys()];
  return ordering === 'exact' ? javaHashOrder(JAVA_STRING, ids) : ids.sort(compareStrings);
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

/** A canonical output assignment: topics sorted, partitions ascending. */
export function canonicalAssignment(
  entries: Iterable<readonly [TopicId, Iterable<number>]>,
): MemberAssignment {
  const sorted = [...entries]
    .map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)] as const)
    .filter(([, ps]) => ps.length > 0)
    .sort((a, b) => compareStrings(a[0], b[0]));
  return new Map(sorted.map(([t, ps]) => [t, new Set(ps)]));
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
export class JavaAssignment implements AssignmentEditor {
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
 * Edits on a copy of a member's target assignment; the output follows the ordering mode. Callers
 * remove only partitions the copy holds and add only partitions it does not (as Kafka's builders do).
 */
export interface AssignmentEditor {
  removeTopic(t: TopicId): void;
  removePartition(t: TopicId, p: number): void;
  addPartition(t: TopicId, p: number, initialCapacity?: number): void;
  toOutput(): MemberAssignment;
}

class PlainAssignment implements AssignmentEditor {
  private readonly map = new Map<TopicId, Set<number>>();

  constructor(old: ReadonlyAssignment) {
    for (const [t, ps] of old) this.map.set(t, new Set(ps));
  }

  removeTopic(t: TopicId): void {
    this.map.delete(t);
  }

  removePartition(t: TopicId, p: number): void {
    const set = this.map.get(t);
    if (set === undefined) return;
    set.delete(p);
    if (set.size === 0) this.map.delete(t);
  }

  addPartition(t: TopicId, p: number): void {
    let set = this.map.get(t);
    if (set === undefined) {
      set = new Set();
      this.map.set(t, set);
    }
    set.add(p);
  }

  toOutput(): MemberAssignment {
    return canonicalAssignment(this.map);
  }
}

/** A deep copy of `old` to edit: Java collections in exact mode, plain ones in canonical mode. */
export function editableCopy(old: ReadonlyAssignment, ordering: OrderingMode): AssignmentEditor {
  return ordering === 'exact' ? JavaAssignment.deepCopy(old) : new PlainAssignment(old);
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
 * The output of a member that had nothing and receives list[from, to): in Java a
 * `new HashMap<>(0)` filled by `computeIfAbsent(topic, new HashSet<>()).add(p)` in list order;
 * in canonical mode topics sorted (as `topicOrder` is) and partitions ascending.
 */
export function freshOutput(
  list: PartitionList,
  from: number,
  to: number,
  topicOrder: readonly TopicId[],
  ordering: OrderingMode,
): MemberAssignment {
  const out: MemberAssignment = new Map();
  if (from >= to) return out;
  // The common case: one topic.
  const first = list.topic[from];
  let single = true;
  for (let k = from + 1; k < to; k++) {
    if (list.topic[k] !== first) {
      single = false;
      break;
    }
  }
  if (single) {
    // Most often the slice is already in the wanted order: hand out a view of it.
    const data = list.partition;
    let ascending = true;
    for (let k = from + 1; k < to && ascending; k++) ascending = data[k - 1] < data[k];
    if (ordering === 'canonical') {
      out.set(
        topicOrder[first],
        ascending
          ? new PartitionSet(data, from, to, true)
          : PartitionSet.of(
              Array.prototype.slice.call(data.subarray(from, to)).sort((a: number, b: number) => a - b),
            ),
      );
      return out;
    }
    let contiguous = data[to - 1] - data[from] === to - from - 1 && data[from] >= 0 && data[to - 1] <= 0xffff;
    for (let k = from + 1; k < to && contiguous; k++) contiguous = data[k] === data[k - 1] + 1;
    if (contiguous) {
      // new HashSet<>() + adds of a run [a, a + n): every slot holds at most one partition, so
      // the order is the run rotated at the first slot index that wraps around.
      const n = to - from;
      let cap = 16;
      while (n > cap * 0.75) cap *= 2;
      const mask = cap - 1;
      let split = -1;
      for (let k = from + 1; k < to && split < 0; k++) if ((data[k] & mask) < (data[k - 1] & mask)) split = k;
      if (split < 0) out.set(topicOrder[first], new PartitionSet(data, from, to, true));
      else {
        const rotated = new Int32Array(n);
        rotated.set(data.subarray(split, to), 0);
        rotated.set(data.subarray(from, split), to - split);
        out.set(topicOrder[first], new PartitionSet(rotated, 0, n, false));
      }
      return out;
    }
    const ps: number[] = [];
    for (let k = from; k < to; k++) ps.push(data[k]);
    const order = javaIntSetOrder(ps);
    let same = true;
    for (let k = 0; k < order.length && same; k++) same = order[k] === ps[k];
    out.set(topicOrder[first], same ? new PartitionSet(data, from, to, ascending) : PartitionSet.of(order));
    return out;
  }
  // Group by topic, keeping first-seen topic order and list order within a topic.
  const groups = new Map<number, number[]>();
  let runs = 0;
  let last = -1;
  for (let k = from; k < to; k++) {
    const ti = list.topic[k];
    let g = groups.get(ti);
    if (g === undefined) groups.set(ti, (g = []));
    g.push(list.partition[k]);
    if (ti !== last) runs++;
    last = ti;
  }
  if (ordering === 'canonical') {
    for (const ti of [...groups.keys()].sort((a, b) => a - b)) {
      const ps = groups.get(ti) as number[];
      out.set(topicOrder[ti], new Set(ps.sort((a, b) => a - b)));
    }
    return out;
  }
  let topicsInJavaOrder: number[];
  if (groups.size === 1) topicsInJavaOrder = [...groups.keys()];
  else {
    // Replay the computeIfAbsent calls (a run of calls on one topic shortened to two).
    const map = new JavaHashMap<TopicId, number>(JAVA_UUID, 0);
    let prev = -1;
    let calls = 0;
    for (let k = from; k < to && runs > 0; k++) {
      const ti = list.topic[k];
      if (ti !== prev) {
        prev = ti;
        calls = 0;
      }
      if (calls < 2) {
        map.computeIfAbsent(topicOrder[ti], () => ti);
        calls++;
      }
    }
    topicsInJavaOrder = [...map.values()];
  }
  for (const ti of topicsInJavaOrder)
    out.set(topicOrder[ti], new Set(javaIntSetOrder(groups.get(ti) as number[])));
  return out;
}
