// fast-check arbitraries for snapshots and protocol messages.
import fc from 'fast-check';
import {
  type GroupLag,
  type GroupSnapshot,
  type MemberSnapshot,
  type PartitionLag,
  type SimulatorCommand,
  assignmentOf,
} from '../../../src/model';
import type { WebviewMessage } from '../../../src/protocol/dashboard';

const topicName = fc.constantFrom('orders', 'payments', 'audit');
const assignment = fc
  .dictionary(topicName, fc.uniqueArray(fc.nat(11), { maxLength: 6 }), { maxKeys: 3 })
  .map((d) => assignmentOf(d));

export const memberArb = (memberId: string): fc.Arbitrary<MemberSnapshot> =>
  fc.record({
    memberId: fc.constant(memberId),
    instanceId: fc.option(fc.constantFrom('static-1', 'static-2'), { nil: null }),
    clientId: fc.constantFrom('consumer-1', 'consumer-2', 'consumer-3', '<img src=x onerror=alert(1)>'),
    clientHost: fc.constant('/10.0.0.1'),
    rackId: fc.option(fc.constantFrom('rack-a', 'rack-b'), { nil: null }),
    memberType: fc.constantFrom('consumer' as const, 'classic' as const),
    memberEpoch: fc.integer({ min: -2, max: 40 }),
    previousMemberEpoch: fc.option(fc.integer({ min: -1, max: 40 }), { nil: null }),
    reconciliation: fc.option(
      fc.constantFrom(
        'STABLE' as const,
        'UNREVOKED_PARTITIONS' as const,
        'UNRELEASED_PARTITIONS' as const,
        'UNKNOWN' as const,
      ),
      { nil: null },
    ),
    subscribedTopicNames: fc.uniqueArray(topicName, { maxLength: 3 }),
    subscribedTopicRegex: fc.constant(null),
    serverAssignor: fc.option(fc.constantFrom('uniform', 'range'), { nil: null }),
    assignment,
    pendingRevocation: assignment,
    targetAssignment: fc.option(assignment, { nil: null }),
    classic: fc.constant(null),
    client: fc.constant(null),
  });

const partitionLag: fc.Arbitrary<PartitionLag> = fc
  .record({
    topic: topicName,
    partition: fc.nat(11),
    committedOffset: fc.option(fc.nat(1_000_000), { nil: null }),
    logStartOffset: fc.nat(1000),
    logEndOffset: fc.nat(2_000_000),
    ownerMemberId: fc.option(fc.constantFrom('m1', 'm2', 'm3'), { nil: null }),
    belowLogStart: fc.boolean(),
    status: fc.option(fc.constantFrom('OK' as const, 'WARN' as const, 'STALL' as const), { nil: null }),
  })
  .map((p) => ({
    ...p,
    lag: p.committedOffset === null ? null : Math.max(0, p.logEndOffset - p.committedOffset),
  }));

const groupLag: fc.Arbitrary<GroupLag> = fc.record({
  totalLag: fc.nat(),
  partitionsWithoutCommit: fc.nat(20),
  status: fc.option(fc.constantFrom('OK' as const, 'WARN' as const, 'ERR' as const), { nil: null }),
  partitions: fc.uniqueArray(partitionLag, {
    maxLength: 12,
    selector: (p) => `${p.topic}-${p.partition}`,
  }),
});

const ids = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];

export const snapshotArb: fc.Arbitrary<GroupSnapshot> = fc
  .record({
    protocol: fc.constantFrom('consumer' as const, 'classic' as const),
    state: fc.constantFrom('Stable' as const, 'Reconciling' as const, 'Assigning' as const, 'Empty' as const),
    timeMs: fc.nat(1_000_000),
    groupEpoch: fc.nat(50),
    targetAssignmentEpoch: fc.option(fc.nat(50), { nil: null }),
    assignor: fc.option(fc.constantFrom('uniform', 'range'), { nil: null }),
    rebalanceProtocol: fc.option(fc.constantFrom('eager' as const, 'cooperative' as const), { nil: null }),
    leaderId: fc.option(fc.constantFrom(...ids), { nil: null }),
    coordinator: fc.option(
      fc.record({ nodeId: fc.nat(5), host: fc.constantFrom('b1', 'b2'), port: fc.constant(9092) }),
      {
        nil: null,
      },
    ),
    members: fc
      .subarray(ids)
      .chain((chosen) => fc.tuple(...chosen.map((id) => memberArb(id))))
      .chain((ms) => fc.shuffledSubarray(ms, { minLength: ms.length, maxLength: ms.length })),
    topics: fc.constantFrom(
      [],
      [{ name: 'orders', topicId: 'o', partitions: 12 }],
      [
        { name: 'orders', topicId: 'o', partitions: 12 },
        { name: 'payments', topicId: 'p', partitions: 4 },
      ],
    ),
    lag: fc.option(groupLag, { nil: null }),
    stale: fc.option(fc.record({ sinceMs: fc.nat(), reason: fc.constantFrom('broker down', 'timeout') }), {
      nil: null,
    }),
  })
  .map((r) => ({ sourceId: 'simulator', groupId: 'g', ...r }));

/** A pair of snapshots where `b` is `a` with some members, partitions and fields changed. */
export const snapshotPairArb: fc.Arbitrary<[GroupSnapshot, GroupSnapshot]> = fc.oneof(
  fc.tuple(snapshotArb, snapshotArb),
  snapshotArb.chain((a) =>
    fc
      .record({
        keep: fc.subarray([...a.members]),
        extra: fc.subarray(ids.filter((id) => !a.members.some((m) => m.memberId === id))),
        mutate: fc.boolean(),
        lag: fc.option(groupLag, { nil: null }),
        state: fc.constantFrom(a.state, 'Stable' as const),
        time: fc.nat(1000),
        shuffle: fc.boolean(),
      })
      .chain((r) =>
        fc
          .tuple(fc.constant(r), fc.tuple(...r.extra.map((id) => memberArb(id))), memberArb('m1'))
          .map(([rr, extra, alt]) => {
            let members = [...rr.keep, ...extra];
            if (rr.mutate && members.length > 0)
              members[0] = { ...alt, memberId: members[0]?.memberId ?? 'm1' };
            if (!rr.shuffle) members = members.sort((x, y) => (x.memberId < y.memberId ? -1 : 1));
            // Offsets-only change of the lag, to exercise the compact offset patches.
            const lag =
              a.lag !== null && rr.lag === null
                ? {
                    ...a.lag,
                    totalLag: a.lag.totalLag + 1,
                    partitions: a.lag.partitions.map((p) => ({ ...p, logEndOffset: p.logEndOffset + 7 })),
                  }
                : rr.lag;
            const b: GroupSnapshot = { ...a, state: rr.state, timeMs: a.timeMs + rr.time, members, lag };
            return [a, b] as [GroupSnapshot, GroupSnapshot];
          }),
      ),
  ),
);

const kafkaName = fc.stringMatching(/^[a-zA-Z0-9._-]{1,40}$/);
const memberId = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);

export const commandArb: fc.Arbitrary<SimulatorCommand> = fc.oneof(
  fc.constant({ kind: 'play' as const }),
  fc.constant({ kind: 'pause' as const }),
  fc.constant({ kind: 'step' as const }),
  fc.integer({ min: 1, max: 1000 }).map((speed) => ({ kind: 'set-speed' as const, speed })),
  kafkaName.map((scenarioId) => ({ kind: 'choose-scenario' as const, scenarioId })),
  fc.record({
    kind: fc.constant('add-member' as const),
    groupId: memberId,
    protocol: fc.constantFrom('consumer' as const, 'classic' as const),
    assignor: fc.option(fc.constantFrom('uniform', 'range', 'cooperative-sticky'), { nil: null }),
    instanceId: fc.option(kafkaName, { nil: null }),
  }),
  fc.record({ kind: fc.constant('crash-member' as const), groupId: memberId, memberId }),
  fc.record({ kind: fc.constant('restart-static-member' as const), groupId: memberId, memberId }),
  fc.record({
    kind: fc.constant('slow-member' as const),
    groupId: memberId,
    memberId,
    delayMs: fc.integer({ min: 0, max: 3_600_000 }),
  }),
  fc.record({
    kind: fc.constant('add-partitions' as const),
    topic: kafkaName,
    count: fc.integer({ min: 1, max: 10_000 }),
  }),
  fc.record({
    kind: fc.constant('change-subscription' as const),
    groupId: memberId,
    memberId,
    topics: fc.uniqueArray(kafkaName, { maxLength: 5 }),
  }),
  fc.record({
    kind: fc.constant('switch-protocol' as const),
    variant: fc.constantFrom('consumer' as const, 'eager' as const, 'cooperative' as const),
  }),
);

const requestId = fc.integer({ min: 1, max: 2_147_483_647 });
const time = fc.option(fc.nat(), { nil: null });

export const webviewMessageArb: fc.Arbitrary<WebviewMessage> = fc.oneof(
  fc.constant({ type: 'ready' as const, protocolVersion: 1 }),
  time.map((timeMs) => ({ type: 'select-time' as const, timeMs })),
  fc.record({ type: fc.constant('control' as const), id: requestId, command: commandArb }),
  fc.record({ type: fc.constant('export-snapshot' as const), id: requestId, timeMs: time }),
  fc.record({
    type: fc.constant('load-history' as const),
    id: requestId,
    beforeTimeMs: fc.nat(),
    max: fc.integer({ min: 1, max: 1000 }),
  }),
  fc.record({
    type: fc.constant('open-details' as const),
    id: requestId,
    target: fc.oneof(
      fc.record({ kind: fc.constant('member' as const), memberId }),
      fc.record({ kind: fc.constant('partition' as const), topic: kafkaName, partition: fc.nat(100_000) }),
    ),
    timeMs: time,
  }),
);
