/**
 * Invariants of every assignor, on random groups (fast-check):
 * - uniform keeps each member within one partition of the others in homogeneous groups;
 * - every subscribed partition is assigned exactly once, and only to a subscriber;
 * - cooperative-sticky never hands a partition straight from one owner to another.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { TopicPartition } from '../../../src/model';
import type {
  ClientSubscription,
  GroupAssignment,
  KafkaVersion,
  OrderingMode,
  TopicId,
} from '../../../src/simulator/assignors/api';
import { Uuid } from '../../../src/simulator/java/uuid';
import { Random } from '../../../src/simulator/random';
import {
  CLIENT_ASSIGNOR_NAMES,
  clientAssignor,
  serverAssignor,
} from '../../../src/simulator/assignors/registry';
import { groupSpec, sizes } from './support';

const TOPIC_IDS: TopicId[] = (() => {
  const rng = new Random(7);
  return Array.from({ length: 6 }, () => Uuid.random(rng).toString());
})();

interface Group {
  partitions: number[];
  /** Per member: indices of subscribed topics. */
  subscriptions: number[][];
  /** Per topic, per partition: owning member index or -1. */
  owners: number[][];
}

const groupArb = (homogeneous: boolean): fc.Arbitrary<Group> =>
  fc
    .record({
      partitions: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 6 }),
      members: fc.integer({ min: 1, max: 9 }),
      seed: fc.integer(),
    })
    .map(({ partitions, members, seed }) => {
      const rng = new Random(seed);
      const all = partitions.map((_, i) => i);
      const common = all.filter(() => rng.int(2) === 0);
      const subscriptions = Array.from({ length: members }, () =>
        homogeneous ? (common.length > 0 ? common : [0]) : all.filter(() => rng.int(2) === 0),
      );
      const owners = partitions.map((n) =>
        Array.from({ length: n }, () => (rng.int(3) === 0 ? -1 : rng.int(members))),
      );
      return { partitions, subscriptions, owners };
    });

function toSpec(g: Group) {
  const members: Record<string, { subs: TopicId[]; assignment: Record<TopicId, number[]> }> = {};
  g.subscriptions.forEach((subs, i) => {
    const assignment: Record<TopicId, number[]> = {};
    g.owners.forEach((owners, t) =>
      owners.forEach((o, p) => {
        if (o === i) (assignment[TOPIC_IDS[t]] ??= []).push(p);
      }),
    );
    members[`member-${i}`] = { subs: subs.map((t) => TOPIC_IDS[t]), assignment };
  });
  const partitions: Record<TopicId, number> = {};
  g.partitions.forEach((n, t) => (partitions[TOPIC_IDS[t]] = n));
  return groupSpec(members, partitions);
}

function checkExactlyOnce(g: Group, out: GroupAssignment): void {
  const seen = new Set<string>();
  for (const [m, a] of out) {
    const i = Number(m.slice('member-'.length));
    for (const [t, ps] of a) {
      assert.ok(g.subscriptions[i].includes(TOPIC_IDS.indexOf(t)), `${m} is not subscribed to ${t}`);
      for (const p of ps) {
        assert.ok(!seen.has(`${t}:${p}`), `${t}:${p} assigned twice`);
        seen.add(`${t}:${p}`);
      }
    }
  }
  const subscribed = new Set(g.subscriptions.flat());
  let expected = 0;
  for (const t of subscribed) expected += g.partitions[t];
  assert.equal(seen.size, expected, 'every subscribed partition is assigned');
}

describe('server assignor properties', function () {
  // Property runs: generous on a busy machine (the default is 2 s).
  this.timeout(60_000);
  for (const ordering of ['exact', 'canonical'] as OrderingMode[]) {
    for (const kafkaVersion of ['4.0', '4.3'] as KafkaVersion[]) {
      it(`uniform keeps homogeneous members within one partition of each other (${ordering}, ${kafkaVersion})`, () => {
        fc.assert(
          fc.property(groupArb(true), (g) => {
            const { spec, topics } = toSpec(g);
            const out = (serverAssignor('uniform') as NonNullable<ReturnType<typeof serverAssignor>>).assign(
              spec,
              topics,
              { ordering, kafkaVersion },
            );
            const s = sizes(out);
            if (s.length > 0) assert.ok(Math.max(...s) - Math.min(...s) <= 1, `sizes ${s.join(',')}`);
            checkExactlyOnce(g, out);
          }),
          { numRuns: 200 },
        );
      });
    }
    for (const name of ['uniform', 'range']) {
      it(`${name} assigns each subscribed partition exactly once, only to subscribers (${ordering})`, () => {
        fc.assert(
          fc.property(fc.boolean().chain(groupArb), (g) => {
            const { spec, topics } = toSpec(g);
            checkExactlyOnce(
              g,
              (serverAssignor(name) as NonNullable<ReturnType<typeof serverAssignor>>).assign(spec, topics, {
                ordering,
              }),
            );
          }),
          { numRuns: 200 },
        );
      });
    }
  }
});

function clientInput(g: Group, owned: Map<string, TopicPartition[]>, generation: number | null) {
  const partitionsPerTopic = new Map(g.partitions.map((n, t) => [`topic-${t}`, n]));
  const subscriptions = new Map<string, ClientSubscription>();
  g.subscriptions.forEach((subs, i) => {
    const id = `member-${i}`;
    subscriptions.set(id, {
      memberId: id,
      instanceId: null,
      rackId: null,
      topics: subs.map((t) => `topic-${t}`),
      ownedPartitions: owned.get(id) ?? [],
      generationId: generation,
    });
  });
  return { partitionsPerTopic, subscriptions };
}

function ownedFrom(g: Group): Map<string, TopicPartition[]> {
  const owned = new Map<string, TopicPartition[]>();
  g.owners.forEach((owners, t) =>
    owners.forEach((o, p) => {
      if (o < 0) return;
      const id = `member-${o}`;
      owned.set(id, [...(owned.get(id) ?? []), { topic: `topic-${t}`, partition: p }]);
    }),
  );
  return owned;
}

describe('client assignor properties', function () {
  // Property runs: generous on a busy machine (the default is 2 s).
  this.timeout(60_000);
  for (const name of CLIENT_ASSIGNOR_NAMES) {
    it(`${name} gives each subscribed partition to at most one subscriber (canonical${name === 'cooperative-sticky' ? '' : ', and to exactly one'})`, () => {
      fc.assert(
        fc.property(fc.boolean().chain(groupArb), fc.boolean(), (g, withOwned) => {
          const owned = withOwned ? ownedFrom(g) : new Map<string, TopicPartition[]>();
          const { partitionsPerTopic, subscriptions } = clientInput(g, owned, withOwned ? 3 : null);
          const out = (clientAssignor(name) as NonNullable<ReturnType<typeof clientAssignor>>).assign(
            partitionsPerTopic,
            subscriptions,
            { ordering: 'canonical' },
          );
          const seen = new Set<string>();
          for (const [m, list] of out) {
            for (const tp of list) {
              assert.ok(
                subscriptions.get(m)?.topics.includes(tp.topic),
                `${m} is not subscribed to ${tp.topic}`,
              );
              assert.ok(!seen.has(`${tp.topic}:${tp.partition}`), 'assigned twice');
              seen.add(`${tp.topic}:${tp.partition}`);
            }
          }
          if (name !== 'cooperative-sticky') {
            let expected = 0;
            for (const t of new Set(g.subscriptions.flat())) expected += g.partitions[t];
            assert.equal(seen.size, expected);
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  for (const ordering of ['exact', 'canonical'] as OrderingMode[]) {
    it(`cooperative-sticky never hands a partition directly from one owner to another, and settles within a few rounds (${ordering})`, () => {
      const coop = clientAssignor('cooperative-sticky') as NonNullable<ReturnType<typeof clientAssignor>>;
      fc.assert(
        fc.property(fc.boolean().chain(groupArb), (g) => {
          // Owners only ever hold partitions of topics they subscribe to, as after a rebalance.
          const owned = ownedFrom(g);
          for (const [m, list] of owned) {
            const i = Number(m.slice('member-'.length));
            owned.set(
              m,
              list.filter((tp) => g.subscriptions[i].includes(Number(tp.topic.slice(6)))),
            );
          }
          const ownerOf = new Map<string, string>();
          for (const [m, list] of owned) for (const tp of list) ownerOf.set(`${tp.topic}:${tp.partition}`, m);
          const first = coop.assign(
            ...(Object.values(clientInput(g, owned, 4)) as [
              Map<string, number>,
              Map<string, ClientSubscription>,
            ]),
            { ordering },
          );
          for (const [m, list] of first) {
            for (const tp of list) {
              const owner = ownerOf.get(`${tp.topic}:${tp.partition}`);
              assert.ok(
                owner === undefined || owner === m,
                `${tp.topic}:${tp.partition} handed from ${owner} to ${m}`,
              );
            }
          }
          // Next rounds: members revoked what they lost, so the withheld partitions are free.
          // Kafka's cooperative-sticky usually settles in the second round; with overlapping
          // subscriptions its general builder may move a partition again, so canonical mode must
          // settle within a few rounds, never handing a partition straight to a new owner.
          let expected = 0;
          for (const t of new Set(g.subscriptions.flat())) expected += g.partitions[t];
          let previous = first;
          let settledIn = 0;
          for (let round = 2; round <= 6 && settledIn === 0; round++) {
            const owners = new Map<string, string>();
            for (const [m, list] of previous)
              for (const tp of list) owners.set(`${tp.topic}:${tp.partition}`, m);
            const next = coop.assign(
              ...(Object.values(clientInput(g, previous, 3 + round)) as [
                Map<string, number>,
                Map<string, ClientSubscription>,
              ]),
              { ordering },
            );
            let total = 0;
            for (const [m, list] of next) {
              total += list.length;
              for (const tp of list) {
                const owner = owners.get(`${tp.topic}:${tp.partition}`);
                assert.ok(
                  owner === undefined || owner === m,
                  `round ${round}: ${tp.topic}:${tp.partition} handed from ${owner} to ${m}`,
                );
              }
            }
            if (total === expected) settledIn = round;
            previous = next;
          }
          if (ordering === 'canonical')
            assert.ok(settledIn > 0, 'every partition assigned within six rounds');
        }),
        { numRuns: 300 },
      );
    });
  }
});
