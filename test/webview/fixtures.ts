// Realistic group timelines for the webview tests, written the way the coordinator would report
// them (src/model vocabulary): a KIP-848 reconciliation where one member is slow to revoke, and a
// classic cooperative rebalance through JoinGroup, SyncGroup and the follow-up rebalance.
import {
  type Assignment,
  type GroupEvent,
  type GroupLag,
  type GroupSnapshot,
  type MemberSnapshot,
  type PartitionLag,
  type TopicInfo,
  assignmentOf,
  unionAssignments,
} from '../../src/model';

export interface Timeline {
  readonly snapshots: GroupSnapshot[];
  readonly events: GroupEvent[];
}

type MemberInit = Partial<MemberSnapshot> & Pick<MemberSnapshot, 'memberId' | 'clientId'>;

export function consumerMember(m: MemberInit): MemberSnapshot {
  return {
    instanceId: null,
    clientHost: '/10.0.0.1',
    rackId: null,
    memberType: 'consumer',
    memberEpoch: 0,
    previousMemberEpoch: null,
    reconciliation: 'STABLE',
    subscribedTopicNames: ['orders', 'payments'],
    subscribedTopicRegex: null,
    serverAssignor: 'uniform',
    assignment: {},
    pendingRevocation: {},
    targetAssignment: null,
    classic: null,
    client: null,
    ...m,
  };
}

export function classicMember(
  m: MemberInit & { isLeader?: boolean; awaitingJoin?: boolean; awaitingSync?: boolean; owned?: Assignment },
): MemberSnapshot {
  const { isLeader = false, awaitingJoin = false, awaitingSync = false, owned, ...rest } = m;
  const assignment = rest.assignment ?? {};
  return {
    instanceId: null,
    clientHost: '/10.0.0.2',
    rackId: null,
    memberType: 'classic',
    memberEpoch: 0,
    previousMemberEpoch: null,
    reconciliation: null,
    subscribedTopicNames: ['invoices'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    pendingRevocation: {},
    targetAssignment: null,
    classic: {
      protocols: ['cooperative-sticky'],
      isLeader,
      awaitingJoin,
      awaitingSync,
      ownedPartitions: owned ?? assignment,
      reportedGeneration: null,
      sessionTimeoutMs: 45000,
      rebalanceTimeoutMs: 300000,
    },
    client: {
      state: 'STABLE',
      owned: owned ?? assignment,
      condition: null,
      groupProtocol: 'classic',
      assignor: 'cooperative-sticky',
    },
    assignment,
    ...rest,
  };
}

/** Lag for every partition of the topics, owned per the members' assignments, offsets growing with time. */
export function lagFor(
  topics: readonly TopicInfo[],
  members: readonly MemberSnapshot[],
  timeMs: number,
): GroupLag {
  const owner = new Map<string, string>();
  for (const m of members) {
    for (const [t, parts] of Object.entries(unionAssignments(m.assignment, m.pendingRevocation))) {
      for (const p of parts) owner.set(`${t}-${p}`, m.memberId);
    }
  }
  const partitions: PartitionLag[] = [];
  let total = 0;
  for (const t of topics) {
    for (let p = 0; p < t.partitions; p++) {
      const end = 10_000 + p * 1000 + Math.floor(timeMs / 10);
      const committed = end - (p % 3) * 40 - (owner.has(`${t.name}-${p}`) ? 0 : Math.floor(timeMs / 50));
      const lag = Math.max(0, end - committed);
      total += lag;
      partitions.push({
        topic: t.name,
        partition: p,
        committedOffset: committed,
        logStartOffset: 0,
        logEndOffset: end,
        lag,
        ownerMemberId: owner.get(`${t.name}-${p}`) ?? null,
        belowLogStart: false,
        status: lag > 500 ? 'WARN' : 'OK',
      });
    }
  }
  return { totalLag: total, partitionsWithoutCommit: 0, status: total > 1000 ? 'WARN' : 'OK', partitions };
}

const COORDINATOR = { nodeId: 1, host: 'broker-1.kafka.internal', port: 9092 };

/**
 * KIP-848: consumer-3 joins a group of two. consumer-1 revokes promptly; consumer-2 is slow to
 * revoke orders-5, so consumer-3 waits for it (UNRELEASED) until it finally lets go.
 */
export function kip848Reconciliation(groupId = 'orders-processor'): Timeline {
  const topics: TopicInfo[] = [
    { name: 'orders', topicId: 'b1dVd6ZVQ2mC0eKJkq0bJQ', partitions: 6 },
    { name: 'payments', topicId: 'Xv3bK3s8S1yq8o2fXfGm0g', partitions: 3 },
  ];
  const A = 'Lq2wZ0cORvWm5dYk1C3xGg';
  const B = 'p9sT4kQ1R8e7yWnU2bV6Zw';
  const C = 'zX3cV5bN7mQ9wE1rT2yU4i';
  const snap = (
    timeMs: number,
    state: GroupSnapshot['state'],
    epoch: number,
    members: MemberSnapshot[],
  ): GroupSnapshot => ({
    sourceId: 'simulator',
    groupId,
    protocol: 'consumer',
    state,
    timeMs,
    groupEpoch: epoch,
    targetAssignmentEpoch: epoch,
    assignor: 'uniform',
    rebalanceProtocol: null,
    leaderId: null,
    coordinator: COORDINATOR,
    members,
    topics,
    lag: lagFor(topics, members, timeMs),
    stale: null,
  });
  const a0 = assignmentOf({ orders: [0, 1, 2], payments: [0, 1] });
  const b0 = assignmentOf({ orders: [3, 4, 5], payments: [2] });
  const aT = assignmentOf({ orders: [0, 1], payments: [0] });
  const bT = assignmentOf({ orders: [3, 4], payments: [2] });
  const cT = assignmentOf({ orders: [2, 5], payments: [1] });
  const s0 = snap(0, 'Stable', 3, [
    consumerMember({
      memberId: A,
      clientId: 'consumer-1',
      memberEpoch: 3,
      previousMemberEpoch: 2,
      assignment: a0,
      targetAssignment: a0,
    }),
    consumerMember({
      memberId: B,
      clientId: 'consumer-2',
      memberEpoch: 3,
      previousMemberEpoch: 2,
      assignment: b0,
      targetAssignment: b0,
    }),
  ]);
  const s1 = snap(1000, 'Reconciling', 4, [
    consumerMember({
      memberId: A,
      clientId: 'consumer-1',
      memberEpoch: 3,
      previousMemberEpoch: 3,
      reconciliation: 'UNREVOKED_PARTITIONS',
      assignment: aT,
      pendingRevocation: assignmentOf({ orders: [2], payments: [1] }),
      targetAssignment: aT,
    }),
    consumerMember({
      memberId: B,
      clientId: 'consumer-2',
      memberEpoch: 3,
      previousMemberEpoch: 3,
      reconciliation: 'UNREVOKED_PARTITIONS',
      assignment: bT,
      pendingRevocation: assignmentOf({ orders: [5] }),
      targetAssignment: bT,
    }),
    consumerMember({
      memberId: C,
      clientId: 'consumer-3',
      memberEpoch: 4,
      previousMemberEpoch: 0,
      reconciliation: 'UNRELEASED_PARTITIONS',
      targetAssignment: cT,
    }),
  ]);
  const s2 = snap(4000, 'Reconciling', 4, [
    consumerMember({
      memberId: A,
      clientId: 'consumer-1',
      memberEpoch: 4,
      previousMemberEpoch: 3,
      assignment: aT,
      targetAssignment: aT,
    }),
    s1.members[1],
    consumerMember({
      memberId: C,
      clientId: 'consumer-3',
      memberEpoch: 4,
      previousMemberEpoch: 4,
      reconciliation: 'UNRELEASED_PARTITIONS',
      assignment: assignmentOf({ orders: [2], payments: [1] }),
      targetAssignment: cT,
    }),
  ]);
  const s3 = snap(19000, 'Reconciling', 4, s2.members.slice());
  const s4 = snap(22000, 'Stable', 4, [
    s2.members[0],
    consumerMember({
      memberId: B,
      clientId: 'consumer-2',
      memberEpoch: 4,
      previousMemberEpoch: 3,
      assignment: bT,
      targetAssignment: bT,
    }),
    consumerMember({
      memberId: C,
      clientId: 'consumer-3',
      memberEpoch: 4,
      previousMemberEpoch: 4,
      assignment: cT,
      targetAssignment: cT,
    }),
  ]);
  const base = { groupId };
  const events: GroupEvent[] = [
    {
      ...base,
      timeMs: 900,
      type: 'member-joined',
      memberId: C,
      instanceId: null,
      clientId: 'consumer-3',
      memberType: 'consumer',
    },
    { ...base, timeMs: 900, type: 'group-epoch-bumped', from: 3, to: 4, reason: 'member consumer-3 joined' },
    { ...base, timeMs: 900, type: 'target-assignment', epoch: 4, assignor: 'uniform', moved: 3 },
    { ...base, timeMs: 900, type: 'group-state', from: 'Stable', to: 'Reconciling' },
    {
      ...base,
      timeMs: 1000,
      type: 'member-epoch',
      memberId: C,
      from: 0,
      to: 4,
      state: 'UNRELEASED_PARTITIONS',
    },
    {
      ...base,
      timeMs: 3500,
      type: 'partitions-revoked',
      memberId: A,
      partitions: assignmentOf({ orders: [2], payments: [1] }),
    },
    { ...base, timeMs: 3600, type: 'member-epoch', memberId: A, from: 3, to: 4, state: 'STABLE' },
    {
      ...base,
      timeMs: 3700,
      type: 'partitions-assigned',
      memberId: C,
      partitions: assignmentOf({ orders: [2], payments: [1] }),
    },
    {
      ...base,
      timeMs: 21000,
      type: 'partitions-revoked',
      memberId: B,
      partitions: assignmentOf({ orders: [5] }),
    },
    { ...base, timeMs: 21100, type: 'member-epoch', memberId: B, from: 3, to: 4, state: 'STABLE' },
    {
      ...base,
      timeMs: 21500,
      type: 'partitions-assigned',
      memberId: C,
      partitions: assignmentOf({ orders: [5] }),
    },
    { ...base, timeMs: 21500, type: 'group-state', from: 'Reconciling', to: 'Stable' },
  ];
  return { snapshots: [s0, s1, s2, s3, s4], events };
}

/**
 * Classic protocol, cooperative-sticky: consumer-c joins generation 5. The group goes through
 * PreparingRebalance and CompletingRebalance into generation 6, where consumer-a gives up
 * invoices-2 and a follow-up rebalance (generation 7) hands it to consumer-c.
 */
export function classicCooperativeRebalance(groupId = 'billing'): Timeline {
  const topics: TopicInfo[] = [{ name: 'invoices', topicId: 'Qm9uZXlNb25leU1vbmV5MQ', partitions: 4 }];
  const A = 'consumer-a-6f1c2d8e-3b4a-4c5d-8e9f-0a1b2c3d4e5f';
  const B = 'consumer-b-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
  const C = 'consumer-c-9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b';
  const snap = (
    timeMs: number,
    state: GroupSnapshot['state'],
    generation: number,
    members: MemberSnapshot[],
  ): GroupSnapshot => ({
    sourceId: 'simulator',
    groupId,
    protocol: 'classic',
    state,
    timeMs,
    groupEpoch: generation,
    targetAssignmentEpoch: null,
    assignor: 'cooperative-sticky',
    rebalanceProtocol: 'cooperative',
    leaderId: A,
    coordinator: COORDINATOR,
    members,
    topics,
    lag: lagFor(topics, members, timeMs),
    stale: null,
  });
  const aOld = assignmentOf({ invoices: [0, 1, 2] });
  const bOld = assignmentOf({ invoices: [3] });
  const aNew = assignmentOf({ invoices: [0, 1] });
  const s0 = snap(0, 'Stable', 5, [
    classicMember({ memberId: A, clientId: 'consumer-a', memberEpoch: 5, isLeader: true, assignment: aOld }),
    classicMember({ memberId: B, clientId: 'consumer-b', memberEpoch: 5, assignment: bOld }),
  ]);
  const s1 = snap(2000, 'PreparingRebalance', 5, [
    classicMember({
      memberId: A,
      clientId: 'consumer-a',
      memberEpoch: 5,
      isLeader: true,
      awaitingJoin: true,
      assignment: aOld,
    }),
    classicMember({ memberId: B, clientId: 'consumer-b', memberEpoch: 5, assignment: bOld }),
    classicMember({ memberId: C, clientId: 'consumer-c', memberEpoch: -1, awaitingJoin: true }),
  ]);
  const s2 = snap(3000, 'CompletingRebalance', 6, [
    classicMember({ memberId: A, clientId: 'consumer-a', memberEpoch: 6, isLeader: true, assignment: aOld }),
    classicMember({
      memberId: B,
      clientId: 'consumer-b',
      memberEpoch: 6,
      awaitingSync: true,
      assignment: bOld,
    }),
    classicMember({ memberId: C, clientId: 'consumer-c', memberEpoch: 6, awaitingSync: true }),
  ]);
  const s3 = snap(3200, 'Stable', 6, [
    classicMember({
      memberId: A,
      clientId: 'consumer-a',
      memberEpoch: 6,
      isLeader: true,
      assignment: aNew,
      owned: aOld,
    }),
    classicMember({ memberId: B, clientId: 'consumer-b', memberEpoch: 6, assignment: bOld }),
    classicMember({ memberId: C, clientId: 'consumer-c', memberEpoch: 6 }),
  ]);
  const s4 = snap(6000, 'Stable', 7, [
    classicMember({ memberId: A, clientId: 'consumer-a', memberEpoch: 7, isLeader: true, assignment: aNew }),
    classicMember({ memberId: B, clientId: 'consumer-b', memberEpoch: 7, assignment: bOld }),
    classicMember({
      memberId: C,
      clientId: 'consumer-c',
      memberEpoch: 7,
      assignment: assignmentOf({ invoices: [2] }),
    }),
  ]);
  const base = { groupId };
  const events: GroupEvent[] = [
    {
      ...base,
      timeMs: 1900,
      type: 'member-joined',
      memberId: C,
      instanceId: null,
      clientId: 'consumer-c',
      memberType: 'classic',
    },
    {
      ...base,
      timeMs: 1900,
      type: 'rebalance-started',
      generation: 5,
      reason: 'adding new member consumer-c',
    },
    { ...base, timeMs: 1900, type: 'group-state', from: 'Stable', to: 'PreparingRebalance' },
    {
      ...base,
      timeMs: 2900,
      type: 'join-completed',
      generation: 6,
      leaderId: A,
      protocolName: 'cooperative-sticky',
      memberCount: 3,
    },
    { ...base, timeMs: 3100, type: 'sync-completed', generation: 6 },
    {
      ...base,
      timeMs: 3300,
      type: 'partitions-revoked',
      memberId: A,
      partitions: assignmentOf({ invoices: [2] }),
    },
    {
      ...base,
      timeMs: 3400,
      type: 'rebalance-started',
      generation: 6,
      reason: 'consumer-a revoked partitions',
    },
    {
      ...base,
      timeMs: 5900,
      type: 'join-completed',
      generation: 7,
      leaderId: A,
      protocolName: 'cooperative-sticky',
      memberCount: 3,
    },
    { ...base, timeMs: 5950, type: 'sync-completed', generation: 7 },
    {
      ...base,
      timeMs: 6000,
      type: 'partitions-assigned',
      memberId: C,
      partitions: assignmentOf({ invoices: [2] }),
    },
  ];
  return { snapshots: [s0, s1, s2, s3, s4], events };
}

/** A large KIP-848 group: `members` × `partitions` over `topicCount` topics, mid-reconciliation. */
export function largeGroup(members: number, partitions: number, timeMs = 0, topicCount = 10): GroupSnapshot {
  const per = Math.ceil(partitions / topicCount);
  const topics: TopicInfo[] = Array.from({ length: topicCount }, (_, i) => ({
    name: `topic-${String(i).padStart(2, '0')}`,
    topicId: `id${i}`,
    partitions: per,
  }));
  const ms: MemberSnapshot[] = [];
  for (let i = 0; i < members; i++) {
    ms.push(
      consumerMember({
        memberId: `member-${String(i).padStart(5, '0')}`,
        clientId: `consumer-${i}`,
        memberEpoch: 10,
        subscribedTopicNames: topics.map((t) => t.name),
      }),
    );
  }
  const owned: Record<string, Record<string, number[]>> = {};
  let k = 0;
  for (const t of topics) {
    for (let p = 0; p < t.partitions; p++) {
      const id = ms[k % members]?.memberId ?? '';
      ((owned[id] ??= {})[t.name] ??= []).push(p);
      k++;
    }
  }
  const full = ms.map((m) => ({
    ...m,
    assignment: assignmentOf(owned[m.memberId] ?? {}),
    targetAssignment: assignmentOf(owned[m.memberId] ?? {}),
  }));
  return {
    sourceId: 'simulator',
    groupId: 'big-group',
    protocol: 'consumer',
    state: 'Stable',
    timeMs,
    groupEpoch: 10,
    targetAssignmentEpoch: 10,
    assignor: 'uniform',
    rebalanceProtocol: null,
    leaderId: null,
    coordinator: COORDINATOR,
    members: full,
    topics,
    lag: lagFor(topics, full, timeMs),
    stale: null,
  };
}
