import { strict as assert } from 'node:assert';
import type { GroupSnapshot, MemberSnapshot } from '../../../src/model';
import {
  groupNode,
  isReconciled,
  memberNode,
  memberPartitions,
  partitionNode,
  sourceNode,
  unassignedPartitions,
} from '../../../src/ui/tree/nodes';

function member(over: Partial<MemberSnapshot>): MemberSnapshot {
  return {
    memberId: 'm1',
    instanceId: null,
    clientId: 'consumer-1',
    clientHost: '/10.0.0.1',
    rackId: null,
    memberType: 'consumer',
    memberEpoch: 12,
    previousMemberEpoch: 11,
    reconciliation: 'STABLE',
    subscribedTopicNames: ['orders'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    assignment: { orders: [0, 1] },
    pendingRevocation: {},
    targetAssignment: { orders: [0, 1] },
    classic: null,
    client: null,
    ...over,
  };
}

function group(members: MemberSnapshot[], over: Partial<GroupSnapshot> = {}): GroupSnapshot {
  return {
    sourceId: 'simulator',
    groupId: 'orders-app',
    protocol: 'consumer',
    state: 'Reconciling',
    timeMs: 1000,
    groupEpoch: 13,
    targetAssignmentEpoch: 13,
    assignor: 'uniform',
    rebalanceProtocol: null,
    leaderId: null,
    coordinator: { nodeId: 1, host: 'broker-1', port: 9092 },
    members,
    topics: [{ name: 'orders', topicId: 'x', partitions: 6 }],
    lag: null,
    stale: null,
    ...over,
  };
}

describe('tree nodes', () => {
  const m1 = member({
    memberEpoch: 13,
    assignment: { orders: [0, 1] },
    targetAssignment: { orders: [0, 1] },
  });
  const m2 = member({
    memberId: 'm2',
    clientId: 'consumer-2',
    memberEpoch: 12,
    reconciliation: 'UNREVOKED_PARTITIONS',
    assignment: { orders: [2] },
    pendingRevocation: { orders: [3] },
    targetAssignment: { orders: [2] },
  });
  const m3 = member({
    memberId: 'm3',
    clientId: 'consumer-3',
    instanceId: 'orders-app-3',
    memberEpoch: 13,
    reconciliation: 'UNRELEASED_PARTITIONS',
    assignment: {},
    targetAssignment: { orders: [3] },
  });
  const s = group([m1, m2, m3]);

  it('gives every node a content-derived id, stable across refreshes and reordering', () => {
    const a = memberNode('simulator', s, m2);
    const b = memberNode('simulator', group([m3, m2, m1], { timeMs: 99_000 }), m2);
    assert.equal(a.id, 'source/simulator/group/orders-app/member/m2');
    assert.equal(a.id, b.id);
  });

  it('marks members reconciled only when caught up with the target epoch and STABLE', () => {
    assert.equal(isReconciled(m1, s), true);
    assert.equal(isReconciled(m2, s), false);
    assert.equal(isReconciled(m3, s), false);
    assert.equal(memberNode('simulator', s, m1).description, 'epoch 13 ✓');
    assert.equal(memberNode('simulator', s, m2).description, 'epoch 12 → 13 (unrevoked partitions)');
    assert.equal(
      memberNode('simulator', s, m3).description,
      'instance orders-app-3 · epoch 13 → 13 (unreleased partitions)',
    );
    assert.equal(memberNode('simulator', s, m3).contextValue, 'member:consumer:static:reconciling:simulated');
    assert.equal(memberNode('simulator', s, m1).label, 'consumer-1 @ 10.0.0.1');
  });

  it('derives partition statuses: owned, pending revocation, pending assignment, unassigned', () => {
    assert.deepEqual(
      memberPartitions(m2).map((p) => `${p.topic}-${p.partition}:${p.status}`),
      ['orders-2:owned', 'orders-3:pending-revocation'],
    );
    assert.deepEqual(
      memberPartitions(m3).map((p) => `${p.topic}-${p.partition}:${p.status}`),
      ['orders-3:pending-assignment'],
    );
    assert.deepEqual(
      unassignedPartitions(s).map((p) => p.partition),
      [4, 5],
    );
    const n = partitionNode(
      'simulator',
      'orders-app',
      'source/simulator/group/orders-app/member/m2',
      { topic: 'orders', partition: 3, status: 'pending-revocation' },
      null,
    );
    assert.equal(n.description, 'pending revocation · no commit');
    assert.equal(n.contextValue, 'partition:pending-revocation');
  });

  it('summarises groups with state, protocol, members and lag, and a tooltip with epochs and coordinator', () => {
    const g = {
      groupId: 'orders-app',
      protocol: 'consumer',
      state: 'Reconciling',
      memberCount: 3,
      totalLag: 12_345,
      lagStatus: 'WARN',
    } as const;
    const n = groupNode('simulator', g, s);
    assert.equal(n.description, 'Reconciling · consumer · 3 members · lag 12k');
    assert.equal(n.contextValue, 'group:consumer:Reconciling:simulated');
    assert.equal(
      groupNode('file/bug.json', { ...g, state: 'Stable' }, s).contextValue,
      'group:consumer:Stable:file',
      'only simulated groups get simulator actions (a file group gets Replay in Simulator)',
    );
    assert.equal(
      groupNode('cluster/prod', { ...g, state: 'Empty' }, s).contextValue,
      'group:consumer:Empty:cluster',
      "a real cluster's groups get the cluster actions (reset, delete, …)",
    );
    assert.equal(n.icon.id, 'sync');
    const lines = Object.fromEntries(n.tooltip.map((l) => [l.label, l.value]));
    assert.equal(lines['Group epoch'], '13');
    assert.equal(lines['Target assignment epoch'], '13');
    assert.equal(lines.Coordinator, 'broker-1:9092 (node 1)');
    assert.equal(lines['Lag status'], 'WARN');
  });

  it('shows classic groups with generation and leader, and stale groups with a warning', () => {
    const leader = member({
      memberId: 'L',
      clientId: 'leader-app',
      memberType: 'classic',
      reconciliation: null,
      targetAssignment: null,
      memberEpoch: 4,
    });
    const classic = group([leader], {
      protocol: 'classic',
      state: 'Stable',
      groupEpoch: 4,
      targetAssignmentEpoch: null,
      leaderId: 'L',
      rebalanceProtocol: 'cooperative',
      assignor: 'cooperative-sticky',
      stale: { sinceMs: 1, reason: 'broker unreachable' },
    });
    const n = groupNode(
      'cluster/prod',
      {
        groupId: 'orders-app',
        protocol: 'classic',
        state: 'Stable',
        memberCount: 1,
        totalLag: null,
        lagStatus: null,
      },
      classic,
    );
    const lines = Object.fromEntries(n.tooltip.map((l) => [l.label, l.value]));
    assert.equal(lines.Generation, '4');
    assert.equal(lines.Leader, 'leader-app @ 10.0.0.1');
    assert.equal(lines.Stale, 'broker unreachable');
    assert.equal(n.icon.id, 'warning');
    assert.equal(memberNode('cluster/prod', classic, leader).description, 'generation 4 ✓');
  });

  it('keeps hostile names as plain text in labels and tooltips', () => {
    const evil = member({
      clientId: '<img src=x onerror=alert(1)>',
      clientHost: '/[x](command:workbench.action.quit)',
    });
    const n = memberNode('simulator', group([evil]), evil);
    assert.equal(n.label, '<img src=x onerror=alert(1)> @ [x](command:workbench.action.quit)');
    assert.ok(n.tooltip.some((l) => l.value === '<img src=x onerror=alert(1)>'));
  });

  it('describes sources with their status', () => {
    const n = sourceNode({
      id: 'simulator',
      kind: 'simulator',
      label: 'Simulator',
      status: () => ({
        state: 'running',
        detail: 'crash · consumer · 00:42.150 · 10×',
        clockMs: 42_150,
        error: null,
      }),
    });
    assert.equal(n.id, 'source/simulator');
    assert.equal(n.contextValue, 'source:simulator:running');
    assert.equal(n.description, 'crash · consumer · 00:42.150 · 10×');
    assert.equal(n.collapsible, 'expanded');
  });

  it('shows a cluster source collapsed (it connects when opened), stale with a warning and the reason', () => {
    const n = sourceNode({
      id: 'cluster/prod',
      kind: 'cluster',
      label: 'prod',
      status: () => ({
        state: 'stale',
        detail: 'not answering · last answer 10:42:05',
        clockMs: 1,
        error: 'kafka-1:9092: no answer in time. Check the network.',
      }),
    });
    assert.equal(n.contextValue, 'source:cluster:stale');
    assert.equal(n.collapsible, 'collapsed');
    assert.equal(n.icon.id, 'warning');
    assert.ok(n.tooltip.some((l) => l.label === 'Problem' && /no answer in time/.test(l.value)));
  });
});
