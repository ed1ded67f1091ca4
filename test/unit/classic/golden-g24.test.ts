/**
 * Golden case G24 (reference §4): the classic coordinator's initial rebalance delay, generations
 * and heartbeats, with the exact timings of Kafka 4.3.1's GroupMetadataManagerTest. Those tests
 * use JoinGroup v3 (no MEMBER_ID_REQUIRED), session and rebalance timeouts of 500 ms, an initial
 * delay of 3000 ms, and Kafka's MockCoordinatorTimer (reproduced by KafkaTestTimer). Each case
 * also runs on the simulator's own scheduler, where timers fire exactly when due.
 */
import { strict as assert } from 'node:assert';
import { KafkaTestTimer, classicBroker, harness, join, joinRequest, sync, virtualHarness } from './support';

const broker = classicBroker({ minSessionTimeoutMs: 1 });
const g24Join = (overrides: Parameters<typeof joinRequest>[0] = {}): ReturnType<typeof joinRequest> =>
  joinRequest({ sessionTimeoutMs: 500, rebalanceTimeoutMs: 500, apiVersion: 3, ...overrides });

describe('G24 classic golden cases', () => {
  describe('(a) testDelayInitialRebalanceByGroupInitialRebalanceDelayOnEmptyGroup', () => {
    it('parks the first join for the initial delay (Kafka test timings)', () => {
      const h = harness(new KafkaTestTimer(), broker);
      const r = join(h, g24Join());
      assert.equal(r.done, false);
      h.timers.sleep(1500);
      assert.equal(r.done, false);
      h.timers.sleep(1501);
      assert.equal(r.done, true);
      assert.equal(r.response.errorCode, 'NONE');
      assert.equal(r.response.generationId, 1);
    });

    it('completes exactly at 3000 ms on the simulator clock', () => {
      const h = virtualHarness(broker);
      const r = join(h, g24Join());
      h.timers.runUntil(2999);
      assert.equal(r.done, false);
      h.timers.runUntil(3000);
      assert.equal(r.response.errorCode, 'NONE');
    });
  });

  describe('(b) testResetRebalanceDelayWhenNewMemberJoinsGroupDuringInitialRebalance', () => {
    it('extends the delay when a member joins during it (Kafka test timings)', () => {
      const h = harness(new KafkaTestTimer(), broker);
      const req = g24Join({ rebalanceTimeoutMs: 9000 });
      const first = join(h, req);
      h.timers.sleep(2999);
      const second = join(h, req);
      assert.equal(second.done, false);
      h.timers.sleep(2);
      h.timers.sleep(1501); // t = 4502
      assert.equal(first.done, false);
      assert.equal(second.done, false);
      h.timers.sleep(1500); // t = 6002
      assert.equal(first.response.errorCode, 'NONE');
      assert.equal(second.response.errorCode, 'NONE');
    });

    it('completes at 6000 ms on the simulator clock (3000 + one extension of 3000)', () => {
      const h = virtualHarness(broker);
      const req = g24Join({ rebalanceTimeoutMs: 9000 });
      const first = join(h, req);
      h.timers.runUntil(2999);
      const second = join(h, req);
      h.timers.runUntil(5999);
      assert.equal(first.done || second.done, false);
      h.timers.runUntil(6000);
      assert.equal(first.response.errorCode, 'NONE');
      assert.equal(second.response.errorCode, 'NONE');
      assert.equal(first.response.generationId, 1);
    });
  });

  describe('(c) testDelayRebalanceUptoRebalanceTimeout', () => {
    it('never extends past the rebalance timeout (Kafka test timings)', () => {
      const h = harness(new KafkaTestTimer(), broker);
      const req = g24Join({ rebalanceTimeoutMs: 6000 });
      const first = join(h, req);
      const second = join(h, req);
      h.timers.sleep(3001);
      const third = join(h, req);
      assert.equal(third.done, false);
      h.timers.sleep(2999); // t = 6000
      assert.equal(first.done || second.done || third.done, false);
      h.timers.sleep(1); // t = 6001
      for (const r of [first, second, third]) assert.equal(r.response.errorCode, 'NONE');
    });

    it('completes at 6000 ms on the simulator clock although a member joined at 3001', () => {
      const h = virtualHarness(broker);
      const req = g24Join({ rebalanceTimeoutMs: 6000 });
      const first = join(h, req);
      const second = join(h, req);
      h.timers.runUntil(3001);
      const third = join(h, req);
      h.timers.runUntil(5999);
      assert.equal(first.done || second.done || third.done, false);
      h.timers.runUntil(6000);
      for (const r of [first, second, third]) assert.equal(r.response.errorCode, 'NONE');
      assert.equal(h.coordinator.describe('group-id').members.length, 3);
    });
  });

  describe('(d) testGenerationIdIncrementsOnRebalance', () => {
    it('starts at generation 1 and a leader re-join in Stable completes generation 2 at once', () => {
      const h = harness(new KafkaTestTimer(), broker);
      const leader = join(h, g24Join());
      h.timers.sleep(3000);
      assert.equal(leader.response.generationId, 1);
      const memberId = leader.response.memberId;
      assert.equal(leader.response.leader, memberId);
      const s = sync(h, { memberId, generationId: 1, assignments: [] });
      assert.equal(s.response.errorCode, 'NONE');
      assert.equal(h.coordinator.groupState('group-id'), 'Stable');

      const rejoin = join(h, g24Join({ memberId }));
      assert.equal(rejoin.done, true);
      assert.equal(rejoin.response.errorCode, 'NONE');
      assert.equal(rejoin.response.generationId, 2);
      assert.equal(h.coordinator.groupState('group-id'), 'CompletingRebalance');
    });
  });

  describe('(e) heartbeats', () => {
    it('testHeartbeatDuringPreparingRebalance: REBALANCE_IN_PROGRESS with generation 0', () => {
      const h = harness(new KafkaTestTimer(), broker);
      const first = join(h, g24Join({ apiVersion: 4 }));
      assert.equal(first.response.errorCode, 'MEMBER_ID_REQUIRED');
      const memberId = first.response.memberId;
      join(h, g24Join({ memberId }));
      assert.equal(h.coordinator.groupState('group-id'), 'PreparingRebalance');
      const hb = h.coordinator.heartbeat({
        groupId: 'group-id',
        memberId,
        generationId: 0,
        groupInstanceId: null,
      });
      assert.equal(hb.errorCode, 'REBALANCE_IN_PROGRESS');
    });

    it('testHeartbeatDuringCompletingRebalance: NONE at generation 1, ILLEGAL_GENERATION otherwise', () => {
      const h = harness(new KafkaTestTimer(), broker);
      const leader = join(h, g24Join());
      h.timers.sleep(3000);
      assert.equal(leader.response.generationId, 1);
      assert.equal(h.coordinator.groupState('group-id'), 'CompletingRebalance');
      const memberId = leader.response.memberId;
      const ok = h.coordinator.heartbeat({
        groupId: 'group-id',
        memberId,
        generationId: 1,
        groupInstanceId: null,
      });
      assert.equal(ok.errorCode, 'NONE');
      const stale = h.coordinator.heartbeat({
        groupId: 'group-id',
        memberId,
        generationId: 0,
        groupInstanceId: null,
      });
      assert.equal(stale.errorCode, 'ILLEGAL_GENERATION');
    });
  });
});
