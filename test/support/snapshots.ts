/** Builders of model values for unit tests: a plausible default, overridden field by field. */
import type { GroupSnapshot, MemberSnapshot } from '../../src/model';

export function testMember(id: string, over: Partial<MemberSnapshot> = {}): MemberSnapshot {
  return {
    memberId: id,
    instanceId: null,
    clientId: `client-${id}`,
    clientHost: '/127.0.0.1',
    rackId: null,
    memberType: 'consumer',
    memberEpoch: 1,
    previousMemberEpoch: null,
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

/** A Stable KIP-848 group "g" at epoch 1 on topic orders (4 partitions); members sorted by id. */
export function testSnapshot(
  timeMs: number,
  members: MemberSnapshot[],
  over: Partial<GroupSnapshot> = {},
): GroupSnapshot {
  return {
    sourceId: 'cluster/test',
    groupId: 'g',
    protocol: 'consumer',
    state: 'Stable',
    timeMs,
    groupEpoch: 1,
    targetAssignmentEpoch: 1,
    assignor: 'uniform',
    rebalanceProtocol: null,
    leaderId: null,
    coordinator: null,
    members: [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0)),
    topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: 4 }],
    lag: null,
    stale: null,
    ...over,
  };
}
