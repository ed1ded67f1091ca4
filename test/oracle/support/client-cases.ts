/**
 * Random client-side (classic protocol) assignor inputs, seeded: members with subscriptions,
 * owned partitions and generations as their consumers would send them. Previous assignments come
 * from an earlier run of our own exact assignor, then members join, leave, change subscription,
 * partitions are added, generations go stale, and claims conflict.
 */
import type { TopicPartition } from '../../../src/model';
import { Random } from '../../../src/simulator/random';
import type { ClientAssignor, ClientSubscription } from '../../../src/simulator/assignors/api';

export interface ClientCaseMember {
  readonly id: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly topics: string[];
  readonly owned: [string, number][];
  readonly generation: number | null;
}

export interface ClientCase {
  readonly id: number;
  readonly kind: 'client';
  readonly assignor: string;
  readonly topics: { name: string; partitions: number }[];
  /** JoinGroup response order (the leader's HashMap insertion order). */
  readonly members: ClientCaseMember[];
  readonly note: string;
}

export function toClientInput(c: ClientCase): {
  partitionsPerTopic: Map<string, number>;
  subscriptions: Map<string, ClientSubscription>;
} {
  const partitionsPerTopic = new Map(c.topics.map((t) => [t.name, t.partitions]));
  const subscriptions = new Map<string, ClientSubscription>();
  for (const m of c.members) {
    subscriptions.set(m.id, {
      memberId: m.id,
      instanceId: m.instanceId,
      rackId: m.rackId,
      topics: m.topics,
      ownedPartitions: m.owned.map(([topic, partition]) => ({ topic, partition })),
      generationId: m.generation,
    });
  }
  return { partitionsPerTopic, subscriptions };
}

function shuffle<T>(rng: Random, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

const NAMES = [
  'orders',
  'payments',
  'clicks',
  'audit',
  'events',
  'logs',
  'metrics',
  'users',
  'a',
  'b',
  'Aa',
  'BB',
];

export function randomClientCase(seed: number, assignor: string, previous: ClientAssignor): ClientCase {
  const rng = new Random(seed * 104729 + 3);
  const big = rng.int(12) === 0;
  const topicCount = big ? rng.between(3, 10) : rng.between(1, 5);
  const names = shuffle(rng, NAMES.slice()).slice(0, Math.min(topicCount, NAMES.length));
  const topics = names.map((name) => ({ name, partitions: big ? rng.between(0, 40) : rng.between(0, 9) }));
  const memberCount = big ? rng.between(4, 25) : rng.between(1, 7);
  const homogeneous = rng.next() < 0.5;
  const common = shuffle(rng, names.slice()).slice(0, rng.between(1, names.length));
  const subscription = (): string[] =>
    homogeneous
      ? shuffle(rng, common.slice())
      : shuffle(rng, names.slice()).slice(0, rng.between(rng.int(10) === 0 ? 0 : 1, names.length));
  const staticShare = rng.int(3) === 0 ? rng.next() : 0;
  const style = rng.int(3);
  let members: ClientCaseMember[] = [];
  for (let i = 0; i < memberCount; i++) {
    const id =
      style === 0
        ? `consumer-group-${i}-${(rng.nextUint32() >>> 8).toString(16)}`
        : style === 1
          ? `c${i}`
          : `member-${rng.int(1000)}-${i}`;
    members.push({
      id,
      instanceId: rng.next() < staticShare ? `i-${rng.int(100)}-${i}` : null,
      rackId: rng.int(5) === 0 ? `r${rng.int(2)}` : null,
      topics: subscription(),
      owned: [],
      generation: null,
    });
  }
  // Not in the metadata: a subscribed topic that does not exist.
  if (rng.int(15) === 0 && members.length > 0) {
    members[0] = { ...members[0], topics: [...members[0].topics, 'missing-topic'] };
  }
  const notes: string[] = [homogeneous ? 'same subscriptions' : 'mixed subscriptions'];
  const mode = rng.int(5);
  if (mode >= 1) {
    // Run once to get an owned assignment at generation g.
    const g = rng.between(1, 20);
    const prior = {
      partitionsPerTopic: new Map(
        topics.map((t) => [t.name, mode === 2 ? rng.int(t.partitions + 1) : t.partitions]),
      ),
      subscriptions: new Map<string, ClientSubscription>(
        members.map((m) => [
          m.id,
          {
            memberId: m.id,
            instanceId: m.instanceId,
            rackId: m.rackId,
            topics: m.topics,
            ownedPartitions: [],
            generationId: null,
          },
        ]),
      ),
    };
    const out = previous.assign(prior.partitionsPerTopic, prior.subscriptions, { ordering: 'exact' });
    members = members.map((m) => ({
      ...m,
      owned: (out.get(m.id) ?? []).map((tp: TopicPartition) => [tp.topic, tp.partition] as [string, number]),
      generation: g,
    }));
    notes.push(mode === 2 ? 'partitions added' : 'previous assignment');
    if (mode === 3) {
      // Some leave, some join fresh.
      members = members.filter(() => rng.int(3) !== 0);
      const joiners = rng.between(1, 3);
      for (let i = 0; i < joiners; i++) {
        members.push({
          id: `joiner-${seed}-${i}`,
          instanceId: null,
          rackId: null,
          topics: subscription(),
          owned: [],
          generation: null,
        });
      }
      notes.push('members left and joined');
    }
    if (mode === 4 && members.length > 1) {
      // A stale member still claims what it had in an older generation, or two claim the same.
      const k = rng.int(members.length);
      const other = members[(k + 1) % members.length];
      const stale = rng.int(2) === 0;
      members[k] = {
        ...members[k],
        owned: [...members[k].owned, ...other.owned.slice(0, rng.between(1, 3))],
        generation: stale ? Math.max(0, g - rng.between(1, 3)) : g,
      };
      notes.push(stale ? 'stale generation claims' : 'same-generation double claims');
    }
    if (rng.int(4) === 0 && members.length > 0) {
      const k = rng.int(members.length);
      members[k] = { ...members[k], topics: subscription() };
      notes.push('subscription changed');
    }
    if (rng.int(3) === 0) members = shuffle(rng, members);
  }
  return { id: seed, kind: 'client', assignor, topics, members, note: notes.join(', ') };
}
