/**
 * The classic consumer's rebalance steps (ConsumerCoordinator in Kafka 4.3.1): protocol choice,
 * onJoinPrepare, the JoinGroup subscription, the leader's assignment and onJoinComplete.
 */
import { strict as assert } from 'node:assert';
import { type Assignment, assignmentOf } from '../../../src/model';
import {
  COOPERATIVE_STICKY,
  ClassicClientConfigError,
  type ClassicClientState,
  NO_GENERATION,
  buildJoinProtocols,
  chooseRebalanceProtocol,
  initialClientState,
  onJoinComplete,
  onJoinPrepare,
  onLeavePrepare,
  performLeaderAssignment,
  resetGeneration,
  toClientSubscription,
  validateCooperativeAssignment,
} from '../../../src/simulator/classic/client-protocol';
import type { JoinGroupResponseMember } from '../../../src/simulator/classic/messages';
import { subscription } from './support';
import { testCooperativeAssignor, testMovingAssignor, testRangeAssignor } from './test-assignors';

const tps = (...pairs: [string, number][]): { topic: string; partition: number }[] =>
  pairs.map(([topic, partition]) => ({ topic, partition }));

function member(state: Partial<ClassicClientState>): ClassicClientState {
  return { ...initialClientState('cooperative', ['orders']), memberId: 'm1', generationId: 3, ...state };
}

describe('classic client: rebalance protocol choice', () => {
  it('takes the highest protocol that every configured assignor supports', () => {
    const range = { name: 'range', supportedProtocols: ['eager'] as const };
    const coopSticky = { name: 'cooperative-sticky', supportedProtocols: ['eager', 'cooperative'] as const };
    // The default partition.assignment.strategy: range first, so EAGER.
    assert.equal(chooseRebalanceProtocol([range, coopSticky]), 'eager');
    assert.equal(chooseRebalanceProtocol([coopSticky]), 'cooperative');
  });

  it('refuses an empty list and assignors with nothing in common, saying what to do', () => {
    assert.throws(() => chooseRebalanceProtocol([]), ClassicClientConfigError);
    assert.throws(
      () =>
        chooseRebalanceProtocol([
          { name: 'range', supportedProtocols: ['eager'] },
          { name: 'coop-only', supportedProtocols: ['cooperative'] },
        ]),
      /no rebalance protocol in common.*\[range, coop-only\]|\[range, coop-only\].*no rebalance protocol in common/,
    );
  });
});

describe('classic client: onJoinPrepare', () => {
  it('EAGER revokes everything, calling onPartitionsRevoked even with nothing owned', () => {
    const owned = assignmentOf({ orders: [0, 1] });
    const step = onJoinPrepare(member({ protocol: 'eager', owned }));
    assert.deepEqual(step.callbacks, [{ callback: 'onPartitionsRevoked', partitions: owned }]);
    assert.deepEqual(step.state.owned, {});
    const empty = onJoinPrepare(member({ protocol: 'eager' }));
    assert.deepEqual(empty.callbacks, [{ callback: 'onPartitionsRevoked', partitions: {} }]);
  });

  it('COOPERATIVE revokes only partitions of topics no longer subscribed', () => {
    const owned = assignmentOf({ orders: [0, 1], audit: [2] });
    const step = onJoinPrepare(member({ owned, subscription: ['orders'] }));
    assert.deepEqual(step.callbacks, [{ callback: 'onPartitionsRevoked', partitions: { audit: [2] } }]);
    assert.deepEqual(step.state.owned, { orders: [0, 1] });
    assert.deepEqual(onJoinPrepare(member({ owned: { orders: [0] } })).callbacks, []);
  });

  it('loses everything after the generation or member id was reset', () => {
    const owned = assignmentOf({ orders: [3] });
    for (const reset of [
      resetGeneration(member({ owned }), false),
      resetGeneration(member({ owned }), true),
    ]) {
      const step = onJoinPrepare(reset);
      assert.deepEqual(step.callbacks, [{ callback: 'onPartitionsLost', partitions: owned }]);
      assert.deepEqual(step.state.owned, {});
    }
    assert.equal(resetGeneration(member({}), false).memberId, 'm1');
    assert.equal(resetGeneration(member({}), true).memberId, '');
    assert.deepEqual(onJoinPrepare(initialClientState('eager', ['orders'])).callbacks, []);
  });
});

describe('classic client: JoinGroup subscription', () => {
  it('sends one protocol per assignor, in configured order, with owned partitions and generation', () => {
    const state = member({ subscription: ['payments', 'orders'], owned: { orders: [2], payments: [0] } });
    const protocols = buildJoinProtocols(state, ['range', COOPERATIVE_STICKY], 'rack-1');
    assert.deepEqual(
      protocols.map((p) => p.name),
      ['range', 'cooperative-sticky'],
    );
    const [range, coop] = protocols.map((p) => p.metadata);
    assert.deepEqual(range.topics, ['orders', 'payments']);
    assert.deepEqual(range.ownedPartitions, tps(['orders', 2], ['payments', 0]));
    assert.equal(range.generationId, 3);
    assert.equal(range.rackId, 'rack-1');
    assert.equal(range.userData, null);
    assert.deepEqual(coop.userData, { generation: NO_GENERATION });
  });

  it("carries sticky's last assignment and generation in its user data", () => {
    const fresh = buildJoinProtocols(member({ protocol: 'eager' }), ['sticky'])[0].metadata;
    assert.equal(fresh.userData, null);
    const after = onJoinComplete(
      member({ protocol: 'eager' }),
      { memberId: 'm1', generationId: 4 },
      {
        assignedPartitions: tps(['orders', 1]),
        userData: null,
      },
    ).state;
    const eager = onJoinPrepare(after).state;
    const meta = buildJoinProtocols(eager, ['sticky', COOPERATIVE_STICKY]).map((p) => p.metadata);
    assert.deepEqual(meta[0].userData, { partitions: tps(['orders', 1]), generation: 4 });
    assert.deepEqual(meta[0].ownedPartitions, [], 'eager revoked everything before joining');
    assert.deepEqual(meta[1].userData, { generation: 4 });
  });

  it('hands each assignor the member data it reads', () => {
    const base: JoinGroupResponseMember = {
      memberId: 'm1',
      groupInstanceId: 'i-1',
      metadata: {
        ...subscription(['orders'], [['orders', 0]], 5),
        userData: { partitions: tps(['orders', 9]), generation: 2 },
      },
    };
    const sticky = toClientSubscription(base, 'sticky');
    assert.deepEqual([sticky.ownedPartitions, sticky.generationId], [tps(['orders', 9]), 2]);
    const coop = toClientSubscription(base, COOPERATIVE_STICKY);
    assert.deepEqual(
      [coop.ownedPartitions, coop.generationId, coop.instanceId],
      [tps(['orders', 0]), 5, 'i-1'],
    );
    const noGen = { ...base, metadata: { ...base.metadata, generationId: -1, userData: { generation: 7 } } };
    assert.equal(toClientSubscription(noGen, COOPERATIVE_STICKY).generationId, 7);
    assert.equal(toClientSubscription(noGen, 'range').generationId, null);
  });
});

describe('classic client: the leader assignment', () => {
  const members = (owned: Record<string, [string, number][]>): JoinGroupResponseMember[] =>
    Object.entries(owned).map(([memberId, parts]) => ({
      memberId,
      groupInstanceId: null,
      metadata: subscription(['orders', 'missing'], parts, 1),
    }));
  const partitionCount = (t: string): number | undefined => (t === 'orders' ? 4 : undefined);

  it('runs the selected assignor over the existing subscribed topics', () => {
    const r = performLeaderAssignment({
      protocolName: 'range',
      members: members({ a: [], b: [] }),
      skipAssignment: false,
      assignors: [testRangeAssignor],
      protocol: 'eager',
      partitionCount,
    });
    assert.equal(r.ok, true);
    if (!r.ok) return;
    assert.deepEqual(
      r.assignments.map((a) => [a.memberId, a.assignment.assignedPartitions.map((tp) => tp.partition)]),
      [
        ['a', [0, 1]],
        ['b', [2, 3]],
      ],
    );
  });

  it('sends no assignment when a returning static leader is told to skip it', () => {
    const r = performLeaderAssignment({
      protocolName: 'range',
      members: members({ a: [] }),
      skipAssignment: true,
      assignors: [testRangeAssignor],
      protocol: 'eager',
      partitionCount,
    });
    assert.deepEqual(r, { ok: true, assignments: [] });
  });

  it('fails when the coordinator selected an assignor the leader does not have', () => {
    const r = performLeaderAssignment({
      protocolName: 'roundrobin',
      members: members({ a: [] }),
      skipAssignment: false,
      assignors: [testRangeAssignor],
      protocol: 'eager',
      partitionCount,
    });
    assert.deepEqual(r, { ok: false, error: 'Coordinator selected invalid assignment protocol: roundrobin' });
  });

  it('rejects a cooperative assignment that moves an owned partition directly', () => {
    const input = {
      members: members({ a: [['orders', 0]], b: [['orders', 1]] }),
      skipAssignment: false,
      protocol: 'cooperative' as const,
      partitionCount,
    };
    const bad = performLeaderAssignment({
      ...input,
      protocolName: 'mover',
      assignors: [testMovingAssignor()],
    });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.error, /violates its requirements.*orders-0, orders-1/);
    // The built-in cooperative-sticky is trusted (it checks generations itself).
    const trusted = performLeaderAssignment({
      ...input,
      protocolName: COOPERATIVE_STICKY,
      assignors: [testMovingAssignor(COOPERATIVE_STICKY)],
    });
    assert.equal(trusted.ok, true);
    // Under EAGER nothing is checked.
    const eager = performLeaderAssignment({
      ...input,
      protocol: 'eager',
      protocolName: 'mover',
      assignors: [testMovingAssignor()],
    });
    assert.equal(eager.ok, true);
    const good = performLeaderAssignment({
      ...input,
      protocolName: 'test-cooperative',
      assignors: [testCooperativeAssignor()],
    });
    assert.equal(good.ok, true);
  });

  it('names exactly the partitions handed over while still owned', () => {
    const owned = new Map([
      ['a', tps(['t', 0], ['t', 1])],
      ['b', tps(['t', 2])],
    ]);
    assert.deepEqual(
      validateCooperativeAssignment(
        owned,
        new Map([
          ['a', tps(['t', 0])],
          ['b', tps(['t', 2], ['t', 3])],
        ]),
      ),
      [],
    );
    assert.deepEqual(
      validateCooperativeAssignment(
        owned,
        new Map([
          ['a', tps(['t', 0])],
          ['b', tps(['t', 1], ['t', 2])],
        ]),
      ),
      tps(['t', 1]),
    );
  });

  it('turns an assignor exception into an error the consumer reports', () => {
    const r = performLeaderAssignment({
      protocolName: 'boom',
      members: members({ a: [] }),
      skipAssignment: false,
      assignors: [
        {
          name: 'boom',
          supportedProtocols: ['eager'],
          assign: () => {
            throw new Error('no partitions for you');
          },
        },
      ],
      protocol: 'eager',
      partitionCount,
    });
    assert.deepEqual(r, { ok: false, error: 'assignor boom failed: no partitions for you' });
  });
});

describe('classic client: onJoinComplete', () => {
  const assigned = (...pairs: [string, number][]) => ({ assignedPartitions: tps(...pairs), userData: null });
  const callbacks = (cs: readonly { callback: string; partitions: Assignment }[]) =>
    cs.map((c) => `${c.callback} ${JSON.stringify(c.partitions)}`);

  it('EAGER assigns the new set after having revoked everything', () => {
    const prepared = onJoinPrepare(member({ protocol: 'eager', owned: { orders: [0, 1] } })).state;
    const step = onJoinComplete(
      prepared,
      { memberId: 'm1', generationId: 4 },
      assigned(['orders', 1], ['orders', 2]),
    );
    assert.deepEqual(callbacks(step.callbacks), ['onPartitionsAssigned {"orders":[1,2]}']);
    assert.equal(step.rejoinReason, null);
    assert.deepEqual(step.state.owned, { orders: [1, 2] });
    assert.equal(step.state.generationId, 4);
  });

  it('COOPERATIVE revokes owned − assigned, assigns only the additions, and asks to re-join', () => {
    const step = onJoinComplete(
      member({ owned: { orders: [0, 1, 2] } }),
      { memberId: 'm1', generationId: 4 },
      assigned(['orders', 1], ['orders', 2], ['orders', 5]),
    );
    assert.deepEqual(callbacks(step.callbacks), [
      'onPartitionsRevoked {"orders":[0]}',
      'onPartitionsAssigned {"orders":[5]}',
    ]);
    assert.equal(step.rejoinReason, 'need to revoke partitions and re-join');
    assert.deepEqual(step.state.owned, { orders: [1, 2, 5] });
    assert.deepEqual(
      [step.state.lastAssignment, step.state.lastAssignmentGeneration],
      [{ orders: [1, 2, 5] }, 4],
    );
  });

  it('COOPERATIVE with nothing to revoke calls onPartitionsAssigned (possibly empty) and stays', () => {
    const step = onJoinComplete(
      member({ owned: { orders: [1] } }),
      { memberId: 'm1', generationId: 4 },
      assigned(['orders', 1]),
    );
    assert.deepEqual(callbacks(step.callbacks), ['onPartitionsAssigned {}']);
    assert.equal(step.rejoinReason, null);
  });

  it('ignores an assignment for topics it no longer subscribes to and re-joins', () => {
    const before = member({ owned: { orders: [1] }, subscription: ['orders'] });
    const step = onJoinComplete(
      before,
      { memberId: 'm1', generationId: 4 },
      assigned(['orders', 1], ['audit', 0]),
    );
    assert.deepEqual(step.callbacks, []);
    assert.deepEqual(step.state.owned, { orders: [1] });
    assert.equal(step.state.lastAssignment, null);
    assert.equal(step.rejoinReason, 'received assignment does not match the current subscription');
  });
});

describe('classic client: onLeavePrepare', () => {
  it('revokes when leaving cleanly, loses when a rebalance is under way or the generation is gone', () => {
    const owned = assignmentOf({ orders: [0] });
    assert.deepEqual(onLeavePrepare(member({ owned }), false).callbacks, [
      { callback: 'onPartitionsRevoked', partitions: owned },
    ]);
    assert.deepEqual(onLeavePrepare(member({ owned }), true).callbacks, [
      { callback: 'onPartitionsLost', partitions: owned },
    ]);
    assert.deepEqual(
      onLeavePrepare(member({ owned, generationId: NO_GENERATION }), false).callbacks.map((c) => c.callback),
      ['onPartitionsLost'],
    );
    assert.deepEqual(onLeavePrepare(member({}), false).callbacks, []);
    assert.deepEqual(onLeavePrepare(member({ owned }), false).state.owned, {});
  });
});
