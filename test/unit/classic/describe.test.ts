/**
 * What the classic coordinator shows of a group: DescribeGroups' view plus what only the
 * coordinator knows (generation, leader, selected protocol, join/sync status per member).
 */
import { strict as assert } from 'node:assert';
import type { TopicInfo } from '../../../src/model';
import {
  assignmentOf,
  formStableGroup,
  join,
  joinDynamic,
  joinRequest,
  protocols,
  subscription,
  virtualHarness,
} from './support';

const topicInfo = (name: string): TopicInfo | undefined =>
  name === 'orders' ? { name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: 4 } : undefined;

describe('classic describe() and listGroups()', () => {
  it('describes a Stable group with each member as the coordinator knows it', () => {
    const h = virtualHarness();
    const meta = { ...subscription(['orders', 'payments'], [['orders', 3]], 7), rackId: 'rack-a' };
    const g = formStableGroup(
      h,
      [
        {
          clientId: 'a',
          clientHost: '/10.0.0.1',
          protocols: protocols(['cooperative-sticky', 'range'], meta),
        },
        { clientId: 'b', groupInstanceId: 'i-b', protocols: protocols(['cooperative-sticky'], meta) },
      ],
      ([a, b]) => [
        { memberId: a, assignment: assignmentOf(['orders', 0], ['orders', 1]) },
        { memberId: b, assignment: assignmentOf(['orders', 2], ['orders', 3]) },
      ],
    );
    const snap = h.coordinator.describe('group-id', topicInfo);
    assert.equal(snap.sourceId, 'simulator');
    assert.equal(snap.protocol, 'classic');
    assert.equal(snap.state, 'Stable');
    assert.equal(snap.groupEpoch, 1);
    assert.equal(snap.targetAssignmentEpoch, null);
    assert.equal(snap.assignor, 'cooperative-sticky');
    assert.equal(snap.rebalanceProtocol, 'cooperative');
    assert.equal(snap.leaderId, g.leaderId);
    assert.equal(snap.timeMs, h.timers.now());
    assert.deepEqual(snap.topics, [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: 4 }]);
    assert.deepEqual(
      snap.members.map((m) => m.memberId),
      [...g.memberIds].sort(),
    );
    const a = snap.members.find((m) => m.clientId === 'a');
    assert.ok(a);
    assert.deepEqual(
      {
        clientHost: a.clientHost,
        rackId: a.rackId,
        memberType: a.memberType,
        memberEpoch: a.memberEpoch,
        subscribed: a.subscribedTopicNames,
        assignment: a.assignment,
        client: a.client,
        target: a.targetAssignment,
      },
      {
        clientHost: '/10.0.0.1',
        rackId: 'rack-a',
        memberType: 'classic',
        memberEpoch: 1,
        subscribed: ['orders', 'payments'],
        assignment: { orders: [0, 1] },
        client: null,
        target: null,
      },
    );
    assert.deepEqual(a.classic, {
      protocols: ['cooperative-sticky', 'range'],
      isLeader: a.memberId === g.leaderId,
      awaitingJoin: false,
      awaitingSync: false,
      ownedPartitions: { orders: [3] },
      reportedGeneration: 7,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 60_000,
    });
    assert.equal(snap.members.find((m) => m.clientId === 'b')?.instanceId, 'i-b');
  });

  it('shows who has re-joined during a rebalance, and new members without a generation', () => {
    const h = virtualHarness();
    const g = formStableGroup(h, [{ clientId: 'a' }, { clientId: 'b' }]);
    join(h, joinRequest({ clientId: 'a', memberId: g.memberIds[0] }));
    const c = joinDynamic(h, { clientId: 'c' });
    const snap = h.coordinator.describe('group-id');
    assert.equal(snap.state, 'PreparingRebalance');
    assert.equal(snap.assignor, 'range', 'the last selected protocol stays known');
    const byClient = new Map(snap.members.map((m) => [m.clientId, m]));
    assert.equal(byClient.get('a')?.classic?.awaitingJoin, true);
    assert.equal(byClient.get('b')?.classic?.awaitingJoin, false);
    assert.equal(byClient.get('c')?.memberEpoch, -1);
    assert.equal(byClient.get('c')?.memberId, c.memberId);
    assert.equal(byClient.get('b')?.memberEpoch, 1);
  });

  it('describes an unknown group as Dead, and lists groups sorted with their state', () => {
    const h = virtualHarness();
    const dead = h.coordinator.describe('nope');
    assert.equal(dead.state, 'Dead');
    assert.deepEqual(dead.members, []);
    join(h, joinRequest({ groupId: 'zeta', apiVersion: 3 }));
    join(h, joinRequest({ groupId: 'alpha' }));
    assert.deepEqual(h.coordinator.listGroups(), [
      { groupId: 'alpha', protocolType: '', state: 'Empty', groupType: 'classic' },
      { groupId: 'zeta', protocolType: 'consumer', state: 'PreparingRebalance', groupType: 'classic' },
    ]);
  });
});
