/**
 * Small, prescribed client-side assignors for the classic tests. The real range, roundrobin,
 * sticky and cooperative-sticky assignors live in src/simulator/assignors (another branch); these
 * only have to be simple and predictable.
 */
import type { TopicPartition } from '../../../src/model';
import type { ClientAssignor, ClientSubscription } from '../../../src/simulator/assignors/api';

function sortedMembers(subscriptions: ReadonlyMap<string, ClientSubscription>): string[] {
  return [...subscriptions.keys()].sort();
}

function allPartitions(
  partitionsPerTopic: ReadonlyMap<string, number>,
  topics: ReadonlySet<string>,
): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const topic of [...partitionsPerTopic.keys()].sort()) {
    if (!topics.has(topic)) continue;
    for (let p = 0; p < (partitionsPerTopic.get(topic) ?? 0); p++) out.push({ topic, partition: p });
  }
  return out;
}

/** Per topic, contiguous ranges over the sorted subscribers (like range, without racks). */
export const testRangeAssignor: ClientAssignor = {
  name: 'range',
  supportedProtocols: ['eager'],
  assign(partitionsPerTopic, subscriptions) {
    const members = sortedMembers(subscriptions);
    const result = new Map<string, TopicPartition[]>(members.map((m) => [m, []]));
    for (const topic of [...partitionsPerTopic.keys()].sort()) {
      const subs = members.filter((m) => subscriptions.get(m)?.topics.includes(topic));
      const n = partitionsPerTopic.get(topic) ?? 0;
      let next = 0;
      subs.forEach((m, i) => {
        const count = Math.floor(n / subs.length) + (i < n % subs.length ? 1 : 0);
        for (let k = 0; k < count; k++) result.get(m)?.push({ topic, partition: next++ });
      });
    }
    return result;
  },
};

/**
 * A balanced, sticky assignor that respects the COOPERATIVE rule by itself: members keep what
 * they own up to their quota, free partitions fill the members under quota, and a partition
 * another member still owns is left out this round (its owner revokes it and re-joins).
 */
export function testCooperativeAssignor(name = 'test-cooperative'): ClientAssignor {
  return {
    name,
    supportedProtocols: ['eager', 'cooperative'],
    assign(partitionsPerTopic, subscriptions) {
      const members = sortedMembers(subscriptions);
      const topics = new Set<string>();
      for (const s of subscriptions.values()) for (const t of s.topics) topics.add(t);
      const partitions = allPartitions(partitionsPerTopic, topics);
      const key = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;
      const exists = new Set(partitions.map(key));
      const quota = new Map(
        members.map((m, i) => [
          m,
          Math.floor(partitions.length / members.length) + (i < partitions.length % members.length ? 1 : 0),
        ]),
      );
      const result = new Map<string, TopicPartition[]>(members.map((m) => [m, []]));
      const taken = new Set<string>();
      const ownerOf = new Map<string, string>();
      for (const m of members) {
        for (const tp of subscriptions.get(m)?.ownedPartitions ?? []) {
          if (!ownerOf.has(key(tp))) ownerOf.set(key(tp), m);
        }
      }
      for (const m of members) {
        const sub = subscriptions.get(m) as ClientSubscription;
        for (const tp of sub.ownedPartitions) {
          const k = key(tp);
          const mine = result.get(m) as TopicPartition[];
          if (!exists.has(k) || taken.has(k) || !sub.topics.includes(tp.topic)) continue;
          if (mine.length >= (quota.get(m) ?? 0)) continue;
          mine.push(tp);
          taken.add(k);
        }
      }
      for (const tp of partitions) {
        if (taken.has(key(tp))) continue;
        const target = members.find(
          (m) =>
            (result.get(m)?.length ?? 0) < (quota.get(m) ?? 0) &&
            subscriptions.get(m)?.topics.includes(tp.topic),
        );
        if (target === undefined) continue;
        taken.add(key(tp));
        // Still owned by someone else: leave it unassigned until its owner has revoked it.
        const owner = ownerOf.get(key(tp));
        if (owner !== undefined && owner !== target) continue;
        result.get(target)?.push(tp);
      }
      return result;
    },
  };
}

/** Round-robins every partition and ignores ownership: breaks the COOPERATIVE rule on purpose. */
export function testMovingAssignor(name = 'mover'): ClientAssignor {
  return {
    name,
    supportedProtocols: ['eager', 'cooperative'],
    assign(partitionsPerTopic, subscriptions) {
      const members = sortedMembers(subscriptions).reverse();
      const result = new Map<string, TopicPartition[]>(members.map((m) => [m, []]));
      const topics = new Set<string>();
      for (const s of subscriptions.values()) for (const t of s.topics) topics.add(t);
      allPartitions(partitionsPerTopic, topics).forEach((tp, i) =>
        result.get(members[i % members.length])?.push(tp),
      );
      return result;
    },
  };
}
