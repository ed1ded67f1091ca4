/**
 * What the classic group leader sees before it runs an assignor (ConsumerCoordinator.onLeaderElected
 * and AbstractPartitionAssignor.assign): every member's subscription as it arrives over the wire
 * (topics sorted, owned partitions sorted by topic then partition), collected in a HashMap, and
 * the partition counts of the subscribed topics that exist and have partitions.
 */
import type { TopicPartition } from '../../../model';
import { JAVA_STRING } from '../../java/keys';
import { javaHashOrder } from '../../java/order';
import type { ClientSubscription, OrderingMode } from '../api';

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `TopicPartitionComparator`: topic, then partition. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic === b.topic ? a.partition - b.partition : compareStrings(a.topic, b.topic);
}

/** A subscription as the leader decodes it (ConsumerProtocol sorts topics and owned partitions). */
export interface WireSubscription {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  /** Sorted, without duplicates. */
  readonly topics: readonly string[];
  readonly topicSet: ReadonlySet<string>;
  /** Sorted by topic, then partition. */
  readonly ownedPartitions: readonly TopicPartition[];
  /** As the member sent them (the sticky assignor's user data keeps this order). */
  readonly ownedAsHeld: readonly TopicPartition[];
  /** The subscription's generation, or -1 when it has none. */
  readonly generationId: number;
  readonly hasGeneration: boolean;
}

export interface LeaderView {
  /** Members in the leader's HashMap iteration order (exact) or sorted by id (canonical). */
  readonly members: readonly WireSubscription[];
  readonly byId: ReadonlyMap<string, WireSubscription>;
  /** Subscribed topics that exist with at least one partition, in `partitionsPerTopic` iteration order. */
  readonly topics: readonly string[];
  readonly partitionCount: ReadonlyMap<string, number>;
}

export function leaderView(
  partitionsPerTopic: ReadonlyMap<string, number>,
  subscriptions: ReadonlyMap<string, ClientSubscription>,
  ordering: OrderingMode,
): LeaderView {
  const ids = [...subscriptions.keys()];
  const order = ordering === 'exact' ? javaHashOrder(JAVA_STRING, ids) : ids.sort(compareStrings);
  const members: WireSubscription[] = order.map((id) => {
    const s = subscriptions.get(id) as ClientSubscription;
    const topics = [...new Set(s.topics)].sort(compareStrings);
    const owned = [...s.ownedPartitions];
    return {
      memberId: id,
      instanceId: s.instanceId,
      rackId: s.rackId,
      topics,
      topicSet: new Set(topics),
      ownedPartitions: owned.slice().sort(compareTopicPartitions),
      ownedAsHeld: owned,
      generationId: s.generationId === null || s.generationId < 0 ? -1 : s.generationId,
      hasGeneration: s.generationId !== null && s.generationId >= 0,
    };
  });
  // allSubscribedTopics: a HashSet filled member by member; partitionsPerTopic: a HashMap filled
  // from it, skipping topics without metadata or partitions.
  const all: string[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    for (const t of m.topics) {
      if (!seen.has(t)) {
        seen.add(t);
        all.push(t);
      }
    }
  }
  let candidates: string[];
  if (ordering === 'exact') candidates = javaHashOrder(JAVA_STRING, all);
  else candidates = all.sort(compareStrings);
  const topics: string[] = [];
  const partitionCount = new Map<string, number>();
  for (const t of candidates) {
    const n = partitionsPerTopic.get(t);
    if (n !== undefined && n > 0) {
      topics.push(t);
      partitionCount.set(t, n);
    }
  }
  const finalTopics = ordering === 'exact' ? javaHashOrder(JAVA_STRING, topics) : topics;
  return { members, byId: new Map(members.map((m) => [m.memberId, m])), topics: finalTopics, partitionCount };
}

/** `MemberInfo.compareTo`: static members first by instance id, then the rest by member id. */
export function compareMemberInfo(a: WireSubscription, b: WireSubscription): number {
  if (a.instanceId !== null && b.instanceId !== null) return compareStrings(a.instanceId, b.instanceId);
  if (a.instanceId !== null) return -1;
  if (b.instanceId !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}

export function emptyAssignment(view: LeaderView): Map<string, TopicPartition[]> {
  return new Map(view.members.map((m) => [m.memberId, [] as TopicPartition[]]));
}
