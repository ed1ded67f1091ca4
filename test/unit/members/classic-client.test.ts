/**
 * The classic consumer client against a scripted coordinator: each test pins one rule of Kafka
 * 4.3.1's ClassicKafkaConsumer / ConsumerCoordinator / AbstractCoordinator / heartbeat thread.
 */
import { strict as assert } from 'node:assert';
import { toPartitions } from '../../../src/model';
import {
  GROUP,
  eventsOf,
  joinError,
  joinResponse,
  joinScripted,
  newClient,
  orders,
  runFor,
  runUntil,
  scriptedWorld,
  startWithMemberId,
  syncError,
  syncResponse,
} from './classic-client-harness';

describe('ClassicConsumerClient (scripted coordinator)', () => {
  describe('joining', () => {
    it('joins through MEMBER_ID_REQUIRED and re-joins with the member id it was given', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { sessionTimeoutMs: 10_000, maxPollIntervalMs: 120_000 });
      c.start();
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const first = w.coord.joins[0].request;
      assert.equal(first.memberId, '');
      assert.equal(first.groupId, GROUP);
      assert.equal(first.sessionTimeoutMs, 10_000);
      assert.equal(first.rebalanceTimeoutMs, 120_000, 'the rebalance timeout is max.poll.interval.ms');
      assert.equal(first.protocolType, 'consumer');
      assert.deepEqual(
        first.protocols.map((p) => p.name),
        ['range'],
      );
      assert.deepEqual(first.protocols[0].metadata.topics, ['orders']);
      assert.equal(first.reason, '');
      assert.equal(c.state(), 'PREPARING_REBALANCE');
      assert.equal(c.details().condition, 'waiting for JoinGroup response');

      w.coord.joins[0].reply(joinError('MEMBER_ID_REQUIRED', 'c1-abc'));
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const second = w.coord.joins[1].request;
      assert.equal(second.memberId, 'c1-abc');
      assert.equal(second.reason, 'need to re-join with the given member-id: c1-abc');
      assert.equal(c.memberId(), 'c1-abc');
      assert.equal(c.generationId(), -1);
    });

    it('takes member id and generation from the JoinGroup response; a follower sends an empty SyncGroup', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1');
      startWithMemberId(w, c, 'c1-abc');
      w.coord.joins[1].reply(joinResponse({ memberId: 'c1-abc', generationId: 7, leader: 'someone-else' }));
      runUntil(w, () => w.coord.pendingSyncs().length > 0);
      const sync = w.coord.syncs[0].request;
      assert.equal(sync.generationId, 7);
      assert.equal(sync.memberId, 'c1-abc');
      assert.equal(sync.protocolName, 'range');
      assert.deepEqual(sync.assignments, [], 'a follower sends no assignments');
      assert.equal(c.state(), 'COMPLETING_REBALANCE');
      assert.equal(c.generationId(), 7);
      assert.equal(c.leader(), false);
    });

    it('as the leader, runs the selected assignor over every member and sends the assignments', () => {
      const w = scriptedWorld({ topics: { orders: 4 } });
      const c = newClient(w, 'c1');
      startWithMemberId(w, c, 'a');
      const metadata = w.coord.joins[1].request.protocols[0].metadata;
      w.coord.joins[1].reply(
        joinResponse({
          memberId: 'a',
          leader: 'a',
          generationId: 3,
          members: [
            { memberId: 'a', groupInstanceId: null, metadata },
            { memberId: 'b', groupInstanceId: null, metadata },
          ],
        }),
      );
      runUntil(w, () => w.coord.pendingSyncs().length > 0);
      const sync = w.coord.syncs[0].request;
      assert.equal(c.leader(), true);
      const byMember = new Map(sync.assignments.map((a) => [a.memberId, a.assignment.assignedPartitions]));
      assert.deepEqual(byMember.get('a'), [
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
      ]);
      assert.deepEqual(byMember.get('b'), [
        { topic: 'orders', partition: 2 },
        { topic: 'orders', partition: 3 },
      ]);
    });

    it('applies the assignment in poll(): partitions-assigned when onPartitionsAssigned is invoked', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', {}, { onAssignedMs: 2_000 });
      startWithMemberId(w, c, 'c1-x');
      w.coord.joins[1].reply(joinResponse({ memberId: 'c1-x' }));
      runUntil(w, () => w.coord.pendingSyncs().length > 0);
      w.coord.syncs[0].reply(syncResponse(orders(0, 1, 2)));
      runUntil(w, () => eventsOf(w.events, 'partitions-assigned').length > 0);
      const assigned = eventsOf(w.events, 'partitions-assigned')[0];
      assert.deepEqual(assigned.partitions, orders(0, 1, 2));
      assert.equal(assigned.memberId, 'c1-x');
      assert.deepEqual(c.owned(), orders(0, 1, 2));
      runFor(w, 500);
      assert.match(c.details().condition ?? '', /^in onPartitionsAssigned \(0\.5 s of 2 s\)$/);
      runFor(w, 2_000);
      assert.equal(c.details().condition, null);
      assert.equal(c.state(), 'STABLE');
    });

    it('does not heartbeat before the JoinGroup response, then every heartbeat.interval.ms', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { heartbeatIntervalMs: 3_000 });
      startWithMemberId(w, c, 'c1-x');
      runFor(w, 20_000);
      assert.equal(w.coord.heartbeats.length, 0, 'no heartbeats while PREPARING_REBALANCE');
      const joinedAt = w.scheduler.now();
      w.coord.joins[1].reply(joinResponse({ memberId: 'c1-x', generationId: 4 }));
      runUntil(w, () => w.coord.pendingSyncs().length > 0);
      runFor(w, 7_000);
      assert.ok(w.coord.heartbeats.length >= 2);
      const first = w.coord.heartbeats[0];
      assert.equal(
        first.request.generationId,
        4,
        'heartbeats carry the generation from the JoinGroup response',
      );
      assert.equal(first.request.memberId, 'c1-x');
      // sent one heartbeat interval after the JoinGroup response reached the client (1 ms latency each way)
      assert.equal(first.atMs, joinedAt + 1 + 3_000 + 1);
      assert.equal(w.coord.heartbeats[1].atMs - first.atMs, 3_000);
    });
  });

  describe('rebalancing inside poll()', () => {
    it('re-joins at the next poll() after a heartbeat says REBALANCE_IN_PROGRESS: a slow poll loop delays it', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { heartbeatIntervalMs: 3_000 }, { processingMs: 20_000 });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      w.coord.heartbeatAnswer = () => 'REBALANCE_IN_PROGRESS';
      const before = w.coord.joins.length;
      runUntil(
        w,
        () => w.coord.heartbeats.length > 0 && w.coord.heartbeats.at(-1)!.request.generationId === 1,
      );
      const heardAt = w.scheduler.now() + 1;
      runFor(w, 2);
      assert.match(
        c.details().condition ?? '',
        /^rejoin requested \(group is already rebalancing\); next poll\(\) in /,
      );
      assert.equal(w.coord.joins.length, before, 'no JoinGroup until the application polls');
      runUntil(w, () => w.coord.joins.length > before);
      const rejoinAt = w.coord.joins.at(-1)!.atMs;
      assert.ok(
        rejoinAt - heardAt > 1_000,
        `the JoinGroup waited for the next poll (${rejoinAt - heardAt} ms)`,
      );
      assert.ok(rejoinAt - heardAt <= 20_000 + 2);
      assert.equal(w.coord.joins.at(-1)!.request.reason, 'group is already rebalancing');
    });

    it('eager: commits, then revokes everything in onPartitionsRevoked, then sends JoinGroup', () => {
      const w = scriptedWorld({ produceRate: 600 });
      const c = newClient(w, 'c1', {}, { onRevokedMs: 5_000 });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1, 2), generation: 2 });
      runFor(w, 1_000);
      const commitsBefore = w.coord.commits.length;
      w.coord.heartbeatAnswer = () => 'REBALANCE_IN_PROGRESS';
      runUntil(w, () => w.coord.commits.length > commitsBefore);
      const commit = w.coord.commits.at(-1)!;
      assert.equal(commit.request.generationIdOrMemberEpoch, 2);
      assert.equal(commit.request.memberId, 'c1-id');
      assert.deepEqual(
        commit.request.offsets.map((o) => o.partition),
        [0, 1, 2],
      );
      assert.equal(eventsOf(w.events, 'partitions-revoked').length, 0);
      runUntil(w, () => eventsOf(w.events, 'partitions-revoked').length > 0);
      const revoked = eventsOf(w.events, 'partitions-revoked')[0];
      assert.deepEqual(revoked.partitions, orders(0, 1, 2));
      assert.ok(revoked.timeMs - commit.atMs >= 5_000, 'revoked when onPartitionsRevoked completes');
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const join = w.coord.pendingJoins()[0];
      assert.ok(join.atMs >= revoked.timeMs);
      assert.deepEqual(
        join.request.protocols[0].metadata.ownedPartitions,
        [],
        'eager owns nothing when it joins',
      );
      assert.equal(join.request.protocols[0].metadata.generationId, 2);
      assert.equal(join.request.memberId, 'c1-id');
    });

    it('cooperative: keeps its partitions while re-joining, revokes what it lost, and joins a second time', () => {
      const w = scriptedWorld();
      const c = newClient(
        w,
        'c1',
        { partitionAssignmentStrategy: ['cooperative-sticky'] },
        { onRevokedMs: 3_000 },
      );
      c.start();
      assert.equal(c.rebalanceProtocol(), 'cooperative');
      joinScripted(w, c, { assigned: orders(0, 1, 2), protocolName: 'cooperative-sticky' });
      w.coord.heartbeatAnswer = () => 'REBALANCE_IN_PROGRESS';
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      w.coord.heartbeatAnswer = () => 'NONE';
      const join = w.coord.pendingJoins()[0];
      assert.deepEqual(
        join.request.protocols[0].metadata.ownedPartitions.map((tp) => tp.partition),
        [0, 1, 2],
      );
      assert.deepEqual(c.owned(), orders(0, 1, 2), 'nothing revoked before the join');
      assert.equal(eventsOf(w.events, 'partitions-revoked').length, 0);
      join.reply(joinResponse({ memberId: 'c1-id', generationId: 2, protocolName: 'cooperative-sticky' }));
      runUntil(w, () => w.coord.pendingSyncs().length > 0);
      w.coord.pendingSyncs()[0].reply(syncResponse(orders(0, 1), { protocolName: 'cooperative-sticky' }));
      runUntil(w, () => eventsOf(w.events, 'partitions-revoked').length > 0);
      assert.deepEqual(eventsOf(w.events, 'partitions-revoked')[0].partitions, orders(2));
      assert.deepEqual(c.owned(), orders(0, 1));
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const second = w.coord.pendingJoins()[0].request;
      assert.equal(second.reason, 'need to revoke partitions and re-join');
      assert.deepEqual(
        second.protocols[0].metadata.ownedPartitions.map((tp) => tp.partition),
        [0, 1],
      );
      assert.equal(second.protocols[0].metadata.generationId, 2);
    });
  });

  describe('heartbeat errors', () => {
    it('ILLEGAL_GENERATION: partitions lost at once, generation reset, member id kept, re-join', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', {}, { onLostMs: 1_000 });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1), generation: 5 });
      w.coord.heartbeatAnswer = () => 'ILLEGAL_GENERATION';
      runUntil(w, () => eventsOf(w.events, 'partitions-lost').length > 0);
      const lost = eventsOf(w.events, 'partitions-lost')[0];
      assert.deepEqual(lost.partitions, orders(0, 1));
      assert.equal(lost.memberId, 'c1-id');
      assert.equal(c.generationId(), -1);
      assert.equal(c.memberId(), 'c1-id');
      assert.deepEqual(c.owned(), {});
      w.coord.heartbeatAnswer = () => 'NONE';
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const join = w.coord.pendingJoins()[0].request;
      assert.equal(join.memberId, 'c1-id');
      assert.equal(join.reason, 'encountered ILLEGAL_GENERATION from HEARTBEAT response');
      assert.equal(join.protocols[0].metadata.generationId, -1);
      assert.deepEqual(join.protocols[0].metadata.ownedPartitions, []);
    });

    it('UNKNOWN_MEMBER_ID: the member id is reset too', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1');
      c.start();
      joinScripted(w, c, { assigned: orders(0) });
      w.coord.heartbeatAnswer = () => 'UNKNOWN_MEMBER_ID';
      runUntil(w, () => eventsOf(w.events, 'partitions-lost').length > 0);
      assert.equal(c.memberId(), null);
      w.coord.heartbeatAnswer = () => 'NONE';
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      assert.equal(w.coord.pendingJoins()[0].request.memberId, '');
    });

    it('FENCED_INSTANCE_ID is fatal: poll() throws, the application closes the consumer (no LeaveGroup)', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { groupInstanceId: 'i-1' });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      w.coord.heartbeatAnswer = () => 'FENCED_INSTANCE_ID';
      runUntil(w, () => !c.alive);
      assert.match(c.failure() ?? '', /FencedInstanceIdException/);
      const errors = eventsOf(w.events, 'request-error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0].api, 'Heartbeat');
      assert.equal(w.coord.leaves.length, 0);
      assert.deepEqual(eventsOf(w.events, 'partitions-lost')[0].partitions, orders(0, 1));
      assert.match(c.details().condition ?? '', /^failed: FencedInstanceIdException/);
    });

    it('a FENCED_INSTANCE_ID heard during a callback makes the poll() running it throw when the callback returns', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { groupInstanceId: 'i-1' }, { onAssignedMs: 20_000 });
      c.start();
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      w.coord.joins[0].reply(joinResponse({ memberId: 'i-1-x' }));
      runUntil(w, () => w.coord.pendingSyncs().length > 0);
      w.coord.heartbeatAnswer = () => 'FENCED_INSTANCE_ID';
      w.coord.syncs[0].reply(syncResponse(orders(0)));
      runUntil(w, () => c.details().condition?.startsWith('in onPartitionsAssigned') === true);
      const started = w.scheduler.now();
      runUntil(w, () => !c.alive);
      assert.ok(w.scheduler.now() - started >= 20_000, 'the callback runs to its end');
      assert.ok(w.scheduler.now() - started < 20_100);
      assert.match(c.failure() ?? '', /^FencedInstanceIdException/);
    });

    it('NOT_COORDINATOR: finds the coordinator again and heartbeats after a backoff', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { heartbeatIntervalMs: 3_000 });
      c.start();
      joinScripted(w, c, { assigned: orders(0) });
      let n = 0;
      w.coord.heartbeatAnswer = () => (n++ === 0 ? 'NOT_COORDINATOR' : 'NONE');
      runUntil(w, () => w.coord.heartbeats.length >= 2);
      const [a, b] = w.coord.heartbeats.slice(-2);
      assert.ok(
        b.atMs - a.atMs < 3_000,
        `retried after a backoff (${b.atMs - a.atMs} ms), not a full interval`,
      );
      assert.ok(b.atMs - a.atMs >= 80);
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), orders(0), 'a coordinator change costs no partitions');
    });
  });

  describe('JoinGroup and SyncGroup errors', () => {
    it('REBALANCE_IN_PROGRESS on JoinGroup: joins again at once', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1');
      startWithMemberId(w, c, 'c1-x');
      const answeredAt = w.scheduler.now();
      w.coord.joins[1].reply(joinError('REBALANCE_IN_PROGRESS', 'c1-x'));
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const again = w.coord.pendingJoins()[0];
      assert.ok(again.atMs - answeredAt <= 4, 'no backoff');
      assert.equal(again.request.memberId, 'c1-x');
      assert.equal(again.request.reason, 'rebalance failed due to RebalanceInProgressException');
    });

    it('UNKNOWN_MEMBER_ID on JoinGroup: forgets the member id and joins as a new member', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1');
      c.start();
      joinScripted(w, c, { assigned: orders(0), generation: 2 });
      w.coord.heartbeatAnswer = () => 'REBALANCE_IN_PROGRESS';
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      w.coord.pendingJoins()[0].reply(joinError('UNKNOWN_MEMBER_ID', 'c1-id'));
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      assert.equal(w.coord.pendingJoins()[0].request.memberId, '');
      assert.equal(c.generationId(), -1);
    });

    it('COORDINATOR_NOT_AVAILABLE on JoinGroup: looks the coordinator up again, then joins again at once', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1');
      startWithMemberId(w, c, 'c1-x');
      w.coord.joins[1].reply(joinError('COORDINATOR_NOT_AVAILABLE', 'c1-x'));
      runFor(w, 1);
      assert.equal(c.details().condition, 'looking for the group coordinator');
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const retry = w.coord.pendingJoins()[0];
      assert.equal(retry.request.memberId, 'c1-x');
      assert.equal(retry.request.reason, 'rebalance failed due to CoordinatorNotAvailableException');
    });

    it('COORDINATOR_LOAD_IN_PROGRESS on JoinGroup: retries after retry.backoff.ms', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { retryBackoffMs: 250 });
      startWithMemberId(w, c, 'c1-x');
      const answeredAt = w.scheduler.now();
      w.coord.joins[1].reply(joinError('COORDINATOR_LOAD_IN_PROGRESS', 'c1-x'));
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const retry = w.coord.pendingJoins()[0];
      assert.ok(
        retry.atMs - answeredAt >= 250 && retry.atMs - answeredAt < 300,
        `${retry.atMs - answeredAt} ms`,
      );
      assert.equal(retry.request.reason, 'rebalance failed due to CoordinatorLoadInProgressException');
    });

    it('GROUP_MAX_SIZE_REACHED is fatal: poll() throws and the application closes the consumer', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1');
      startWithMemberId(w, c, 'c1-x');
      w.coord.joins[1].reply(joinError('GROUP_MAX_SIZE_REACHED', ''));
      runUntil(w, () => !c.alive);
      const err = eventsOf(w.events, 'request-error');
      assert.equal(err.length, 1);
      assert.match(err[0].error, /^GroupMaxSizeReachedException/);
      assert.equal(w.coord.joins.length, 2, 'no further join');
      assert.match(c.details().condition ?? '', /^failed: GroupMaxSizeReachedException/);
    });

    it('REBALANCE_IN_PROGRESS on SyncGroup: joins again without onJoinPrepare (no commit, no revocation)', () => {
      const w = scriptedWorld({ produceRate: 60 });
      const c = newClient(w, 'c1', { partitionAssignmentStrategy: ['cooperative-sticky'] });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1), generation: 1, protocolName: 'cooperative-sticky' });
      w.coord.heartbeatAnswer = () => 'REBALANCE_IN_PROGRESS';
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      w.coord.heartbeatAnswer = () => 'NONE';
      w.coord
        .pendingJoins()[0]
        .reply(joinResponse({ memberId: 'c1-id', generationId: 2, protocolName: 'cooperative-sticky' }));
      runUntil(w, () => w.coord.pendingSyncs().length > 0);
      const commits = w.coord.commits.length;
      w.coord.pendingSyncs()[0].reply(syncError('REBALANCE_IN_PROGRESS'));
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const join = w.coord.pendingJoins()[0].request;
      assert.equal(w.coord.commits.length, commits, 'no onJoinPrepare commit');
      assert.equal(join.protocols[0].metadata.generationId, 2, 'the generation from the JoinGroup response');
      assert.equal(join.reason, 'rebalance failed due to RebalanceInProgressException');
      assert.deepEqual(c.owned(), orders(0, 1));
    });

    it('the leader refuses an assignment that breaks the COOPERATIVE rule (poll() throws)', () => {
      const w = scriptedWorld({ topics: { orders: 4 } });
      const c = newClient(w, 'c1', { partitionAssignmentStrategy: ['mover'] });
      c.start();
      assert.equal(c.rebalanceProtocol(), 'cooperative');
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      w.coord.joins[0].reply(joinError('MEMBER_ID_REQUIRED', 'a'));
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const own = (ps: number[]) => ({
        topics: ['orders'],
        userData: null,
        ownedPartitions: ps.map((partition) => ({ topic: 'orders', partition })),
        generationId: 1,
        rackId: null,
      });
      w.coord.joins[1].reply(
        joinResponse({
          memberId: 'a',
          leader: 'a',
          protocolName: 'mover',
          members: [
            { memberId: 'a', groupInstanceId: null, metadata: own([0, 1]) },
            { memberId: 'b', groupInstanceId: null, metadata: own([2, 3]) },
          ],
        }),
      );
      runUntil(w, () => !c.alive);
      assert.equal(w.coord.syncs.length, 0, 'no SyncGroup');
      assert.match(eventsOf(w.events, 'request-error')[0].error, /violates its requirements/);
    });

    it('a SyncGroup that is never answered times out after request.timeout.ms: the client re-discovers and re-joins', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { requestTimeoutMs: 30_000 });
      startWithMemberId(w, c, 'c1-x');
      w.coord.joins[1].reply(joinResponse({ memberId: 'c1-x', generationId: 3 }));
      runUntil(w, () => w.coord.pendingSyncs().length > 0);
      const sentAt = w.coord.syncs[0].atMs;
      runUntil(w, () => w.coord.joins.length > 2);
      const timeout = eventsOf(w.events, 'client-timeout');
      assert.equal(timeout.length, 1);
      assert.equal(timeout[0].timeout, 'request.timeout.ms');
      assert.equal(timeout[0].timeMs, sentAt - 1 + 30_000);
      const rejoin = w.coord.joins[2];
      assert.equal(rejoin.request.memberId, 'c1-x');
      assert.equal(rejoin.request.reason, 'rebalance failed due to DisconnectException');
      assert.ok(rejoin.atMs - timeout[0].timeMs < 1_000);
    });
  });

  describe('network partitions', () => {
    it('cut off: no heartbeat succeeds within session.timeout.ms, the coordinator is marked unknown; back in time, it keeps its partitions', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 3_000 });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      runFor(w, 4_000);
      const cutAt = w.scheduler.now();
      const lastOk = w.coord.heartbeats.at(-1)!.atMs;
      w.network.partition('c1', cutAt + 25_000);
      runFor(w, 12_000);
      assert.equal(c.details().condition, 'cut off from the broker');
      const timeouts = eventsOf(w.events, 'client-timeout');
      assert.deepEqual(
        timeouts.map((t) => t.timeout),
        ['session.timeout.ms'],
      );
      assert.equal(timeouts[0].timeMs, lastOk + 1 + 10_000);
      const hbDuring = w.coord.heartbeats.filter((h) => h.atMs > cutAt && h.atMs < cutAt + 25_000);
      assert.equal(hbDuring.length, 0, 'nothing reaches the coordinator while cut off');
      runFor(w, 20_000);
      const after = w.coord.heartbeats.filter((h) => h.atMs >= cutAt + 25_000);
      assert.ok(after.length > 0, 'heartbeats again once the network is back');
      assert.ok(after[0].atMs - (cutAt + 25_000) < 4_500, `${after[0].atMs - (cutAt + 25_000)} ms`);
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), orders(0, 1));
      assert.equal(eventsOf(w.events, 'partitions-lost').length, 0);
    });

    it('cut off: a request that gets no answer within request.timeout.ms disconnects (reported once per outage)', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', {
        sessionTimeoutMs: 45_000,
        heartbeatIntervalMs: 3_000,
        requestTimeoutMs: 5_000,
      });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      const cutAt = w.scheduler.now();
      w.network.partition('c1', cutAt + 40_000);
      runFor(w, 39_000);
      const timeouts = eventsOf(w.events, 'client-timeout');
      assert.deepEqual(
        timeouts.map((t) => t.timeout),
        ['request.timeout.ms'],
      );
      assert.equal(c.details().condition, 'cut off from the broker');
      runFor(w, 10_000);
      assert.equal(c.state(), 'STABLE');
      assert.ok(w.coord.heartbeats.some((h) => h.atMs > cutAt + 40_000));
    });

    it('cut off longer than the broker session: told UNKNOWN_MEMBER_ID once back, it loses its partitions and re-joins', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { sessionTimeoutMs: 10_000 });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      const cutAt = w.scheduler.now();
      w.network.partition('c1', cutAt + 30_000);
      w.coord.heartbeatAnswer = () => 'UNKNOWN_MEMBER_ID';
      runFor(w, 29_000);
      assert.deepEqual(c.owned(), orders(0, 1), 'a zombie until it hears from the coordinator');
      runUntil(w, () => eventsOf(w.events, 'partitions-lost').length > 0);
      assert.ok(w.scheduler.now() >= cutAt + 30_000);
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      assert.equal(w.coord.pendingJoins()[0].request.memberId, '');
    });
    it('a JoinGroup response sent while cut off arrives at the heal: the client syncs and is never expired', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 3_000 });
      startWithMemberId(w, c, 'c1-x');
      const cutAt = w.scheduler.now();
      w.network.partition('c1', cutAt + 1_000);
      runFor(w, 200);
      w.coord.joins[1].reply(joinResponse({ memberId: 'c1-x', generationId: 1 }));
      runFor(w, 700);
      assert.equal(w.coord.syncs.length, 0, 'the response is held');
      runUntil(w, () => w.coord.pendingSyncs().length > 0);
      // Released 1 ms after the heal; the SyncGroup takes another 1 ms to the coordinator.
      assert.equal(w.coord.syncs[0].atMs, cutAt + 1_000 + 2);
      w.coord.pendingSyncs()[0].reply(syncResponse(orders(0, 1)));
      runFor(w, 30_000);
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), orders(0, 1));
      assert.deepEqual(eventsOf(w.events, 'client-timeout'), []);
      assert.ok(w.coord.heartbeats.length >= 9, 'heartbeats every 3 s after the sync');
    });

    it('a request held past request.timeout.ms is dropped with the connection: only what the new connection sends reaches the coordinator', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', {
        sessionTimeoutMs: 45_000,
        heartbeatIntervalMs: 3_000,
        requestTimeoutMs: 5_000,
      });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      const cutAt = w.scheduler.now();
      const healAt = cutAt + 20_000;
      const before = w.coord.heartbeats.length;
      w.network.partition('c1', healAt);
      runFor(w, 19_000);
      assert.deepEqual(
        eventsOf(w.events, 'client-timeout').map((t) => t.timeout),
        ['request.timeout.ms'],
      );
      assert.ok(w.network.heldCount('c1') > 0, 'FindCoordinator attempts of the new connection are held');
      runFor(w, 10_000);
      const after = w.coord.heartbeats.slice(before);
      assert.ok(after.length > 0);
      // The heartbeat held on the old connection would have arrived 1 ms after the heal; the first
      // one comes after the held FindCoordinator's round trip instead.
      assert.equal(after[0].atMs, healAt + 3);
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), orders(0, 1));
    });
  });

  describe('pattern subscriptions', () => {
    it('matches the pattern against the metadata and re-joins when a new topic matches', () => {
      const w = scriptedWorld({ topics: { 'orders-eu': 2, 'orders-us': 2, payments: 2 } });
      const c = newClient(w, 'c1', { subscription: { pattern: 'orders-.*' }, metadataMaxAgeMs: 30_000 });
      c.start();
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      assert.deepEqual(w.coord.joins[0].request.protocols[0].metadata.topics, ['orders-eu', 'orders-us']);
      joinScripted(w, c, { assigned: { 'orders-eu': [0, 1], 'orders-us': [0, 1] } });
      w.metadata.createTopic('orders-ap', 2);
      const joins = w.coord.joins.length;
      runUntil(w, () => w.coord.joins.length > joins, 40_000);
      const join = w.coord.joins.at(-1)!.request;
      assert.deepEqual(join.protocols[0].metadata.topics, ['orders-ap', 'orders-eu', 'orders-us']);
      assert.equal(join.reason, 'subscription has changed');
    });
  });

  describe('metadata', () => {
    it('only the leader re-joins when a subscribed topic grows, at its next metadata refresh', () => {
      for (const leader of [true, false]) {
        const w = scriptedWorld({ topics: { orders: 4 } });
        const c = newClient(w, 'c1', { metadataMaxAgeMs: 60_000 });
        startWithMemberId(w, c, 'a');
        const metadata = w.coord.joins[1].request.protocols[0].metadata;
        w.coord.joins[1].reply(
          joinResponse({
            memberId: 'a',
            leader: leader ? 'a' : 'b',
            members: leader ? [{ memberId: 'a', groupInstanceId: null, metadata }] : [],
          }),
        );
        runUntil(w, () => w.coord.pendingSyncs().length > 0);
        w.coord.pendingSyncs()[0].reply(syncResponse(orders(0, 1, 2, 3)));
        runUntil(w, () => c.state() === 'STABLE' && c.details().condition === null);
        runFor(w, 5_000);
        w.metadata.setPartitions('orders', 8);
        const joins = w.coord.joins.length;
        runFor(w, 50_000);
        assert.equal(w.coord.joins.length, joins, 'nothing before the refresh');
        runFor(w, 10_000);
        if (leader) {
          assert.equal(w.coord.joins.length, joins + 1);
          assert.equal(w.coord.joins.at(-1)!.request.reason, 'cached metadata has changed');
        } else {
          assert.equal(w.coord.joins.length, joins, 'a follower leaves that to the leader');
        }
      }
    });
  });

  describe('offsets', () => {
    it('auto-commits every auto.commit.interval.ms inside poll() with the generation', () => {
      const w = scriptedWorld({ produceRate: 60 });
      const c = newClient(w, 'c1', { autoCommitIntervalMs: 5_000, autoOffsetReset: 'earliest' });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1), generation: 3 });
      const start = w.coord.commits.length;
      runFor(w, 20_500);
      const commits = w.coord.commits.slice(start);
      assert.equal(commits.length, 4);
      for (let i = 1; i < commits.length; i++) {
        const gap = commits[i].atMs - commits[i - 1].atMs;
        assert.ok(gap >= 5_000 && gap <= 5_100, `gap ${gap}`);
      }
      assert.ok(commits.every((x) => x.request.generationIdOrMemberEpoch === 3));
      const last = commits.at(-1)!.request.offsets;
      assert.ok(
        last.every((o) => o.offset > 0),
        'positions moved',
      );
      assert.equal(w.offsets.committed(GROUP, 'orders', 0)?.offset, last[0].offset);
    });

    it('a commit answered ILLEGAL_GENERATION resets the generation (partitions lost) and re-joins', () => {
      const w = scriptedWorld({ produceRate: 60 });
      const c = newClient(w, 'c1', { autoOffsetReset: 'earliest' });
      c.start();
      joinScripted(w, c, { assigned: orders(0) });
      w.coord.commitAnswer = () => 'ILLEGAL_GENERATION';
      runUntil(w, () => eventsOf(w.events, 'partitions-lost').length > 0);
      assert.equal(c.generationId(), -1);
      assert.equal(c.memberId(), 'c1-id');
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      assert.equal(
        w.coord.pendingJoins()[0].request.reason,
        'encountered ILLEGAL_GENERATION from OFFSET_COMMIT response',
      );
    });

    it('a commit answered REBALANCE_IN_PROGRESS requests a re-join without losing the generation', () => {
      const w = scriptedWorld({ produceRate: 60 });
      const c = newClient(w, 'c1', { autoOffsetReset: 'earliest' });
      c.start();
      joinScripted(w, c, { assigned: orders(0), generation: 4 });
      let n = 0;
      w.coord.commitAnswer = () => (n++ === 0 ? 'REBALANCE_IN_PROGRESS' : 'NONE');
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const join = w.coord.pendingJoins()[0].request;
      assert.equal(join.reason, 'offset commit failed since group is already rebalancing');
      assert.equal(join.protocols[0].metadata.generationId, 4);
      assert.equal(eventsOf(w.events, 'partitions-lost').length, 0);
    });
  });

  describe('max.poll.interval.ms', () => {
    it('a dynamic member that does not poll in time sends LeaveGroup from the heartbeat thread and re-joins at its next poll', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { maxPollIntervalMs: 60_000 });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      c.setBehaviour({ processingMs: 100_000 });
      runUntil(w, () => w.coord.leaves.length > 0);
      const leave = w.coord.leaves[0];
      assert.equal(leave.request.members[0].memberId, 'c1-id');
      assert.equal(leave.request.members[0].reason, 'consumer poll timeout has expired.');
      const timeout = eventsOf(w.events, 'client-timeout').find((e) => e.timeout === 'max.poll.interval.ms');
      assert.ok(timeout !== undefined);
      const lost = eventsOf(w.events, 'partitions-lost');
      assert.equal(lost.length, 1);
      assert.equal(lost[0].timeMs, timeout.timeMs, 'the partitions are given up when the member leaves');
      assert.equal(c.memberId(), null);
      assert.match(c.details().condition ?? '', /^left: max\.poll\.interval\.ms exceeded/);
      const joinsBefore = w.coord.joins.length;
      runUntil(w, () => w.coord.joins.length > joinsBefore);
      const rejoin = w.coord.joins.at(-1)!;
      assert.equal(rejoin.request.memberId, '');
      assert.ok(rejoin.atMs - timeout.timeMs > 30_000, 'it re-joins only when the slow batch is done');
    });

    it('a static member does not send LeaveGroup but still resets its generation and re-joins', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { maxPollIntervalMs: 60_000, groupInstanceId: 'inst-1' });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      c.setBehaviour({ processingMs: 100_000 });
      runUntil(w, () => eventsOf(w.events, 'client-timeout').length > 0);
      assert.equal(w.coord.leaves.length, 0);
      assert.equal(eventsOf(w.events, 'partitions-lost').length, 1);
      const before = w.coord.joins.length;
      runUntil(w, () => w.coord.joins.length > before);
      assert.equal(w.coord.joins.at(-1)!.request.groupInstanceId, 'inst-1');
      assert.equal(w.coord.joins.at(-1)!.request.memberId, '');
    });

    it('an onPartitionsRevoked longer than max.poll.interval.ms: the heartbeat thread leaves during the callback', () => {
      const w = scriptedWorld();
      const c = newClient(
        w,
        'c1',
        { maxPollIntervalMs: 60_000, enableAutoCommit: false },
        { onRevokedMs: 90_000 },
      );
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      w.coord.heartbeatAnswer = () => 'REBALANCE_IN_PROGRESS';
      runUntil(w, () => c.details().condition?.startsWith('in onPartitionsRevoked') === true);
      const callbackAt = w.scheduler.now();
      w.coord.heartbeatAnswer = () => 'NONE';
      runUntil(w, () => w.coord.leaves.length > 0);
      // The poll() that runs the callback started just before it; the poll timer ran out 60 s later.
      assert.ok(w.scheduler.now() - callbackAt >= 59_000 && w.scheduler.now() - callbackAt <= 60_100);
      assert.deepEqual(eventsOf(w.events, 'partitions-lost')[0].partitions, orders(0, 1));
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const join = w.coord.pendingJoins()[0];
      assert.ok(join.atMs >= callbackAt + 90_000, 'the JoinGroup waits for the callback');
      assert.equal(join.request.memberId, '');
      assert.equal(eventsOf(w.events, 'partitions-revoked').length, 0, 'they were already given up as lost');
    });

    it('a consumer with nothing to fetch sits in poll() and never exceeds max.poll.interval.ms', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { maxPollIntervalMs: 60_000 }, { processingMs: 100_000 });
      c.start();
      joinScripted(w, c, { assigned: {} });
      runFor(w, 400_000);
      assert.equal(eventsOf(w.events, 'client-timeout').length, 0);
      assert.equal(w.coord.leaves.length, 0);
    });
  });

  describe('configuration', () => {
    it('an unknown assignor or heartbeat.interval.ms >= session.timeout.ms: the consumer is never created', () => {
      for (const [overrides, pattern] of [
        [{ partitionAssignmentStrategy: ['nope'] }, /"nope", which is not an assignor/],
        [
          { heartbeatIntervalMs: 10_000, sessionTimeoutMs: 10_000 },
          /heartbeat\.interval\.ms \(10000\) must be lower/,
        ],
        [{ partitionAssignmentStrategy: ['range', 'cooperative-sticky'] }, null],
      ] as const) {
        const w = scriptedWorld();
        const c = newClient(w, 'c1', overrides);
        c.start();
        runFor(w, 10_000);
        if (pattern === null) {
          assert.equal(c.alive, true);
          assert.equal(c.rebalanceProtocol(), 'eager', 'range and cooperative-sticky agree on EAGER');
          continue;
        }
        assert.equal(c.alive, false);
        assert.equal(w.coord.joins.length, 0);
        assert.match(eventsOf(w.events, 'request-error')[0].error, pattern);
        assert.match(c.details().condition ?? '', /^failed: /);
      }
    });
  });

  describe('close, crash, subscribe', () => {
    it('close(): commits, revokes in onPartitionsRevoked, then LeaveGroup (dynamic member)', () => {
      const w = scriptedWorld({ produceRate: 60 });
      const c = newClient(w, 'c1', { autoOffsetReset: 'earliest' }, { onRevokedMs: 2_000 });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      runFor(w, 1_000);
      const commits = w.coord.commits.length;
      c.close();
      runUntil(w, () => !c.alive);
      assert.ok(w.coord.commits.length > commits, 'close() commits the positions');
      const revoked = eventsOf(w.events, 'partitions-revoked');
      assert.equal(revoked.length, 1);
      assert.deepEqual(revoked[0].partitions, orders(0, 1));
      assert.equal(w.coord.leaves.length, 1);
      assert.equal(w.coord.leaves[0].request.members[0].reason, 'the consumer is being closed');
      assert.ok(w.coord.leaves[0].atMs >= revoked[0].timeMs);
      assert.equal(c.details().condition, 'closed');
      const hb = w.coord.heartbeats.length;
      runFor(w, 30_000);
      assert.equal(w.coord.heartbeats.length, hb, 'no heartbeats after close');
    });

    it('close() of a static member sends no LeaveGroup', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { groupInstanceId: 'inst-1' });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      c.close();
      runUntil(w, () => !c.alive);
      assert.equal(w.coord.leaves.length, 0);
      assert.equal(eventsOf(w.events, 'partitions-revoked').length, 1);
    });

    it('crash(): stops at once — no LeaveGroup, no callbacks, no more requests', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1');
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      const before = w.events.length;
      const hb = w.coord.heartbeats.length;
      c.crash();
      runFor(w, 120_000);
      assert.equal(c.alive, false);
      assert.deepEqual(c.owned(), {});
      assert.equal(w.coord.leaves.length, 0);
      assert.equal(w.coord.heartbeats.length, hb);
      assert.equal(w.events.length, before);
      assert.equal(c.details().condition, 'crashed');
    });

    it('subscribe([]) is unsubscribe(): revoke, LeaveGroup, and no re-join until subscribed again', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1');
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1) });
      c.subscribe([]);
      runUntil(w, () => w.coord.leaves.length > 0);
      assert.equal(w.coord.leaves[0].request.members[0].reason, 'the consumer unsubscribed from all topics');
      assert.deepEqual(eventsOf(w.events, 'partitions-revoked')[0].partitions, orders(0, 1));
      const joins = w.coord.joins.length;
      runFor(w, 60_000);
      assert.equal(w.coord.joins.length, joins);
      c.subscribe(['orders']);
      runUntil(w, () => w.coord.joins.length > joins);
      assert.equal(w.coord.joins.at(-1)!.request.memberId, '');
    });

    it('close() in the middle of a rebalance gives its partitions up as lost and still leaves', () => {
      const w = scriptedWorld();
      const c = newClient(w, 'c1', { partitionAssignmentStrategy: ['cooperative-sticky'] });
      c.start();
      joinScripted(w, c, { assigned: orders(0, 1), protocolName: 'cooperative-sticky' });
      w.coord.heartbeatAnswer = () => 'REBALANCE_IN_PROGRESS';
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const commits = w.coord.commits.length;
      c.close();
      runUntil(w, () => !c.alive);
      assert.equal(w.coord.commits.length, commits, 'no commit without a stable generation');
      assert.deepEqual(eventsOf(w.events, 'partitions-lost')[0].partitions, orders(0, 1));
      assert.equal(eventsOf(w.events, 'partitions-revoked').length, 0);
      assert.equal(w.coord.leaves.length, 1);
    });

    it('subscribe(): re-joins with the new subscription; cooperative revokes the dropped topic first', () => {
      const w = scriptedWorld({ topics: { orders: 2, payments: 2 } });
      const c = newClient(w, 'c1', {
        partitionAssignmentStrategy: ['cooperative-sticky'],
        subscription: { topics: ['orders', 'payments'] },
      });
      c.start();
      joinScripted(w, c, {
        assigned: { orders: [0, 1], payments: [0] },
        protocolName: 'cooperative-sticky',
      });
      c.subscribe(['orders']);
      runUntil(w, () => w.coord.pendingJoins().length > 0);
      const join = w.coord.pendingJoins()[0].request;
      assert.deepEqual(join.protocols[0].metadata.topics, ['orders']);
      assert.equal(join.reason, 'subscription has changed');
      assert.deepEqual(eventsOf(w.events, 'partitions-revoked')[0].partitions, { payments: [0] });
      assert.deepEqual(toPartitions(c.owned()), [
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
      ]);
      assert.deepEqual(eventsOf(w.events, 'subscription-changed')[0].topics, ['orders']);
    });
  });
});
