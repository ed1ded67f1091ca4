/**
 * Kafka's server-side RangeAssignor (KAFKA-16944 rewrite): not sticky, recomputed from scratch.
 * Members are sorted (static members first by instance id, then the others by member id); each
 * topic's partitions are cut into contiguous ranges, the first (n mod c) subscribers getting one
 * extra. Homogeneous groups use the first sorted member's topics for everyone.
 */
import { JAVA_UUID } from '../../java/keys';
import { javaHashOrder } from '../../java/order';
import {
  PartitionAssignorError,
  type GroupAssignment,
  type GroupSpec,
  type MemberAssignment,
  type OrderingMode,
  type SubscribedTopicDescriber,
  type TopicId,
} from '../api';
import { PartitionSet } from '../partition-set';
import { compareStrings } from './common';

interface RangeTopic {
  readonly id: TopicId;
  readonly numPartitions: number;
  numMembers: number;
  minQuota: number;
  extra: number;
  next: number;
}

function javaCapacityFor(n: number): number {
  return Math.trunc(Math.fround(Math.fround(n / 0.75) + 1));
}

export function assignRange(
  spec: GroupSpec,
  describer: SubscribedTopicDescriber,
  ordering: OrderingMode,
): GroupAssignment {
  const result: GroupAssignment = new Map();
  if (spec.members.size === 0) return result;
  // Static members first by instance id, then the others by member id.
  const ids = [...spec.members.keys()];
  const instance = ids.map((id) => spec.members.get(id)?.instanceId ?? null);
  const order = ids.map((_, i) => i);
  order.sort((x, y) => {
    const ia = instance[x];
    const ib = instance[y];
    if (ia !== null && ib !== null) return compareStrings(ia, ib);
    if (ia !== null) return -1;
    if (ib !== null) return 1;
    return compareStrings(ids[x], ids[y]);
  });
  const sorted = order.map((i) => ids[i]);
  const topicState = (id: TopicId, numMembers: number): RangeTopic => {
    const n = describer.numPartitions(id);
    if (n === -1) throw new PartitionAssignorError('Member is subscribed to a non-existent topic');
    return { id, numPartitions: n, numMembers, minQuota: -1, extra: -1, next: 0 };
  };
  const take = (t: RangeTopic, ranges: [TopicId, number, number][]): void => {
    if (t.minQuota === -1) {
      t.minQuota = Math.floor(t.numPartitions / t.numMembers);
      t.extra = t.numPartitions % t.numMembers;
    }
    const start = t.next;
    let quota = t.minQuota;
    if (t.extra > 0) {
      quota++;
      t.extra--;
    }
    const end = Math.min(start + quota, t.numPartitions);
    t.next = end;
    if (start < end) ranges.push([t.id, start, end]);
  };
  // Members mostly get ranges of all their topics: cache the Java (or sorted) topic order per
  // subscription (`full`), and by topic list otherwise.
  const fullCache = new Map<unknown, number[]>();
  const partialCache = new Map<string, number[]>();
  const permutation = (ranges: [TopicId, number, number][], capacity: number): number[] => {
    const topics = ranges.map((r) => r[0]);
    const ordered =
      ordering === 'exact' ? javaHashOrder(JAVA_UUID, topics, capacity) : topics.slice().sort(compareStrings);
    return ordered.map((t) => topics.indexOf(t));
  };
  const output = (
    ranges: [TopicId, number, number][],
    capacity: number,
    subscription: unknown,
    subscriptionSize: number,
  ): MemberAssignment => {
    let perm: number[] | undefined;
    if (ranges.length === subscriptionSize) {
      perm = fullCache.get(subscription);
      if (perm === undefined) fullCache.set(subscription, (perm = permutation(ranges, capacity)));
    } else {
      const key = `${capacity}|${ranges.map((r) => r[0]).join(',')}`;
      perm = partialCache.get(key);
      if (perm === undefined) partialCache.set(key, (perm = permutation(ranges, capacity)));
    }
    const out: MemberAssignment = new Map();
    for (const i of perm) {
      const [t, start, end] = ranges[i];
      out.set(t, PartitionSet.range(start, end)); // Kafka's RangeSet, iterated ascending
    }
    return out;
  };

  if (spec.subscriptionType === 'HOMOGENEOUS') {
    const first = spec.members.get(sorted[0])?.subscribedTopicIds ?? new Set<TopicId>();
    const topics = [...first].map((t) => topicState(t, sorted.length));
    const capacity = javaCapacityFor(topics.length);
    for (const memberId of sorted) {
      const ranges: [TopicId, number, number][] = [];
      for (const t of topics) take(t, ranges);
      result.set(
        memberId,
        ranges.length === 0
          ? new Map<TopicId, Set<number>>()
          : output(ranges, capacity, topics, topics.length),
      );
    }
  } else {
    const topics = new Map<TopicId, RangeTopic>();
    for (const memberId of sorted) {
      for (const t of spec.members.get(memberId)?.subscribedTopicIds ?? []) {
        let state = topics.get(t);
        if (state === undefined) {
          state = topicState(t, 0);
          topics.set(t, state);
        }
        state.numMembers++;
      }
    }
    for (const memberId of sorted) {
      const subs = spec.members.get(memberId)?.subscribedTopicIds ?? new Set<TopicId>();
      const ranges: [TopicId, number, number][] = [];
      for (const t of subs) take(topics.get(t) as RangeTopic, ranges);
      result.set(
        memberId,
        ranges.length === 0
          ? new Map<TopicId, Set<number>>()
          : output(ranges, javaCapacityFor(subs.size), subs, subs.size),
      );
    }
  }
  return result;
}
