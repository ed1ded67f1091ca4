import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { assignmentOf, diffSnapshots, type Assignment, type GroupEvent } from '../../../src/model';
import { testMember, testSnapshot } from '../../support/snapshots';

const member = testMember;
const snap = testSnapshot;

const types = (es: readonly GroupEvent[]): string[] => es.map((e) => e.type);

describe('snapshot diff → events', () => {
  it('a KIP-848 join: epoch bump, new target, the newcomer is assigned what the old member revokes', () => {
    const all: Assignment = { orders: [0, 1, 2, 3] };
    const a0 = snap(0, [member('a', { assignment: all, targetAssignment: all })]);
    // The coordinator bumped the epoch and computed a target; a still owns 2,3 (pending revocation).
    const a1 = snap(
      1000,
      [
        member('a', {
          assignment: all,
          targetAssignment: { orders: [0, 1] },
          reconciliation: 'UNREVOKED_PARTITIONS',
        }),
        member('b', {
          memberEpoch: 2,
          assignment: {},
          targetAssignment: { orders: [2, 3] },
          reconciliation: 'UNRELEASED_PARTITIONS',
        }),
      ],
      { groupEpoch: 2, targetAssignmentEpoch: 2, state: 'Reconciling' },
    );
    const e1 = diffSnapshots(a0, a1);
    assert.deepEqual(types(e1), ['group-state', 'group-epoch-bumped', 'target-assignment', 'member-joined']);
    const bump = e1[1];
    assert.ok(
      bump.type === 'group-epoch-bumped' &&
        bump.from === 1 &&
        bump.to === 2 &&
        bump.reason === '1 member(s) joined',
    );
    const target = e1[2];
    assert.ok(target.type === 'target-assignment' && target.moved === 2 && target.epoch === 2);
    assert.ok(e1.every((e) => e.timeMs === 1000 && e.groupId === 'g'));

    const a2 = snap(
      2000,
      [
        member('a', { memberEpoch: 2, assignment: { orders: [0, 1] }, targetAssignment: { orders: [0, 1] } }),
        member('b', { memberEpoch: 2, assignment: { orders: [2, 3] }, targetAssignment: { orders: [2, 3] } }),
      ],
      { groupEpoch: 2, targetAssignmentEpoch: 2 },
    );
    const e2 = diffSnapshots(a1, a2);
    assert.deepEqual(types(e2), ['group-state', 'member-epoch', 'partitions-revoked', 'partitions-assigned']);
    const revoked = e2.find((e) => e.type === 'partitions-revoked');
    assert.ok(revoked?.type === 'partitions-revoked' && revoked.memberId === 'a');
    assert.deepEqual(revoked.partitions, { orders: [2, 3] });
  });

  it('names a static member replaced under a new member id, and a temporary static leave', () => {
    const s0 = snap(0, [member('old', { instanceId: 'i-1', assignment: { orders: [0] } })]);
    const s1 = snap(5, [member('new', { instanceId: 'i-1', assignment: { orders: [0] } })]);
    const e = diffSnapshots(s0, s1);
    assert.deepEqual(types(e), ['static-member-replaced']);
    assert.ok(e[0].type === 'static-member-replaced' && e[0].oldMemberId === 'old' && !e[0].rebalance);

    const s2 = snap(9, [member('new', { instanceId: 'i-1', memberEpoch: -2, assignment: { orders: [0] } })]);
    const e2 = diffSnapshots(s1, s2);
    assert.deepEqual(types(e2), ['member-left', 'member-epoch']);
    assert.ok(e2[0].type === 'member-left' && e2[0].reason === 'static-leave');
  });

  it('sees subscription and partition-count changes', () => {
    const s0 = snap(0, [member('a')]);
    const s1 = snap(1, [member('a', { subscribedTopicNames: ['orders', 'payments'] })], {
      topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: 6 }],
    });
    assert.deepEqual(types(diffSnapshots(s0, s1)), ['subscription-changed', 'topic-partitions']);
  });

  const arbMember = fc
    .record({
      id: fc.constantFrom('m1', 'm2', 'm3', 'm4'),
      epoch: fc.integer({ min: -2, max: 5 }),
      parts: fc.uniqueArray(fc.nat(7), { maxLength: 4 }),
      target: fc.uniqueArray(fc.nat(7), { maxLength: 4 }),
      instance: fc.option(fc.constantFrom('i1', 'i2'), { nil: null }),
    })
    .map((r) =>
      member(r.id, {
        memberEpoch: r.epoch,
        instanceId: r.instance,
        assignment: assignmentOf({ orders: r.parts }),
        targetAssignment: assignmentOf({ orders: r.target }),
      }),
    );
  const arbSnap = fc
    .record({
      members: fc.uniqueArray(arbMember, { selector: (m) => m.memberId, maxLength: 4 }),
      epoch: fc.nat(6),
      state: fc.constantFrom('Stable', 'Reconciling', 'Assigning', 'Empty'),
    })
    .map((r) => snap(0, r.members, { groupEpoch: r.epoch, targetAssignmentEpoch: r.epoch, state: r.state }));

  it('no change, no events; events are deterministic', () => {
    fc.assert(
      fc.property(arbSnap, (s) => {
        assert.deepEqual(diffSnapshots(s, { ...s, timeMs: 99 }), []);
      }),
    );
    fc.assert(
      fc.property(arbSnap, arbSnap, (a, b) => {
        assert.deepEqual(diffSnapshots(a, b), diffSnapshots(a, b));
      }),
    );
  });

  it('every member that appears or disappears is accounted for exactly once', () => {
    fc.assert(
      fc.property(arbSnap, arbSnap, (a, b) => {
        const events = diffSnapshots(a, b);
        const before = new Set(a.members.map((m) => m.memberId));
        const after = new Set(b.members.map((m) => m.memberId));
        const joined = [...after].filter((id) => !before.has(id));
        const left = [...before].filter((id) => !after.has(id));
        const replaced = events.filter((e) => e.type === 'static-member-replaced');
        const joinedEv = events.filter((e) => e.type === 'member-joined');
        const leftEv = events.filter((e) => e.type === 'member-left' && e.reason === 'disappeared');
        assert.equal(joinedEv.length + replaced.length, joined.length);
        assert.equal(leftEv.length + replaced.length, left.length);
      }),
    );
  });
});
