/**
 * Kafka's client-side RangeAssignor ("range"), without rack awareness (the leader here knows no
 * replica racks): per topic, the subscribers sorted as MemberInfo each get a contiguous range,
 * the first (n mod c) one partition more. Lists follow the topics' iteration order.
 */
import type { TopicPartition } from '../../../model';
import type { ClientAssignor, ClientAssignorOptions, ClientSubscription } from '../api';
import { compareMemberInfo, emptyAssignment, leaderView, type WireSubscription } from './common';

export class ClientRangeAssignor implements ClientAssignor {
  readonly name = 'range';
  readonly supportedProtocols = ['eager'] as const;

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, ClientSubscription>,
    options: ClientAssignorOptions = { ordering: 'exact' },
  ): Map<string, TopicPartition[]> {
    const view = leaderView(partitionsPerTopic, subscriptions, options.ordering);
    const assignment = emptyAssignment(view);
    const subscribers = new Map<string, WireSubscription[]>();
    for (const m of view.members) {
      for (const t of m.topics) {
        let list = subscribers.get(t);
        if (list === undefined) subscribers.set(t, (list = []));
        list.push(m);
      }
    }
    for (const topic of view.topics) {
      const n = view.partitionCount.get(topic) as number;
      const consumers = (subscribers.get(topic) ?? []).slice().sort(compareMemberInfo); // stable, like Collections.sort
      if (consumers.length === 0) continue;
      const perConsumer = Math.floor(n / consumers.length);
      let extra = n % consumers.length;
      let next = 0;
      for (const c of consumers) {
        if (next >= n) break;
        const count = perConsumer + (extra > 0 ? 1 : 0);
        if (count === 0) continue;
        const list = assignment.get(c.memberId) as TopicPartition[];
        for (let p = next; p < next + count; p++) list.push({ topic, partition: p });
        next += count;
        if (count > perConsumer) extra--;
      }
    }
    return assignment;
  }
}
