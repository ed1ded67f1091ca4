/**
 * Static membership on the classic coordinator (reference §3.4, Kafka 4.3.1's
 * updateStaticMemberThenRebalanceOrCompleteJoin and ClassicGroup.replaceStaticMember): a restart
 * with the same group.instance.id replaces the old member id, keeps the assignment and the
 * leadership, and rebalances only when it must.
 */
import { strict as assert } from 'node:assert';
import {
  assignmentOf,
  eventsOf,
  formStableGroup,
  join,
  joinRequest,
  protocols,
  sync,
  virtualHarness,
} from './support';

const statics = (extra = {}) => [
  { clientId: 'a', groupInstanceId: 'i-a', protocols: protocols(['range', 'roundrobin']), ...extra },
  { clientId: 'b', groupInstanceId: 'i-b', protocols: protocols(['range', 'roundrobin']), ...extra },
];

function stableStatic() {
  const h = virtualHarness();
  const g = formStableGroup(h, statics(), ([a, b]) => [
    { memberId: a, assignment: assignmentOf(['orders', 0]) },
    { memberId: b, assignment: assignmentOf(['orders', 1], ['orders', 2]) },
  ]);
  return { h, g, leader: g.memberIds[0], follower: g.memberIds[1] };
}

describe('classic static membership', () => {
  describe('replacement in Stable', () => {
    it('gives a restarted follower a new id, its old assignment, and no rebalance', () => {
      // testStaticMemberRejoinAsFollowerWithUnknownMemberId
      const { h, follower } = stableStatic();
      const events = h.events.length;
      const r = join(
        h,
        joinRequest({ clientId: 'b', groupInstanceId: 'i-b', protocols: protocols(['range', 'roundrobin']) }),
      );
      assert.equal(r.response.errorCode, 'NONE');
      const newId = r.response.memberId;
      assert.match(newId, /^i-b-/);
      assert.notEqual(newId, follower);
      assert.equal(r.response.generationId, 1);
      assert.equal(r.response.skipAssignment, false);
      assert.deepEqual(r.response.members, []);
      assert.equal(h.coordinator.groupState('group-id'), 'Stable');
      assert.deepEqual(
        h.events.slice(events).map((e) => e.type),
        ['member-left', 'member-joined', 'static-member-replaced'],
      );
      const replaced = eventsOf(h.events, 'static-member-replaced')[0];
      assert.deepEqual(
        [replaced.instanceId, replaced.oldMemberId, replaced.newMemberId, replaced.rebalance],
        ['i-b', follower, newId, false],
      );
      const s = sync(h, { memberId: newId, groupInstanceId: 'i-b' });
      assert.deepEqual(s.response.assignment, assignmentOf(['orders', 1], ['orders', 2]));
      // The old incarnation is fenced.
      const old = { groupId: 'group-id', memberId: follower, generationId: 1, groupInstanceId: 'i-b' };
      assert.equal(h.coordinator.heartbeat(old).errorCode, 'FENCED_INSTANCE_ID');
      assert.equal(
        sync(h, { memberId: follower, groupInstanceId: 'i-b' }).response.errorCode,
        'FENCED_INSTANCE_ID',
      );
      assert.equal(h.coordinator.heartbeat({ ...old, groupInstanceId: null }).errorCode, 'UNKNOWN_MEMBER_ID');
    });

    it('keeps the leader role and tells a v9 leader to skip the assignment', () => {
      // testStaticMemberRejoinWithLeaderIdAndUnknownMemberId
      const { h, leader } = stableStatic();
      const r = join(
        h,
        joinRequest({ clientId: 'a', groupInstanceId: 'i-a', protocols: protocols(['range', 'roundrobin']) }),
      );
      const newId = r.response.memberId;
      assert.equal(r.response.leader, newId);
      assert.equal(r.response.skipAssignment, true);
      assert.equal(r.response.members.length, 2, 'the leader still receives every member');
      assert.equal(h.coordinator.describe('group-id').leaderId, newId);
      assert.notEqual(newId, leader);
      assert.equal(h.coordinator.groupState('group-id'), 'Stable');
      assert.deepEqual(
        sync(h, { memberId: newId, groupInstanceId: 'i-a' }).response.assignment,
        assignmentOf(['orders', 0]),
      );
    });

    it('names the old leader id to a returning leader before JoinGroup v9', () => {
      const { h, leader } = stableStatic();
      const r = join(
        h,
        joinRequest({
          clientId: 'a',
          groupInstanceId: 'i-a',
          protocols: protocols(['range', 'roundrobin']),
          apiVersion: 8,
        }),
      );
      assert.equal(r.response.skipAssignment, false);
      assert.equal(r.response.leader, leader);
      assert.deepEqual(r.response.members, []);
    });

    it('rebalances when the restarted member would change the selected protocol', () => {
      // testStaticMemberRejoinWithUnknownMemberIdAndChangeOfProtocolWithSelectedProtocolChanged
      const { h } = stableStatic();
      const r = join(
        h,
        joinRequest({ clientId: 'b', groupInstanceId: 'i-b', protocols: protocols(['roundrobin']) }),
      );
      assert.equal(r.done, false);
      assert.equal(h.coordinator.groupState('group-id'), 'PreparingRebalance');
      assert.equal(eventsOf(h.events, 'static-member-replaced')[0].rebalance, true);
      assert.match(
        eventsOf(h.events, 'rebalance-started').at(-1)?.reason ?? '',
        /^static member i-b re-joined/,
      );
    });

    it('does not rebalance when the protocols change but the selection stays', () => {
      // testStaticMemberRejoinWithUnknownMemberIdAndChangeOfProtocolWhileSelectProtocolUnchanged
      const { h } = stableStatic();
      const r = join(
        h,
        joinRequest({ clientId: 'b', groupInstanceId: 'i-b', protocols: protocols(['range']) }),
      );
      assert.equal(r.response.errorCode, 'NONE');
      assert.equal(h.coordinator.groupState('group-id'), 'Stable');
      assert.deepEqual(
        h.coordinator.describe('group-id').members.find((m) => m.instanceId === 'i-b')?.classic?.protocols,
        ['range'],
      );
    });
  });

  it('always rebalances on a replacement during CompletingRebalance, fencing the old parked sync', () => {
    // testReplaceStaticMemberInCompletingRebalanceStateTriggersRebalance
    const h = virtualHarness();
    const a = join(h, joinRequest({ clientId: 'a', groupInstanceId: 'i-a' }));
    const b = join(h, joinRequest({ clientId: 'b', groupInstanceId: 'i-b' }));
    h.timers.runUntil(6000);
    assert.equal(h.coordinator.groupState('group-id'), 'CompletingRebalance');
    const follower = a.response.leader === a.response.memberId ? b.response.memberId : a.response.memberId;
    const followerInstance = follower === a.response.memberId ? 'i-a' : 'i-b';
    const parked = sync(h, { memberId: follower, groupInstanceId: followerInstance });
    const r = join(h, joinRequest({ clientId: 'x', groupInstanceId: followerInstance }));
    assert.equal(parked.response.errorCode, 'FENCED_INSTANCE_ID');
    assert.equal(r.done, false);
    assert.equal(h.coordinator.groupState('group-id'), 'PreparingRebalance');
    assert.equal(eventsOf(h.events, 'static-member-replaced')[0].rebalance, true);
  });

  it('fences the old parked JoinGroup on a replacement during PreparingRebalance, without a new rebalance', () => {
    // testJoinGroupReplaceStaticMember
    const h = virtualHarness();
    const old = join(h, joinRequest({ clientId: 'a', groupInstanceId: 'i-a' }));
    const replacement = join(h, joinRequest({ clientId: 'a', groupInstanceId: 'i-a' }));
    assert.equal(old.response.errorCode, 'FENCED_INSTANCE_ID');
    assert.equal(replacement.done, false);
    assert.equal(eventsOf(h.events, 'rebalance-started').length, 1);
    assert.equal(eventsOf(h.events, 'static-member-replaced')[0].rebalance, false);
    h.timers.runUntil(3000);
    assert.equal(replacement.response.errorCode, 'NONE');
    assert.equal(replacement.response.leader, replacement.response.memberId);
    assert.equal(h.coordinator.describe('group-id').members.length, 1);
  });

  it('treats a static member that re-joins with its known member id like any member', () => {
    // testStaticMemberRejoinWithKnownMemberId
    const { h, follower } = stableStatic();
    const same = join(
      h,
      joinRequest({
        clientId: 'b',
        memberId: follower,
        groupInstanceId: 'i-b',
        protocols: protocols(['range', 'roundrobin']),
      }),
    );
    assert.equal(same.response.errorCode, 'NONE');
    assert.equal(same.response.memberId, follower);
    assert.equal(h.coordinator.groupState('group-id'), 'Stable');
    const wrongInstance = join(
      h,
      joinRequest({ clientId: 'b', memberId: follower, groupInstanceId: 'i-zzz' }),
    );
    assert.equal(wrongInstance.response.errorCode, 'UNKNOWN_MEMBER_ID');
    const wrongId = join(h, joinRequest({ clientId: 'b', memberId: 'other', groupInstanceId: 'i-b' }));
    assert.equal(wrongId.response.errorCode, 'FENCED_INSTANCE_ID');
  });

  it('lets an administrator remove a static member by instance id', () => {
    const { h, follower } = stableStatic();
    const r = h.coordinator.leaveGroup({
      groupId: 'group-id',
      members: [{ memberId: '', groupInstanceId: 'i-b', reason: null }],
    });
    assert.deepEqual(r.members, [{ memberId: '', groupInstanceId: 'i-b', errorCode: 'NONE' }]);
    assert.deepEqual(
      eventsOf(h.events, 'member-left').map((e) => [e.memberId, e.instanceId, e.reason]),
      [[follower, 'i-b', 'admin-removal']],
    );
    assert.equal(h.coordinator.groupState('group-id'), 'PreparingRebalance');
    // The instance id is free again: the next join with it is a brand-new member.
    const again = join(h, joinRequest({ clientId: 'b', groupInstanceId: 'i-b' }));
    assert.equal(again.done, false);
    assert.equal(eventsOf(h.events, 'static-member-replaced').length, 0);
  });
});
