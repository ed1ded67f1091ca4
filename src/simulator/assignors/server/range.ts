/**
 * Kafka's server-side RangeAssignor (KAFKA-16944 rewrite): not sticky, recomputed from scratch.
 * Members are sorted (static members first by instance id, then the others by member id); each
 * topic's partitions are cut into contiguous ranges, the first (n mod c) subscribers getting one
 * extra. Homogeneous groups use the first sorted member's topics for everyone.
 */
import { tableSizeFor } from '../../java/hash';
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
  /** Its topics (numbers) in iteration order: pool[from, from + length). */
  readonly from: number;
  readonly length: number;
  /** pool[activeFrom, activeFrom + activeCount): its topics that still have partitions left. */
  readonly activeFrom: number;
  activeCount: number;
  layout: Layout | null;
}

/**
 * Per-topic state of one call, kept between calls (an assign call runs to its end before the next
 * starts, and every call sets what it reads): numbers of partitions and subscribers, Kafka's
 * quota state (minQuota -1: not computed yet), the range the current member got, and `got[t]` =
 * member index + 1 when that member got one. `pool` holds the subscriptions' topic lists.
 */
const scratch = {
  numPartitions: new Int32Array(64),
  numMembers: new Int32Array(64),
  minQuota: new Int32Array(64),
  extra: new Int32Array(64),
  next: new Int32Array(64),
  starts: new Int32Array(64),
  ends: new Int32Array(64),
  got: new Int32Array(64),
  pool: new Int32Array(256),
  buckets: new Int32Array(64),
};

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
  const sc = scratch;

  // Members of one subscription share its topic list, its output layout and the list of its
  // topics that still have partitions to hand out (the others give every later member nothing).
  const homogeneous = spec.subscriptionType === 'HOMOGENEOUS';
  const bySubscription = new Map<ReadonlySet<TopicId>, Subscription>();
  const memberSubscriptions = new Array<Subscription>(sorted.length);
  let poolUsed = 0;
  for (let i = 0; i < sorted.length; i++) {
    const subs = specs[homogeneous ? 0 : i].subscribedTopicIds;
    let sub = bySubscription.get(subs);
    if (sub === undefined) {
      const n = subs.size;
      if (sc.pool.length < poolUsed + 2 * n) sc.pool = grow(sc.pool, poolUsed + 2 * n);
      const pool = sc.pool;
      let k = poolUsed;
      for (const id of subs) {
        let t = table.indexOf(id);
        if (t === undefined) {
          const partitions = describer.numPartitions(id);
          if (partitions === -1)
            throw new PartitionAssignorError('Member is subscribed to a non-existent topic');
          t = table.intern(id);
          if (t === sc.numPartitions.length) growTopicScratch();
          sc.numPartitions[t] = partitions;
          sc.numMembers[t] = 0;
        }
        pool[k] = t;
        pool[k + n] = t;
        k++;
      }
      sub = { from: poolUsed, length: n, activeFrom: poolUsed + n, activeCount: n, layout: null };
      poolUsed += 2 * n;
      bySubscription.set(subs, sub);
    }
    memberSubscriptions[i] = sub;
    if (homogeneous) {
      memberSubscriptions.fill(sub);
      for (let k = sub.from; k < sub.from + sub.length; k++) sc.numMembers[sc.pool[k]] = sorted.length;
      break;
    }
    for (let k = sub.from; k < sub.from + sub.length; k++) sc.numMembers[sc.pool[k]]++;
  }
  const topicCount = table.size;
  const { numPartitions, numMembers, minQuota, extra, next, starts, ends, got, pool } = sc;
  minQuota.fill(-1, 0, topicCount);
  extra.fill(0, 0, topicCount);
  next.fill(0, 0, topicCount);
  got.fill(0, 0, topicCount);

  // At most one entry per member and topic, and one per partition.
  let expected = 0;
  let maxPartitions = 0;
  for (let t = 0; t < topicCount; t++) {
    expected += Math.min(numPartitions[t], numMembers[t]);
    maxPartitions = Math.max(maxPartitions, numPartitions[t]);
  }
  // Outputs are views of [0, 1, 2, …]: a range [start, end) is Kafka's RangeSet, iterated ascending.
  const out = new AssignmentTable(table.ids, identity(maxPartitions), maxPartitions, expected);
  for (let i = 0; i < sorted.length; i++) {
    const sub = memberSubscriptions[i];
    // Each topic's range for this member (the topics are independent, so any order will do):
    // Kafka's addPartitionsToAssignment.
    let count = 0;
    const activeFrom = sub.activeFrom;
    for (let k = activeFrom; k < activeFrom + sub.activeCount;) {
      const t = pool[k];
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
      if (end === numPartitions[t]) pool[k] = pool[activeFrom + --sub.activeCount];
      else k++;
    }
    const first = out.count;
    if (count > 0) {
      // Kafka sizes the member's map for all its topics: new HashMap<>((int) (n / 0.75f) + 1).
      const capacity = capacityFor(sub.length);
      const layout = (sub.layout ??=
        ordering === 'exact'
          ? javaLayout(pool.subarray(sub.from, sub.from + sub.length), capacity, table)
          : sortedLayout(pool.subarray(sub.from, sub.from + sub.length), table));
      if (count < sub.length && !layout.exactSubsets) {
        // Work the subset's Java order out on its own.
        const some: TopicId[] = [];
        for (let k = sub.from; k < sub.from + sub.length; k++)
          if (got[pool[k]] === i + 1) some.push(table.ids[pool[k]]);
        for (const id of javaHashOrder(JAVA_UUID, some, capacity)) {
          const t = table.indexOf(id) as number;
          out.add(t, starts[t], ends[t]);
        }
      } else {
        const order = layout.order;
        for (let k = 0; k < order.length; k++) {
          const t = order[k];
          if (got[t] === i + 1) out.add(t, starts[t], ends[t]);
        }
      }
    }
    result.set(sorted[i], out.view(first));
  }
  return result;
}

function growTopicScratch(): void {
  const n = scratch.numPartitions.length * 2;
  scratch.numPartitions = grow(scratch.numPartitions, n);
  scratch.numMembers = grow(scratch.numMembers, n);
  scratch.minQuota = new Int32Array(n);
  scratch.extra = new Int32Array(n);
  scratch.next = new Int32Array(n);
  scratch.starts = new Int32Array(n);
  scratch.ends = new Int32Array(n);
  scratch.got = new Int32Array(n);
}

function javaLayout(list: Int32Array, capacity: number, table: TopicTable): Layout {
  const n = list.length;
  // Without a resize (which only an overflowing bucket could cause) the order is by bucket,
  // stable: the same for every subset.
  const mask = tableSizeFor(capacity) - 1;
  if (scratch.buckets.length <= mask) scratch.buckets = new Int32Array(mask + 1);
  const buckets = scratch.buckets;
  buckets.fill(0, 0, mask + 1);
  let exactSubsets = true;
  sim.begin(capacity);
  for (let k = 0; k < n; k++) {
    const h = table.hash(list[k]);
    sim.put(k, h);
    if (++buckets[h & mask] > 8) exactSubsets = false;
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

function grow(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(n, a.length * 2));
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
