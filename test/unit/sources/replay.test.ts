import { strict as assert } from 'node:assert';
import type { GroupSnapshot, PartitionLag } from '../../../src/model';
import { createSimulation } from '../../../src/simulator/engine/parts';
import { ReplayError, estimateProduceRates, replayScenario } from '../../../src/sources/replay';
import { testMember, testSnapshot } from '../../support/snapshots';

function lagRow(topic: string, partition: number, logEndOffset: number): PartitionLag {
  return {
    topic,
    partition,
    committedOffset: logEndOffset,
    logStartOffset: 0,
    logEndOffset,
    lag: 0,
    ownerMemberId: null,
    belowLogStart: false,
    status: null,
  };
}

function withLag(s: GroupSnapshot, rows: PartitionLag[]): GroupSnapshot {
  return { ...s, lag: { totalLag: 0, partitionsWithoutCommit: 0, status: 'OK', partitions: rows } };
}

/** A described KIP-848 group: three members, one static, on orders (6) and audit (2). */
function consumerGroup(): GroupSnapshot {
  return testSnapshot(
    10_000,
    [
      testMember('a', { clientId: 'svc-1', clientHost: '/10.1.0.1', subscribedTopicNames: ['orders'] }),
      testMember('b', {
        clientId: 'svc-2',
        clientHost: '/10.1.0.2',
        instanceId: 'pod-2',
        rackId: 'eu-1a',
        subscribedTopicNames: ['audit', 'orders'],
      }),
      testMember('c', { clientId: 'svc 3', subscribedTopicNames: ['orders', 'gone'] }),
    ],
    {
      groupId: 'orders app',
      sourceId: 'cluster/prod',
      assignor: 'range',
      topics: [
        { name: 'audit', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: 2 },
        { name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: 6 },
      ],
    },
  );
}

describe('Replay in Simulator (snapshot → scenario)', () => {
  it('carries members, subscriptions, static ids, racks, hosts and partition counts over', () => {
    const r = replayScenario(consumerGroup(), { at: new Date(0) });
    const sc = r.scenario;
    assert.equal(r.variant, 'consumer');
    assert.deepEqual(
      sc.topics.map((t) => [t.name, t.partitions]),
      [
        ['audit', 2],
        ['orders', 6],
      ],
    );
    assert.deepEqual(
      sc.broker.consumer.assignors,
      ['range', 'uniform'],
      "the group's assignor is the broker default",
    );
    const g = sc.groups[0];
    assert.equal(g.id, 'orders_app');
    const byName = new Map(g.members.map((m) => [m.name, m]));
    assert.deepEqual([...byName.keys()], ['svc-1', 'pod-2', 'svc_3']);
    const pod = byName.get('pod-2')!;
    assert.equal(pod.config.groupInstanceId, 'pod-2');
    assert.equal(pod.config.rackId, 'eu-1a');
    assert.equal(pod.config.clientId, 'svc-2');
    assert.equal(pod.config.clientHost, '/10.1.0.2');
    assert.equal(pod.config.groupProtocol, 'consumer');
    assert.deepEqual(pod.config.subscription, { topics: ['audit', 'orders'] });
    assert.deepEqual(byName.get('svc_3')!.config.subscription, { topics: ['orders'] });
    assert.deepEqual(
      g.members.map((m) => m.startAtMs),
      [0, 50, 100],
    );
    const notes = r.notes.join('\n');
    assert.match(notes, /group id "orders app" is "orders_app"/);
    assert.match(notes, /Left out gone/);
    assert.match(notes, /Produce rates are 0/);
    assert.match(notes, /not a copy of the described one/);
    assert.equal(
      (r.file.groups as { id: string }[])[0].id,
      'orders_app',
      'the file form is the same scenario',
    );
  });

  it('runs in the simulator: the replayed group forms with every member and every partition assigned', () => {
    const r = replayScenario(consumerGroup());
    const sim = createSimulation(r.scenario, { variant: r.variant });
    sim.runUntil(60_000);
    const s = sim.snapshot('orders_app');
    assert.equal(s.state, 'Stable');
    assert.equal(s.members.length, 3);
    const owned = s.members.flatMap((m) =>
      Object.entries(m.assignment).flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`)),
    );
    assert.equal(owned.length, 8, 'audit 2 + orders 6');
    assert.equal(new Set(owned).size, 8, 'no partition twice');
    assert.deepEqual(
      s.members.map((m) => m.instanceId).filter((x) => x !== null),
      ['pod-2'],
    );
  });

  it('replays a classic cooperative group under the cooperative variant with its assignor', () => {
    const classic = (id: string, topics: string[]): ReturnType<typeof testMember> =>
      testMember(id, {
        memberType: 'classic',
        memberEpoch: -1,
        reconciliation: null,
        targetAssignment: null,
        subscribedTopicNames: topics,
        classic: {
          protocols: ['cooperative-sticky'],
          isLeader: false,
          awaitingJoin: false,
          awaitingSync: false,
          ownedPartitions: {},
          reportedGeneration: null,
          sessionTimeoutMs: -1,
          rebalanceTimeoutMs: -1,
        },
      });
    const s = testSnapshot(1, [classic('x', ['orders']), classic('y', [])], {
      protocol: 'classic',
      assignor: 'cooperative-sticky',
      rebalanceProtocol: 'cooperative',
      targetAssignmentEpoch: null,
      groupEpoch: -1,
    });
    const r = replayScenario(s);
    assert.equal(r.variant, 'cooperative');
    for (const m of r.scenario.groups[0].members) {
      assert.equal(m.config.groupProtocol, 'classic');
      assert.deepEqual(m.config.partitionAssignmentStrategy, ['cooperative-sticky']);
    }
    assert.match(r.notes.join('\n'), /subscription was not described; it subscribes to orders/);
    const sim = createSimulation(r.scenario, { variant: r.variant });
    sim.runUntil(60_000);
    const after = sim.snapshot('g');
    assert.equal(after.protocol, 'classic');
    assert.equal(after.members.length, 2);
  });

  it('estimates produce rates from the watch history', () => {
    const first = withLag(testSnapshot(0, []), [lagRow('orders', 0, 100), lagRow('orders', 1, 50)]);
    const last = withLag(testSnapshot(10_000, []), [lagRow('orders', 0, 300), lagRow('orders', 1, 150)]);
    assert.deepEqual([...estimateProduceRates([first, last])], [['orders', 30]]);
    assert.equal(estimateProduceRates([first]).size, 0);
    const r = replayScenario(withLag(consumerGroup(), [lagRow('orders', 0, 1_000)]), {
      history: [{ ...withLag(consumerGroup(), [lagRow('orders', 0, 0)]), timeMs: 0 }],
    });
    assert.equal(r.scenario.topics.find((t) => t.name === 'orders')?.produceRate, 100);
  });

  it('refuses what cannot be replayed, saying why', () => {
    assert.throws(() => replayScenario(testSnapshot(1, [], { state: 'Empty' })), ReplayError);
    assert.throws(
      () =>
        replayScenario(testSnapshot(1, [testMember('m', { subscribedTopicNames: ['x'] })], { topics: [] })),
      /no topic whose partition count is known/,
    );
  });
});
