/**
 * Shared pieces of the server-side assignors: member and topic iteration order in each ordering
 * mode, and an editable member assignment that keeps Java's iteration order (for `exact` output).
 */
import { JAVA_INTEGER, JAVA_STRING, JAVA_UUID } from '../../java/keys';
import { JavaHashMap, JavaHashSet } from '../../java/hashmap';
import { javaHashOrder, javaIntSetOrder } from '../../java/order';
import type { GroupSpec, MemberAssignment, OrderingMode, TopicId } from '../api';

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

/**
 * `AssignorHelpers.deepCopyAssignment` and later edits, modelled on Java collections so the
 * result can be listed in Java's iteration order.
 */
export class JavaAssignment implements AssignmentEditor {
  private readonly map: JavaHashMap<TopicId, JavaHashSet<number>>;

  private constructor(map: JavaHashMap<TopicId, JavaHashSet<number>>) {
    this.map = map;
  }

  /** `new HashMap<>(old.size())`, each topic copied with `new HashSet<>(old set)`, in old's order. */
  static deepCopy(old: ReadonlyAssignment): JavaAssignment {
    const map = new JavaHashMap<TopicId, JavaHashSet<number>>(JAVA_UUID, old.size);
    for (const t of assignmentTopicOrder(old, 'exact')) {
      const parts = old.get(t) as ReadonlySet<number>;
      const order = assignmentPartitionOrder(parts, 'exact');
      map.set(t, JavaHashSet.copyOf(JAVA_INTEGER, order, order.length));
    }
    return new JavaAssignment(map);
  }

  removeTopic(t: TopicId): void {
    this.map.delete(t);
  }

  /** `set.remove(p)`, dropping the topic when its set becomes empty. */
  removePartition(t: TopicId, p: number): void {
    const set = this.map.get(t);
    if (set === undefined) return;
    set.delete(p);
    if (set.size === 0) this.map.delete(t);
  }

  /** `computeIfAbsent(t, __ -> new HashSet<>(initialCapacity)).add(p)`. */
  addPartition(t: TopicId, p: number, initialCapacity?: number): void {
    this.map.computeIfAbsent(t, () => new JavaHashSet<number>(JAVA_INTEGER, initialCapacity)).add(p);
  }

  /** The assignment as JS collections whose insertion order is Java's iteration order. */
  toOutput(): MemberAssignment {
    const out: MemberAssignment = new Map();
    for (const [t, set] of this.map) out.set(t, new Set(set.toArray()));
    return out;
  }
}

/** Edits on a copy of a member's target assignment; the output follows the ordering mode. */
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
 * The output for a member whose assignment the assignor left alone: in exact mode the input map
 * itself (as Kafka returns the same immutable map), in canonical mode a sorted copy.
 */
export function unchangedOutput(old: ReadonlyAssignment, ordering: OrderingMode): MemberAssignment {
  return ordering === 'exact' ? (old as MemberAssignment) : canonicalAssignment(old);
}
