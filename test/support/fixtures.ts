/** Small builders for snapshots and members in unit tests. */
import type { GroupSnapshot, MemberSnapshot } from '../../src/model';

export function member(over: Partial<MemberSnapshot> = {}): MemberSnapshot {
  return {
    memberId: 'm1',
    instanceId: null,
    clientId: 'consumer-1',
    clientHost: '/10.0.0.1',
    rackId: null,
    memberType: 'consumer',
    memberEpoch: 1,
    previousMemberEpoch: 0,
    reconciliation: 'STABLE',
    subscribedTopicNames: ['orders'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    assignment: {},
    pendingRevocation: {},
    targetAssignment: {},
    classic: null,
    client: null,
    ...over,
  };
}

export function snapshot(members: MemberSnapshot[], over: Partial<GroupSnapshot> = {}): GroupSnapshot {
  return {
    sourceId: 'simulator',
    groupId: 'orders-app',
    protocol: 'consumer',
    state: 'Stable',
    timeMs: 0,
    groupEpoch: 1,
    targetAssignmentEpoch: 1,
    assignor: 'uniform',
    rebalanceProtocol: null,
    leaderId: null,
    coordinator: null,
    members,
    topics: [{ name: 'orders', topicId: 'T', partitions: 4 }],
    lag: null,
    stale: null,
    ...over,
  };
}
