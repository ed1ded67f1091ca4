/**
 * Kafka's RoundRobinAssignor ("roundrobin"): all partitions ordered by topic name then partition,
 * dealt to the members (sorted as MemberInfo) in a circle that skips members not subscribed to
 * the partition's topic.
 */
import type { TopicPartition } from '../../../model';
import type { ClientAssignor, ClientAssignorOptions, ClientSubscription } from '../api';
import { compareMemberInfo, compareStrings, emptyAssignment, leaderView } from './common';

export class RoundRobinAssignor implements ClientAssignor {
  readonly name = 'roundrobin';
  readonly supportedProtocols = ['eager'] as const;

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, ClientSubscription>,
    options: ClientAssignorOptions = { ordering: 'exact' },
  ): Map<string, TopicPartition[]> {
    const view = leaderView(partitionsPerTopic, subscriptions, options.ordering);
    const assignment = emptyAssignment(view);
    if (view.members.length === 0) return assignment;
    const ring = view.members.slice().sort(compareMemberInfo);
    const topics = [...new Set(view.members.flatMap((m) => m.topics))].sort(compareStrings);
    let at = 0;
    for (const topic of topics) {
      const n = view.partitionCount.get(topic);
      if (n === undefined) continue;
      for (let p = 0; p < n; p++) {
        while (!ring[at].topicSet.has(topic)) at = (at + 1) % ring.length;
        (assignment.get(ring[at].memberId) as TopicPartition[]).push({ topic, partition: p });
        at = (at + 1) % ring.length;
      }
    }
    return assignment;
  }
}
