/**
 * Golden cases G1–G13 (reference §4, CurrentAssignmentBuilderTest) for the reconciliation engine.
 * Expected values are Kafka 4.3.1's (per-partition assignment epochs included); where an older
 * release behaves differently the case is also checked under that release.
 */
import { strict as assert } from 'node:assert';
import type { TopicId } from '../../../src/simulator/assignors/api';
import { CoordinatorError } from '../../../src/simulator/errors';
import { consumerProtocolFeatures } from '../../../src/simulator/consumer/features';
import { type ConsumerGroupMember, membersEqual } from '../../../src/simulator/consumer/member';
import type { HeartbeatTopicPartitions } from '../../../src/simulator/consumer/messages';
import { reconcile } from '../../../src/simulator/consumer/reconcile';
import type { KafkaVersion } from '../../../src/simulator/engine/world';
import { member, mk, mkEpochs, owned, withEpochs } from './helpers';

const T1 = 'topicId1';
const T2 = 'topicId2';
const IDS: Record<string, TopicId> = { topic1: T1, topic2: T2, foo: 'fooTopicId', bar: 'barTopicId' };

interface Case {
  readonly member: ConsumerGroupMember;
  readonly targetEpoch: number;
  readonly target: ReturnType<typeof mk>;
  readonly pe: (topicId: TopicId, partition: number) => number;
  readonly owned?: HeartbeatTopicPartitions[] | null;
  readonly subscriptionChanged?: boolean;
  readonly resolvedRegex?: Record<string, readonly string[]>;
  readonly version?: KafkaVersion;
}

function run(c: Case): ConsumerGroupMember {
  const features = consumerProtocolFeatures(c.version ?? '4.3');
  return reconcile({
    member: c.member,
    targetAssignmentEpoch: c.targetEpoch,
    targetAssignment: c.target,
    currentPartitionEpoch: c.pe,
    ownedTopicPartitions: c.owned ?? null,
    hasSubscriptionChanged: c.subscriptionChanged ?? false,
    subscribedTopicIds: () => {
      const names = new Set(c.member.subscribedTopicNames);
      const regex = c.member.subscribedTopicRegex;
      if (regex !== '') for (const t of c.resolvedRegex?.[regex] ?? []) names.add(t);
      return new Set([...names].map((n) => IDS[n]).filter((id) => id !== undefined));
    },
    features,
  });
}

function assertMember(actual: ConsumerGroupMember, expected: ConsumerGroupMember, withEpochs = true): void {
  const show = (m: ConsumerGroupMember) =>
    JSON.stringify({
      ...m,
      assignedPartitions: [...m.assignedPartitions].map(([t, ps]) => [t, [...ps]]),
      partitionsPendingRevocation: [...m.partitionsPendingRevocation].map(([t, ps]) => [t, [...ps]]),
    });
  assert.ok(
    membersEqual(actual, expected, withEpochs),
    `expected\n  ${show(expected)}\ngot\n  ${show(actual)}`,
  );
}

const subs = { subscribedTopicNames: ['topic1', 'topic2'] };
const always = (e: number) => () => e;

describe('consumer reconciliation (CurrentAssignmentBuilder)', () => {
  it('G1 STABLE → STABLE: same partitions, new epoch, partition epochs kept', () => {
    const m = member('member', {
      ...subs,
      state: 'STABLE',
      memberEpoch: 10,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 1, 2, 3], [T2, 4, 5, 6]), 5),
    });
    const next = run({
      member: m,
      targetEpoch: 11,
      target: mk([T1, 1, 2, 3], [T2, 4, 5, 6]),
      pe: always(10),
    });
    assertMember(next, { ...m, memberEpoch: 11, previousMemberEpoch: 10 });
  });

  it('G2 STABLE → STABLE with new partitions: new ones at the target epoch', () => {
    const m = member('member', {
      ...subs,
      memberEpoch: 10,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 1, 2, 3], [T2, 4, 5, 6]), 10),
    });
    const next = run({
      member: m,
      targetEpoch: 11,
      target: mk([T1, 1, 2, 3, 4], [T2, 4, 5, 6, 7]),
      pe: always(-1),
    });
    assertMember(next, {
      ...m,
      memberEpoch: 11,
      previousMemberEpoch: 10,
      assignedPartitions: mkEpochs([T1, 10, 1, 2, 3], [T1, 11, 4], [T2, 10, 4, 5, 6], [T2, 11, 7]),
    });
  });

  it('G3 STABLE → UNREVOKED_PARTITIONS: stays at epoch 10 with the partitions to revoke pending', () => {
    const m = member('member', {
      ...subs,
      memberEpoch: 10,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 1, 2, 3], [T2, 4, 5, 6]), 10),
    });
    const next = run({
      member: m,
      targetEpoch: 11,
      target: mk([T1, 2, 3, 4], [T2, 5, 6, 7]),
      pe: always(-1),
      owned: null,
    });
    assertMember(next, {
      ...m,
      state: 'UNREVOKED_PARTITIONS',
      memberEpoch: 10,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 2, 3], [T2, 5, 6]), 10),
      partitionsPendingRevocation: withEpochs(mk([T1, 1], [T2, 4]), 10),
    });
  });

  it('G4 STABLE → UNRELEASED_PARTITIONS: moves to epoch 11 and waits for partitions still owned', () => {
    const m = member('member', {
      ...subs,
      memberEpoch: 10,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 1, 2, 3], [T2, 4, 5, 6]), 10),
    });
    const next = run({
      member: m,
      targetEpoch: 11,
      target: mk([T1, 1, 2, 3, 4], [T2, 4, 5, 6, 7]),
      pe: always(10),
    });
    assertMember(next, { ...m, state: 'UNRELEASED_PARTITIONS', memberEpoch: 11, previousMemberEpoch: 10 });
  });

  it('G5 skips the revocation the member reports it already did (owned = [])', () => {
    const m = member('member', {
      ...subs,
      memberEpoch: 10,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 1, 2, 3], [T2, 4, 5, 6]), 10),
    });
    const next = run({
      member: m,
      targetEpoch: 11,
      target: mk([T1, 1, 2, 3], [T2, 4, 5, 7]),
      pe: (t) => (t === T2 ? 10 : -1),
      owned: [],
    });
    assertMember(next, {
      ...m,
      state: 'UNRELEASED_PARTITIONS',
      memberEpoch: 11,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 1, 2, 3], [T2, 4, 5]), 10),
    });
  });

  const unrevoked = member('member', {
    ...subs,
    state: 'UNREVOKED_PARTITIONS',
    memberEpoch: 10,
    previousMemberEpoch: 10,
    assignedPartitions: withEpochs(mk([T1, 2, 3], [T2, 5, 6]), 10),
    partitionsPendingRevocation: withEpochs(mk([T1, 1], [T2, 4]), 10),
  });

  it('G6 UNREVOKED → STABLE once the heartbeat no longer lists the revoked partitions', () => {
    const next = run({
      member: unrevoked,
      targetEpoch: 11,
      target: mk([T1, 2, 3], [T2, 5, 6]),
      pe: always(-1),
      owned: owned([T1, 2, 3], [T2, 5, 6]),
    });
    assertMember(next, {
      ...unrevoked,
      state: 'STABLE',
      memberEpoch: 11,
      previousMemberEpoch: 10,
      partitionsPendingRevocation: new Map(),
    });
  });

  it('G7 remains UNREVOKED while owned is null or still lists a pending partition', () => {
    const target = mk([T1, 3], [T2, 6]);
    for (const o of [null, owned([T1, 1, 2, 3], [T2, 5, 6]), owned([T1, 2, 3], [T2, 4, 5, 6])]) {
      const next = run({ member: unrevoked, targetEpoch: 12, target, pe: always(-1), owned: o });
      assert.equal(next, unrevoked, `owned=${JSON.stringify(o)}`);
    }
  });

  it('G8 UNREVOKED → UNREVOKED for a newer target: 4.2+ keeps epoch 10', () => {
    const next = run({
      member: unrevoked,
      targetEpoch: 12,
      target: mk([T1, 3], [T2, 6]),
      pe: always(-1),
      owned: owned([T1, 2, 3], [T2, 5, 6]),
    });
    assertMember(next, {
      ...unrevoked,
      memberEpoch: 10,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 3], [T2, 6]), 10),
      partitionsPendingRevocation: withEpochs(mk([T1, 2], [T2, 5]), 10),
    });
  });

  it('G8 under 4.0 and 4.1: the acknowledged revocation moves the member to epoch 11 first', () => {
    for (const version of ['4.0', '4.1'] as const) {
      const next = run({
        version,
        member: unrevoked,
        targetEpoch: 12,
        target: mk([T1, 3], [T2, 6]),
        pe: always(-1),
        owned: owned([T1, 2, 3], [T2, 5, 6]),
      });
      assert.equal(next.state, 'UNREVOKED_PARTITIONS');
      assert.equal(next.memberEpoch, 11, version);
      assert.equal(next.previousMemberEpoch, 10, version);
      assertMember(
        next,
        {
          ...unrevoked,
          memberEpoch: 11,
          previousMemberEpoch: 10,
          assignedPartitions: withEpochs(mk([T1, 3], [T2, 6]), 10),
          partitionsPendingRevocation: withEpochs(mk([T1, 2], [T2, 5]), 10),
        },
        false,
      );
    }
  });

  it('G9 UNREVOKED (nothing pending) → UNRELEASED at epoch 11, previous epoch 11', () => {
    const m = member('member', {
      ...subs,
      state: 'UNREVOKED_PARTITIONS',
      memberEpoch: 11,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 2, 3], [T2, 5, 6]), 11),
    });
    const next = run({
      member: m,
      targetEpoch: 11,
      target: mk([T1, 2, 3, 4], [T2, 5, 6, 7]),
      pe: always(10),
      owned: owned([T1, 2, 3], [T2, 5, 6]),
    });
    assertMember(next, { ...m, state: 'UNRELEASED_PARTITIONS', memberEpoch: 11, previousMemberEpoch: 11 });
  });

  const unreleased = member('member', {
    ...subs,
    state: 'UNRELEASED_PARTITIONS',
    memberEpoch: 11,
    previousMemberEpoch: 11,
    assignedPartitions: withEpochs(mk([T1, 2, 3], [T2, 5, 6]), 11),
  });

  it('G10 UNRELEASED → STABLE at the next epoch when nothing is missing', () => {
    const next = run({
      member: unreleased,
      targetEpoch: 12,
      target: mk([T1, 2, 3], [T2, 5, 6]),
      pe: always(10),
    });
    assertMember(next, { ...unreleased, state: 'STABLE', memberEpoch: 12, previousMemberEpoch: 11 });
  });

  it('G11 UNRELEASED picks up released partitions (pe = -1) or keeps waiting (pe = 10)', () => {
    const target = mk([T1, 2, 3, 4], [T2, 5, 6, 7]);
    const freed = run({ member: unreleased, targetEpoch: 11, target, pe: always(-1) });
    assertMember(freed, { ...unreleased, state: 'STABLE', assignedPartitions: withEpochs(target, 11) });
    const still = run({ member: unreleased, targetEpoch: 11, target, pe: always(10) });
    assertMember(still, unreleased);
  });

  it('G12 UNRELEASED → UNREVOKED when a newer target takes partitions away', () => {
    const next = run({
      member: unreleased,
      targetEpoch: 12,
      target: mk([T1, 3], [T2, 6]),
      pe: always(10),
      owned: null,
    });
    assertMember(next, {
      ...unreleased,
      state: 'UNREVOKED_PARTITIONS',
      memberEpoch: 11,
      previousMemberEpoch: 11,
      assignedPartitions: withEpochs(mk([T1, 3], [T2, 6]), 11),
      partitionsPendingRevocation: withEpochs(mk([T1, 2], [T2, 5]), 11),
    });
  });

  it('G13 UNKNOWN: fenced unless the member re-joins owning nothing', () => {
    const m = member('member', {
      ...subs,
      state: 'UNKNOWN',
      memberEpoch: 11,
      previousMemberEpoch: 11,
      assignedPartitions: withEpochs(mk([T1, 3], [T2, 6]), 11),
      partitionsPendingRevocation: withEpochs(mk([T1, 2], [T2, 5]), 11),
    });
    const target = mk([T1, 3], [T2, 6]);
    assert.throws(
      () => run({ member: m, targetEpoch: 12, target, pe: always(10) }),
      (e: unknown) => e instanceof CoordinatorError && e.error === 'FENCED_MEMBER_EPOCH',
    );
    const next = run({ member: m, targetEpoch: 12, target, pe: always(11), owned: [] });
    assertMember(next, {
      ...m,
      state: 'STABLE',
      memberEpoch: 12,
      previousMemberEpoch: 11,
      partitionsPendingRevocation: new Map(),
    });
  });

  it('4.2+: a partition the member itself is revoking comes back without waiting (own pending is not unreleased)', () => {
    const m = member('member', {
      ...subs,
      state: 'UNREVOKED_PARTITIONS',
      memberEpoch: 10,
      previousMemberEpoch: 10,
      assignedPartitions: withEpochs(mk([T1, 2, 3], [T2, 5, 6]), 10),
      partitionsPendingRevocation: withEpochs(mk([T1, 4]), 10),
    });
    const pe = (t: TopicId, p: number) =>
      (t === T1 && [2, 3, 4].includes(p)) || (t === T2 && [5, 6].includes(p)) ? 10 : -1;
    const next = run({
      member: m,
      targetEpoch: 12,
      target: mk([T1, 2, 3, 4], [T2, 5, 6, 7]),
      pe,
      owned: owned([T1, 2, 3], [T2, 5, 6]),
    });
    assertMember(next, {
      ...m,
      state: 'STABLE',
      memberEpoch: 12,
      previousMemberEpoch: 10,
      assignedPartitions: mkEpochs([T1, 10, 2, 3], [T1, 12, 4], [T2, 10, 5, 6], [T2, 12, 7]),
      partitionsPendingRevocation: new Map(),
    });
    // 4.0/4.1 count it as unreleased: the member waits for itself.
    const old = run({
      version: '4.1',
      member: m,
      targetEpoch: 12,
      target: mk([T1, 2, 3, 4], [T2, 5, 6, 7]),
      pe,
      owned: owned([T1, 2, 3], [T2, 5, 6]),
    });
    assert.equal(old.state, 'UNRELEASED_PARTITIONS');
  });

  describe('subscription changes (4.2+)', () => {
    const base = (epoch: number) =>
      member('member', {
        subscribedTopicNames: ['topic2'],
        memberEpoch: epoch,
        previousMemberEpoch: epoch - 1,
        assignedPartitions: withEpochs(mk([T1, 1, 2, 3], [T2, 4, 5, 6]), epoch),
      });

    for (const [memberEpoch, targetEpoch, expected, changed] of [
      [10, 11, 11, false],
      [10, 11, 11, true],
      [10, 10, 10, true],
    ] as const) {
      it(`drops topics no longer subscribed (epoch ${memberEpoch} → target ${targetEpoch}, changed=${changed})`, () => {
        const m = base(memberEpoch);
        const next = run({
          member: m,
          targetEpoch,
          target: mk([T1, 1, 2, 3], [T2, 4, 5, 6]),
          pe: always(-1),
          owned: owned([T2, 4, 5, 6]),
          subscriptionChanged: changed,
        });
        assertMember(next, {
          ...m,
          memberEpoch: expected,
          previousMemberEpoch: memberEpoch,
          assignedPartitions: withEpochs(mk([T2, 4, 5, 6]), memberEpoch),
        });
      });
      it(`revokes topics no longer subscribed that the member still owns (epoch ${memberEpoch} → ${targetEpoch}, changed=${changed})`, () => {
        const m = base(memberEpoch);
        const next = run({
          member: m,
          targetEpoch,
          target: mk([T1, 1, 2, 3], [T2, 4, 5, 6]),
          pe: always(-1),
          owned: owned([T1, 1, 2, 3], [T2, 4, 5, 6]),
          subscriptionChanged: changed,
        });
        assertMember(next, {
          ...m,
          state: 'UNREVOKED_PARTITIONS',
          memberEpoch: 10,
          previousMemberEpoch: memberEpoch,
          assignedPartitions: withEpochs(mk([T2, 4, 5, 6]), 10),
          partitionsPendingRevocation: withEpochs(mk([T1, 1, 2, 3]), memberEpoch),
        });
      });
    }

    it('an UNREVOKED member that changes subscription gets more partitions to revoke', () => {
      const m = member('member', {
        subscribedTopicNames: ['topic2'],
        state: 'UNREVOKED_PARTITIONS',
        memberEpoch: 10,
        previousMemberEpoch: 10,
        assignedPartitions: withEpochs(mk([T1, 2, 3], [T2, 5, 6]), 10),
        partitionsPendingRevocation: withEpochs(mk([T1, 1], [T2, 4]), 10),
      });
      const next = run({
        member: m,
        targetEpoch: 12,
        target: mk([T1, 1, 3, 4], [T2, 6, 7]),
        pe: always(-1),
        owned: owned([T1, 1, 2, 3], [T2, 4, 5, 6]),
        subscriptionChanged: true,
      });
      assertMember(next, {
        ...m,
        assignedPartitions: withEpochs(mk([T2, 5, 6]), 10),
        partitionsPendingRevocation: withEpochs(mk([T1, 1, 2, 3], [T2, 4]), 10),
      });
    });

    it('an unresolved regex counts as no topics; a resolved one adds its topics', () => {
      const m = member('member', {
        subscribedTopicNames: ['foo'],
        subscribedTopicRegex: 'bar*',
        memberEpoch: 10,
        previousMemberEpoch: 10,
        assignedPartitions: withEpochs(mk(['fooTopicId', 1, 2, 3], ['barTopicId', 4, 5, 6]), 10),
      });
      const target = mk(['fooTopicId', 1, 2, 3], ['barTopicId', 4, 5, 6]);
      const o = owned(['fooTopicId', 1, 2, 3], ['barTopicId', 4, 5, 6]);
      const unresolved = run({
        member: m,
        targetEpoch: 10,
        target,
        pe: always(-1),
        owned: o,
        subscriptionChanged: true,
      });
      assertMember(unresolved, {
        ...m,
        state: 'UNREVOKED_PARTITIONS',
        assignedPartitions: withEpochs(mk(['fooTopicId', 1, 2, 3]), 10),
        partitionsPendingRevocation: withEpochs(mk(['barTopicId', 4, 5, 6]), 10),
      });
      const resolved = run({
        member: m,
        targetEpoch: 10,
        target,
        pe: always(-1),
        owned: o,
        subscriptionChanged: true,
        resolvedRegex: { 'bar*': ['bar'] },
      });
      assert.equal(resolved, m);
    });

    it('4.0/4.1 ignore the subscription when reconciling', () => {
      const m = base(10);
      const next = run({
        version: '4.1',
        member: m,
        targetEpoch: 10,
        target: mk([T1, 1, 2, 3], [T2, 4, 5, 6]),
        pe: always(-1),
        owned: owned([T1, 1, 2, 3], [T2, 4, 5, 6]),
        subscriptionChanged: true,
      });
      assert.equal(next, m);
    });
  });
});
