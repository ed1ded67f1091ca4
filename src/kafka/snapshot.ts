/**
 * Described groups + committed offsets + log offsets → GroupSnapshot (the shared vocabulary of
 * src/model). Pure: the same inputs always give the same snapshot, so unit tests feed it bytes
 * captured from a real broker.
 *
 * What the wire does not say, and what we put instead:
 * - Classic groups: DescribeGroups has no generation id, leader or timeouts. `groupEpoch` and
 *   `memberEpoch` are −1, `leaderId` is null, the timeouts −1. The coordinator sends member
 *   metadata only while the group is Stable, so subscriptions are known only then.
 * - KIP-848 groups: ConsumerGroupDescribe has no member state. `reconciliation` is inferred from
 *   epochs and assignments (see inferReconciliation), `previousMemberEpoch` is null. The
 *   assignment it reports includes partitions pending revocation, so
 *   `pendingRevocation` = assignment − target.
 */
import {
  EMPTY_ASSIGNMENT,
  assignmentFromPartitions,
  assignmentOf,
  assignmentsEqual,
  computeLag,
  subtractAssignment,
  type Assignment,
  type ClassicGroupState,
  type ConsumerGroupState,
  type GroupLag,
  type GroupSnapshot,
  type GroupState,
  type MemberReconciliationState,
  type MemberSnapshot,
  type PartitionLag,
  type RebalanceProtocol,
  type TopicInfo,
} from '../model';
import type { ClusterMetadata } from './client';
import type { CgdMember, ClassicMember, DescribedGroup } from './groups';
import { tpKey, type CommittedOffset, type LogOffsets } from './offsets';

const CONSUMER_STATES: readonly ConsumerGroupState[] = [
  'Empty',
  'Assigning',
  'Reconciling',
  'Stable',
  'Dead',
];
const CLASSIC_STATES: readonly ClassicGroupState[] = [
  'Empty',
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
];

/** Kafka prints KIP-848 states capitalised ("Stable"); older tools lower-case them. Accept both. */
export function parseGroupState(s: string, protocol: 'consumer' | 'classic'): GroupState {
  const known: readonly string[] = protocol === 'consumer' ? CONSUMER_STATES : CLASSIC_STATES;
  const hit = known.find((k) => k.toLowerCase() === s.toLowerCase());
  return (hit as GroupState | undefined) ?? 'Unknown';
}

/** Client-side assignors known to use the cooperative rebalance protocol (KIP-429). */
const COOPERATIVE_ASSIGNORS = new Set(['cooperative-sticky']);
/** Client-side assignors known to be eager. */
const EAGER_ASSIGNORS = new Set(['range', 'roundrobin', 'sticky', 'RoundRobinAssigner']);

export function rebalanceProtocolOf(assignor: string | null): RebalanceProtocol | null {
  if (assignor === null) return null;
  if (COOPERATIVE_ASSIGNORS.has(assignor)) return 'cooperative';
  if (EAGER_ASSIGNORS.has(assignor)) return 'eager';
  return null;
}

function cgdAssignment(a: CgdMember['Assignment']): Assignment {
  return assignmentOf(a.TopicPartitions.map((t) => [t.TopicName, t.Partitions] as const));
}

/**
 * The coordinator's member state, inferred (ConsumerGroupDescribe does not carry it):
 * - it still holds partitions outside its target → UNREVOKED_PARTITIONS;
 * - at the target epoch with exactly its target → STABLE;
 * - at the target epoch but missing target partitions (others have not released them yet) →
 *   UNRELEASED_PARTITIONS;
 * - behind the target epoch with nothing to revoke: it moves on its next heartbeat → UNKNOWN.
 */
export function inferReconciliation(
  memberEpoch: number,
  assignmentEpoch: number,
  assignment: Assignment,
  target: Assignment,
): MemberReconciliationState {
  const pending = subtractAssignment(assignment, target);
  if (Object.keys(pending).length > 0) return 'UNREVOKED_PARTITIONS';
  if (memberEpoch === assignmentEpoch) {
    return assignmentsEqual(assignment, target) ? 'STABLE' : 'UNRELEASED_PARTITIONS';
  }
  return 'UNKNOWN';
}

function byMemberId(a: MemberSnapshot, b: MemberSnapshot): number {
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

function consumerMember(m: CgdMember, assignmentEpoch: number): MemberSnapshot {
  const assignment = cgdAssignment(m.Assignment);
  const target = cgdAssignment(m.TargetAssignment);
  const classic = m.MemberType === 0;
  return {
    memberId: m.MemberId,
    instanceId: m.InstanceId,
    clientId: m.ClientId,
    clientHost: m.ClientHost,
    rackId: m.RackId,
    memberType: classic ? 'classic' : 'consumer',
    memberEpoch: m.MemberEpoch,
    previousMemberEpoch: null,
    reconciliation: inferReconciliation(m.MemberEpoch, assignmentEpoch, assignment, target),
    subscribedTopicNames: [...m.SubscribedTopicNames].sort(),
    // The broker sends "" for "no regex".
    subscribedTopicRegex: m.SubscribedTopicRegex === '' ? null : m.SubscribedTopicRegex,
    serverAssignor: null,
    assignment,
    pendingRevocation: subtractAssignment(assignment, target),
    targetAssignment: target,
    classic: null,
    client: null,
  };
}

function classicMember(m: ClassicMember, selectedProtocol: string | null): MemberSnapshot {
  const sub = m.subscription;
  const owned =
    sub === null
      ? EMPTY_ASSIGNMENT
      : assignmentOf(sub.OwnedPartitions.map((t) => [t.Topic, t.Partitions] as const));
  const assignment =
    m.assignment === null
      ? EMPTY_ASSIGNMENT
      : assignmentOf(m.assignment.AssignedPartitions.map((t) => [t.Topic, t.Partitions] as const));
  return {
    memberId: m.raw.MemberId,
    instanceId: m.raw.GroupInstanceId,
    clientId: m.raw.ClientId,
    clientHost: m.raw.ClientHost,
    rackId: sub?.RackId ?? null,
    memberType: 'classic',
    memberEpoch: -1,
    previousMemberEpoch: null,
    reconciliation: null,
    subscribedTopicNames: sub === null ? [] : [...new Set(sub.Topics)].sort(),
    subscribedTopicRegex: null,
    serverAssignor: null,
    assignment,
    pendingRevocation: EMPTY_ASSIGNMENT,
    targetAssignment: null,
    classic: {
      protocols: selectedProtocol === null ? [] : [selectedProtocol],
      isLeader: false,
      awaitingJoin: false,
      awaitingSync: false,
      ownedPartitions: owned,
      reportedGeneration: sub !== null && sub.version >= 2 && sub.GenerationId >= 0 ? sub.GenerationId : null,
      sessionTimeoutMs: -1,
      rebalanceTimeoutMs: -1,
    },
    client: null,
  };
}

export interface SnapshotInputs {
  readonly sourceId: string;
  readonly timeMs: number;
  readonly described: DescribedGroup & { readonly kind: 'consumer' | 'classic' };
  /** Null when offsets were not asked for (no lag in the snapshot). */
  readonly committed: readonly CommittedOffset[] | null;
  /** By tpKey; partitions missing here are left out of the lag. */
  readonly logOffsets: ReadonlyMap<string, LogOffsets> | null;
  readonly metadata: ClusterMetadata | null;
}

/** Builds the snapshot of one described group. */
export function toGroupSnapshot(i: SnapshotInputs): GroupSnapshot {
  const d = i.described;
  const coordinator = { nodeId: d.coordinator.nodeId, host: d.coordinator.host, port: d.coordinator.port };
  let members: MemberSnapshot[];
  let base: Pick<
    GroupSnapshot,
    | 'protocol'
    | 'state'
    | 'groupEpoch'
    | 'targetAssignmentEpoch'
    | 'assignor'
    | 'rebalanceProtocol'
    | 'leaderId'
  >;
  if (d.kind === 'consumer') {
    const g = d.group;
    members = g.Members.map((m) => consumerMember(m, g.AssignmentEpoch)).sort(byMemberId);
    base = {
      protocol: 'consumer',
      state: parseGroupState(g.GroupState, 'consumer'),
      groupEpoch: g.GroupEpoch,
      targetAssignmentEpoch: g.AssignmentEpoch,
      assignor: g.AssignorName === '' ? null : g.AssignorName,
      rebalanceProtocol: null,
      leaderId: null,
    };
  } else {
    const g = d.group;
    const selected = g.ProtocolData === '' ? null : g.ProtocolData;
    members = d.members.map((m) => classicMember(m, selected)).sort(byMemberId);
    base = {
      protocol: 'classic',
      state: parseGroupState(g.GroupState, 'classic'),
      groupEpoch: -1,
      targetAssignmentEpoch: null,
      assignor: selected,
      rebalanceProtocol: rebalanceProtocolOf(selected),
      leaderId: null,
    };
  }
  const lag = i.committed === null ? null : buildLag(members, i.committed, i.logOffsets ?? new Map());
  return {
    sourceId: i.sourceId,
    groupId: d.groupId,
    ...base,
    timeMs: i.timeMs,
    coordinator,
    members,
    topics: topicsOf(members, i.committed ?? [], i.metadata),
    lag,
    stale: null,
  };
}

function topicsOf(
  members: readonly MemberSnapshot[],
  committed: readonly CommittedOffset[],
  metadata: ClusterMetadata | null,
): TopicInfo[] {
  const names = new Set<string>();
  for (const m of members) {
    for (const t of m.subscribedTopicNames) names.add(t);
    for (const t of Object.keys(m.assignment)) names.add(t);
    for (const t of Object.keys(m.targetAssignment ?? {})) names.add(t);
  }
  for (const c of committed) names.add(c.topic);
  const out: TopicInfo[] = [];
  for (const name of [...names].sort()) {
    const t = metadata?.topics.get(name);
    if (t === undefined || t.errorCode !== 0) continue;
    out.push({ name, topicId: t.topicId, partitions: t.partitions.length });
  }
  return out;
}

/**
 * The partitions a group "has": those it committed and those assigned to its members (the rows
 * kafka-consumer-groups --describe prints). Lag is log-end − committed; no commit → null.
 */
export function buildLag(
  members: readonly MemberSnapshot[],
  committed: readonly CommittedOffset[],
  logOffsets: ReadonlyMap<string, LogOffsets>,
): GroupLag {
  const owner = new Map<string, string>();
  for (const m of members) {
    for (const [topic, parts] of Object.entries(m.assignment)) {
      for (const p of parts) owner.set(tpKey(topic, p), m.memberId);
    }
  }
  const commitOf = new Map<string, number>();
  for (const c of committed) commitOf.set(tpKey(c.topic, c.partition), c.offset);
  const all = assignmentFromPartitions([
    ...committed.map((c) => ({ topic: c.topic, partition: c.partition })),
    ...members.flatMap((m) =>
      Object.entries(m.assignment).flatMap(([topic, parts]) =>
        parts.map((partition) => ({ topic, partition })),
      ),
    ),
  ]);
  const partitions: PartitionLag[] = [];
  let totalLag = 0;
  let withoutCommit = 0;
  for (const topic of Object.keys(all).sort()) {
    for (const partition of all[topic] ?? []) {
      const key = tpKey(topic, partition);
      const log = logOffsets.get(key);
      if (log === undefined) continue;
      const committedOffset = commitOf.get(key) ?? null;
      const lag = computeLag(committedOffset, log.logEndOffset);
      if (lag === null) withoutCommit++;
      else totalLag += lag;
      partitions.push({
        topic,
        partition,
        committedOffset,
        logStartOffset: log.logStartOffset,
        logEndOffset: log.logEndOffset,
        lag,
        ownerMemberId: owner.get(key) ?? null,
        belowLogStart: committedOffset !== null && committedOffset < log.logStartOffset,
        status: null,
      });
    }
  }
  return { totalLag, partitionsWithoutCommit: withoutCommit, status: null, partitions };
}
