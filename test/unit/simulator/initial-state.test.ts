import { strict as assert } from 'node:assert';
import { createSimulation } from '../../../src/simulator/engine/parts';
import { KAFKA_VERSIONS } from '../../../src/simulator/engine/world';
import { parseScenario } from '../../../src/simulator/scenario/parse';

/** Two consumer-protocol members seeded at epoch 3 on orders (4) and orders-eu (2). */
function consumerFile(over: { kafkaVersion?: string; regex?: boolean; timeline?: unknown[] } = {}) {
  return {
    name: 'seeded',
    duration: '5m',
    kafkaVersion: over.kafkaVersion ?? '4.3',
    topics: [
      { name: 'orders', partitions: 4 },
      { name: 'orders-eu', partitions: 2 },
    ],
    groups: [
      {
        id: 'g',
        subscription: over.regex === true ? { pattern: 'orders.*' } : ['orders', 'orders-eu'],
        members: [{ name: 'a' }, { name: 'b' }],
        initialState: {
          protocol: 'consumer',
          groupEpoch: 3,
          assignmentEpoch: 3,
          members: [
            {
              member: 'a',
              memberId: 'member-a',
              memberEpoch: 3,
              assigned: { orders: [0, 1], 'orders-eu': [0] },
            },
            {
              member: 'b',
              memberId: 'member-b',
              memberEpoch: 3,
              assigned: { orders: [2, 3], 'orders-eu': [1] },
            },
          ],
        },
      },
    ],
    timeline: over.timeline ?? [],
  };
}

const NOISE = new Set([
  'group-epoch-bumped',
  'member-fenced',
  'member-joined',
  'member-left',
  'request-error',
]);

describe('simulation from an initial state', () => {
  for (const kafkaVersion of KAFKA_VERSIONS) {
    for (const regex of [false, true]) {
      it(`Kafka ${kafkaVersion}, ${regex ? 'regex' : 'topic-name'} subscription: the loaded group stays as it is while nothing happens`, () => {
        // A wrong metadata hash (4.1+) or subscription metadata (4.0) would bump the epoch at the
        // first heartbeat; a wrong member record would fence the member.
        const sim = createSimulation(parseScenario(consumerFile({ kafkaVersion, regex })));
        sim.run();
        const s = sim.snapshot('g');
        assert.equal(s.state, 'Stable');
        assert.deepEqual([s.groupEpoch, s.targetAssignmentEpoch], [3, 3]);
        assert.deepEqual(
          s.members.map((m) => [m.memberId, m.memberEpoch, m.assignment]),
          [
            ['member-a', 3, { orders: [0, 1], 'orders-eu': [0] }],
            ['member-b', 3, { orders: [2, 3], 'orders-eu': [1] }],
          ],
        );
        assert.deepEqual(
          sim.trace.filter((e) => NOISE.has(e.type)),
          [],
        );
      });
    }
  }

  it('adding partitions bumps the group epoch from the described one and assigns the new partitions', () => {
    const sim = createSimulation(
      parseScenario(
        consumerFile({ timeline: [{ at: '30s', do: 'add-partitions', topic: 'orders', partitions: 6 }] }),
      ),
    );
    sim.run();
    const s = sim.snapshot('g');
    assert.equal(s.state, 'Stable');
    assert.equal(s.groupEpoch, 4);
    assert.deepEqual(s.members.flatMap((m) => m.assignment.orders ?? []).sort(), [0, 1, 2, 3, 4, 5]);
    assert.equal(sim.metrics('g').doubleOwnership, 0);
  });

  it('a restarted member is a new consumer: it joins with a new member id; the other keeps its own', () => {
    const sim = createSimulation(
      parseScenario(consumerFile({ timeline: [{ at: '20s', do: 'restart', member: 'a', crash: true }] })),
    );
    sim.run();
    const ids = sim.snapshot('g').members.map((m) => m.memberId);
    assert.equal(ids.length, 2);
    assert.ok(ids.includes('member-b'));
    assert.ok(!ids.includes('member-a'), 'the old id was fenced by its session timeout');
    assert.ok(sim.trace.some((e) => e.type === 'member-joined'));
  });

  it('a protocol variant the state does not fit: the trace says it was not applied and the group forms anew', () => {
    const sim = createSimulation(parseScenario(consumerFile()), { variant: 'eager' });
    const note = sim.trace.find((e) => e.type === 'action' && e.action === 'initial-state');
    assert.ok(note?.type === 'action');
    assert.match(
      note.detail ?? '',
      /not applied: it is a consumer-protocol group but a runs with group\.protocol=classic/,
    );
    sim.runUntil(60_000);
    const s = sim.snapshot('g');
    assert.equal(s.protocol, 'classic');
    assert.equal(s.state, 'Stable');
    assert.equal(s.members.length, 2);
  });

  it('classic cooperative: a new member joins the loaded generation and takes partitions without stopping the others', () => {
    const file = {
      name: 'seeded-classic',
      duration: '3m',
      topics: [{ name: 'orders', partitions: 6 }],
      groups: [
        {
          id: 'g',
          subscription: ['orders'],
          config: { 'group.protocol': 'classic', 'partition.assignment.strategy': ['cooperative-sticky'] },
          members: [{ name: 'a' }, { name: 'b' }],
          initialState: {
            protocol: 'classic',
            generation: 9,
            protocolName: 'cooperative-sticky',
            leader: 'a',
            members: [
              { member: 'a', memberId: 'a-1', assigned: { orders: [0, 1, 2] } },
              { member: 'b', memberId: 'b-1', assigned: { orders: [3, 4, 5] } },
            ],
          },
        },
      ],
      timeline: [{ at: '30s', do: 'add-member', group: 'g', member: { name: 'c' } }],
    };
    const sim = createSimulation(parseScenario(file));
    const first = sim.snapshot('g');
    assert.deepEqual(
      [first.state, first.groupEpoch, first.leaderId, first.assignor],
      ['Stable', 9, 'a-1', 'cooperative-sticky'],
    );
    sim.run();
    const s = sim.snapshot('g');
    assert.equal(s.state, 'Stable');
    assert.ok(s.groupEpoch > 9, `generation ${s.groupEpoch} follows 9`);
    assert.equal(s.members.length, 3);
    assert.deepEqual(s.members.flatMap((m) => m.assignment.orders ?? []).sort(), [0, 1, 2, 3, 4, 5]);
    for (const m of s.members) assert.equal(m.assignment.orders?.length, 2, m.memberId);
    const revoked = sim.trace.filter((e) => e.type === 'partitions-revoked');
    // Cooperative: a and b give up one partition each, never everything.
    assert.equal(revoked.length, 2);
  });
});
