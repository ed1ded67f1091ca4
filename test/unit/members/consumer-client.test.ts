import { strict as assert } from 'node:assert';
import type { GroupEvent } from '../../../src/model';
import type { ConsumerProtocolClient } from '../../../src/simulator/members/consumer-client';
import { harness, type Harness } from './consumer-client-harness';

/** Starts one consumer and lets it join with `assignment`; returns when it is STABLE. */
function joined(
  h: Harness,
  assignment: Record<string, number[]>,
  ...args: Parameters<Harness['client']>
): ConsumerProtocolClient {
  h.coordinator.nextAssignment = assignment;
  const c = h.client(...args);
  c.start();
  h.runTo(h.scheduler.now() + 1_000);
  assert.equal(c.state(), 'STABLE');
  return c;
}

function types(events: readonly GroupEvent[]): string[] {
  return events.map((e) => e.type);
}

describe('ConsumerProtocolClient (KIP-848 consumer, Kafka 4.3.1)', () => {
  describe('joining', () => {
    it('finds the coordinator, then joins with epoch 0 and a full request carrying its own member id', () => {
      const h = harness();
      const c = h.client({ groupRemoteAssignor: 'uniform', rackId: 'rack-a', groupInstanceId: null });
      assert.equal(c.state(), 'UNSUBSCRIBED');
      c.start();
      h.runTo(1);
      assert.equal(c.state(), 'JOINING');
      assert.equal(c.details().condition, 'looking for the group coordinator');
      h.runTo(50);
      assert.deepEqual(
        { ...c.details(), condition: null },
        { state: 'RECONCILING', owned: {}, condition: null, groupProtocol: 'consumer', assignor: 'uniform' },
      );
      const first = h.coordinator.heartbeats[0];
      // FindCoordinator round trip (2 ms) then the heartbeat's one-way latency.
      assert.equal(first.atMs, 3);
      assert.match(first.request.memberId, /^[A-Za-z0-9_-]{22}$/);
      assert.equal(first.request.memberId, c.memberId());
      assert.deepEqual(
        { ...first.request, memberId: '' },
        {
          groupId: 'g1',
          memberId: '',
          memberEpoch: 0,
          instanceId: null,
          rackId: 'rack-a',
          rebalanceTimeoutMs: 300_000,
          subscribedTopicNames: ['orders'],
          subscribedTopicRegex: null,
          serverAssignor: 'uniform',
          topicPartitions: [],
          clientId: 'consumer-1',
          clientHost: '/127.0.0.1',
        },
      );
    });

    it('reconciles the first assignment in the next poll(), then acknowledges it at once', () => {
      const h = harness();
      h.coordinator.nextAssignment = { orders: [0, 1, 2] };
      const c = h.client({}, { processingMs: 250 });
      c.start();
      h.runTo(10);
      assert.equal(c.state(), 'RECONCILING');
      assert.equal(c.memberEpoch(), 1);
      h.runTo(300);
      const assigned = h.eventsOf('partitions-assigned');
      assert.deepEqual(
        assigned.map((e) => [e.timeMs, e.type === 'partitions-assigned' ? e.partitions : null]),
        [[250, { orders: [0, 1, 2] }]],
      );
      const ack = h.coordinator.heartbeats[1];
      assert.equal(ack.atMs, 251);
      assert.equal(ack.request.memberEpoch, 1);
      assert.equal(ack.request.rebalanceTimeoutMs, -1);
      assert.equal(ack.request.subscribedTopicNames, null);
      assert.deepEqual(ack.request.topicPartitions, [{ topicId: 'topic-id-1', partitions: [0, 1, 2] }]);
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), { orders: [0, 1, 2] });
    });

    it('heartbeats on the interval the broker gives, sending only changed fields', () => {
      const h = harness();
      h.coordinator.heartbeatIntervalMs = 2_000;
      joined(h, { orders: [0] });
      h.runTo(10_000);
      const times = h.coordinator.heartbeats.map((b) => b.atMs);
      assert.deepEqual(times, [3, 101, 2101, 4101, 6101, 8101]);
      for (const b of h.coordinator.heartbeats.slice(2)) {
        assert.equal(b.request.topicPartitions, null);
        assert.equal(b.request.subscribedTopicNames, null);
        assert.equal(b.request.rebalanceTimeoutMs, -1);
      }
    });

    it('sends a regex subscription for the broker to resolve', () => {
      const h = harness(1, { 'orders-eu': 2, 'orders-us': 2, payments: 1 });
      h.coordinator.nextAssignment = { 'orders-eu': [0, 1], 'orders-us': [0, 1] };
      const c = h.client({ subscription: { pattern: 'orders-.*' } });
      c.start();
      h.runTo(1_000);
      const join = h.coordinator.heartbeats[0].request;
      assert.equal(join.subscribedTopicRegex, 'orders-.*');
      assert.deepEqual(join.subscribedTopicNames, []);
      assert.equal(h.coordinator.heartbeats[1].request.subscribedTopicRegex, null);
      assert.deepEqual(c.owned(), { 'orders-eu': [0, 1], 'orders-us': [0, 1] });
    });

    it('does not join with an empty subscription (subscribe of an empty list is unsubscribe)', () => {
      const h = harness();
      const c = h.client({ subscription: { topics: [] } });
      c.start();
      h.runTo(30_000);
      assert.equal(c.state(), 'UNSUBSCRIBED');
      assert.equal(h.coordinator.heartbeats.length, 0);
    });

    it('generates its member id from the seed: same seed, same id; another seed, another id', () => {
      const a = harness(7).client();
      const b = harness(7).client();
      const d = harness(8).client();
      assert.equal(a.memberId(), b.memberId());
      assert.notEqual(a.memberId(), d.memberId());
    });
  });

  describe('reconciliation', () => {
    it('stops fetching revoked partitions at once, commits, runs onPartitionsRevoked then onPartitionsAssigned, and acks only after both', () => {
      const h = harness(3, { orders: 4 }, 100_000);
      const c = joined(h, { orders: [0, 1, 2, 3] });
      c.setBehaviour({ onRevokedMs: 10_000, onAssignedMs: 4_000 });
      h.runTo(20_000);
      const before = h.coordinator.heartbeats.length;
      h.coordinator.nextAssignment = { orders: [0, 1] };
      h.runTo(20_101 + 1); // the heartbeat at 20101 carries the new assignment
      // The reconciliation starts in the next poll (20200): positions of 2 and 3 freeze there.
      h.runTo(20_250);
      assert.equal(c.state(), 'RECONCILING');
      const commitBefore = h.coordinator.commits.at(-1)!;
      assert.equal(commitBefore.atMs, 20_201);
      assert.equal(commitBefore.request.generationIdOrMemberEpoch, 1);
      assert.equal(
        c.details().condition,
        'waiting for poll() to run onPartitionsRevoked (next poll in 0.1 s)',
      );
      h.runTo(25_000);
      assert.equal(c.details().condition, 'revoking (onPartitionsRevoked, 4.7 s)');
      h.runTo(34_000);
      // Revoked when onPartitionsRevoked completed (20300 + 10 s), assigned right after (nothing added).
      const revoked = h.eventsOf('partitions-revoked');
      assert.deepEqual(
        revoked.map((e) => e.timeMs),
        [30_300],
      );
      assert.deepEqual(c.owned(), { orders: [0, 1] });
      assert.equal(c.details().condition, 'assigning (onPartitionsAssigned, 3.7 s)');
      // No ack yet: onPartitionsAssigned is still running.
      const acks = h.coordinator.heartbeats.slice(before).filter((b) => b.request.topicPartitions !== null);
      assert.deepEqual(acks, []);
      h.runTo(34_400);
      const ack = h.coordinator.heartbeats.slice(before).find((b) => b.request.topicPartitions !== null)!;
      assert.equal(ack.atMs, 34_301);
      assert.deepEqual(ack.request.topicPartitions, [{ topicId: 'topic-id-1', partitions: [0, 1] }]);
      assert.equal(c.state(), 'STABLE');
      // Partitions 2 and 3 stopped at the poll that started the reconciliation (20200): from the
      // log end at 100 ms (2500) at 1250 records/s each. That is what was committed before the
      // revocation, and it did not move during onPartitionsRevoked.
      assert.deepEqual(
        commitBefore.request.offsets.map((o) => [o.partition, o.offset]),
        [
          [0, 27_625],
          [1, 27_625],
          [2, 27_625],
          [3, 27_625],
        ],
      );
      h.runTo(60_000);
      const committed = (p: number): number | undefined =>
        h.world.offsets.committed('g1', 'orders', p)?.offset;
      assert.equal(committed(2), 27_625);
      assert.equal(committed(3), 27_625);
      assert.ok(committed(0)! > 27_625);
    });

    it('a slow poll loop delays the reconciliation and the ack by up to a processing period', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1] }, {}, { processingMs: 100 });
      c.setBehaviour({ processingMs: 60_000 });
      h.runTo(5_000);
      h.coordinator.nextAssignment = { orders: [0] };
      h.runTo(60_000);
      assert.equal(c.state(), 'RECONCILING');
      assert.equal(c.details().condition, 'waiting for poll() to reconcile (next poll in 1 s)');
      h.runTo(125_000);
      const revoked = h.eventsOf('partitions-revoked');
      assert.equal(revoked.length, 1);
      // Polls at 1000, 61000, 121000: the poll at 61000 committed, onPartitionsRevoked ran in the next.
      assert.equal(h.coordinator.commits.find((x) => x.atMs > 60_000)?.atMs, 61_001);
      assert.equal(revoked[0].timeMs, 121_000);
      assert.equal(c.state(), 'STABLE');
    });

    it('adds partitions without a commit gate when auto-commit is off (background reconciliation)', () => {
      const h = harness();
      const c = joined(h, { orders: [0] }, { enableAutoCommit: false });
      h.runTo(5_000);
      h.coordinator.nextAssignment = { orders: [0, 1] };
      h.runTo(5_200);
      // onPartitionsAssigned still runs in the application's poll().
      const assigned = h.eventsOf('partitions-assigned');
      assert.deepEqual(
        assigned.map((e) => (e.type === 'partitions-assigned' ? e.partitions : null)),
        [{ orders: [0] }, { orders: [1] }],
      );
      assert.equal(h.coordinator.commits.length, 0);
      assert.deepEqual(c.owned(), { orders: [0, 1] });
    });

    it('handles a newer assignment that arrives mid-reconciliation after the first ack', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1, 2, 3] }, {}, { onRevokedMs: 8_000 });
      h.coordinator.nextAssignment = { orders: [0, 1, 2] };
      h.runTo(6_000); // heartbeat at 5101 brings target [0,1,2]; revocation runs 5300–13300
      assert.equal(c.state(), 'RECONCILING');
      h.coordinator.nextAssignment = { orders: [0] };
      h.runTo(11_000); // heartbeat at 10101 brings [0] while onPartitionsRevoked(3) runs
      h.runTo(40_000);
      const revoked = h
        .eventsOf('partitions-revoked')
        .map((e) => (e.type === 'partitions-revoked' ? e.partitions : null));
      assert.deepEqual(revoked, [{ orders: [3] }, { orders: [1, 2] }]);
      const acks = h.coordinator.heartbeats
        .filter((b) => b.request.topicPartitions !== null)
        .map((b) => b.request.topicPartitions);
      assert.deepEqual(acks.slice(-2), [
        [{ topicId: 'topic-id-1', partitions: [0, 1, 2] }],
        [{ topicId: 'topic-id-1', partitions: [0] }],
      ]);
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), { orders: [0] });
    });
  });

  describe('fencing', () => {
    it('a member fenced while its pre-revocation commit is retried rejoins, and the stale reconciliation gives way to the new one', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1, 2, 3] });
      h.coordinator.commitAnswer = () =>
        h.scheduler.now() < 12_000 ? 'COORDINATOR_LOAD_IN_PROGRESS' : 'NONE';
      h.coordinator.nextAssignment = { orders: [0, 1] };
      h.runTo(10_000);
      // The reconciliation started at 5200 and is still committing.
      assert.equal(c.state(), 'RECONCILING');
      assert.equal(c.details().condition, 'committing offsets before revoking');
      h.coordinator.queued.push((req) => h.coordinator.error(req, 'FENCED_MEMBER_EPOCH'));
      h.runTo(11_000);
      // Fenced at 10102, lost in the poll at 10200, rejoined: a new reconciliation waits for the old one.
      assert.equal(c.state(), 'RECONCILING');
      assert.equal(c.memberEpoch(), 1);
      assert.deepEqual(c.owned(), {});
      h.runTo(14_000);
      // The stale reconciliation ended with the commit and did not revoke anything.
      assert.deepEqual(h.eventsOf('partitions-revoked'), []);
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), { orders: [0, 1] });
      const acks = h.coordinator.heartbeats.filter(
        (b) => b.atMs > 11_000 && b.request.topicPartitions !== null,
      );
      assert.deepEqual(
        acks.map((b) => b.request.topicPartitions),
        [[{ topicId: 'topic-id-1', partitions: [0, 1] }]],
      );
    });

    it('FENCED_MEMBER_EPOCH: partitions lost at once, onPartitionsLost on the app thread, then rejoin with epoch 0 and the same id', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1] }, {}, { onLostMs: 3_000 });
      const id = c.memberId();
      h.coordinator.queued.push((req) => h.coordinator.error(req, 'FENCED_MEMBER_EPOCH'));
      h.runTo(5_102);
      assert.equal(c.state(), 'FENCED');
      assert.equal(c.memberEpoch(), 0);
      const lost = h.eventsOf('partitions-lost');
      assert.deepEqual(
        lost.map((e) => [e.timeMs, e.type === 'partitions-lost' ? e.partitions : null]),
        [[5_102, { orders: [0, 1] }]],
      );
      assert.deepEqual(c.owned(), {});
      // Fencing is the coordinator's event; the client does not duplicate it.
      assert.deepEqual(h.eventsOf('member-fenced'), []);
      assert.deepEqual(h.eventsOf('request-error'), []);
      const sent = h.coordinator.heartbeats.length;
      h.runTo(8_000);
      assert.equal(h.coordinator.heartbeats.length, sent, 'no heartbeat while FENCED');
      h.runTo(8_300);
      // onPartitionsLost ran 5200–8200, then the member rejoined immediately.
      const rejoin = h.coordinator.heartbeats[sent];
      assert.equal(rejoin.atMs, 8_201);
      assert.equal(rejoin.request.memberEpoch, 0);
      assert.equal(rejoin.request.memberId, id);
      assert.deepEqual(rejoin.request.topicPartitions, []);
      assert.deepEqual(rejoin.request.subscribedTopicNames, ['orders']);
      h.runTo(9_000);
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), { orders: [0, 1] });
    });

    it('UNKNOWN_MEMBER_ID with nothing owned rejoins right away', () => {
      const h = harness();
      const c = joined(h, {});
      h.coordinator.queued.push((req) => h.coordinator.error(req, 'UNKNOWN_MEMBER_ID'));
      h.runTo(5_110);
      const last = h.coordinator.heartbeats.at(-1)!;
      assert.equal(last.atMs, 5_103);
      assert.equal(last.request.memberEpoch, 0);
      assert.equal(c.memberId(), last.request.memberId);
      assert.deepEqual(h.eventsOf('partitions-lost'), []);
    });
  });

  describe('coordinator errors and timeouts', () => {
    it('COORDINATOR_LOAD_IN_PROGRESS: retries with exponential backoff (retry.backoff.ms … retry.backoff.max.ms, ±20 %)', () => {
      const h = harness();
      const c = joined(h, { orders: [0] });
      for (let i = 0; i < 6; i++)
        h.coordinator.queued.push((req) => h.coordinator.error(req, 'COORDINATOR_LOAD_IN_PROGRESS'));
      h.runTo(20_000);
      const times = h.coordinator.heartbeats.map((b) => b.atMs).filter((t) => t >= 5_101 && t < 10_000);
      const gaps = times.slice(1).map((t, i) => t - times[i] - 2); // minus the round trip
      const bases = [100, 200, 400, 800, 1_000, 1_000];
      assert.equal(gaps.length, 6);
      gaps.forEach((g, i) => {
        assert.ok(g >= Math.floor(bases[i] * 0.8) && g <= Math.min(1_000, bases[i] * 1.2), `gap ${i} = ${g}`);
      });
      assert.equal(c.state(), 'STABLE');
      const errors = h.eventsOf('request-error');
      assert.equal(errors.length, 1, 'a streak of the same error is reported once');
    });

    it('while JOINING, a retriable error is retried as soon as the answer arrives (JOINING heartbeats do not wait for backoff)', () => {
      const h = harness();
      for (let i = 0; i < 3; i++)
        h.coordinator.queued.push((req) => h.coordinator.error(req, 'COORDINATOR_LOAD_IN_PROGRESS'));
      h.coordinator.nextAssignment = { orders: [0] };
      const c = h.client();
      c.start();
      h.runTo(1_000);
      assert.deepEqual(
        h.coordinator.heartbeats.slice(0, 4).map((b) => [b.atMs, b.request.memberEpoch]),
        [
          [3, 0],
          [5, 0],
          [7, 0],
          [9, 0],
        ],
      );
      assert.equal(c.state(), 'STABLE');
    });

    it('NOT_COORDINATOR: rediscovers the coordinator and heartbeats again without backoff', () => {
      const h = harness();
      const c = joined(h, { orders: [0] });
      h.coordinator.queued.push((req) => h.coordinator.error(req, 'NOT_COORDINATOR'));
      h.runTo(5_200);
      const times = h.coordinator.heartbeats.map((b) => b.atMs);
      // 5101 failed (reply at 5102), FindCoordinator 5102–5104, heartbeat at 5105.
      assert.deepEqual(times.slice(-2), [5_101, 5_105]);
      // The retry is a full heartbeat: the sent fields were reset by the error.
      const retry = h.coordinator.heartbeats.at(-1)!.request;
      assert.equal(retry.rebalanceTimeoutMs, 300_000);
      assert.deepEqual(retry.subscribedTopicNames, ['orders']);
      assert.deepEqual(retry.topicPartitions, [{ topicId: 'topic-id-1', partitions: [0] }]);
      assert.equal(c.state(), 'STABLE');
    });

    it('cut off by a network partition: consumption stops, the heartbeat times out after request.timeout.ms, and the client recovers after', () => {
      const h = harness(5, { orders: 1 }, 1_000_000);
      const c = joined(h, { orders: [0] }, { requestTimeoutMs: 30_000 });
      h.runTo(4_000);
      h.network.partition('consumer-1', 64_000);
      const frozen = c.details();
      assert.equal(frozen.condition, 'cut off from the coordinator');
      h.runTo(10_000);
      // The heartbeat at 5100 was lost; nothing is known yet.
      assert.equal(h.eventsOf('client-timeout').length, 0);
      h.runTo(35_101);
      const timeouts = h.eventsOf('client-timeout');
      assert.deepEqual(
        timeouts.map((e) => [e.timeMs, e.type === 'client-timeout' ? e.timeout : null]),
        [[35_100, 'request.timeout.ms']],
      );
      h.runTo(70_000);
      // The coordinator is found again after the heal, then a full heartbeat goes out.
      const after = h.coordinator.heartbeats.filter((b) => b.atMs > 5_000);
      assert.ok(after.length > 0);
      assert.ok(after[0].atMs >= 64_000);
      assert.equal(after[0].request.rebalanceTimeoutMs, 300_000);
      assert.equal(c.state(), 'STABLE');
      assert.equal(c.details().condition, null);
    });

    it('a heartbeat sent into a short partition is held and answered at the heal: no timeout, still STABLE', () => {
      const h = harness(5, { orders: 1 }, 1_000_000);
      const c = joined(h, { orders: [0] }, { requestTimeoutMs: 30_000 });
      h.runTo(4_000);
      h.network.partition('consumer-1', 7_000);
      h.runTo(6_999);
      assert.equal(
        h.coordinator.heartbeats.filter((b) => b.atMs > 4_000).length,
        0,
        'the heartbeat at 5100 is held',
      );
      h.runTo(20_000);
      const after = h.coordinator.heartbeats.filter((b) => b.atMs > 4_000).map((b) => b.atMs);
      // Delivered 1 ms after the heal; the next one an interval after the 5100 send.
      assert.deepEqual(after.slice(0, 2), [7_001, 10_101]);
      assert.deepEqual(h.eventsOf('client-timeout'), []);
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), { orders: [0] });
    });

    it('a request that times out closes its connection: every request in flight on it fails with it', () => {
      const h = harness(5, { orders: 1 }, 1_000_000);
      const c = joined(h, { orders: [0] }, { requestTimeoutMs: 30_000, autoCommitIntervalMs: 2_000 });
      h.runTo(4_000);
      h.network.partition('consumer-1', 64_000);
      const onCoordinator = (): number =>
        [...(c as unknown as { outstanding: Set<{ connection: string }> }).outstanding].filter(
          (r) => r.connection === 'coordinator',
        ).length;
      // The auto-commit sent at 4100 and the heartbeat sent at 5100 wait for their replies.
      h.runTo(34_099);
      assert.equal(onCoordinator(), 2);
      h.runTo(34_100);
      assert.equal(onCoordinator(), 0, 'the heartbeat fails with the commit, 1 s before its own deadline');
      assert.deepEqual(
        h.eventsOf('client-timeout').map((e) => e.timeMs),
        [34_100],
      );
      h.runTo(70_000);
      // Neither held request reaches the coordinator at the heal: what it gets came after it.
      assert.ok(h.coordinator.commits.every((b) => b.atMs < 4_000 || b.atMs >= 64_003));
      assert.ok(h.coordinator.heartbeats.every((b) => b.atMs < 4_000 || b.atMs >= 64_003));
      assert.equal(c.state(), 'STABLE');
    });

    it('stops consuming while partitioned', () => {
      const h = harness(5, { orders: 1 }, 1_000_000);
      const c = joined(h, { orders: [0] }, { enableAutoCommit: false, autoOffsetReset: 'earliest' });
      void c;
      h.runTo(1_100);
      h.network.partition('consumer-1', 11_100);
      h.runTo(11_100);
      const app = (c as unknown as { app: { currentPositions(): { offset: number }[] } }).app;
      // 100 ms → 1100: 1000 ms at 500 records / 100 ms; nothing during the 10 s partition.
      assert.equal(app.currentPositions()[0].offset, 5_000);
    });

    for (const error of [
      'UNRELEASED_INSTANCE_ID',
      'GROUP_MAX_SIZE_REACHED',
      'UNSUPPORTED_ASSIGNOR',
      'INVALID_REQUEST',
      'FENCED_INSTANCE_ID',
    ] as const) {
      it(`${error} is fatal: the member fails with the error recorded and stops heartbeating`, () => {
        const h = harness();
        const c = h.client({ groupInstanceId: 'app-1' });
        h.coordinator.queued.push((req) => h.coordinator.error(req, error, 'scripted'));
        c.start();
        h.runTo(60_000);
        assert.equal(c.state(), 'FATAL');
        assert.equal(c.fatalError(), `${error}: scripted`);
        assert.equal(h.coordinator.heartbeats.length, 1);
        assert.equal(c.details().condition, `failed: ${error}: scripted`);
        const errors = h.eventsOf('request-error');
        assert.deepEqual(
          errors.map((e) => (e.type === 'request-error' ? [e.api, e.error] : null)),
          // A fencing error is the coordinator's to report (member-fenced).
          error === 'FENCED_INSTANCE_ID' ? [] : [['ConsumerGroupHeartbeat', error]],
        );
      });
    }
  });

  describe('max.poll.interval.ms', () => {
    it('a poll loop slower than max.poll.interval.ms leaves with epoch -1, goes STALE, loses its partitions, and rejoins on the next poll', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1] }, { maxPollIntervalMs: 300_000 }, { onLostMs: 1_000 });
      h.runTo(60_050);
      c.setBehaviour({ processingMs: 360_000 });
      // Last poll at 60100; the poll timer expires at 360100.
      h.runTo(360_099);
      assert.equal(c.state(), 'STABLE');
      h.runTo(360_101);
      assert.equal(c.state(), 'STALE');
      const timeout = h.eventsOf('client-timeout');
      assert.deepEqual(
        timeout.map((e) => [e.timeMs, e.type === 'client-timeout' ? e.timeout : null]),
        [[360_100, 'max.poll.interval.ms']],
      );
      const leave = h.coordinator.heartbeats.at(-1)!;
      assert.equal(leave.atMs, 360_101);
      assert.equal(leave.request.memberEpoch, -1);
      assert.deepEqual(
        h.eventsOf('partitions-lost').map((e) => e.timeMs),
        [360_100],
      );
      assert.equal(c.details().condition, 'stale: max.poll.interval.ms exceeded');
      const count = h.coordinator.heartbeats.length;
      h.runTo(420_000);
      assert.equal(h.coordinator.heartbeats.length, count, 'a stale member does not heartbeat');
      // The next poll (60100 + 360 s = 420100) runs onPartitionsLost (1 s), then the member rejoins.
      h.runTo(421_200);
      const rejoin = h.coordinator.heartbeats[count];
      assert.equal(rejoin.atMs, 421_101);
      assert.equal(rejoin.request.memberEpoch, 0);
      assert.equal(rejoin.request.memberId, c.memberId());
    });

    it('a static member leaves with epoch -2 when its poll timer expires (4.3.1)', () => {
      const h = harness();
      const c = joined(h, { orders: [0] }, { groupInstanceId: 'orders-app-1', maxPollIntervalMs: 60_000 });
      c.setBehaviour({ processingMs: 100_000 });
      h.runTo(70_000);
      assert.equal(c.state(), 'STALE');
      const leave = h.coordinator.heartbeats.at(-1)!.request;
      assert.equal(leave.memberEpoch, -2);
      assert.equal(leave.instanceId, 'orders-app-1');
    });

    it('work queued between long callbacks does not postpone the poll timer', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1] }, { maxPollIntervalMs: 30_000 });
      c.setBehaviour({ onRevokedMs: 20_000, onAssignedMs: 20_000 });
      h.coordinator.nextAssignment = { orders: [0] };
      h.runTo(20_000);
      // The auto-commit due at 10100 waits behind onPartitionsRevoked (5300–25300) and runs
      // before onPartitionsAssigned (25300–45300), all in the poll() that started at 5300.
      assert.equal(c.details().condition, 'revoking (onPartitionsRevoked, 15 s)');
      h.runTo(40_000);
      assert.deepEqual(
        h.eventsOf('client-timeout').map((e) => e.timeMs),
        [35_300],
      );
      assert.equal(h.coordinator.commits.filter((x) => x.atMs === 25_301).length, 1);
    });

    it('a callback that runs longer than max.poll.interval.ms also expires the poll timer', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1] }, { maxPollIntervalMs: 30_000 }, { onRevokedMs: 45_000 });
      h.coordinator.nextAssignment = { orders: [0] };
      h.runTo(40_000);
      assert.equal(c.state(), 'STALE');
      // Revocation started in the poll at 5300; the poll timer expired 30 s after that poll.
      assert.deepEqual(
        h.eventsOf('client-timeout').map((e) => e.timeMs),
        [35_300],
      );
      // The partition being revoked was given up as lost, not revoked.
      assert.deepEqual(h.eventsOf('partitions-revoked'), []);
    });
  });

  describe('close() and crash()', () => {
    it('close(): commits, runs onPartitionsRevoked, then leaves with epoch -1 (dynamic member)', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1] }, {}, { onRevokedMs: 2_000 });
      h.runTo(7_050);
      c.close();
      assert.equal(c.alive, true);
      h.runTo(7_101);
      assert.equal(c.details().condition, 'closing: committing offsets');
      h.runTo(12_000);
      assert.equal(c.alive, false);
      const commit = h.coordinator.commits.at(-1)!;
      assert.equal(commit.atMs, 7_101);
      assert.equal(commit.request.generationIdOrMemberEpoch, 1);
      assert.deepEqual(
        h
          .eventsOf('partitions-revoked')
          .map((e) => [e.timeMs, e.type === 'partitions-revoked' ? e.partitions : null]),
        [[9_102, { orders: [0, 1] }]],
      );
      const leave = h.coordinator.heartbeats.at(-1)!;
      assert.equal(leave.atMs, 9_103);
      assert.equal(leave.request.memberEpoch, -1);
      assert.equal(c.state(), 'UNSUBSCRIBED');
      const count = h.coordinator.heartbeats.length;
      h.runTo(60_000);
      assert.equal(h.coordinator.heartbeats.length, count);
      assert.equal(c.details().condition, 'closed');
    });

    it('close(): a static member leaves with epoch -2', () => {
      const h = harness();
      const c = joined(h, { orders: [0] }, { groupInstanceId: 'orders-app-1' });
      c.close();
      h.runTo(10_000);
      const leave = h.coordinator.heartbeats.at(-1)!.request;
      assert.equal(leave.memberEpoch, -2);
      assert.equal(leave.instanceId, 'orders-app-1');
      assert.equal(c.alive, false);
    });

    it('close() while cut off gives up the leave after the close timeout', () => {
      const h = harness();
      const c = joined(h, { orders: [0] }, { enableAutoCommit: false });
      h.network.partition('consumer-1', 1_000_000);
      // close() runs in the poll at 1000; the leave heartbeat is lost; close gives up 30 s later.
      c.close();
      h.runTo(30_999);
      assert.equal(c.alive, true);
      assert.equal(c.details().condition, 'closing: leaving');
      h.runTo(31_000);
      assert.equal(c.alive, false);
      assert.deepEqual(h.eventsOf('partitions-revoked').length, 1);
    });

    it('close() while cut off: the leave held on the closed connection never reaches the coordinator after the heal', () => {
      const h = harness();
      const c = joined(h, { orders: [0] }, { enableAutoCommit: false });
      h.network.partition('consumer-1', 40_000);
      c.close();
      h.runTo(31_000);
      assert.equal(c.alive, false);
      h.runTo(60_000);
      assert.ok(h.coordinator.heartbeats.every((b) => b.atMs < 1_000 && b.request.memberEpoch >= 0));
      assert.equal(h.network.heldCount('consumer-1'), 0);
    });

    it('close() after a fatal error stops the client without a leave heartbeat', () => {
      const h = harness();
      const c = joined(h, { orders: [0] });
      h.coordinator.queued.push((req) => h.coordinator.error(req, 'GROUP_ID_NOT_FOUND'));
      h.runTo(6_000);
      assert.equal(c.state(), 'FATAL');
      assert.deepEqual(c.owned(), {});
      const sent = h.coordinator.heartbeats.length;
      c.close();
      h.runTo(8_000);
      assert.equal(c.alive, false);
      assert.equal(h.coordinator.heartbeats.length, sent);
    });

    it('crash(): everything stops at once; no leave, no commit, no event', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1] });
      h.runTo(3_000);
      const hb = h.coordinator.heartbeats.length;
      const commits = h.coordinator.commits.length;
      const events = h.events.length;
      c.crash();
      h.runTo(120_000);
      assert.equal(c.alive, false);
      assert.equal(h.coordinator.heartbeats.length, hb);
      assert.equal(h.coordinator.commits.length, commits);
      assert.equal(h.events.length, events);
      assert.deepEqual(c.owned(), { orders: [0, 1] }, 'the engine accounts what a crashed consumer held');
      assert.equal(c.details().condition, 'crashed');
    });
  });

  describe('commits', () => {
    it('auto-commits the consumed positions every auto.commit.interval.ms, from poll(), with the member epoch', () => {
      const h = harness(9, { orders: 2 }, 1_000_000);
      joined(h, { orders: [0, 1] }, { autoCommitIntervalMs: 5_000, autoOffsetReset: 'earliest' });
      h.runTo(21_000);
      const commits = h.coordinator.commits;
      // The interval restarts when a reconciliation completes (at 100).
      assert.deepEqual(
        commits.map((x) => x.atMs),
        [5_101, 10_101, 15_101, 20_101],
      );
      for (const x of commits) assert.equal(x.request.generationIdOrMemberEpoch, 1);
      // 500 records per 100 ms over two partitions, from 100 ms on.
      assert.deepEqual(
        commits[0].request.offsets.map((o) => o.offset),
        [12_500, 12_500],
      );
      assert.deepEqual(
        h.coordinator.commits.map((x) => x.request.memberId)[0],
        h.coordinator.heartbeats[0].request.memberId,
      );
    });

    it('does not auto-commit when enable.auto.commit is false', () => {
      const h = harness();
      joined(h, { orders: [0] }, { enableAutoCommit: false });
      h.runTo(30_000);
      assert.equal(h.coordinator.commits.length, 0);
    });

    it('commit before revoking: STALE_MEMBER_EPOCH is retried with the newer epoch from the next heartbeat', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1] }, { retryBackoffMs: 100, retryBackoffMaxMs: 1_000 });
      h.coordinator.nextAssignment = { orders: [0] };
      // The coordinator moves the member to epoch 2 after handing out the new assignment at 5101.
      h.runTo(5_150);
      h.coordinator.epoch = 2;
      h.coordinator.commitAnswer = (req) =>
        req.generationIdOrMemberEpoch === 2 ? 'NONE' : 'STALE_MEMBER_EPOCH';
      h.runTo(12_000);
      const attempts = h.coordinator.commits.filter((x) => x.atMs > 5_150);
      const stale = attempts.filter((x) => x.request.generationIdOrMemberEpoch === 1);
      const fresh = attempts.filter((x) => x.request.generationIdOrMemberEpoch === 2);
      // Retried with backoff while the epoch was stale, every attempt before the heartbeat at 10101.
      assert.ok(stale.length >= 5, `${stale.length} stale attempts`);
      assert.ok(stale.every((x) => x.atMs < 10_102));
      assert.ok(fresh[0].atMs > 10_102 && fresh[0].atMs < 11_200, `first fresh attempt at ${fresh[0].atMs}`);
      // Only then was the partition revoked.
      const revoked = h.eventsOf('partitions-revoked');
      assert.equal(revoked.length, 1);
      assert.ok(revoked[0].timeMs > fresh[0].atMs);
      assert.equal(
        h
          .eventsOf('request-error')
          .filter((e) => e.type === 'request-error' && e.error === 'STALE_MEMBER_EPOCH').length,
        1,
      );
      assert.equal(c.state(), 'STABLE');
    });

    it('commit before revoking: a non-retriable error does not block the revocation', () => {
      const h = harness();
      const c = joined(h, { orders: [0, 1] });
      h.coordinator.commitAnswer = () => 'UNKNOWN_MEMBER_ID';
      h.coordinator.nextAssignment = { orders: [0] };
      h.runTo(6_000);
      assert.equal(h.eventsOf('partitions-revoked').length, 1);
      assert.deepEqual(
        h.eventsOf('request-error').map((e) => (e.type === 'request-error' ? [e.api, e.error] : null)),
        [['OffsetCommit', 'UNKNOWN_MEMBER_ID']],
      );
      assert.equal(c.state(), 'STABLE');
    });
  });

  describe('subscription changes', () => {
    it('a new topic list goes out in the next heartbeat on the interval (not at once)', () => {
      const h = harness(1, { orders: 2, payments: 2 });
      const c = joined(h, { orders: [0, 1] }, { subscription: { topics: ['orders'] } });
      h.runTo(2_000);
      c.subscribe(['payments', 'orders']);
      h.runTo(5_000);
      assert.equal(h.coordinator.heartbeats.length, 2);
      h.runTo(5_200);
      const next = h.coordinator.heartbeats[2];
      assert.equal(next.atMs, 5_101);
      assert.deepEqual(next.request.subscribedTopicNames, ['orders', 'payments']);
      assert.equal(next.request.memberEpoch, 1);
      h.runTo(10_200);
      assert.equal(h.coordinator.heartbeats[3].request.subscribedTopicNames, null);
    });

    it('switching from a regex to topic names goes through unsubscribe() and a rejoin, as the Java client requires', () => {
      const h = harness(1, { 'orders-eu': 1, payments: 1 });
      h.coordinator.nextAssignment = { 'orders-eu': [0] };
      const c = h.client({ subscription: { pattern: 'orders-.*' } });
      c.start();
      h.runTo(1_000);
      h.coordinator.nextAssignment = { payments: [0] };
      c.subscribe(['payments']);
      h.runTo(3_000);
      const sent = h.coordinator.heartbeats.map((b) => [
        b.request.memberEpoch,
        b.request.subscribedTopicNames,
        b.request.subscribedTopicRegex,
      ]);
      assert.deepEqual(sent, [
        [0, [], 'orders-.*'],
        [1, null, null],
        // Leave (unsubscribe; the removed regex goes as ""), then join with the topic names.
        [-1, null, ''],
        [0, ['payments'], null],
        [1, null, null],
      ]);
      assert.deepEqual(
        h.events.map((e) => e.type),
        ['partitions-assigned', 'partitions-revoked', 'partitions-assigned'],
      );
      assert.deepEqual(c.owned(), { payments: [0] });
    });

    it('subscribe([]) then subscribe(topics) apply in order: the member leaves and joins again', () => {
      const h = harness();
      const c = joined(h, { orders: [0] });
      c.subscribe([]);
      c.subscribe(['orders']);
      h.runTo(3_000);
      assert.deepEqual(
        h.coordinator.heartbeats.map((b) => b.request.memberEpoch),
        [0, 1, -1, 0, 1],
      );
      assert.equal(c.state(), 'STABLE');
      assert.deepEqual(c.owned(), { orders: [0] });
    });

    it('subscribe([]) unsubscribes: onPartitionsRevoked, then a leave heartbeat with epoch -1', () => {
      const h = harness();
      const c = joined(h, { orders: [0] }, {}, { onRevokedMs: 500 });
      c.subscribe([]);
      h.runTo(5_000);
      assert.equal(c.state(), 'UNSUBSCRIBED');
      assert.equal(h.eventsOf('partitions-revoked').length, 1);
      assert.equal(h.coordinator.heartbeats.at(-1)!.request.memberEpoch, -1);
      assert.equal(c.alive, true);
      // A later subscription joins again on the next poll.
      c.subscribe(['orders']);
      h.runTo(6_000);
      const rejoin = h.coordinator.heartbeats.find((b) => b.atMs > 5_000)!.request;
      assert.equal(rejoin.memberEpoch, 0);
      assert.deepEqual(rejoin.subscribedTopicNames, ['orders']);
    });
  });

  describe('determinism', () => {
    it('the same seed gives the same trace', () => {
      const run = (): string => {
        const h = harness(11);
        const c = joined(h, { orders: [0, 1, 2, 3] }, {}, { onRevokedMs: 1_234 });
        for (let i = 0; i < 4; i++)
          h.coordinator.queued.push((req) => h.coordinator.error(req, 'COORDINATOR_LOAD_IN_PROGRESS'));
        h.coordinator.nextAssignment = { orders: [1, 2] };
        h.runTo(30_000);
        c.close();
        h.runTo(40_000);
        return JSON.stringify([h.events, h.coordinator.heartbeats, h.coordinator.commits]);
      };
      assert.equal(run(), run());
      const [events] = JSON.parse(run()) as [GroupEvent[]];
      assert.ok(types(events).includes('partitions-revoked'));
    });
  });
});
