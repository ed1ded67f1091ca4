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
  const sorted = [...spec.members.keys()].sort((a, b) => {
    const ia = spec.members.get(a)?.instanceId ?? null;
    const ib = spec.members.get(b)?.instanceId ?? null;
    if (ia !== null && ib !== null) return compareStrings(ia, ib);
    if (ia !== null) return -1;
    if (ib !== null) return 1;
    return compareStrings(a, b);
  });
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
  // Members mostly get ranges of the same topics: cache the Java (or sorted) topic order.
  const orderCache = new Map<string, number[]>();
  const output = (ranges: [TopicId, number, number][], capacity: number): MemberAssignment => {
    const key = `${capacity}|${ranges.map((r) => r[0]).join(',')}`;
    let perm = orderCache.get(key);
    if (perm === undefined) {
      const topics = ranges.map((r) => r[0]);
      const ordered =
        ordering === 'exact'
          ? javaHashOrder(JAVA_UUID, topics, capacity)
          : topics.slice().sort(compareStrings);
      perm = ordered.map((t) => topics.indexOf(t));
      orderCache.set(key, perm);
    }
    const out: MemberAssignment = new Map();
    for (const i of perm) {
      const [t, s, e] = ranges[i];
      out.set(t, PartitionSet.range(s, e)); // Kafka's RangeSet, iterated ascending
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
      result.set(memberId, output(ranges, capacity));
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
      result.set(memberId, output(ranges, javaCapacityFor(subs.size)));
    }
  }
  return result;
}
