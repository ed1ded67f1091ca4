/**
 * SyncGroup, Heartbeat, LeaveGroup and the offset-commit checks of the classic coordinator, with
 * the session and pending-sync timers. Scenarios follow Kafka 4.3.1's GroupMetadataManagerTest.
 */
import { strict as assert } from 'node:assert';
import type { HeartbeatRequest } from '../../../src/simulator/classic/messages';
import {
  assignmentOf,
  eventsOf,
  formStableGroup,
  heartbeatAll,
  join,
  joinDynamic,
  joinRequest,
  sync,
  virtualHarness,
} from './support';

const hb = (
  memberId: string,
  generationId: number,
  groupInstanceId: string | null = null,
): HeartbeatRequest => ({
  groupId: 'group-id',
  memberId,
  generationId,
  groupInstanceId,
});

/** Two dynamic members through their join phase (generation 1, CompletingRebalance). */
function completingGroup(rebalanceTimeoutMs = 60_000): {
  h: ReturnType<typeof virtualHarness>;
  leader: string;
  follower: string;
} {
  const h = virtualHarness();
  const a = joinDynamic(h, { clientId: 'a', rebalanceTimeoutMs });
  const b = joinDynamic(h, { clientId: 'b', rebalanceTimeoutMs });
  h.timers.runUntil(6000);
  assert.equal(h.coordinator.groupState('group-id'), 'CompletingRebalance');
  const leader = a.join.response.leader;
  return { h, leader, follower: leader === a.memberId ? b.memberId : a.memberId };
}

describe('classic SyncGroup', () => {
  it("parks followers until the leader's assignment arrives, then hands each member its own", () => {
    // testSyncGroupLeaderAfterFollower
    const { h, leader, follower } = completingGroup();
    const followerSync = sync(h, { memberId: follower });
    assert.equal(followerSync.done, false);
    assert.equal(
      h.coordinator.describe('group-id').members.find((m) => m.memberId === follower)?.classic?.awaitingSync,
      true,
    );
    const leaderSync = sync(h, {
      memberId: leader,
      protocolName: 'range',
      assignments: [
        { memberId: leader, assignment: assignmentOf(['orders', 0], ['orders', 1]) },
        { memberId: follower, assignment: assignmentOf(['orders', 2]) },
      ],
    });
    assert.equal(leaderSync.response.errorCode, 'NONE');
    assert.deepEqual(leaderSync.response.assignment, assignmentOf(['orders', 0], ['orders', 1]));
    assert.equal(leaderSync.response.protocolName, 'range');
    assert.equal(leaderSync.response.protocolType, 'consumer');
    assert.deepEqual(followerSync.response.assignment, assignmentOf(['orders', 2]));
    assert.equal(h.coordinator.groupState('group-id'), 'Stable');
    const snap = h.coordinator.describe('group-id');
    assert.deepEqual(snap.members.find((m) => m.memberId === leader)?.assignment, { orders: [0, 1] });
    assert.deepEqual(
      eventsOf(h.events, 'sync-completed').map((e) => e.generation),
      [1],
    );
  });

  it('answers a follower that syncs after the leader with its stored assignment', () => {
    // testSyncGroupFollowerAfterLeader
    const { h, leader, follower } = completingGroup();
    sync(h, {
      memberId: leader,
      assignments: [{ memberId: follower, assignment: assignmentOf(['orders', 5]) }],
    });
    const late = sync(h, { memberId: follower });
    assert.equal(late.response.errorCode, 'NONE');
    assert.deepEqual(late.response.assignment, assignmentOf(['orders', 5]));
  });

  it('gives members the leader left out an empty assignment', () => {
    // testSyncGroupEmptyAssignment
    const { h, leader, follower } = completingGroup();
    const f = sync(h, { memberId: follower });
    sync(h, { memberId: leader, assignments: [] });
    assert.deepEqual(f.response.assignment.assignedPartitions, []);
    assert.equal(f.response.errorCode, 'NONE');
  });

  it('validates the group, member, generation and protocol', () => {
    const { h, leader } = completingGroup();
    assert.equal(sync(h, { groupId: 'nope', memberId: leader }).response.errorCode, 'UNKNOWN_MEMBER_ID');
    assert.equal(sync(h, { groupId: '', memberId: leader }).response.errorCode, 'INVALID_GROUP_ID');
    assert.equal(sync(h, { memberId: 'ghost' }).response.errorCode, 'UNKNOWN_MEMBER_ID');
    assert.equal(sync(h, { memberId: leader, generationId: 2 }).response.errorCode, 'ILLEGAL_GENERATION');
    assert.equal(
      sync(h, { memberId: leader, protocolType: 'connect' }).response.errorCode,
      'INCONSISTENT_GROUP_PROTOCOL',
    );
    assert.equal(
      sync(h, { memberId: leader, protocolName: 'roundrobin' }).response.errorCode,
      'INCONSISTENT_GROUP_PROTOCOL',
    );
    const ok = sync(h, { memberId: leader, protocolType: null, protocolName: null });
    assert.equal(ok.response.errorCode, 'NONE');
    const fenced = eventsOf(h.events, 'member-fenced')
      .filter((e) => e.groupId === 'group-id')
      .map((e) => [e.memberId, e.error]);
    assert.deepEqual(fenced, [
      ['ghost', 'UNKNOWN_MEMBER_ID'],
      [leader, 'ILLEGAL_GENERATION'],
    ]);
  });

  it('answers REBALANCE_IN_PROGRESS while the group prepares a rebalance', () => {
    const h = virtualHarness();
    const g = formStableGroup(h, [{ clientId: 'a' }, { clientId: 'b' }]);
    join(h, joinRequest({ clientId: 'a', memberId: g.leaderId }));
    assert.equal(sync(h, { memberId: g.memberIds[1] }).response.errorCode, 'REBALANCE_IN_PROGRESS');
  });

  it('answers UNKNOWN_MEMBER_ID for an Empty group', () => {
    const h = virtualHarness();
    const g = formStableGroup(h, [{ clientId: 'a' }]);
    h.coordinator.leaveGroup({
      groupId: 'group-id',
      members: [{ memberId: g.leaderId, groupInstanceId: null, reason: null }],
    });
    assert.equal(sync(h, { memberId: g.leaderId, generationId: 2 }).response.errorCode, 'UNKNOWN_MEMBER_ID');
  });

  describe('pending-sync timer', () => {
    it('removes followers that never send SyncGroup and starts a rebalance', () => {
      // testRebalanceTimesOutWhenSyncRequestIsNotReceivedFromFollowers
      const { h, leader, follower } = completingGroup(10_000);
      const leaderSync = sync(h, { memberId: leader, assignments: [] });
      assert.equal(leaderSync.response.errorCode, 'NONE');
      assert.equal(h.coordinator.groupState('group-id'), 'Stable');
      // The timer was armed when the join phase completed (t = 6000). Both keep heartbeating.
      h.timers.runUntil(12_000);
      assert.deepEqual(heartbeatAll(h, [leader, follower], 1), ['NONE', 'NONE']);
      h.timers.runUntil(15_999);
      assert.equal(h.coordinator.describe('group-id').members.length, 2);
      h.timers.runUntil(16_000);
      assert.deepEqual(
        eventsOf(h.events, 'member-left').map((e) => [e.memberId, e.reason]),
        [[follower, 'sync-timeout']],
      );
      assert.equal(
        eventsOf(h.events, 'rebalance-started').at(-1)?.reason,
        'b did not send SyncGroup in time',
      );
      // The leader is alone and has not re-joined: the join phase waits for it.
      assert.equal(h.coordinator.groupState('group-id'), 'PreparingRebalance');
      assert.equal(h.coordinator.heartbeat(hb(leader, 1)).errorCode, 'REBALANCE_IN_PROGRESS');
      assert.equal(h.coordinator.heartbeat(hb(follower, 1)).errorCode, 'UNKNOWN_MEMBER_ID');
    });

    it('removes a leader that never sends SyncGroup; parked followers get REBALANCE_IN_PROGRESS', () => {
      // testRebalanceTimesOutWhenSyncRequestIsNotReceivedFromLeaders
      const { h, leader, follower } = completingGroup(10_000);
      const parked = sync(h, { memberId: follower });
      h.timers.runUntil(16_000);
      assert.equal(parked.response.errorCode, 'REBALANCE_IN_PROGRESS');
      assert.equal(h.coordinator.heartbeat(hb(leader, 1)).errorCode, 'UNKNOWN_MEMBER_ID');
      assert.equal(h.coordinator.heartbeat(hb(follower, 1)).errorCode, 'REBALANCE_IN_PROGRESS');
      assert.equal(h.coordinator.describe('group-id').leaderId, follower);
    });

    it('is cancelled once every member has synced', () => {
      // testRebalanceDoesNotTimeOutWhenAllSyncAreReceived
      const { h, leader, follower } = completingGroup(10_000);
      assert.equal(h.timers.isScheduled('sync-group-id'), true);
      sync(h, { memberId: leader, assignments: [] });
      assert.equal(h.timers.isScheduled('sync-group-id'), true);
      sync(h, { memberId: follower });
      assert.equal(h.timers.isScheduled('sync-group-id'), false);
      h.timers.runUntil(12_000);
      heartbeatAll(h, [leader, follower], 1);
      h.timers.runUntil(16_000);
      assert.equal(h.coordinator.groupState('group-id'), 'Stable');
    });
  });
});

describe('classic Heartbeat', () => {
  it('answers by group state: PreparingRebalance, CompletingRebalance, Stable', () => {
    const h = virtualHarness();
    const a = joinDynamic(h, { clientId: 'a' });
    assert.equal(h.coordinator.heartbeat(hb(a.memberId, 0)).errorCode, 'REBALANCE_IN_PROGRESS');
    h.timers.runUntil(3000);
    assert.equal(h.coordinator.heartbeat(hb(a.memberId, 1)).errorCode, 'NONE');
    sync(h, { memberId: a.memberId });
    assert.equal(h.coordinator.heartbeat(hb(a.memberId, 1)).errorCode, 'NONE');
    const errors = eventsOf(h.events, 'request-error');
    assert.deepEqual(
      errors.map((e) => [e.api, e.error]),
      [['Heartbeat', 'REBALANCE_IN_PROGRESS']],
    );
  });

  it('rejects unknown groups and members, stale generations and fenced instances', () => {
    const h = virtualHarness();
    const g = formStableGroup(h, [{ clientId: 'a', groupInstanceId: 'i-a' }]);
    assert.equal(
      h.coordinator.heartbeat({ ...hb(g.leaderId, 1), groupId: 'other' }).errorCode,
      'UNKNOWN_MEMBER_ID',
    );
    assert.equal(
      h.coordinator.heartbeat({ ...hb(g.leaderId, 1), groupId: '' }).errorCode,
      'INVALID_GROUP_ID',
    );
    assert.equal(h.coordinator.heartbeat(hb('ghost', 1)).errorCode, 'UNKNOWN_MEMBER_ID');
    assert.equal(h.coordinator.heartbeat(hb(g.leaderId, 0, 'i-a')).errorCode, 'ILLEGAL_GENERATION');
    assert.equal(h.coordinator.heartbeat(hb('old-id', 1, 'i-a')).errorCode, 'FENCED_INSTANCE_ID');
    assert.equal(h.coordinator.heartbeat(hb(g.leaderId, 1, 'i-x')).errorCode, 'UNKNOWN_MEMBER_ID');
    assert.equal(h.coordinator.heartbeat(hb(g.leaderId, 1, 'i-a')).errorCode, 'NONE');
  });

  describe('session timeout', () => {
    it('removes a member that stops heartbeating and rebalances the others', () => {
      // testClassicGroupMemberSessionTimeout
      const h = virtualHarness();
      const g = formStableGroup(h, [
        { clientId: 'a', sessionTimeoutMs: 10_000 },
        { clientId: 'b', sessionTimeoutMs: 10_000 },
      ]);
      const [a, b] = g.memberIds;
      const t0 = h.timers.now();
      // Only a keeps heartbeating.
      for (let t = t0 + 3000; t <= t0 + 9000; t += 3000) {
        h.timers.runUntil(t);
        assert.deepEqual(heartbeatAll(h, [a], 1), ['NONE']);
      }
      h.timers.runUntil(t0 + 10_000);
      assert.deepEqual(
        eventsOf(h.events, 'member-left').map((e) => [e.memberId, e.reason]),
        [[b, 'session-timeout']],
      );
      assert.equal(eventsOf(h.events, 'rebalance-started').at(-1)?.reason, 'b left: session timeout');
      assert.equal(h.coordinator.groupState('group-id'), 'PreparingRebalance');
      assert.equal(h.coordinator.heartbeat(hb(a, 1)).errorCode, 'REBALANCE_IN_PROGRESS');
    });

    it('counts a member with a parked JoinGroup as alive, but not one that has not re-joined', () => {
      // testClassicGroupMemberSessionTimeoutDuringRebalance
      const h = virtualHarness();
      const g = formStableGroup(h, [
        { clientId: 'a', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 60_000 },
        { clientId: 'b', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 60_000 },
      ]);
      const [a, b] = g.memberIds;
      const t0 = h.timers.now();
      const ra = join(h, joinRequest({ clientId: 'a', memberId: a, sessionTimeoutMs: 10_000 }));
      // a is parked (no heartbeats needed); b heartbeats once and then goes silent.
      h.timers.runUntil(t0 + 2000);
      assert.equal(h.coordinator.heartbeat(hb(b, 1)).errorCode, 'REBALANCE_IN_PROGRESS');
      h.timers.runUntil(t0 + 11_999);
      assert.equal(ra.done, false);
      h.timers.runUntil(t0 + 12_000);
      // b expired; a was the only one left and had joined: the phase completes at once.
      assert.equal(ra.response.generationId, 2);
      assert.deepEqual(
        ra.response.members.map((m) => m.memberId),
        [a],
      );
      assert.deepEqual(
        eventsOf(h.events, 'member-left').map((e) => [e.memberId, e.reason]),
        [[b, 'session-timeout']],
      );
    });

    it('keeps a member with a parked SyncGroup alive, and restarts its session when answered', () => {
      const { h, leader, follower } = completingGroup();
      const parked = sync(h, { memberId: follower });
      // Session timeout is 10 s; the leader heartbeats and syncs only at t = 36000.
      for (let t = 11_000; t <= 36_000; t += 5000) {
        h.timers.runUntil(t);
        assert.equal(h.coordinator.heartbeat(hb(leader, 1)).errorCode, 'NONE');
      }
      sync(h, { memberId: leader, assignments: [] });
      assert.equal(parked.response.errorCode, 'NONE');
      h.timers.runUntil(45_999);
      assert.equal(h.coordinator.describe('group-id').members.length, 2);
      heartbeatAll(h, [leader], 1);
      h.timers.runUntil(46_000);
      assert.deepEqual(
        eventsOf(h.events, 'member-left').map((e) => [e.memberId, e.reason]),
        [[follower, 'session-timeout']],
      );
    });
  });
});

describe('classic LeaveGroup', () => {
  it('removes the member and rebalances the rest', () => {
    // testValidLeaveGroup
    const h = virtualHarness();
    const g = formStableGroup(h, [{ clientId: 'a' }, { clientId: 'b' }]);
    const r = h.coordinator.leaveGroup({
      groupId: 'group-id',
      members: [{ memberId: g.memberIds[1], groupInstanceId: null, reason: 'the consumer is being closed' }],
    });
    assert.deepEqual(r, {
      errorCode: 'NONE',
      members: [{ memberId: g.memberIds[1], groupInstanceId: null, errorCode: 'NONE' }],
    });
    assert.equal(h.coordinator.groupState('group-id'), 'PreparingRebalance');
    assert.equal(eventsOf(h.events, 'rebalance-started').at(-1)?.reason, 'b left');
    assert.deepEqual(
      eventsOf(h.events, 'member-left').map((e) => e.reason),
      ['leave-group'],
    );
  });

  it('takes the group to Empty (and the next generation) when the last member leaves', () => {
    const h = virtualHarness();
    const g = formStableGroup(h, [{ clientId: 'a' }]);
    h.coordinator.leaveGroup({
      groupId: 'group-id',
      members: [{ memberId: g.leaderId, groupInstanceId: null, reason: null }],
    });
    const snap = h.coordinator.describe('group-id');
    assert.equal(snap.state, 'Empty');
    assert.equal(snap.groupEpoch, 2);
    assert.equal(snap.leaderId, null);
    assert.equal(snap.assignor, null);
    const last = eventsOf(h.events, 'join-completed').at(-1);
    assert.deepEqual([last?.generation, last?.memberCount, last?.leaderId], [2, 0, null]);
  });

  it('handles a batch: static members by instance id, pending members, and per-member errors', () => {
    // testStaticMembersValidBatchLeaveGroup, testPendingMemberBatchLeaveGroup,
    // testJoinedMemberPendingMemberBatchLeaveGroupWithUnknownMember
    const h = virtualHarness();
    const g = formStableGroup(h, [
      { clientId: 'a', groupInstanceId: 'i-a' },
      { clientId: 'b', groupInstanceId: 'i-b' },
      { clientId: 'c' },
    ]);
    const pending = join(h, joinRequest({ clientId: 'd' })).response.memberId;
    const r = h.coordinator.leaveGroup({
      groupId: 'group-id',
      members: [
        { memberId: '', groupInstanceId: 'i-a', reason: null }, // admin removal
        { memberId: 'not-b', groupInstanceId: 'i-b', reason: null }, // fenced
        { memberId: pending, groupInstanceId: null, reason: null },
        { memberId: '', groupInstanceId: 'i-zzz', reason: null },
        { memberId: 'ghost', groupInstanceId: null, reason: null },
        { memberId: g.memberIds[2], groupInstanceId: null, reason: null },
      ],
    });
    assert.deepEqual(
      r.members.map((m) => m.errorCode),
      ['NONE', 'FENCED_INSTANCE_ID', 'NONE', 'UNKNOWN_MEMBER_ID', 'UNKNOWN_MEMBER_ID', 'NONE'],
    );
    assert.deepEqual(
      h.coordinator.describe('group-id').members.map((m) => m.instanceId),
      ['i-b'],
    );
    assert.deepEqual(
      eventsOf(h.events, 'member-left').map((e) => [e.memberId, e.reason]),
      [
        [g.memberIds[0], 'admin-removal'],
        [g.memberIds[2], 'leave-group'],
      ],
    );
    assert.equal(
      eventsOf(h.events, 'rebalance-started').at(-1)?.reason,
      `i-a was removed by an administrator; pending member ${pending} left; c left`,
    );
  });

  it('answers UNKNOWN_MEMBER_ID for every identity of an unknown group', () => {
    const h = virtualHarness();
    const r = h.coordinator.leaveGroup({
      groupId: 'nope',
      members: [
        { memberId: 'm1', groupInstanceId: null, reason: null },
        { memberId: '', groupInstanceId: 'i1', reason: null },
      ],
    });
    assert.equal(r.errorCode, 'NONE');
    assert.deepEqual(
      r.members.map((m) => m.errorCode),
      ['UNKNOWN_MEMBER_ID', 'UNKNOWN_MEMBER_ID'],
    );
  });

  it('completes the join phase when the member everyone waited for leaves', () => {
    const h = virtualHarness();
    const g = formStableGroup(h, [{ clientId: 'a' }, { clientId: 'b' }]);
    const ra = join(h, joinRequest({ clientId: 'a', memberId: g.memberIds[0] }));
    assert.equal(ra.done, false);
    h.coordinator.leaveGroup({
      groupId: 'group-id',
      members: [{ memberId: g.memberIds[1], groupInstanceId: null, reason: null }],
    });
    assert.equal(ra.response.generationId, 2);
    assert.equal(ra.response.members.length, 1);
  });

  it('rebalances a Stable group even when only a pending member left (as Kafka does)', () => {
    const h = virtualHarness();
    formStableGroup(h, [{ clientId: 'a' }]);
    const pending = join(h, joinRequest({ clientId: 'd' })).response.memberId;
    h.coordinator.leaveGroup({
      groupId: 'group-id',
      members: [{ memberId: pending, groupInstanceId: null, reason: null }],
    });
    assert.equal(h.coordinator.groupState('group-id'), 'PreparingRebalance');
  });

  it('answers a parked JoinGroup of a leaving member with UNKNOWN_MEMBER_ID', () => {
    const h = virtualHarness();
    const a = joinDynamic(h, { clientId: 'a' });
    h.coordinator.leaveGroup({
      groupId: 'group-id',
      members: [{ memberId: a.memberId, groupInstanceId: null, reason: null }],
    });
    assert.equal(a.join.response.errorCode, 'UNKNOWN_MEMBER_ID');
    assert.equal(a.join.response.memberId, '');
  });
});

describe('classic offset commits', () => {
  const commit = (
    memberId: string,
    generation: number,
    groupId = 'group-id',
    groupInstanceId: string | null = null,
  ) => ({
    groupId,
    memberId,
    generationIdOrMemberEpoch: generation,
    groupInstanceId,
    offsets: [{ topic: 'orders', partition: 0, offset: 42 }],
  });

  it('accepts simple (generation -1) commits to an unknown or Empty group, creating a simple group', () => {
    const h = virtualHarness();
    assert.equal(h.coordinator.validateOffsetCommit(commit('', -1, 'simple')), 'NONE');
    assert.deepEqual(h.coordinator.listGroups(), [
      { groupId: 'simple', protocolType: '', state: 'Empty', groupType: 'classic' },
    ]);
    assert.equal(h.coordinator.validateOffsetCommit(commit('m', 3, 'unknown')), 'GROUP_ID_NOT_FOUND');
  });

  it('checks member, generation and state like ClassicGroup.validateOffsetCommit', () => {
    const h = virtualHarness();
    const a = joinDynamic(h, { clientId: 'a' });
    // PreparingRebalance with the current (old) generation: allowed.
    assert.equal(h.coordinator.validateOffsetCommit(commit(a.memberId, 0)), 'NONE');
    h.timers.runUntil(3000);
    // CompletingRebalance: the member has the new generation but no assignment yet.
    assert.equal(h.coordinator.validateOffsetCommit(commit(a.memberId, 1)), 'REBALANCE_IN_PROGRESS');
    sync(h, { memberId: a.memberId });
    assert.equal(h.coordinator.validateOffsetCommit(commit(a.memberId, 1)), 'NONE');
    assert.equal(h.coordinator.validateOffsetCommit(commit(a.memberId, 0)), 'ILLEGAL_GENERATION');
    assert.equal(h.coordinator.validateOffsetCommit(commit('ghost', 1)), 'UNKNOWN_MEMBER_ID');
    assert.equal(h.coordinator.validateOffsetCommit(commit('', -1)), 'UNKNOWN_MEMBER_ID');
    assert.equal(
      h.coordinator.validateOffsetCommit(commit(a.memberId, 1, 'group-id', 'i-x')),
      'UNKNOWN_MEMBER_ID',
    );
  });

  it('keeps the committing member session alive in Stable', () => {
    const h = virtualHarness();
    const g = formStableGroup(h, [{ clientId: 'a', sessionTimeoutMs: 10_000 }]);
    const t0 = h.timers.now();
    h.timers.runUntil(t0 + 9000);
    assert.equal(h.coordinator.validateOffsetCommit(commit(g.leaderId, 1)), 'NONE');
    h.timers.runUntil(t0 + 18_999);
    assert.equal(h.coordinator.describe('group-id').members.length, 1);
    h.timers.runUntil(t0 + 19_000);
    assert.equal(h.coordinator.describe('group-id').members.length, 0);
  });
});

describe('classic group listing and deletion', () => {
  it('deletes only Empty groups, through Dead', () => {
    const h = virtualHarness();
    const g = formStableGroup(h, [{ clientId: 'a' }]);
    assert.equal(h.coordinator.deleteGroup('group-id'), 'NON_EMPTY_GROUP');
    h.coordinator.leaveGroup({
      groupId: 'group-id',
      members: [{ memberId: g.leaderId, groupInstanceId: null, reason: null }],
    });
    assert.equal(h.coordinator.deleteGroup('group-id'), 'NONE');
    assert.equal(eventsOf(h.events, 'group-state').at(-1)?.to, 'Dead');
    assert.equal(h.coordinator.deleteGroup('group-id'), 'GROUP_ID_NOT_FOUND');
    assert.equal(h.coordinator.describe('group-id').state, 'Dead');
    assert.deepEqual(h.coordinator.listGroups(), []);
  });
});
