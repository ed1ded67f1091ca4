/**
 * `kgd assign --exact` and the Java oracle on the same groups: the CLI's JSON must be what
 * Kafka's assignors compute when the coordinator (or the classic leader) builds their inputs the
 * way Kafka does from the same topics and members.
 */
import { strict as assert } from 'node:assert';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { Random } from '../../src/simulator/random';
import { defaultTopicId } from '../../src/cli/commands/assign-spec';
import {
  coordinatorMemberOrder,
  kafkaSubscribedTopicIds,
  kafkaSubscriptionType,
} from '../../src/simulator/assignors/server/kafka-order';
import { oracle } from './support/oracle';

interface Spec {
  topics: { name: string; id: string; partitions: number }[];
  members: {
    id: string;
    instanceId?: string;
    subscriptions: string[];
    assignment: Record<string, number[]>;
    generation?: number;
  }[];
}

function randomSpec(seed: number): Spec {
  const rng = new Random(seed);
  const names = ['orders', 'payments', 'clicks', 'audit', 'Aa', 'BB', 'logs'].slice(0, rng.between(1, 7));
  const topics = names.map((name) => ({ name, id: defaultTopicId(name), partitions: rng.between(0, 12) }));
  const memberCount = rng.between(1, 8);
  const homogeneous = rng.int(2) === 0;
  const owner = new Map<string, number>();
  for (const t of topics)
    for (let p = 0; p < t.partitions; p++)
      if (rng.int(3) > 0) owner.set(`${t.name}:${p}`, rng.int(memberCount));
  const members = Array.from({ length: memberCount }, (_, i) => {
    const assignment: Record<string, number[]> = {};
    for (const t of topics)
      for (let p = 0; p < t.partitions; p++)
        if (owner.get(`${t.name}:${p}`) === i) (assignment[t.name] ??= []).push(p);
    return {
      id: `consumer-${rng.int(100)}-${i}`,
      ...(rng.int(4) === 0 ? { instanceId: `host-${i}` } : {}),
      subscriptions: homogeneous ? names.slice() : names.filter(() => rng.int(2) === 0),
      assignment,
      generation: rng.between(1, 9),
    };
  });
  return { topics, members };
}

type CliMembers = Record<string, { assignment: Record<string, number[]> }>;

/** Runs `kgd assign`; the members of its JSON, or null when it failed the way Kafka fails (exit 1). */
async function cli(args: string[], input: string): Promise<CliMembers | null> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin: () => Promise.resolve(input),
    isTty: false,
  };
  const code = await main(['assign', ...args], io);
  if (code === 1 && /would fail/.test(err)) return null;
  assert.equal(code, 0, err);
  return (JSON.parse(out) as { members: CliMembers }).members;
}

describe('kgd assign --exact vs Kafka 4.3.1 on the same groups', function () {
  this.timeout(120_000);
  const N = 150;

  for (const assignor of ['uniform', 'range']) {
    it(`server ${assignor}: ${N} groups`, async () => {
      const specs = Array.from({ length: N }, (_, i) => randomSpec(i + 1));
      const cases = specs.map((s, i) => {
        const idOf = new Map(s.topics.map((t) => [t.name, t.id]));
        const byId = new Map(s.members.map((m) => [m.id, m]));
        return {
          id: i,
          kind: 'server',
          assignor,
          subscriptionType: kafkaSubscriptionType(s.members.map((m) => m.subscriptions)),
          topics: s.topics.map((t) => ({ id: t.id, partitions: t.partitions })),
          members: coordinatorMemberOrder(s.members.map((m) => m.id)).map((id) => {
            const m = byId.get(id) as Spec['members'][number];
            return {
              id,
              instanceId: m.instanceId ?? null,
              subscribedTopicIds: kafkaSubscribedTopicIds(m.subscriptions, (n) => idOf.get(n)),
              assignment: Object.entries(m.assignment).map(([t, ps]) => [idOf.get(t), ps]),
            };
          }),
        };
      });
      const results = await oracle().run(cases);
      for (let i = 0; i < N; i++) {
        const nameOf = new Map(specs[i].topics.map((t) => [t.id, t.name]));
        const ours = await cli(['--assignor', assignor, '--exact', '--compact'], JSON.stringify(specs[i]));
        assert.equal(
          ours === null,
          results[i].error !== undefined,
          `group ${i + 1}: ${results[i].error ?? 'kgd failed'}`,
        );
        if (ours === null) continue;
        const kafka = new Map(
          (results[i].assignment as [string, [string, number[]][]][]).map(([m, a]) => [m, a]),
        );
        for (const m of specs[i].members) {
          const expected = Object.fromEntries(
            (kafka.get(m.id) ?? []).map(([t, ps]) => [
              nameOf.get(t) as string,
              [...ps].sort((x, y) => x - y),
            ]),
          );
          const actual: Record<string, number[]> = Object.fromEntries(
            Object.entries(ours[m.id].assignment).map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)]),
          );
          assert.deepEqual(actual, expected, `group ${i + 1}, member ${m.id}`);
        }
      }
    });
  }

  for (const assignor of ['range', 'roundrobin', 'sticky', 'cooperative-sticky']) {
    it(`client ${assignor}: ${N} groups`, async () => {
      const specs = Array.from({ length: N }, (_, i) => randomSpec(i + 1000));
      const cases = specs.map((s, i) => ({
        id: i,
        kind: 'client',
        assignor,
        topics: s.topics.map((t) => ({ name: t.name, partitions: t.partitions })),
        members: s.members.map((m) => ({
          id: m.id,
          instanceId: m.instanceId ?? null,
          topics: m.subscriptions,
          owned: Object.entries(m.assignment).flatMap(([t, ps]) => ps.map((p) => [t, p])),
          generation: m.generation ?? null,
        })),
      }));
      const results = await oracle().run(cases);
      for (let i = 0; i < N; i++) {
        const ours = await cli(
          ['--assignor', assignor, '--side', 'client', '--exact', '--compact'],
          JSON.stringify(specs[i]),
        );
        assert.equal(
          ours === null,
          results[i].error !== undefined,
          `group ${i + 1000}: ${results[i].error ?? 'kgd failed'}`,
        );
        if (ours === null) continue;
        const kafka = new Map(
          (results[i].assignment as [string, [string, number][]][]).map(([m, l]) => [m, l]),
        );
        for (const m of specs[i].members) {
          const expected: Record<string, number[]> = {};
          for (const [t, p] of kafka.get(m.id) ?? []) (expected[t] ??= []).push(p);
          assert.deepEqual(ours[m.id].assignment, expected, `group ${i + 1000}, member ${m.id}`);
        }
      }
    });
  }
});
