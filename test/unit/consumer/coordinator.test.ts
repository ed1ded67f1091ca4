/**
 * Consumer coordinator behaviour beyond the golden flows: regex subscriptions, metadata changes,
 * the 4.3 assignment interval, offset-commit validation, ConsumerGroupDescribe snapshots, the
 * events a join produces, and the member order handed to assignors.
 */
import { strict as assert } from 'node:assert';
import type { GroupEvent } from '../../../src/model';
import type { ConsumerGroupRecord } from '../../../src/simulator/consumer/records';
import { JAVA_STRING } from '../../../src/simulator/java/keys';
import { TimelineHashOrder } from '../../../src/simulator/java/timeline';
import {
  currentRecord,
  epochRecord,
  GROUP,
  groupRecords,
  hb,
  json,
  makeContext,
  member,
  memberRecord,
  metadataHashOf,
  mk,
  mkEpochs,
  MockAssignor,
  owned,
  targetEpochRecord,
  targetRecord,
  type TestContext,
  withEpochs,
} from './helpers';

const FOO = 'fooTopicId';
const BAR = 'barTopicId';

function send(
  ctx: TestContext,
  request: Parameters<TestContext['coordinator']['consumerGroupHeartbeat']>[0],
) {
  const before = ctx.coordinator.records().length;
  const res = ctx.coordinator.consumerGroupHeartbeat(request);
  assert.ok(res.errorCode === 'NONE', `${res.errorCode}: ${res.errorMessage}`);
  return { res, recs: ctx.coordinator.records().slice(before) };
}

function assignorOf(ctx: TestContext): MockAssignor {
  const a = ctx.assignors.get('range');
  assert.ok(a instanceof MockAssignor);
  return a;
}

function bumps(events: readonly GroupEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'group-epoch-bumped' ? [`${e.from}->${e.to}: ${e.reason}`] : []));
}

const join = (memberId: string, names: string[] | null, regex: string | null = null) =>
  hb({
    memberId,
    memberEpoch: 0,
    rebalanceTimeoutMs: 5000,
    subscribedTopicNames: names,
    subscribedTopicRegex: regex,
    topicPartitions: [],
  });

describe('consumer coordinator: regex subscriptions', () => {
  const topics = [
    ['orders-eu', 'ordersEuId', 3],
    ['orders-us', 'ordersUsId', 2],
    ['payments', 'paymentsId', 2],
  ] as const;

  it('resolves a new regex asynchronously, then bumps the epoch and assigns its topics', () => {
    const ctx = makeContext({ topics });
    const a = assignorOf(ctx);
    const first = send(ctx, join('m1', null, 'orders-.*'));
    // No bump yet: the regex is not resolved; the member joins at the current epoch with nothing.
    assert.equal(first.res.memberEpoch, 1);
    assert.deepEqual(first.res.assignment, { topicPartitions: [] });
    assert.deepEqual(
      first.recs.map((r) => r.type),
      ['ConsumerGroupMemberMetadata', 'ConsumerGroupCurrentMemberAssignment'],
    );
    assert.ok(ctx.timers.isScheduled('fooup-regex'));

    const before = ctx.coordinator.records().length;
    ctx.timers.runUntil(ctx.timers.now());
    const resolved = ctx.coordinator.records().slice(before);
    assert.deepEqual(
      json(resolved),
      json([
        {
          type: 'ConsumerGroupRegularExpression',
          key: { groupId: GROUP, regularExpression: 'orders-.*' },
          value: { topics: ['orders-eu', 'orders-us'], version: 3, timestamp: 1000 },
        },
        epochRecord(2, metadataHashOf(ctx, ['orders-eu', 'orders-us'])),
      ] satisfies ConsumerGroupRecord[]),
    );
    assert.deepEqual(bumps(ctx.events), ['1->2: regex orders-.* now matches orders-eu, orders-us']);

    ctx.timers.runUntil(ctx.timers.now() + 1000);
    a.prepare({ m1: mk(['ordersEuId', 0, 1, 2], ['ordersUsId', 0, 1]) });
    const hb2 = send(ctx, hb({ memberId: 'm1', memberEpoch: 1 }));
    assert.equal(hb2.res.memberEpoch, 2);
    assert.deepEqual([...(a.lastSpec?.members.get('m1')?.subscribedTopicIds ?? [])].sort(), [
      'ordersEuId',
      'ordersUsId',
    ]);
    assert.equal(a.lastSpec?.subscriptionType, 'HOMOGENEOUS');
  });

  it('a topic created later that matches the regex is picked up on the next refresh (10 s batching)', () => {
    const ctx = makeContext({ topics });
    send(ctx, join('m1', null, 'orders-.*'));
    ctx.timers.runUntil(ctx.timers.now());
    ctx.metadata.createTopic('orders-apac', 4, 'ordersApacId');
    // Within 10 s of the last refresh nothing is scheduled.
    const epoch = send(ctx, hb({ memberId: 'm1', memberEpoch: 1 })).res.memberEpoch;
    assert.equal(ctx.timers.isScheduled('fooup-regex'), false);
    ctx.timers.runUntil(ctx.timers.now() + 10_001);
    send(ctx, hb({ memberId: 'm1', memberEpoch: epoch }));
    assert.ok(ctx.timers.isScheduled('fooup-regex'));
    ctx.timers.runUntil(ctx.timers.now());
    const last = ctx.coordinator
      .records()
      .filter((r) => r.type === 'ConsumerGroupRegularExpression')
      .at(-1);
    assert.deepEqual(last?.value?.topics, ['orders-apac', 'orders-eu', 'orders-us']);
  });

  it('a second member with an already resolved regex bumps at once; the last subscriber leaving deletes the regex', () => {
    const ctx = makeContext({ topics });
    send(ctx, join('m1', null, 'orders-.*'));
    ctx.timers.runUntil(ctx.timers.now());
    const second = send(ctx, join('m2', null, 'orders-.*'));
    assert.deepEqual(second.recs.filter((r) => r.type === 'ConsumerGroupMetadata').length, 1);
    send(ctx, hb({ memberId: 'm2', memberEpoch: -1 }));
    const leave = send(ctx, hb({ memberId: 'm1', memberEpoch: -1 }));
    assert.deepEqual(
      leave.recs.map((r) => `${r.type}${r.value === null ? '-' : ''}`),
      [
        'ConsumerGroupCurrentMemberAssignment-',
        'ConsumerGroupTargetAssignmentMember-',
        'ConsumerGroupMemberMetadata-',
        'ConsumerGroupRegularExpression-',
        'ConsumerGroupMetadata',
      ],
    );
    assert.equal(ctx.coordinator.describe(GROUP)?.state, 'Empty');
  });

  it('Java syntax in regexes: \\Q..\\E quoting and possessive quantifiers', () => {
    const ctx = makeContext({
      topics: [
        ['a.b', 'abId', 1],
        ['axb', 'axbId', 1],
      ],
    });
    send(ctx, join('m1', null, '\\Qa.b\\E'));
    // A refresh is in flight: the second regex waits for the next batch (at least 10 s later).
    send(ctx, join('m2', null, 'a.++'));
    ctx.timers.runUntil(ctx.timers.now());
    ctx.timers.runUntil(ctx.timers.now() + 10_001);
    const epoch =
      ctx.coordinator.describe(GROUP)?.members.find((m) => m.memberId === 'm2')?.memberEpoch ?? -1;
    send(ctx, hb({ memberId: 'm2', memberEpoch: epoch }));
    ctx.timers.runUntil(ctx.timers.now());
    const regexes = ctx.coordinator.records().filter((r) => r.type === 'ConsumerGroupRegularExpression');
    const byRegex = new Map(regexes.map((r) => [r.key.regularExpression, r.value?.topics]));
    assert.deepEqual(byRegex.get('\\Qa.b\\E'), ['a.b']);
    assert.deepEqual(byRegex.get('a.++'), ['a.b', 'axb']);
  });
});

describe('consumer coordinator: topic metadata changes', () => {
  function stableGroup(version: '4.0' | '4.3' = '4.3'): TestContext {
    const ctx = makeContext({
      version,
      topics: [
        ['orders', FOO, 8],
        ['payments', BAR, 2],
      ],
    });
    assignorOf(ctx).prepare({ m1: mk([FOO, 0, 1, 2, 3, 4, 5, 6, 7], [BAR, 0, 1]) });
    send(ctx, join('m1', ['orders', 'payments']));
    ctx.timers.runUntil(ctx.timers.now() + 5000);
    return ctx;
  }

  it('a partition increase bumps the epoch on the next heartbeat, with the reason in words', () => {
    const ctx = stableGroup();
    const epoch = ctx.coordinator.describe(GROUP)?.groupEpoch ?? -1;
    ctx.metadata.setPartitions('orders', 12);
    assert.equal(ctx.coordinator.describe(GROUP)?.groupEpoch, epoch, 'nothing happens before a heartbeat');
    assignorOf(ctx).prepare({ m1: mk([FOO, ...Array.from({ length: 12 }, (_, i) => i)], [BAR, 0, 1]) });
    const r = send(ctx, hb({ memberId: 'm1', memberEpoch: epoch }));
    assert.equal(r.res.memberEpoch, epoch + 1);
    assert.deepEqual(
      r.res.assignment?.topicPartitions.find((t) => t.topicId === FOO)?.partitions,
      Array.from({ length: 12 }, (_, i) => i),
    );
    assert.deepEqual(bumps(ctx.events).at(-1), `${epoch}->${epoch + 1}: orders grew to 12 partitions`);
    const members = ctx.coordinator.describe(GROUP)?.members;
    assert.equal(members?.[0]?.reconciliation, 'STABLE');
  });

  it('a deleted topic bumps the epoch and its partitions are revoked', () => {
    const ctx = stableGroup();
    const epoch = ctx.coordinator.describe(GROUP)?.groupEpoch ?? -1;
    ctx.metadata.deleteTopic('payments');
    assignorOf(ctx).prepare({ m1: mk([FOO, 0, 1, 2, 3, 4, 5, 6, 7]) });
    const r = send(
      ctx,
      hb({
        memberId: 'm1',
        memberEpoch: epoch,
        topicPartitions: owned([FOO, 0, 1, 2, 3, 4, 5, 6, 7], [BAR, 0, 1]),
      }),
    );
    assert.equal(bumps(ctx.events).at(-1), `${epoch}->${epoch + 1}: topic payments was deleted`);
    assert.equal(r.res.memberEpoch, epoch, 'waits for the revocation of payments');
    assert.equal(ctx.coordinator.describe(GROUP)?.members[0]?.reconciliation, 'UNREVOKED_PARTITIONS');
  });

  it('4.0 writes the new subscription metadata record before the epoch', () => {
    const ctx = stableGroup('4.0');
    const epoch = ctx.coordinator.describe(GROUP)?.groupEpoch ?? -1;
    ctx.metadata.setPartitions('payments', 3);
    assignorOf(ctx).prepare({ m1: mk([FOO, 0, 1, 2, 3, 4, 5, 6, 7], [BAR, 0, 1, 2]) });
    const r = send(ctx, hb({ memberId: 'm1', memberEpoch: epoch }));
    assert.deepEqual(
      r.recs.slice(0, 2).map((x) => x.type),
      ['ConsumerGroupPartitionMetadata', 'ConsumerGroupMetadata'],
    );
    const meta = r.recs[0];
    assert.ok(meta.type === 'ConsumerGroupPartitionMetadata');
    assert.deepEqual(
      meta.value?.topics.map((t) => [t.topicName, t.numPartitions]),
      [
        ['orders', 8],
        ['payments', 3],
      ],
    );
  });
});

describe('consumer coordinator: 4.3 assignment interval', () => {
  it('does not compute a new target until the interval has passed since the last one', () => {
    const ctx = makeContext({ topics: [['foo', FOO, 6]], broker: { assignmentIntervalMs: 5000 } });
    const a = assignorOf(ctx);
    a.prepare({ m1: mk([FOO, 0, 1, 2, 3, 4, 5]) });
    send(ctx, join('m1', ['foo']));
    ctx.timers.runUntil(ctx.timers.now() + 4995);
    a.prepare({ m1: mk([FOO, 0, 1, 2]), m2: mk([FOO, 3, 4, 5]) });
    const m2 = member('m2', {
      memberEpoch: 2,
      previousMemberEpoch: 0,
      rebalanceTimeoutMs: 5000,
      subscribedTopicNames: ['foo'],
    });
    const r2 = send(ctx, join('m2', ['foo']));
    assert.equal(r2.res.memberEpoch, 2);
    assert.deepEqual(
      json(r2.recs),
      json([memberRecord(m2), epochRecord(3, metadataHashOf(ctx, ['foo'])), currentRecord(m2)]),
    );
    assert.equal(ctx.coordinator.describe(GROUP)?.state, 'Assigning');
    ctx.timers.runUntil(ctx.timers.now() + 10);
    const r3 = send(ctx, hb({ memberId: 'm2', memberEpoch: 2 }));
    assert.equal(r3.res.memberEpoch, 3);
    assert.deepEqual(
      json(r3.recs),
      json([
        targetRecord('m1', mk([FOO, 0, 1, 2])),
        targetRecord('m2', mk([FOO, 3, 4, 5])),
        targetEpochRecord(3, 6005),
        currentRecord({ ...m2, state: 'UNRELEASED_PARTITIONS', memberEpoch: 3, previousMemberEpoch: 2 }),
      ]),
    );
  });

  it('4.2 has no interval: the target follows every bump', () => {
    const ctx = makeContext({
      version: '4.2',
      topics: [['foo', FOO, 6]],
      broker: { assignmentIntervalMs: 5000 },
    });
    assignorOf(ctx).prepare({ m1: mk([FOO, 0, 1, 2]), m2: mk([FOO, 3, 4, 5]) });
    send(ctx, join('m1', ['foo']));
    const r = send(ctx, join('m2', ['foo']));
    assert.equal(r.res.memberEpoch, 2);
    assert.equal(ctx.coordinator.describe(GROUP)?.targetAssignmentEpoch, 2);
  });
});

describe('consumer coordinator: offset commit validation', () => {
  function setup(version: '4.2' | '4.3'): TestContext {
    const ctx = makeContext({ version, topics: [['foo', FOO, 6]] });
    const m = member('m1', {
      state: 'UNREVOKED_PARTITIONS',
      memberEpoch: 11,
      previousMemberEpoch: 11,
      subscribedTopicNames: ['foo'],
      assignedPartitions: mkEpochs([FOO, 10, 0], [FOO, 11, 1]),
      partitionsPendingRevocation: mkEpochs([FOO, 10, 2]),
    });
    ctx.coordinator.replay(
      groupRecords(ctx, {
        groupEpoch: 12,
        members: [m],
        targets: { m1: mk([FOO, 0, 1]) },
        assignmentEpoch: 12,
        topics: ['foo'],
      }),
    );
    return ctx;
  }
  const commit = (ctx: TestContext, memberId: string, epoch: number, partition: number, groupId = GROUP) =>
    ctx.coordinator.validateOffsetCommit({
      groupId,
      memberId,
      generationIdOrMemberEpoch: epoch,
      groupInstanceId: null,
      offsets: [{ topic: 'foo', partition, offset: 42 }],
    }).errorCode;

  it('4.3: the current epoch commits; an older epoch only partitions held since then', () => {
    const ctx = setup('4.3');
    assert.equal(commit(ctx, 'm1', 11, 0), 'NONE');
    assert.equal(commit(ctx, 'm1', 12, 0), 'STALE_MEMBER_EPOCH');
    assert.equal(commit(ctx, 'm1', 10, 0), 'NONE');
    assert.equal(commit(ctx, 'm1', 10, 1), 'STALE_MEMBER_EPOCH');
    assert.equal(commit(ctx, 'm1', 10, 2), 'NONE', 'pending revocation still counts');
    assert.equal(commit(ctx, 'm1', 10, 5), 'STALE_MEMBER_EPOCH');
    assert.equal(commit(ctx, 'zz', 11, 0), 'UNKNOWN_MEMBER_ID');
    assert.equal(commit(ctx, 'm1', -1, 0), 'STALE_MEMBER_EPOCH');
    assert.equal(commit(ctx, 'x', 3, 0, 'nope'), 'GROUP_ID_NOT_FOUND');
    assert.equal(commit(ctx, '', -1, 0, 'nope'), 'NONE');
  });

  it('4.2: only the exact member epoch commits', () => {
    const ctx = setup('4.2');
    assert.equal(commit(ctx, 'm1', 11, 0), 'NONE');
    assert.equal(commit(ctx, 'm1', 10, 0), 'STALE_MEMBER_EPOCH');
  });

  it('an empty group accepts admin commits (epoch -1)', () => {
    const ctx = makeContext({ topics: [['foo', FOO, 6]] });
    ctx.coordinator.replay([epochRecord(5, 0n), targetEpochRecord(5, 0)]);
    assert.equal(commit(ctx, '', -1, 0), 'NONE');
  });
});

describe('consumer coordinator: describe, list and events', () => {
  it('describes a reconciling group like ConsumerGroupDescribe (members sorted, pending revocation apart)', () => {
    const ctx = makeContext({
      topics: [
        ['foo', FOO, 6],
        ['bar', BAR, 3],
      ],
    });
    const m1 = member('m1', {
      memberEpoch: 10,
      previousMemberEpoch: 9,
      subscribedTopicNames: ['foo', 'bar'],
      serverAssignorName: 'range',
      assignedPartitions: withEpochs(mk([FOO, 0, 1, 2], [BAR, 0, 1]), 10),
    });
    const m0 = member('m0', {
      memberEpoch: 10,
      previousMemberEpoch: 9,
      instanceId: 'i0',
      subscribedTopicNames: ['foo', 'bar'],
      assignedPartitions: withEpochs(mk([FOO, 3, 4, 5], [BAR, 2]), 10),
    });
    ctx.coordinator.replay(
      groupRecords(ctx, {
        groupEpoch: 11,
        members: [m1, m0],
        targets: { m1: mk([FOO, 0, 1], [BAR, 0]), m0: mk([FOO, 2, 3, 4, 5], [BAR, 1, 2]) },
        assignmentEpoch: 11,
        topics: ['foo', 'bar'],
      }),
    );
    send(ctx, hb({ memberId: 'm1', memberEpoch: 10 }));
    const s = ctx.coordinator.describe(GROUP);
    assert.ok(s !== undefined);
    assert.deepEqual(
      { ...s, members: s.members.map((m) => m.memberId) },
      {
        sourceId: 'simulator',
        groupId: GROUP,
        protocol: 'consumer',
        state: 'Reconciling',
        timeMs: 1000,
        groupEpoch: 11,
        targetAssignmentEpoch: 11,
        assignor: 'range',
        rebalanceProtocol: null,
        leaderId: null,
        coordinator: null,
        members: ['m0', 'm1'],
        topics: [
          { name: 'bar', topicId: BAR, partitions: 3 },
          { name: 'foo', topicId: FOO, partitions: 6 },
        ],
        lag: null,
        stale: null,
      },
    );
    const d1 = s.members[1];
    assert.deepEqual(
      { ...d1 },
      {
        memberId: 'm1',
        instanceId: null,
        clientId: 'client',
        clientHost: '/localhost',
        rackId: null,
        memberType: 'consumer',
        memberEpoch: 10,
        previousMemberEpoch: 10,
        reconciliation: 'UNREVOKED_PARTITIONS',
        subscribedTopicNames: ['bar', 'foo'],
        subscribedTopicRegex: null,
        serverAssignor: 'range',
        assignment: { bar: [0], foo: [0, 1] },
        pendingRevocation: { bar: [1], foo: [2] },
        targetAssignment: { bar: [0], foo: [0, 1] },
        classic: null,
        client: null,
      },
    );
    assert.equal(s.members[0].instanceId, 'i0');
    assert.deepEqual(ctx.coordinator.listGroups(), [
      { groupId: GROUP, protocolType: 'consumer', groupType: 'consumer', groupState: 'Reconciling' },
    ]);
    assert.equal(ctx.coordinator.describe('nope'), undefined);
  });

  it('a join emits member-joined, the epoch bump, the target, the member epoch and the state change, in order', () => {
    const ctx = makeContext({
      topics: [
        ['foo', FOO, 6],
        ['bar', BAR, 3],
      ],
    });
    assignorOf(ctx).prepare({ m1: mk([FOO, 0, 1, 2, 3, 4, 5], [BAR, 0, 1, 2]) });
    send(
      ctx,
      hb({
        memberId: 'm1',
        memberEpoch: 0,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignor: 'range',
        topicPartitions: [],
        clientId: 'consumer-2',
      }),
    );
    assert.deepEqual(ctx.events, [
      {
        type: 'member-joined',
        timeMs: 1000,
        groupId: GROUP,
        memberId: 'm1',
        instanceId: null,
        clientId: 'consumer-2',
        memberType: 'consumer',
      },
      {
        type: 'group-epoch-bumped',
        timeMs: 1000,
        groupId: GROUP,
        from: 1,
        to: 2,
        reason: 'consumer-2 joined',
      },
      { type: 'target-assignment', timeMs: 1000, groupId: GROUP, epoch: 2, assignor: 'range', moved: 9 },
      { type: 'member-epoch', timeMs: 1000, groupId: GROUP, memberId: 'm1', from: 0, to: 2, state: 'STABLE' },
      { type: 'group-state', timeMs: 1000, groupId: GROUP, from: 'Empty', to: 'Stable' },
    ]);
  });

  it('the target-assignment event counts moved partitions', () => {
    const ctx = makeContext({ topics: [['foo', FOO, 6]] });
    const a = assignorOf(ctx);
    a.prepare({ m1: mk([FOO, 0, 1, 2, 3, 4, 5]) });
    send(ctx, join('m1', ['foo']));
    ctx.timers.runUntil(2000);
    a.prepare({ m1: mk([FOO, 0, 1, 2]), m2: mk([FOO, 3, 4, 5]) });
    ctx.events.length = 0;
    send(ctx, join('m2', ['foo']));
    const target = ctx.events.find((e) => e.type === 'target-assignment');
    assert.ok(target?.type === 'target-assignment');
    assert.equal(target.moved, 3);
  });
});

describe('consumer coordinator: preferred server assignor', () => {
  // ConsumerGroup.computePreferredServerAssignor copies the counts into a java.util.HashMap
  // (`new HashMap<>(serverAssignors)`) and applies compute(name, incValue), which links a new name
  // at the head of its bucket; max() keeps the first of a tie. "uniform", "range" and "a" share a
  // bucket in the small copies, so Java iterates [range, uniform] for m2 and [a, …] for m3
  // (checked with OpenJDK 17); appending the new name instead would pick "uniform" both times.
  it('breaks a tie in the order of the HashMap that compute() leaves', () => {
    const assignors = ['uniform', 'range', 'a'].map((n) => new MockAssignor(n));
    const ctx = makeContext({ topics: [['foo', FOO, 6]], assignors });
    const used: string[] = [];
    for (const [id, name] of [
      ['m1', 'uniform'],
      ['m2', 'range'],
      ['m3', 'a'],
    ]) {
      ctx.timers.runUntil(ctx.timers.now() + 1000); // past group.consumer.assignment.interval.ms
      const before = assignors.map((x) => x.calls);
      send(ctx, { ...join(id, ['foo']), serverAssignor: name });
      used.push(
        assignors
          .filter((x, i) => x.calls > before[i])
          .map((x) => x.name)
          .join(),
      );
    }
    assert.deepEqual(used, ['uniform', 'range', 'a']);
  });
});

describe('consumer coordinator: assignor member order', () => {
  it('exact mode hands the assignor the members in TimelineHashMap order, the joining member last', () => {
    const ctx = makeContext({ ordering: 'exact', topics: [['foo', FOO, 6]] });
    const a = assignorOf(ctx);
    const ids = ['zeta', 'alpha', 'mu', 'beta', 'omega', 'kappa'];
    for (const id of ids) {
      ctx.timers.runUntil(ctx.timers.now() + 1000); // past group.consumer.assignment.interval.ms
      send(ctx, join(id, ['foo']));
    }
    const expected = new TimelineHashOrder(JAVA_STRING);
    for (const id of ids.slice(0, -1)) expected.add(id);
    const order = [...(a.lastSpec?.members.keys() ?? [])];
    assert.deepEqual(order, [...expected.keys(), 'kappa']);
    assert.deepEqual(ctx.coordinator.lastAssignorMemberOrder(GROUP), order);
  });

  it('canonical mode sorts members by id', () => {
    const ctx = makeContext({ topics: [['foo', FOO, 6]] });
    const a = assignorOf(ctx);
    for (const id of ['zeta', 'alpha', 'mu']) {
      ctx.timers.runUntil(ctx.timers.now() + 1000);
      send(ctx, join(id, ['foo']));
    }
    assert.deepEqual([...(a.lastSpec?.members.keys() ?? [])], ['alpha', 'mu', 'zeta']);
  });

  it('a replacing static member takes over its predecessor target in the assignor input', () => {
    const ctx = makeContext({ topics: [['foo', FOO, 6]] });
    const a = assignorOf(ctx);
    const old = member('old', {
      instanceId: 'i',
      memberEpoch: -2,
      previousMemberEpoch: 5,
      subscribedTopicNames: ['foo'],
      assignedPartitions: withEpochs(mk([FOO, 0, 1]), 0),
    });
    const other = member('other', {
      memberEpoch: 5,
      previousMemberEpoch: 4,
      subscribedTopicNames: ['foo'],
      assignedPartitions: withEpochs(mk([FOO, 2, 3, 4, 5]), 5),
    });
    // Epoch 6 > assignment epoch 5, so the replacement's heartbeat computes a target.
    ctx.coordinator.replay(
      groupRecords(ctx, {
        groupEpoch: 6,
        members: [old, other],
        targets: { old: mk([FOO, 0, 1]), other: mk([FOO, 2, 3, 4, 5]) },
        assignmentEpoch: 5,
        topics: ['foo'],
      }),
    );
    a.prepare({ new: mk([FOO, 0, 1]), other: mk([FOO, 2, 3, 4, 5]) });
    send(
      ctx,
      hb({
        memberId: 'new',
        instanceId: 'i',
        memberEpoch: 0,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo'],
        topicPartitions: [],
      }),
    );
    const spec = a.lastSpec;
    assert.deepEqual([...(spec?.members.keys() ?? [])].sort(), ['new', 'other']);
    assert.deepEqual([...(spec?.members.get('new')?.assignment.get(FOO) ?? [])], [0, 1]);
    assert.equal(spec?.isPartitionAssigned(FOO, 0), true);
    assert.equal(spec?.isPartitionAssigned(FOO, 9), false);
  });
});
