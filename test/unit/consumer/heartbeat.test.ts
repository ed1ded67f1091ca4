/**
 * Golden heartbeat flows G14–G20 (reference §4; GroupMetadataManagerTest), checked against Kafka
 * 4.3.1's values — responses and the exact record sequences — and, where older releases differ,
 * against theirs.
 */
import { strict as assert } from 'node:assert';
import type { ConsumerGroupHeartbeatResponse } from '../../../src/simulator/consumer/messages';
import type { ConsumerGroupRecord } from '../../../src/simulator/consumer/records';
import { type ConsumerGroupMember, withEpochsReset } from '../../../src/simulator/consumer/member';
import {
  CLIENT_HOST,
  CLIENT_ID,
  currentRecord,
  currentTombstone,
  epochRecord,
  GROUP,
  groupRecords,
  hb,
  json,
  makeContext,
  member,
  memberRecord,
  memberTombstone,
  metadataHashOf,
  mk,
  mkEpochs,
  MockAssignor,
  owned,
  partitionMetadataRecord,
  targetEpochRecord,
  targetRecord,
  targetTombstone,
  type TestContext,
  withEpochs,
} from './helpers';

const FOO = 'fooTopicId';
const BAR = 'barTopicId';
const ZAR = 'zarTopicId';

function send(
  ctx: TestContext,
  request: Parameters<TestContext['coordinator']['consumerGroupHeartbeat']>[0],
) {
  const before = ctx.coordinator.records().length;
  const res = ctx.coordinator.consumerGroupHeartbeat(request);
  return { res, recs: ctx.coordinator.records().slice(before) };
}

function advance(ctx: TestContext, ms: number): ConsumerGroupRecord[] {
  const before = ctx.coordinator.records().length;
  ctx.timers.runUntil(ctx.timers.now() + ms);
  return ctx.coordinator.records().slice(before);
}

function ok(res: ConsumerGroupHeartbeatResponse, expected: Partial<ConsumerGroupHeartbeatResponse>): void {
  assert.equal(res.errorCode, 'NONE', `unexpected error ${res.errorCode}: ${res.errorMessage}`);
  assert.deepEqual(
    {
      memberId: res.memberId,
      memberEpoch: res.memberEpoch,
      heartbeatIntervalMs: res.heartbeatIntervalMs,
      assignment: res.assignment,
    },
    {
      memberId: res.memberId,
      memberEpoch: res.memberEpoch,
      heartbeatIntervalMs: res.heartbeatIntervalMs,
      assignment: null,
      ...expected,
    },
  );
}

function failed(res: ConsumerGroupHeartbeatResponse, error: string, message?: string): void {
  assert.equal(res.errorCode, error, `expected ${error}, got ${res.errorCode} (${res.errorMessage})`);
  if (message !== undefined) assert.equal(res.errorMessage, message);
}

function rangeAssignor(ctx: TestContext): MockAssignor {
  const a = ctx.assignors.get('range');
  assert.ok(a instanceof MockAssignor);
  return a;
}

function stateOf(ctx: TestContext, memberId: string): string | null | undefined {
  return ctx.coordinator.describe(GROUP)?.members.find((m) => m.memberId === memberId)?.reconciliation;
}

const fooBar = [
  ['foo', FOO, 6],
  ['bar', BAR, 3],
] as const;

describe('consumer coordinator: heartbeat flows', () => {
  describe('G14 a member joins an empty group', () => {
    const join = hb({
      memberId: 'm1',
      memberEpoch: 0,
      serverAssignor: 'range',
      rebalanceTimeoutMs: 5000,
      subscribedTopicNames: ['foo', 'bar'],
      topicPartitions: [],
    });

    it('4.3: epoch 2 (groups start at 1), records as Kafka writes them', () => {
      const ctx = makeContext({ topics: fooBar });
      rangeAssignor(ctx).prepare({ m1: mk([FOO, 0, 1, 2, 3, 4, 5], [BAR, 0, 1, 2]) });
      const { res, recs } = send(ctx, join);
      ok(res, {
        memberId: 'm1',
        memberEpoch: 2,
        heartbeatIntervalMs: 5000,
        assignment: {
          topicPartitions: [
            { topicId: BAR, partitions: [0, 1, 2] },
            { topicId: FOO, partitions: [0, 1, 2, 3, 4, 5] },
          ],
        },
      });
      const expected = member('m1', {
        memberEpoch: 2,
        previousMemberEpoch: 0,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignorName: 'range',
        assignedPartitions: withEpochs(mk([FOO, 0, 1, 2, 3, 4, 5], [BAR, 0, 1, 2]), 2),
      });
      assert.deepEqual(
        json(recs),
        json([
          memberRecord(expected),
          epochRecord(2, metadataHashOf(ctx, ['foo', 'bar'])),
          targetRecord('m1', mk([FOO, 0, 1, 2, 3, 4, 5], [BAR, 0, 1, 2])),
          targetEpochRecord(2, 1000),
          currentRecord(expected),
        ]),
      );
      assert.equal(ctx.coordinator.describe(GROUP)?.state, 'Stable');
    });

    it('4.0: epoch 1, a ConsumerGroupPartitionMetadata record, no per-partition epochs', () => {
      const ctx = makeContext({ version: '4.0', topics: fooBar });
      rangeAssignor(ctx).prepare({ m1: mk([FOO, 0, 1, 2, 3, 4, 5], [BAR, 0, 1, 2]) });
      const { res, recs } = send(ctx, join);
      assert.equal(res.memberEpoch, 1);
      const expected = member('m1', {
        memberEpoch: 1,
        previousMemberEpoch: 0,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignorName: 'range',
        assignedPartitions: withEpochs(mk([FOO, 0, 1, 2, 3, 4, 5], [BAR, 0, 1, 2]), 1),
      });
      assert.deepEqual(
        json(recs),
        json([
          memberRecord(expected),
          partitionMetadataRecord(fooBar),
          epochRecord(1, null),
          targetRecord('m1', mk([FOO, 0, 1, 2, 3, 4, 5], [BAR, 0, 1, 2])),
          targetEpochRecord(1, null),
          currentRecord(expected, '4.0'),
        ]),
      );
    });

    it('4.1 and 4.2: epoch 1 with the metadata hash', () => {
      for (const version of ['4.1', '4.2'] as const) {
        const ctx = makeContext({ version, topics: fooBar });
        rangeAssignor(ctx).prepare({ m1: mk([FOO, 0, 1, 2, 3, 4, 5], [BAR, 0, 1, 2]) });
        const { res, recs } = send(ctx, join);
        assert.equal(res.memberEpoch, 1, version);
        assert.deepEqual(
          json([recs[1]]),
          json([epochRecord(1, metadataHashOf(ctx, ['foo', 'bar']))]),
          version,
        );
        assert.equal(recs.length, 5, version);
      }
    });
  });

  describe('G15 the reconciliation process', () => {
    function setup(version: '4.0' | '4.3' = '4.3'): TestContext {
      const ctx = makeContext({ version, topics: fooBar });
      const m1 = member('m1', {
        memberEpoch: 10,
        previousMemberEpoch: 9,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignorName: 'range',
        assignedPartitions: withEpochs(mk([FOO, 0, 1, 2], [BAR, 0, 1]), 10),
      });
      const m2 = member('m2', {
        memberEpoch: 10,
        previousMemberEpoch: 9,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignorName: 'range',
        assignedPartitions: withEpochs(mk([FOO, 3, 4, 5], [BAR, 2]), 10),
      });
      const records = groupRecords(ctx, {
        groupEpoch: 10,
        members: [m1, m2],
        targets: { m1: mk([FOO, 0, 1, 2], [BAR, 0, 1]), m2: mk([FOO, 3, 4, 5], [BAR, 2]) },
        assignmentEpoch: 10,
        topics: ['foo', 'bar'],
      });
      if (version === '4.0') records.splice(2, 0, partitionMetadataRecord(fooBar));
      ctx.coordinator.replay(records);
      rangeAssignor(ctx).prepare({
        m1: mk([FOO, 0, 1], [BAR, 0]),
        m2: mk([FOO, 2, 3], [BAR, 2]),
        m3: mk([FOO, 4, 5], [BAR, 1]),
      });
      return ctx;
    }

    it('steps 1–10: responses, records and states (4.3.1)', () => {
      const ctx = setup();
      assert.equal(ctx.coordinator.describe(GROUP)?.state, 'Stable');
      const base = {
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignorName: 'range',
      };

      // 1. m3 joins: epoch 11, UNRELEASED, no partitions yet.
      let r = send(
        ctx,
        hb({
          memberId: 'm3',
          memberEpoch: 0,
          rebalanceTimeoutMs: 5000,
          subscribedTopicNames: ['foo', 'bar'],
          serverAssignor: 'range',
          topicPartitions: [],
        }),
      );
      ok(r.res, {
        memberId: 'm3',
        memberEpoch: 11,
        heartbeatIntervalMs: 5000,
        assignment: { topicPartitions: [] },
      });
      assert.deepEqual(
        json([r.recs[r.recs.length - 1]]),
        json([
          currentRecord(
            member('m3', {
              ...base,
              state: 'UNRELEASED_PARTITIONS',
              memberEpoch: 11,
              previousMemberEpoch: 0,
            }),
          ),
        ]),
      );
      assert.equal(stateOf(ctx, 'm3'), 'UNRELEASED_PARTITIONS');
      assert.equal(ctx.coordinator.describe(GROUP)?.state, 'Reconciling');

      // 2. m1 keeps epoch 10 and must revoke foo-2 and bar-1.
      r = send(ctx, hb({ memberId: 'm1', memberEpoch: 10 }));
      ok(r.res, {
        memberId: 'm1',
        memberEpoch: 10,
        heartbeatIntervalMs: 5000,
        assignment: {
          topicPartitions: [
            { topicId: BAR, partitions: [0] },
            { topicId: FOO, partitions: [0, 1] },
          ],
        },
      });
      assert.deepEqual(
        json(r.recs),
        json([
          currentRecord(
            member('m1', {
              ...base,
              state: 'UNREVOKED_PARTITIONS',
              memberEpoch: 10,
              previousMemberEpoch: 10,
              assignedPartitions: withEpochs(mk([FOO, 0, 1], [BAR, 0]), 10),
              partitionsPendingRevocation: withEpochs(mk([FOO, 2], [BAR, 1]), 10),
            }),
          ),
        ]),
      );

      // 3. m2 keeps epoch 10 and must revoke foo-4 and foo-5.
      r = send(ctx, hb({ memberId: 'm2', memberEpoch: 10 }));
      ok(r.res, {
        memberId: 'm2',
        memberEpoch: 10,
        heartbeatIntervalMs: 5000,
        assignment: {
          topicPartitions: [
            { topicId: BAR, partitions: [2] },
            { topicId: FOO, partitions: [3] },
          ],
        },
      });
      assert.deepEqual(
        json(r.recs),
        json([
          currentRecord(
            member('m2', {
              ...base,
              state: 'UNREVOKED_PARTITIONS',
              memberEpoch: 10,
              previousMemberEpoch: 10,
              assignedPartitions: withEpochs(mk([FOO, 3], [BAR, 2]), 10),
              partitionsPendingRevocation: withEpochs(mk([FOO, 4, 5]), 10),
            }),
          ),
        ]),
      );

      // 4. m3 still waits; its previous epoch becomes 11.
      r = send(ctx, hb({ memberId: 'm3', memberEpoch: 11 }));
      ok(r.res, { memberId: 'm3', memberEpoch: 11, heartbeatIntervalMs: 5000 });
      assert.deepEqual(
        json(r.recs),
        json([
          currentRecord(
            member('m3', {
              ...base,
              state: 'UNRELEASED_PARTITIONS',
              memberEpoch: 11,
              previousMemberEpoch: 11,
            }),
          ),
        ]),
      );

      // 5. m1 acknowledges: epoch 11, STABLE; kept partitions keep epoch 10.
      r = send(ctx, hb({ memberId: 'm1', memberEpoch: 10, topicPartitions: owned([FOO, 0, 1], [BAR, 0]) }));
      ok(r.res, { memberId: 'm1', memberEpoch: 11, heartbeatIntervalMs: 5000 });
      assert.deepEqual(
        json(r.recs),
        json([
          currentRecord(
            member('m1', {
              ...base,
              memberEpoch: 11,
              previousMemberEpoch: 10,
              assignedPartitions: withEpochs(mk([FOO, 0, 1], [BAR, 0]), 10),
            }),
          ),
        ]),
      );
      assert.equal(stateOf(ctx, 'm1'), 'STABLE');

      // 6. m2 heartbeats without acknowledging: nothing changes.
      r = send(ctx, hb({ memberId: 'm2', memberEpoch: 10 }));
      ok(r.res, { memberId: 'm2', memberEpoch: 10, heartbeatIntervalMs: 5000 });
      assert.deepEqual(r.recs, []);

      // 7. m3 gets bar-1 (released by m1) and keeps waiting for foo-4, foo-5.
      r = send(ctx, hb({ memberId: 'm3', memberEpoch: 11 }));
      ok(r.res, {
        memberId: 'm3',
        memberEpoch: 11,
        heartbeatIntervalMs: 5000,
        assignment: { topicPartitions: [{ topicId: BAR, partitions: [1] }] },
      });
      assert.deepEqual(
        json(r.recs),
        json([
          currentRecord(
            member('m3', {
              ...base,
              state: 'UNRELEASED_PARTITIONS',
              memberEpoch: 11,
              previousMemberEpoch: 11,
              assignedPartitions: withEpochs(mk([BAR, 1]), 11),
            }),
          ),
        ]),
      );

      // 8. Nothing new for m3.
      r = send(ctx, hb({ memberId: 'm3', memberEpoch: 11 }));
      ok(r.res, { memberId: 'm3', memberEpoch: 11, heartbeatIntervalMs: 5000 });
      assert.deepEqual(r.recs, []);

      // 9. m2 acknowledges and receives foo-2 (released by m1) at epoch 11.
      r = send(ctx, hb({ memberId: 'm2', memberEpoch: 10, topicPartitions: owned([FOO, 3], [BAR, 2]) }));
      ok(r.res, {
        memberId: 'm2',
        memberEpoch: 11,
        heartbeatIntervalMs: 5000,
        assignment: {
          topicPartitions: [
            { topicId: BAR, partitions: [2] },
            { topicId: FOO, partitions: [2, 3] },
          ],
        },
      });
      assert.deepEqual(
        json(r.recs),
        json([
          currentRecord(
            member('m2', {
              ...base,
              memberEpoch: 11,
              previousMemberEpoch: 10,
              assignedPartitions: mkEpochs([FOO, 11, 2], [FOO, 10, 3], [BAR, 10, 2]),
            }),
          ),
        ]),
      );
      assert.equal(ctx.coordinator.describe(GROUP)?.state, 'Reconciling');

      // 10. m3 gets foo-4 and foo-5; the group is Stable.
      r = send(ctx, hb({ memberId: 'm3', memberEpoch: 11, topicPartitions: owned([BAR, 1]) }));
      ok(r.res, {
        memberId: 'm3',
        memberEpoch: 11,
        heartbeatIntervalMs: 5000,
        assignment: {
          topicPartitions: [
            { topicId: BAR, partitions: [1] },
            { topicId: FOO, partitions: [4, 5] },
          ],
        },
      });
      assert.deepEqual(
        json(r.recs),
        json([
          currentRecord(
            member('m3', {
              ...base,
              memberEpoch: 11,
              previousMemberEpoch: 11,
              assignedPartitions: withEpochs(mk([FOO, 4, 5], [BAR, 1]), 11),
            }),
          ),
        ]),
      );
      assert.equal(ctx.coordinator.describe(GROUP)?.state, 'Stable');
    });

    it('the same steps under 4.0 end in the same assignment, with no per-partition epochs in records', () => {
      const ctx = setup('4.0');
      send(
        ctx,
        hb({
          memberId: 'm3',
          memberEpoch: 0,
          rebalanceTimeoutMs: 5000,
          subscribedTopicNames: ['foo', 'bar'],
          serverAssignor: 'range',
          topicPartitions: [],
        }),
      );
      send(ctx, hb({ memberId: 'm1', memberEpoch: 10 }));
      send(ctx, hb({ memberId: 'm2', memberEpoch: 10 }));
      const ack = send(
        ctx,
        hb({ memberId: 'm1', memberEpoch: 10, topicPartitions: owned([FOO, 0, 1], [BAR, 0]) }),
      );
      assert.equal(ack.res.memberEpoch, 11);
      const last = ack.recs[0];
      assert.ok(last.type === 'ConsumerGroupCurrentMemberAssignment' && last.value !== null);
      assert.equal(last.value.assignedPartitions[0].assignmentEpochs, undefined);
      send(ctx, hb({ memberId: 'm2', memberEpoch: 10, topicPartitions: owned([FOO, 3], [BAR, 2]) }));
      send(ctx, hb({ memberId: 'm3', memberEpoch: 11, topicPartitions: [] }));
      const done = send(ctx, hb({ memberId: 'm3', memberEpoch: 11, topicPartitions: owned([BAR, 1]) }));
      assert.deepEqual(done.res.assignment, null);
      const snapshot = ctx.coordinator.describe(GROUP);
      assert.equal(snapshot?.state, 'Stable');
      assert.deepEqual(snapshot?.members.find((m) => m.memberId === 'm3')?.assignment, {
        bar: [1],
        foo: [4, 5],
      });
    });
  });

  describe('G16 member epoch validation', () => {
    function setup(version: '4.1' | '4.3' = '4.3'): TestContext {
      const ctx = makeContext({ version, topics: [['foo', FOO, 6]] });
      const m = member('m1', {
        memberEpoch: 100,
        previousMemberEpoch: 99,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignorName: 'range',
        assignedPartitions: withEpochs(mk([FOO, 1, 2, 3]), 100),
      });
      ctx.coordinator.replay([
        memberRecord(m),
        epochRecord(100, 0n),
        targetRecord('m1', mk([FOO, 1, 2, 3])),
        targetEpochRecord(100, 12345),
        currentRecord(m, version),
      ]);
      return ctx;
    }
    const req = (memberEpoch: number, parts: ReturnType<typeof owned> | null = null) =>
      hb({
        memberId: 'm1',
        memberEpoch,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        topicPartitions: parts,
      });

    it('fences a greater epoch, a smaller one, and the previous epoch without owned partitions', () => {
      const ctx = setup();
      for (const e of [200, 50, 99]) {
        const { res, recs } = send(ctx, req(e));
        failed(res, 'FENCED_MEMBER_EPOCH');
        assert.deepEqual(recs, []);
      }
      const fenced = ctx.events.filter((e) => e.type === 'member-fenced');
      assert.equal(fenced.length, 3);
    });

    it('accepts the previous epoch with a subset of the assignment and answers epoch 100', () => {
      const ctx = setup();
      const { res } = send(ctx, req(99, owned([FOO, 1, 2])));
      assert.equal(res.errorCode, 'NONE');
      assert.equal(res.memberEpoch, 100);
    });

    it('epoch 0 from a known member: accepted from 4.2 (PR #21305), fenced before', () => {
      const now = setup('4.3');
      const r43 = send(
        now,
        hb({
          memberId: 'm1',
          memberEpoch: 0,
          rebalanceTimeoutMs: 5000,
          subscribedTopicNames: ['foo', 'bar'],
          topicPartitions: [],
        }),
      );
      ok(r43.res, {
        memberId: 'm1',
        memberEpoch: 100,
        heartbeatIntervalMs: 5000,
        assignment: { topicPartitions: [{ topicId: FOO, partitions: [1, 2, 3] }] },
      });
      const before = setup('4.1');
      failed(
        send(
          before,
          hb({
            memberId: 'm1',
            memberEpoch: 0,
            rebalanceTimeoutMs: 5000,
            subscribedTopicNames: ['foo', 'bar'],
            topicPartitions: [],
          }),
        ).res,
        'FENCED_MEMBER_EPOCH',
      );
    });
  });

  it('G17 a leaving member bumps the group epoch and the metadata hash drops its topic', () => {
    const ctx = makeContext({ topics: [...fooBar, ['zar', ZAR, 1]] });
    const m1 = member('m1', {
      memberEpoch: 10,
      previousMemberEpoch: 9,
      subscribedTopicNames: ['foo', 'bar'],
      serverAssignorName: 'range',
      assignedPartitions: withEpochs(mk([FOO, 0, 1, 2], [BAR, 0, 1]), 10),
    });
    const m2 = member('m2', {
      memberEpoch: 10,
      previousMemberEpoch: 9,
      subscribedTopicNames: ['foo', 'bar', 'zar'],
      serverAssignorName: 'range',
      assignedPartitions: withEpochs(mk([FOO, 3, 4, 5], [BAR, 2]), 10),
    });
    ctx.coordinator.replay(
      groupRecords(ctx, {
        groupEpoch: 10,
        members: [m1, m2],
        targets: { m1: mk([FOO, 0, 1, 2], [BAR, 0, 1]), m2: mk([FOO, 3, 4, 5], [BAR, 2]) },
        assignmentEpoch: 10,
        topics: ['foo', 'bar', 'zar'],
      }),
    );
    const assignor = rangeAssignor(ctx);
    const { res, recs } = send(
      ctx,
      hb({
        memberId: 'm2',
        memberEpoch: -1,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        topicPartitions: [],
      }),
    );
    ok(res, { memberId: 'm2', memberEpoch: -1, heartbeatIntervalMs: 0 });
    assert.deepEqual(
      json(recs),
      json([
        currentTombstone('m2'),
        targetTombstone('m2'),
        memberTombstone('m2'),
        epochRecord(11, metadataHashOf(ctx, ['foo', 'bar'])),
      ]),
    );
    assert.equal(assignor.calls, 0, 'no target is computed on leave');
    const snapshot = ctx.coordinator.describe(GROUP);
    assert.equal(snapshot?.state, 'Assigning');
    assert.deepEqual(
      snapshot?.members.map((m) => m.memberId),
      ['m1'],
    );
    const left = ctx.events.find((e) => e.type === 'member-left');
    assert.ok(left?.type === 'member-left' && left.reason === 'leave-group' && left.memberId === 'm2');
  });

  it('G17 under 4.0: the subscription metadata record is rewritten without zar', () => {
    const ctx = makeContext({ version: '4.0', topics: [...fooBar, ['zar', ZAR, 1]] });
    const m1 = member('m1', {
      memberEpoch: 10,
      previousMemberEpoch: 9,
      subscribedTopicNames: ['foo', 'bar'],
    });
    const m2 = member('m2', {
      memberEpoch: 10,
      previousMemberEpoch: 9,
      subscribedTopicNames: ['foo', 'bar', 'zar'],
    });
    const records = groupRecords(ctx, {
      groupEpoch: 10,
      members: [m1, m2],
      targets: {},
      assignmentEpoch: 10,
    });
    records.splice(2, 0, partitionMetadataRecord([...fooBar, ['zar', ZAR, 1]]));
    ctx.coordinator.replay(records);
    const { recs } = send(ctx, hb({ memberId: 'm2', memberEpoch: -1 }));
    assert.deepEqual(
      json(recs),
      json([
        currentTombstone('m2'),
        targetTombstone('m2'),
        memberTombstone('m2'),
        partitionMetadataRecord(fooBar),
        epochRecord(11, null),
      ]),
    );
  });

  it('G18 group states while records are replayed', () => {
    const ctx = makeContext({ topics: [['foo', FOO, 6]] });
    ctx.coordinator.replay([epochRecord(10, 0n), targetEpochRecord(10, 0)]);
    const state = () => ctx.coordinator.describe(GROUP)?.state;
    assert.equal(state(), 'Empty');
    ctx.coordinator.replay([
      memberRecord(member('m1', { subscribedTopicNames: ['foo'] })),
      epochRecord(11, metadataHashOf(ctx, ['foo'])),
    ]);
    assert.equal(state(), 'Assigning');
    ctx.coordinator.replay([targetRecord('m1', mk([FOO, 1, 2, 3])), targetEpochRecord(11, 12345)]);
    assert.equal(state(), 'Reconciling');
    ctx.coordinator.replay([
      currentRecord(
        member('m1', {
          state: 'UNREVOKED_PARTITIONS',
          memberEpoch: 11,
          previousMemberEpoch: 10,
          assignedPartitions: withEpochs(mk([FOO, 1, 2, 3]), 10),
        }),
      ),
    ]);
    assert.equal(state(), 'Reconciling');
    ctx.coordinator.replay([
      currentRecord(
        member('m1', {
          state: 'STABLE',
          memberEpoch: 11,
          previousMemberEpoch: 10,
          assignedPartitions: withEpochs(mk([FOO, 1, 2, 3]), 10),
        }),
      ),
    ]);
    assert.equal(state(), 'Stable');
  });

  it('G19 the rebalance timeout fences a member that does not revoke in time', () => {
    const ctx = makeContext({ topics: [['foo', FOO, 3]] });
    const assignor = rangeAssignor(ctx);
    assignor.prepare({ m1: mk([FOO, 0, 1, 2]) });
    let r = send(
      ctx,
      hb({
        memberId: 'm1',
        memberEpoch: 0,
        rebalanceTimeoutMs: 10000,
        subscribedTopicNames: ['foo'],
        topicPartitions: [],
      }),
    );
    ok(r.res, {
      memberId: 'm1',
      memberEpoch: 2,
      heartbeatIntervalMs: 5000,
      assignment: { topicPartitions: [{ topicId: FOO, partitions: [0, 1, 2] }] },
    });
    assert.deepEqual(advance(ctx, 5000), []);
    assignor.prepare({ m1: mk([FOO, 0, 1]), m2: mk([FOO, 2]) });
    r = send(
      ctx,
      hb({
        memberId: 'm2',
        memberEpoch: 0,
        rebalanceTimeoutMs: 10000,
        subscribedTopicNames: ['foo'],
        topicPartitions: [],
      }),
    );
    ok(r.res, {
      memberId: 'm2',
      memberEpoch: 3,
      heartbeatIntervalMs: 5000,
      assignment: { topicPartitions: [] },
    });
    assert.deepEqual(advance(ctx, 5000), []);
    r = send(ctx, hb({ memberId: 'm1', memberEpoch: 2 }));
    ok(r.res, {
      memberId: 'm1',
      memberEpoch: 2,
      heartbeatIntervalMs: 5000,
      assignment: { topicPartitions: [{ topicId: FOO, partitions: [0, 1] }] },
    });
    assert.ok(ctx.timers.isScheduled('rebalance-timeout-fooup-m1'));
    const expired = advance(ctx, 10000 + 1);
    assert.deepEqual(
      json(expired),
      json([
        currentTombstone('m1'),
        targetTombstone('m1'),
        memberTombstone('m1'),
        epochRecord(4, metadataHashOf(ctx, ['foo'])),
      ]),
    );
    assert.equal(ctx.timers.isScheduled('session-timeout-fooup-m1'), false);
    assert.equal(ctx.timers.isScheduled('rebalance-timeout-fooup-m1'), false);
    const left = ctx.events.find((e) => e.type === 'member-left');
    assert.ok(left?.type === 'member-left' && left.reason === 'rebalance-timeout');
    const bump = ctx.events.filter((e) => e.type === 'group-epoch-bumped').at(-1);
    assert.ok(bump?.type === 'group-epoch-bumped' && bump.to === 4 && /rebalance timeout/.test(bump.reason));
  });

  describe('G20 static membership: temporary leave and rejoin', () => {
    function setup(): { ctx: TestContext; m2: ConsumerGroupMember } {
      const ctx = makeContext({ topics: fooBar });
      const m1 = member('m1', {
        instanceId: 'm1',
        memberEpoch: 10,
        previousMemberEpoch: 9,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignorName: 'range',
        assignedPartitions: withEpochs(mk([FOO, 0, 1, 2], [BAR, 0, 1]), 10),
      });
      const m2 = member('m2', {
        instanceId: 'm2',
        memberEpoch: 10,
        previousMemberEpoch: 9,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignorName: 'range',
        assignedPartitions: withEpochs(mk([FOO, 3, 4, 5], [BAR, 2]), 10),
      });
      ctx.coordinator.replay(
        groupRecords(ctx, {
          groupEpoch: 10,
          members: [m1, m2],
          targets: { m1: mk([FOO, 0, 1, 2], [BAR, 0, 1]), m2: mk([FOO, 3, 4, 5], [BAR, 2]) },
          assignmentEpoch: 10,
          topics: ['foo', 'bar'],
        }),
      );
      return { ctx, m2 };
    }

    it('leave with -2 writes one record and no epoch bump; the rejoin gets the assignment back at epoch 10', () => {
      const { ctx, m2 } = setup();
      const leave = send(
        ctx,
        hb({
          memberId: 'm2',
          instanceId: 'm2',
          memberEpoch: -2,
          subscribedTopicNames: ['foo', 'bar'],
          topicPartitions: [],
        }),
      );
      ok(leave.res, { memberId: 'm2', memberEpoch: -2, heartbeatIntervalMs: 0 });
      const leaving: ConsumerGroupMember = {
        ...m2,
        memberEpoch: -2,
        partitionsPendingRevocation: new Map(),
        assignedPartitions: withEpochsReset(m2.assignedPartitions),
      };
      assert.deepEqual(json(leave.recs), json([currentRecord(leaving)]));
      assert.ok(
        ctx.timers.isScheduled('session-timeout-fooup-m2') === false,
        'the replayed group has no timers until onLoaded',
      );

      const rejoin = send(
        ctx,
        hb({
          memberId: 'm2-rejoined',
          instanceId: 'm2',
          memberEpoch: 0,
          rebalanceTimeoutMs: 5000,
          serverAssignor: 'range',
          subscribedTopicNames: ['foo', 'bar'],
          topicPartitions: [],
        }),
      );
      ok(rejoin.res, {
        memberId: 'm2-rejoined',
        memberEpoch: 10,
        heartbeatIntervalMs: 5000,
        assignment: {
          topicPartitions: [
            { topicId: BAR, partitions: [2] },
            { topicId: FOO, partitions: [3, 4, 5] },
          ],
        },
      });
      const copy = member('m2-rejoined', {
        instanceId: 'm2',
        memberEpoch: 0,
        previousMemberEpoch: 0,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignorName: 'range',
        assignedPartitions: withEpochs(mk([FOO, 3, 4, 5], [BAR, 2]), 0),
      });
      assert.deepEqual(
        json(rejoin.recs),
        json([
          currentTombstone('m2'),
          targetTombstone('m2'),
          memberTombstone('m2'),
          memberRecord(copy),
          targetRecord('m2-rejoined', mk([FOO, 3, 4, 5], [BAR, 2])),
          currentRecord(copy),
          currentRecord({ ...copy, memberEpoch: 10, previousMemberEpoch: 0 }),
        ]),
      );
      assert.equal(ctx.coordinator.describe(GROUP)?.groupEpoch, 10, 'no GroupEpoch record');
      assert.equal(ctx.timers.isScheduled('session-timeout-fooup-m2'), false);
      assert.equal(ctx.timers.isScheduled('rebalance-timeout-fooup-m2'), false);
      const replaced = ctx.events.find((e) => e.type === 'static-member-replaced');
      assert.ok(
        replaced?.type === 'static-member-replaced' &&
          replaced.oldMemberId === 'm2' &&
          replaced.newMemberId === 'm2-rejoined' &&
          !replaced.rebalance,
      );
    });

    it('UNRELEASED_INSTANCE_ID while the old instance has not left; FENCED_INSTANCE_ID for another member id', () => {
      const { ctx } = setup();
      failed(
        send(
          ctx,
          hb({
            memberId: 'other',
            instanceId: 'm2',
            memberEpoch: 0,
            rebalanceTimeoutMs: 5000,
            subscribedTopicNames: ['foo', 'bar'],
            topicPartitions: [],
          }),
        ).res,
        'UNRELEASED_INSTANCE_ID',
        'Static member other with instance id m2 cannot join the group because the instance id is owned by m2 member.',
      );
      failed(
        send(ctx, hb({ memberId: 'other', instanceId: 'm2', memberEpoch: 10 })).res,
        'FENCED_INSTANCE_ID',
        'Static member other with instance id m2 was fenced by member m2.',
      );
      failed(
        send(ctx, hb({ memberId: 'x', instanceId: 'nobody', memberEpoch: 10 })).res,
        'UNKNOWN_MEMBER_ID',
        'Instance id nobody is unknown.',
      );
      failed(
        send(ctx, hb({ memberId: 'x', instanceId: 'nobody', memberEpoch: -2 })).res,
        'UNKNOWN_MEMBER_ID',
      );
    });

    it('a static member that does not come back within the session timeout is fenced and the epoch bumps', () => {
      const { ctx } = setup();
      ctx.coordinator.onLoaded();
      send(ctx, hb({ memberId: 'm1', instanceId: 'm1', memberEpoch: 10 }));
      send(ctx, hb({ memberId: 'm2', instanceId: 'm2', memberEpoch: -2 }));
      assert.deepEqual(advance(ctx, 40_000), []);
      send(ctx, hb({ memberId: 'm1', instanceId: 'm1', memberEpoch: 10 }));
      const expired = advance(ctx, 5_000);
      assert.equal(expired.length, 4);
      assert.deepEqual(
        json(expired.slice(0, 3)),
        json([currentTombstone('m2'), targetTombstone('m2'), memberTombstone('m2')]),
      );
      assert.deepEqual(
        json(expired.slice(3, 4)),
        json([epochRecord(11, metadataHashOf(ctx, ['foo', 'bar']))]),
      );
      const reasons = ctx.events
        .filter((e) => e.type === 'member-left')
        .map((e) => (e.type === 'member-left' ? e.reason : ''));
      assert.deepEqual(reasons, ['static-leave', 'session-timeout']);
    });

    it('a static member leaving with -1 leaves for good', () => {
      const { ctx } = setup();
      const { res, recs } = send(ctx, hb({ memberId: 'm2', instanceId: 'm2', memberEpoch: -1 }));
      ok(res, { memberId: 'm2', memberEpoch: -1, heartbeatIntervalMs: 0 });
      assert.equal(recs.length, 4);
      assert.equal(ctx.coordinator.describe(GROUP)?.groupEpoch, 11);
    });
  });
});

describe('consumer coordinator: request validation and errors', () => {
  const ctx = makeContext({ topics: fooBar });
  const cases: [string, Parameters<typeof hb>[0], string, string][] = [
    [
      'an empty member id (v1)',
      { memberId: '', memberEpoch: 0, rebalanceTimeoutMs: 1, subscribedTopicNames: [], topicPartitions: [] },
      'INVALID_REQUEST',
      "MemberId can't be empty.",
    ],
    [
      'a blank group id',
      {
        groupId: '  ',
        memberId: 'm',
        memberEpoch: 0,
        rebalanceTimeoutMs: 1,
        subscribedTopicNames: [],
        topicPartitions: [],
      },
      'INVALID_REQUEST',
      "GroupId can't be empty.",
    ],
    [
      'an empty instance id',
      { memberId: 'm', instanceId: '', memberEpoch: 1 },
      'INVALID_REQUEST',
      "InstanceId can't be empty.",
    ],
    [
      'an empty rack id',
      { memberId: 'm', rackId: '', memberEpoch: 1 },
      'INVALID_REQUEST',
      "RackId can't be empty.",
    ],
    [
      'a join without rebalance timeout',
      { memberId: 'm', memberEpoch: 0, subscribedTopicNames: [], topicPartitions: [] },
      'INVALID_REQUEST',
      'RebalanceTimeoutMs must be provided in first request.',
    ],
    [
      'a join with owned partitions',
      {
        memberId: 'm',
        memberEpoch: 0,
        rebalanceTimeoutMs: 1,
        subscribedTopicNames: [],
        topicPartitions: owned([FOO, 1]),
      },
      'INVALID_REQUEST',
      'TopicPartitions must be empty when (re-)joining.',
    ],
    [
      'a join with null owned partitions',
      { memberId: 'm', memberEpoch: 0, rebalanceTimeoutMs: 1, subscribedTopicNames: [] },
      'INVALID_REQUEST',
      'TopicPartitions must be empty when (re-)joining.',
    ],
    [
      'a join without a subscription',
      { memberId: 'm', memberEpoch: 0, rebalanceTimeoutMs: 1, topicPartitions: [] },
      'INVALID_REQUEST',
      'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.',
    ],
    [
      'a static leave without instance id',
      { memberId: 'm', memberEpoch: -2 },
      'INVALID_REQUEST',
      "InstanceId can't be null.",
    ],
    ['an epoch below -2', { memberId: 'm', memberEpoch: -3 }, 'INVALID_REQUEST', 'MemberEpoch is invalid.'],
    [
      'an unknown assignor',
      {
        memberId: 'm',
        memberEpoch: 0,
        rebalanceTimeoutMs: 1,
        subscribedTopicNames: [],
        topicPartitions: [],
        serverAssignor: 'sticky',
      },
      'UNSUPPORTED_ASSIGNOR',
      'ServerAssignor sticky is not supported. Supported assignors: range.',
    ],
    [
      'a heartbeat to an unknown group',
      { memberId: 'm', memberEpoch: 5 },
      'GROUP_ID_NOT_FOUND',
      'Consumer group fooup not found.',
    ],
    [
      'a leave from an unknown group',
      { memberId: 'm', memberEpoch: -1 },
      'GROUP_ID_NOT_FOUND',
      'Group fooup not found.',
    ],
    [
      'an invalid regex',
      {
        memberId: 'm',
        memberEpoch: 0,
        rebalanceTimeoutMs: 1,
        subscribedTopicRegex: '[a-',
        topicPartitions: [],
      },
      'INVALID_REGULAR_EXPRESSION',
      'SubscribedTopicRegex `[a-` is not a valid regular expression: Illegal character range.',
    ],
  ];
  for (const [what, req, error, message] of cases) {
    it(`rejects ${what} with ${error}`, () => {
      const res = ctx.coordinator.consumerGroupHeartbeat(hb(req));
      failed(res, error);
      if (message !== '') assert.equal(res.errorMessage, message);
      assert.equal(res.memberId, null);
      assert.equal(ctx.coordinator.hasGroup(GROUP), false, 'a failed join creates no group');
    });
  }

  it('v0 lets the coordinator generate a member id, deterministically from the seed', () => {
    const a = makeContext({ topics: fooBar, seed: 7 });
    const b = makeContext({ topics: fooBar, seed: 7 });
    const req = hb({
      memberId: '',
      memberEpoch: 0,
      rebalanceTimeoutMs: 1,
      subscribedTopicNames: [],
      topicPartitions: [],
      apiVersion: 0,
    });
    const ra = a.coordinator.consumerGroupHeartbeat(req);
    const rb = b.coordinator.consumerGroupHeartbeat(req);
    assert.equal(ra.errorCode, 'NONE');
    assert.match(ra.memberId ?? '', /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    assert.equal(ra.memberId, rb.memberId);
  });

  it('GROUP_MAX_SIZE_REACHED for a new member of a full group, not for existing members', () => {
    const c = makeContext({ topics: fooBar, broker: { maxSize: 1 } });
    const join = (id: string) =>
      hb({
        memberId: id,
        memberEpoch: 0,
        rebalanceTimeoutMs: 1,
        subscribedTopicNames: ['foo'],
        topicPartitions: [],
      });
    rangeAssignor(c).prepare({ a: mk([FOO, 0]) });
    assert.equal(c.coordinator.consumerGroupHeartbeat(join('a')).errorCode, 'NONE');
    failed(
      c.coordinator.consumerGroupHeartbeat(join('b')),
      'GROUP_MAX_SIZE_REACHED',
      'The consumer group has reached its maximum capacity of 1 members.',
    );
    assert.equal(
      c.coordinator.consumerGroupHeartbeat(hb({ memberId: 'a', memberEpoch: 2 })).errorCode,
      'NONE',
    );
  });

  it('UNKNOWN_SERVER_ERROR when the assignor fails, and nothing is written', () => {
    const c = makeContext({ topics: fooBar });
    rangeAssignor(c).failWith = 'Assignment failed.';
    const res = c.coordinator.consumerGroupHeartbeat(
      hb({
        memberId: 'm',
        memberEpoch: 0,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo', 'bar'],
        serverAssignor: 'range',
        topicPartitions: [],
      }),
    );
    failed(
      res,
      'UNKNOWN_SERVER_ERROR',
      'Failed to compute a new target assignment for epoch 2: Assignment failed.',
    );
    assert.equal(c.coordinator.records().length, 0);
    assert.equal(c.coordinator.hasGroup(GROUP), false);
  });

  it('UNKNOWN_MEMBER_ID for a heartbeat or leave of an unknown member', () => {
    const c = makeContext({ topics: fooBar });
    rangeAssignor(c).prepare({ a: mk([FOO, 0]) });
    c.coordinator.consumerGroupHeartbeat(
      hb({
        memberId: 'a',
        memberEpoch: 0,
        rebalanceTimeoutMs: 1,
        subscribedTopicNames: ['foo'],
        topicPartitions: [],
      }),
    );
    failed(
      c.coordinator.consumerGroupHeartbeat(hb({ memberId: 'zz', memberEpoch: 3 })),
      'UNKNOWN_MEMBER_ID',
      'Member zz is not a member of group fooup.',
    );
    failed(
      c.coordinator.consumerGroupHeartbeat(hb({ memberId: 'zz', memberEpoch: -1 })),
      'UNKNOWN_MEMBER_ID',
    );
    const fenced = c.events.filter((e) => e.type === 'member-fenced');
    assert.deepEqual(
      fenced.map((e) => (e.type === 'member-fenced' ? e.error : '')),
      ['UNKNOWN_MEMBER_ID', 'UNKNOWN_MEMBER_ID'],
    );
  });

  it('the session timeout fences a silent member', () => {
    const c = makeContext({ topics: fooBar });
    rangeAssignor(c).prepare({ a: mk([FOO, 0]) });
    c.coordinator.consumerGroupHeartbeat(
      hb({
        memberId: 'a',
        memberEpoch: 0,
        rebalanceTimeoutMs: 1,
        subscribedTopicNames: ['foo'],
        topicPartitions: [],
      }),
    );
    c.timers.runUntil(c.timers.now() + 44_999);
    assert.equal(c.coordinator.describe(GROUP)?.members.length, 1);
    c.timers.runUntil(c.timers.now() + 1);
    assert.equal(c.coordinator.describe(GROUP)?.members.length, 0);
    assert.equal(c.coordinator.describe(GROUP)?.state, 'Empty');
    const left = c.events.find((e) => e.type === 'member-left');
    assert.ok(left?.type === 'member-left' && left.reason === 'session-timeout');
  });

  it('the member metadata record carries client id and host; changing only them does not bump', () => {
    const c = makeContext({ topics: fooBar });
    rangeAssignor(c).prepare({ a: mk([FOO, 0]) });
    c.coordinator.consumerGroupHeartbeat(
      hb({
        memberId: 'a',
        memberEpoch: 0,
        rebalanceTimeoutMs: 1,
        subscribedTopicNames: ['foo'],
        topicPartitions: [],
      }),
    );
    const before = c.coordinator.records().length;
    const res = c.coordinator.consumerGroupHeartbeat(
      hb({ memberId: 'a', memberEpoch: 2, clientId: 'renamed', rackId: 'r1' }),
    );
    assert.equal(res.errorCode, 'NONE');
    const recs = c.coordinator.records().slice(before);
    assert.deepEqual(
      recs.map((r) => r.type),
      ['ConsumerGroupMemberMetadata'],
    );
    const m = c.coordinator.describe(GROUP)?.members[0];
    assert.equal(m?.clientId, 'renamed');
    assert.equal(m?.rackId, 'r1');
    assert.equal(c.coordinator.describe(GROUP)?.groupEpoch, 2);
    assert.equal(CLIENT_ID, 'client');
    assert.equal(m?.clientHost, CLIENT_HOST);
  });
});

describe('consumer coordinator: more 4.3.1 flows (GroupMetadataManagerTest)', () => {
  it('full response on join and on full requests (names or regex), partial otherwise', () => {
    const ctx = makeContext({ topics: [['foo', FOO, 2]] });
    rangeAssignor(ctx).prepare({ m: mk([FOO, 0, 1]) });
    const full = { assignment: { topicPartitions: [{ topicId: FOO, partitions: [0, 1] }] } };
    const base = { memberId: 'm', rebalanceTimeoutMs: 5000, serverAssignor: 'range', topicPartitions: [] };
    let r = send(ctx, hb({ ...base, memberEpoch: 0, subscribedTopicNames: ['foo', 'bar'] }));
    ok(r.res, { memberId: 'm', memberEpoch: 2, heartbeatIntervalMs: 5000, ...full });
    r = send(ctx, hb({ memberId: 'm', memberEpoch: 2 }));
    ok(r.res, { memberId: 'm', memberEpoch: 2, heartbeatIntervalMs: 5000 });
    r = send(ctx, hb({ ...base, memberEpoch: 2, subscribedTopicNames: ['foo', 'bar'] }));
    ok(r.res, { memberId: 'm', memberEpoch: 2, heartbeatIntervalMs: 5000, ...full });
    r = send(ctx, hb({ ...base, memberEpoch: 2, subscribedTopicRegex: 'foo.*' }));
    ok(r.res, { memberId: 'm', memberEpoch: 2, heartbeatIntervalMs: 5000, ...full });
  });

  describe('a known member re-joining with epoch 0 (4.2+)', () => {
    function setup(
      state: 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS',
      groupEpoch: number,
      target: number[],
    ): TestContext {
      const ctx = makeContext({ topics: [['foo', FOO, 3]] });
      const m = member('m', {
        state,
        memberEpoch: 100,
        previousMemberEpoch: 99,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo'],
        serverAssignorName: 'range',
        assignedPartitions: withEpochs(state === 'UNREVOKED_PARTITIONS' ? mk([FOO, 0, 1]) : mk([FOO, 0]), 11),
        partitionsPendingRevocation:
          state === 'UNREVOKED_PARTITIONS' ? withEpochs(mk([FOO, 2]), 11) : new Map(),
      });
      ctx.coordinator.replay([
        memberRecord(m),
        epochRecord(groupEpoch, metadataHashOf(ctx, ['foo'])),
        targetRecord('m', mk([FOO, ...target])),
        targetEpochRecord(groupEpoch, 12345),
        currentRecord(m),
      ]);
      return ctx;
    }
    const rejoin = hb({
      memberId: 'm',
      memberEpoch: 0,
      rebalanceTimeoutMs: 5000,
      subscribedTopicNames: ['foo'],
      topicPartitions: [],
    });

    it('from UNREVOKED_PARTITIONS: moves to the target epoch with its target', () => {
      const ctx = setup('UNREVOKED_PARTITIONS', 101, [0, 1]);
      ok(send(ctx, rejoin).res, {
        memberId: 'm',
        memberEpoch: 101,
        heartbeatIntervalMs: 5000,
        assignment: { topicPartitions: [{ topicId: FOO, partitions: [0, 1] }] },
      });
    });

    it('from UNRELEASED_PARTITIONS: gets the free partitions at once', () => {
      const ctx = setup('UNRELEASED_PARTITIONS', 100, [0, 1, 2]);
      ok(send(ctx, rejoin).res, {
        memberId: 'm',
        memberEpoch: 100,
        heartbeatIntervalMs: 5000,
        assignment: { topicPartitions: [{ topicId: FOO, partitions: [0, 1, 2] }] },
      });
    });
  });

  it('a static member whose session expires is removed, which bumps the epoch', () => {
    const ctx = makeContext({ topics: [['foo', FOO, 3]] });
    rangeAssignor(ctx).prepare({ m: mk([FOO, 0, 1, 2]) });
    send(
      ctx,
      hb({
        memberId: 'm',
        instanceId: 'i',
        memberEpoch: 0,
        rebalanceTimeoutMs: 5000,
        subscribedTopicNames: ['foo'],
        topicPartitions: [],
      }),
    );
    const expired = advance(ctx, 45_000);
    assert.deepEqual(
      json(expired),
      json([currentTombstone('m'), targetTombstone('m'), memberTombstone('m'), epochRecord(3, 0n)]),
    );
    assert.equal(ctx.coordinator.describe(GROUP)?.state, 'Empty');
  });
});
