import { strict as assert } from 'node:assert';
import { unionAssignments, type GroupSnapshot, type PartitionLag } from '../../../src/model';
import { createSimulation } from '../../../src/simulator/engine/parts';
import { parseScenario } from '../../../src/simulator/scenario/parse';
import type { Scenario } from '../../../src/simulator/scenario/schema';
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

/** What the coordinator says about a group (no clients, no lag, no time). */
function coordinatorView(s: GroupSnapshot): unknown {
  return {
    groupEpoch: s.groupEpoch,
    targetAssignmentEpoch: s.targetAssignmentEpoch,
    members: s.members.map((m) => ({
      memberId: m.memberId,
      memberEpoch: m.memberEpoch,
      held: unionAssignments(m.assignment, m.pendingRevocation),
      target: m.targetAssignment,
    })),
  };
}

function classicView(s: GroupSnapshot): unknown {
  return {
    state: s.state,
    generation: s.groupEpoch,
    leader: s.leaderId,
    assignor: s.assignor,
    members: s.members.map((m) => [m.memberId, m.memberEpoch, m.assignment]),
  };
}

/** A described classic group (range, eager) of three members on orders (6 partitions). */
function classicGroup(state: 'Stable' | 'PreparingRebalance', generation: number): GroupSnapshot {
  const m = (n: number, parts: number[]) =>
    testMember(`app-${n}-000${n}`, {
      clientId: `app-${n}`,
      memberType: 'classic',
      memberEpoch: generation,
      reconciliation: null,
      targetAssignment: null,
      assignment: { orders: parts },
      classic: {
        protocols: ['range'],
        isLeader: n === 2,
        awaitingJoin: false,
        awaitingSync: false,
        ownedPartitions: {},
        reportedGeneration: null,
        sessionTimeoutMs: -1,
        rebalanceTimeoutMs: -1,
      },
    });
  return testSnapshot(0, [m(1, [0, 1]), m(2, [2, 3]), m(3, [4, 5])], {
    protocol: 'classic',
    state,
    groupEpoch: generation,
    targetAssignmentEpoch: null,
    assignor: 'range',
    rebalanceProtocol: 'eager',
    leaderId: 'app-2-0002',
    topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: 6 }],
  });
}

/** The replay's scenario file with timeline steps added (what a user does for a what-if). */
function withSteps(file: Record<string, unknown>, steps: unknown[]): Scenario {
  return parseScenario({ ...file, timeline: steps });
}

function withLag(s: GroupSnapshot, rows: PartitionLag[]): GroupSnapshot {
  return { ...s, lag: { totalLag: 0, partitionsWithoutCommit: 0, status: 'OK', partitions: rows } };
}

/**
 * A described KIP-848 group at epoch 5: three members, one static, on orders (6) and audit (2),
 * every partition assigned (member ids as Kafka's base64 Uuids).
 */
function consumerGroup(): GroupSnapshot {
  const held = (a: Record<string, number[]>) => ({ memberEpoch: 5, assignment: a, targetAssignment: a });
  return testSnapshot(
    10_000,
    [
      testMember('AAAAAAAAAAAAAAAAAAAAAw', {
        clientId: 'svc-1',
        clientHost: '/10.1.0.1',
        subscribedTopicNames: ['orders'],
        ...held({ orders: [0, 1] }),
      }),
      testMember('AAAAAAAAAAAAAAAAAAAABA', {
        clientId: 'svc-2',
        clientHost: '/10.1.0.2',
        instanceId: 'pod-2',
        rackId: 'eu-1a',
        subscribedTopicNames: ['audit', 'orders'],
        ...held({ audit: [0, 1], orders: [2, 3] }),
      }),
      testMember('AAAAAAAAAAAAAAAAAAAABQ', {
        clientId: 'svc 3',
        subscribedTopicNames: ['orders', 'gone'],
        ...held({ orders: [4, 5] }),
      }),
    ],
    {
      groupId: 'orders app',
      sourceId: 'cluster/prod',
      assignor: 'range',
      groupEpoch: 5,
      targetAssignmentEpoch: 5,
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
      [0, 0, 0],
      'every member is in the group from the start',
    );
    const notes = r.notes.join('\n');
    assert.match(notes, /group id "orders app" is "orders_app"/);
    assert.match(notes, /Left out gone/);
    assert.match(notes, /Produce rates are 0/);
    assert.match(notes, /starts from the described state \(group epoch 5, assignment epoch 5, Stable\)/);
    assert.doesNotMatch(notes, /forms again/);
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

  describe('starts from the described state', () => {
    it('consumer protocol: the first snapshot is the described group, and it stays so while nothing happens', () => {
      const described = consumerGroup();
      const r = replayScenario(described);
      const sim = createSimulation(r.scenario, { variant: r.variant });
      const first = sim.snapshot('orders_app');
      assert.deepEqual(coordinatorView(first), coordinatorView(described));
      assert.equal(first.state, 'Stable');
      sim.runUntil(600_000);
      const later = sim.snapshot('orders_app');
      assert.deepEqual(
        coordinatorView(later),
        coordinatorView(described),
        'ten quiet minutes change nothing',
      );
      for (const m of later.members) {
        assert.equal(m.client?.state, 'STABLE', m.memberId);
        assert.deepEqual(m.client?.owned, m.assignment, `${m.memberId} owns what it is assigned`);
      }
      const metrics = sim.metrics('orders_app');
      assert.equal(metrics.partitionMoves, 0);
      assert.equal(metrics.epochBumps, 0);
      assert.equal(metrics.unownedPartitionSeconds, 0);
      assert.equal(metrics.doubleOwnership, 0);
      assert.ok(!sim.trace.some((e) => e.type === 'member-joined' || e.type === 'member-fenced'));
    });

    it('carries offsets over: lag starts as described (no commit stays no commit), then the consumers work it off', () => {
      const row = (
        topic: string,
        partition: number,
        end: number,
        committed: number | null,
      ): PartitionLag => ({
        ...lagRow(topic, partition, end),
        committedOffset: committed,
        lag: committed === null ? null : end - committed,
      });
      const rows = [
        row('audit', 0, 700, 700),
        row('audit', 1, 300, null),
        ...[0, 1, 2, 3, 4, 5].map((p) => row('orders', p, 10_000 + p, p === 0 ? 4_000 : 10_000 + p)),
      ];
      const described = {
        ...consumerGroup(),
        lag: { totalLag: 6_000, partitionsWithoutCommit: 1, status: 'OK' as const, partitions: rows },
      };
      const r = replayScenario(described);
      assert.ok(
        r.notes.some((n) => n.includes('Lag starts as described (6,000 records)')),
        r.notes.join('\n'),
      );
      const sim = createSimulation(r.scenario, { variant: r.variant });
      const view = (s: GroupSnapshot) =>
        (s.lag?.partitions ?? []).map((p) => [
          p.topic,
          p.partition,
          p.logEndOffset,
          p.committedOffset,
          p.lag,
        ]);
      assert.deepEqual(view(sim.snapshot('orders_app')), view(described));
      assert.equal(sim.snapshot('orders_app').lag?.totalLag, 6_000);
      sim.runUntil(30_000);
      const orders0 = sim
        .snapshot('orders_app')
        .lag?.partitions.find((p) => p.topic === 'orders' && p.partition === 0);
      assert.equal(orders0?.lag, 0, 'svc-1 resumed at offset 4,000 and caught up');
    });

    it('consumer protocol: a crash proceeds from the described epoch', () => {
      const r = replayScenario(consumerGroup());
      const sim = createSimulation(withSteps(r.file, [{ at: '30s', do: 'crash', member: 'svc-1' }]), {
        variant: r.variant,
      });
      sim.runUntil(180_000);
      const s = sim.snapshot('orders_app');
      assert.equal(s.state, 'Stable');
      assert.equal(s.groupEpoch, 6, 'one bump from the described epoch 5');
      assert.equal(s.targetAssignmentEpoch, 6);
      assert.deepEqual(
        s.members.map((m) => [m.memberId, m.memberEpoch]),
        [
          ['AAAAAAAAAAAAAAAAAAAABA', 6],
          ['AAAAAAAAAAAAAAAAAAAABQ', 6],
        ],
      );
      const orders = s.members.flatMap((m) => m.assignment.orders ?? []).sort();
      assert.deepEqual(orders, [0, 1, 2, 3, 4, 5], "the crashed member's partitions moved to the others");
      const left = sim.trace.find((e) => e.type === 'member-left');
      assert.ok(left?.type === 'member-left' && left.memberId === 'AAAAAAAAAAAAAAAAAAAAAw');
      assert.equal(left.reason, 'session-timeout');
    });

    it('consumer protocol: a group mid-reconciliation resumes it (pending revocation, unreleased partition)', () => {
      // x still holds orders-3, which the epoch-8 target gives to y; y is at epoch 8 waiting for it.
      const described = testSnapshot(
        0,
        [
          testMember('AAAAAAAAAAAAAAAAAAAACA', {
            clientId: 'x',
            memberEpoch: 7,
            assignment: { orders: [0, 1, 3] },
            pendingRevocation: { orders: [3] },
            targetAssignment: { orders: [0, 1] },
            reconciliation: 'UNREVOKED_PARTITIONS',
          }),
          testMember('AAAAAAAAAAAAAAAAAAAACQ', {
            clientId: 'y',
            memberEpoch: 8,
            assignment: { orders: [2] },
            targetAssignment: { orders: [2, 3] },
            reconciliation: 'UNRELEASED_PARTITIONS',
          }),
        ],
        { state: 'Reconciling', groupEpoch: 8, targetAssignmentEpoch: 8 },
      );
      const r = replayScenario(described);
      const sim = createSimulation(r.scenario, { variant: r.variant });
      const first = sim.snapshot('g');
      assert.equal(first.state, 'Reconciling');
      assert.deepEqual(
        first.members.map((m) => [m.memberEpoch, m.reconciliation, m.assignment, m.pendingRevocation]),
        [
          [7, 'UNREVOKED_PARTITIONS', { orders: [0, 1] }, { orders: [3] }],
          [8, 'UNRELEASED_PARTITIONS', { orders: [2] }, {}],
        ],
      );
      sim.runUntil(60_000);
      const s = sim.snapshot('g');
      assert.equal(s.state, 'Stable');
      assert.equal(s.groupEpoch, 8, 'finishing the reconciliation bumps nothing');
      assert.deepEqual(
        s.members.map((m) => [m.memberEpoch, m.assignment, m.client?.owned]),
        [
          [8, { orders: [0, 1] }, { orders: [0, 1] }],
          [8, { orders: [2, 3] }, { orders: [2, 3] }],
        ],
      );
    });

    it('classic protocol: generation, leader, member ids and assignments carry over; a crash makes the next generation', () => {
      const described = classicGroup('Stable', 7);
      const r = replayScenario(described);
      assert.equal(r.variant, 'eager');
      const sim = createSimulation(withSteps(r.file, [{ at: '2m', do: 'crash', member: 'app-2' }]), {
        variant: r.variant,
      });
      const first = sim.snapshot('g');
      assert.deepEqual(classicView(first), classicView(described));
      sim.runUntil(110_000);
      const quiet = sim.snapshot('g');
      assert.deepEqual(classicView(quiet), classicView(described), 'nothing happens until the crash');
      assert.deepEqual(
        quiet.members.map((m) => m.client?.owned),
        described.members.map((m) => m.assignment),
      );
      assert.equal(sim.metrics('g').partitionMoves, 0);
      sim.runUntil(300_000);
      const after = sim.snapshot('g');
      assert.equal(after.state, 'Stable');
      assert.equal(after.groupEpoch, 8, 'the generation after the described 7');
      assert.deepEqual(
        after.members.map((m) => m.memberId),
        ['app-1-0001', 'app-3-0003'],
      );
      assert.deepEqual(after.members.flatMap((m) => m.assignment.orders ?? []).sort(), [0, 1, 2, 3, 4, 5]);
    });

    it('classic protocol from a cluster (no generation, no leader): generation 1, first member leads, said in the notes', () => {
      const described = { ...classicGroup('Stable', -1), leaderId: null };
      const r = replayScenario(described);
      const notes = r.notes.join('\n');
      assert.match(notes, /does not report a classic group's generation/);
      assert.match(notes, /leader: in the replay it is app-1/);
      const sim = createSimulation(r.scenario, { variant: r.variant });
      const s = sim.snapshot('g');
      assert.equal(s.groupEpoch, 1);
      assert.equal(s.leaderId, 'app-1-0001');
      assert.deepEqual(
        s.members.map((m) => m.assignment),
        described.members.map((m) => m.assignment),
      );
    });

    it('falls back to forming the group again where the state cannot be loaded, and says why', () => {
      const rebalancing = replayScenario(classicGroup('PreparingRebalance', 7));
      assert.equal(rebalancing.scenario.groups[0].initialState, undefined);
      assert.deepEqual(
        rebalancing.scenario.groups[0].members.map((m) => m.startAtMs),
        [0, 50, 100],
      );
      assert.match(rebalancing.notes.join('\n'), /PreparingRebalance \(mid-rebalance\).*forms again/);
      const unknownTopic = consumerGroup();
      const withGone = {
        ...unknownTopic,
        members: unknownTopic.members.map((m, i) =>
          i === 2 ? { ...m, assignment: { ...m.assignment, gone: [0] } } : m,
        ),
      };
      const r = replayScenario(withGone);
      assert.equal(r.scenario.groups[0].initialState, undefined);
      assert.match(
        r.notes.join('\n'),
        /svc 3 holds partitions of gone, whose partition count is not known: the members join/,
      );
    });
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

  it('runs a member that fell behind at the speed it consumed; one that kept up at the default', () => {
    // svc-1 (orders-0, orders-1) consumes 150 records/s in all while 250/s arrive: its lag grows.
    // svc-2 and svc 3 keep up (their lag stays at 0).
    const owners: Record<string, string> = {
      'orders-0': 'AAAAAAAAAAAAAAAAAAAAAw',
      'orders-1': 'AAAAAAAAAAAAAAAAAAAAAw',
      'orders-2': 'AAAAAAAAAAAAAAAAAAAABA',
      'orders-3': 'AAAAAAAAAAAAAAAAAAAABA',
      'orders-4': 'AAAAAAAAAAAAAAAAAAAABQ',
      'orders-5': 'AAAAAAAAAAAAAAAAAAAABQ',
    };
    const at = (timeMs: number, seconds: number): GroupSnapshot => {
      const rows = [0, 1, 2, 3, 4, 5].map((p): PartitionLag => {
        const end = 1_000 + Math.round(125 * seconds);
        const committed = p < 2 ? 1_000 + 75 * seconds : end;
        return {
          ...lagRow('orders', p, end),
          committedOffset: committed,
          lag: end - committed,
          ownerMemberId: owners[`orders-${p}`] ?? null,
        };
      });
      return { ...withLag(consumerGroup(), rows), timeMs };
    };
    const history = [at(10_000, 0), at(20_000, 10), at(30_000, 20)];
    const r = replayScenario(at(40_000, 30), { history });
    const processing = new Map(
      r.scenario.groups[0].members.map((m) => [m.config.clientId, m.behaviour.processingMs]),
    );
    assert.equal(processing.get('svc-1'), Math.round((500 / 150) * 1000), '150 records/s: 500 per 3,333 ms');
    assert.equal(processing.get('svc-2'), 100, 'kept up: the default');
    assert.ok(
      r.notes.some((n) => n.includes('svc-1 fell behind while it consumed about 150 records/s')),
      r.notes.join('\n'),
    );
    // Too short a history says nothing about speed.
    const short = replayScenario(at(12_000, 2), { history: [at(10_000, 0)] });
    assert.ok(short.scenario.groups[0].members.every((m) => m.behaviour.processingMs === 100));
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
