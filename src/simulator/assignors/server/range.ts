/**
 * Kafka's server-side RangeAssignor (KAFKA-16944 rewrite): not sticky, recomputed from scratch.
 * Members are sorted (static members first by instance id, then the others by member id); each
 * topic's partitions are cut into contiguous ranges, the first (n mod c) subscribers getting one
 * extra. Homogeneous groups use the first sorted member's topics for everyone.
 */
import { capacityFor, HashOrderSim } from '../../java/hash-order-sim';
import { JAVA_UUID } from '../../java/keys';
import { javaHashOrder } from '../../java/order';
import {
  PartitionAssignorError,
  type GroupAssignment,
  type GroupSpec,
  type MemberSubscriptionAndAssignment,
  type OrderingMode,
  type SubscribedTopicDescriber,
  type TopicId,
} from '../api';
import { AssignmentTable } from '../assignment-view';
import { identity } from '../partition-set';
import { compareStrings, orderedMembers, TopicTable } from './common';

/** Per topic number: partitions, subscribers, and Kafka's quota state (minQuota -1: not yet computed). */
interface RangeTopics {
  numPartitions: Int32Array;
  numMembers: Int32Array;
  minQuota: Int32Array;
  extra: Int32Array;
  next: Int32Array;
}

/**
 * A subscription's topics (numbers) in the order the member's output lists them: Java's order of
 * `new HashMap<>(capacity)` filled in subscription order (exact), or sorted by id (canonical).
 * The map never grows (its capacity is sized for all the topics), so a member that gets ranges of
 * only some topics lists them in this order too; `exactSubsets` is false when a bucket of the
 * full map would overflow (then subsets are worked out one by one).
 */
interface Layout {
  readonly order: Int32Array;
  readonly exactSubsets: boolean;
}

/** A subscription (a set of topic ids several members may share) and its members' progress. */
interface Subscription {
  /** Its topics (numbers) in iteration order. */
  readonly list: Int32Array;
  /** active[0, activeCount): its topics that still have partitions left. */
  readonly active: Int32Array;
  activeCount: number;
  layout: Layout | null;
}

const sim = new HashOrderSim();

export function assignRange(
  spec: GroupSpec,
  describer: SubscribedTopicDescriber,
  ordering: OrderingMode,
): GroupAssignment {
  const result: GroupAssignment = new Map();
  if (spec.members.size === 0) return result;
  const { ids: sorted, specs } = sortedMembers(spec);
  const table = new TopicTable();
  const topics: RangeTopics = {
    numPartitions: new Int32Array(16),
    numMembers: new Int32Array(16),
    minQuota: new Int32Array(0),
    extra: new Int32Array(0),
    next: new Int32Array(0),
  };
  const topicNumber = (id: TopicId): number => {
    let t = table.indexOf(id);
    if (t !== undefined) return t;
    const n = describer.numPartitions(id);
    if (n === -1) throw new PartitionAssignorError('Member is subscribed to a non-existent topic');
    t = table.intern(id);
    if (t === topics.numPartitions.length) {
      topics.numPartitions = grow(topics.numPartitions);
      topics.numMembers = grow(topics.numMembers);
    }
    topics.numPartitions[t] = n;
    return t;
  };
  const subscriptionTopics = (subs: ReadonlySet<TopicId>): Int32Array => {
    const list = new Int32Array(subs.size);
    let k = 0;
    for (const id of subs) list[k++] = topicNumber(id);
    return list;
  };
  // Members of one subscription share its topic list, its output layout and the list of its
  // topics that still have partitions to hand out (the others give every later member nothing).
  const homogeneous = spec.subscriptionType === 'HOMOGENEOUS';
  const bySubscription = new Map<ReadonlySet<TopicId>, Subscription>();
  const subscriptionOf = (subs: ReadonlySet<TopicId>): Subscription => {
    let s = bySubscription.get(subs);
    if (s === undefined) {
      const list = subscriptionTopics(subs);
      s = { list, active: list.slice(), activeCount: list.length, layout: null };
      bySubscription.set(subs, s);
    }
    return s;
  };
  const memberSubscriptions = new Array<Subscription>(sorted.length);
  if (homogeneous) {
    const s = subscriptionOf(specs[0].subscribedTopicIds);
    for (const t of s.list) topics.numMembers[t] = sorted.length;
    memberSubscriptions.fill(s);
  } else {
    for (let i = 0; i < sorted.length; i++) {
      const s = (memberSubscriptions[i] = subscriptionOf(specs[i].subscribedTopicIds));
      for (const t of s.list) topics.numMembers[t]++;
    }
  }
  const topicCount = table.size;
  topics.minQuota = new Int32Array(topicCount).fill(-1);
  topics.extra = new Int32Array(topicCount);
  topics.next = new Int32Array(topicCount);
  const numPartitions = topics.numPartitions;

  const starts = new Int32Array(topicCount);
  const ends = new Int32Array(topicCount);
  /** got[t] = i + 1 when member i got a range of topic t. */
  const got = new Int32Array(topicCount);
  let maxPartitions = 0;
  for (let t = 0; t < topicCount; t++) maxPartitions = Math.max(maxPartitions, numPartitions[t]);
  // Outputs are views of [0, 1, 2, …]: a range [start, end) is Kafka's RangeSet, iterated ascending.
  // At most one entry per member and topic, and one per partition.
  let expected = 0;
  for (let t = 0; t < topicCount; t++) expected += Math.min(numPartitions[t], topics.numMembers[t]);
  const out = new AssignmentTable(table.ids, identity(maxPartitions), maxPartitions, expected);
  const { minQuota, extra, next, numMembers } = topics;
  for (let i = 0; i < sorted.length; i++) {
    const sub = memberSubscriptions[i];
    // Each topic's range for this member (the topics are independent, so any order will do):
    // Kafka's addPartitionsToAssignment.
    let count = 0;
    const active = sub.active;
    for (let k = 0; k < sub.activeCount;) {
      const t = active[k];
      if (minQuota[t] === -1) {
        minQuota[t] = Math.floor(numPartitions[t] / numMembers[t]);
        extra[t] = numPartitions[t] % numMembers[t];
      }
      const start = next[t];
      let quota = minQuota[t];
      if (extra[t] > 0) {
        quota++;
        extra[t]--;
      }
      const end = Math.min(start + quota, numPartitions[t]);
      next[t] = end;
      if (start < end) {
        starts[t] = start;
        ends[t] = end;
        got[t] = i + 1;
        count++;
      }
      if (end === numPartitions[t]) active[k] = active[--sub.activeCount];
      else k++;
    }
    const first = out.count;
    if (count > 0) {
      const list = sub.list;
      // Kafka sizes the member's map for all its topics: new HashMap<>((int) (n / 0.75f) + 1).
      const capacity = capacityFor(list.length);
      const layout = (sub.layout ??=
        ordering === 'exact' ? javaLayout(list, capacity, table) : sortedLayout(list, table));
      if (count < list.length && !layout.exactSubsets) {
        // Work the subset's Java order out on its own.
        const some: TopicId[] = [];
        for (const t of list) if (got[t] === i + 1) some.push(table.ids[t]);
        for (const id of javaHashOrder(JAVA_UUID, some, capacity)) {
          const t = table.indexOf(id) as number;
          out.add(t, starts[t], ends[t]);
        }
      } else {
        for (const t of layout.order) if (got[t] === i + 1) out.add(t, starts[t], ends[t]);
      }
    }
    result.set(sorted[i], out.view(first));
  }
  return result;
}

function javaLayout(list: Int32Array, capacity: number, table: TopicTable): Layout {
  const n = list.length;
  // Without a resize (which only an overflowing bucket could cause) the order is by bucket,
  // stable: the same for every subset.
  sim.begin(capacity);
  let exactSubsets = true;
  const counts = new Map<number, number>();
  const mask = tableSizeMask(capacity);
  for (let k = 0; k < n; k++) {
    const h = table.hash(list[k]);
    sim.put(k, h);
    const b = h & mask;
    const c = (counts.get(b) ?? 0) + 1;
    counts.set(b, c);
    if (c > 8) exactSubsets = false;
  }
  const perm = new Int32Array(n);
  if (sim.finish(perm, 0) < 0) {
    const order = javaHashOrder(
      JAVA_UUID,
      Array.from(list, (t) => table.ids[t]),
      capacity,
    );
    return { order: Int32Array.from(order, (id) => table.indexOf(id) as number), exactSubsets: false };
  }
  for (let k = 0; k < n; k++) perm[k] = list[perm[k]];
  return { order: perm, exactSubsets };
}

function sortedLayout(list: Int32Array, table: TopicTable): Layout {
  const ids = table.ids;
  return {
    order: Int32Array.from(Array.from(list).sort((a, b) => compareStrings(ids[a], ids[b]))),
    exactSubsets: true,
  };
}

function tableSizeMask(capacity: number): number {
  let cap = 1;
  while (cap < capacity && cap < 1 << 30) cap *= 2;
  return cap - 1;
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Kafka's sortMemberIds: static members first by instance id, then the others by member id. */
function sortedMembers(spec: GroupSpec): { ids: string[]; specs: MemberSubscriptionAndAssignment[] } {
  let anyStatic = false;
  spec.members.forEach((m) => {
    if (m.instanceId !== null) anyStatic = true;
  });
  if (!anyStatic) return orderedMembers(spec, 'canonical');
  const ids = [...spec.members.keys()];
  const all = ids.map((id) => spec.members.get(id) as MemberSubscriptionAndAssignment);
  const order = ids.map((_, i) => i);
  order.sort((x, y) => {
    const ia = all[x].instanceId;
    const ib = all[y].instanceId;
    if (ia !== null && ib !== null) return compareStrings(ia, ib);
    if (ia !== null) return -1;
    if (ib !== null) return 1;
    return compareStrings(ids[x], ids[y]);
  });
  return { ids: order.map((i) => ids[i]), specs: order.map((i) => all[i]) };
}
