/**
 * A consumer-group member as the coordinator keeps it (Kafka's `ConsumerGroupMember`): immutable,
 * replaced wholesale on every change. Assigned and pending-revocation partitions carry, per
 * partition, the epoch at which the member was given it (Kafka 4.3; before 4.3 the epochs are kept
 * but play no part in any decision or equality).
 */
import type { MemberReconciliationState } from '../../model';
import type { TopicId } from '../assignors/api';
import type { HeartbeatTopicPartitions } from './messages';
import type {
  CurrentMemberAssignmentValue,
  MemberMetadataValue,
  RecordTopicPartitionsWithEpochs,
} from './records';

/** Partition → the epoch it was assigned at. */
export type PartitionEpochs = ReadonlyMap<number, number>;
/** Topic id → partitions with their assignment epochs. */
export type AssignmentWithEpochs = ReadonlyMap<TopicId, PartitionEpochs>;
/** A target assignment: topic id → partitions. */
export type TargetAssignment = ReadonlyMap<TopicId, ReadonlySet<number>>;

export const EMPTY_ASSIGNMENT_WITH_EPOCHS: AssignmentWithEpochs = new Map();
export const EMPTY_TARGET: TargetAssignment = new Map();
const NO_TOPICS: readonly string[] = Object.freeze([]);

export interface ConsumerGroupMember {
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberReconciliationState;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly clientId: string;
  readonly clientHost: string;
  /**
   * The subscribed topic names in the iteration order of the Java `HashSet` Kafka keeps them in
   * (which is also the order its records list them). Treat it as a set.
   */
  readonly subscribedTopicNames: readonly string[];
  /** "" when the member does not subscribe with a regex. */
  readonly subscribedTopicRegex: string;
  readonly serverAssignorName: string | null;
  readonly assignedPartitions: AssignmentWithEpochs;
  readonly partitionsPendingRevocation: AssignmentWithEpochs;
}

/** `new ConsumerGroupMember.Builder(memberId).build()`. */
export function newMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    state: 'STABLE',
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: NO_TOPICS,
    subscribedTopicRegex: '',
    serverAssignorName: null,
    assignedPartitions: EMPTY_ASSIGNMENT_WITH_EPOCHS,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT_WITH_EPOCHS,
  };
}

export function isReconciledTo(m: ConsumerGroupMember, targetAssignmentEpoch: number): boolean {
  return m.state === 'STABLE' && m.memberEpoch === targetAssignmentEpoch;
}

/** The regex, or null when the member has none (`subscribedTopicRegexOrNull`). */
export function regexOrNull(m: ConsumerGroupMember | undefined): string | null {
  return m !== undefined && m.subscribedTopicRegex !== '' ? m.subscribedTopicRegex : null;
}

export function sameStringSet(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  const s = new Set(a);
  for (const x of b) if (!s.has(x)) return false;
  return true;
}

/** Equality of two assignments, with or without comparing the per-partition epochs. */
export function assignmentsWithEpochsEqual(
  a: AssignmentWithEpochs,
  b: AssignmentWithEpochs,
  withEpochs: boolean,
): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [t, pa] of a) {
    const pb = b.get(t);
    if (pb === undefined || pa.size !== pb.size) return false;
    for (const [p, e] of pa) {
      const eb = pb.get(p);
      if (eb === undefined || (withEpochs && eb !== e)) return false;
    }
  }
  return true;
}

export function targetsEqual(a: TargetAssignment | undefined, b: TargetAssignment | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (a.size !== b.size) return false;
  for (const [t, pa] of a) {
    const pb = b.get(t);
    if (pb === undefined || pa.size !== pb.size) return false;
    for (const p of pa) if (!pb.has(p)) return false;
  }
  return true;
}

/** `ConsumerGroupMember.equals`; per-partition epochs count only when `withEpochs` (4.3+). */
export function membersEqual(a: ConsumerGroupMember, b: ConsumerGroupMember, withEpochs: boolean): boolean {
  return (
    a === b ||
    (a.memberId === b.memberId &&
      a.memberEpoch === b.memberEpoch &&
      a.previousMemberEpoch === b.previousMemberEpoch &&
      a.state === b.state &&
      a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
      a.instanceId === b.instanceId &&
      a.rackId === b.rackId &&
      a.clientId === b.clientId &&
      a.clientHost === b.clientHost &&
      sameStringSet(a.subscribedTopicNames, b.subscribedTopicNames) &&
      a.subscribedTopicRegex === b.subscribedTopicRegex &&
      a.serverAssignorName === b.serverAssignorName &&
      assignmentsWithEpochsEqual(a.assignedPartitions, b.assignedPartitions, withEpochs) &&
      assignmentsWithEpochsEqual(a.partitionsPendingRevocation, b.partitionsPendingRevocation, withEpochs))
  );
}

/** Whether the owned partitions reported by the client contain any partition of `set`. */
export function ownsAnyOf(
  owned: readonly HeartbeatTopicPartitions[] | null,
  set: AssignmentWithEpochs,
): boolean {
  if (owned === null) return true;
  for (const tp of owned) {
    const parts = set.get(tp.topicId);
    if (parts === undefined) continue;
    for (const p of tp.partitions) if (parts.has(p)) return true;
  }
  return false;
}

/** `isSubset`: every owned partition is in `assigned` (false when `owned` is null). */
export function ownedIsSubsetOf(
  owned: readonly HeartbeatTopicPartitions[] | null,
  assigned: AssignmentWithEpochs,
): boolean {
  if (owned === null) return false;
  for (const tp of owned) {
    const parts = assigned.get(tp.topicId);
    if (parts === undefined) return false;
    for (const p of tp.partitions) if (!parts.has(p)) return false;
  }
  return true;
}

export function partitionCountOf(a: AssignmentWithEpochs | TargetAssignment): number {
  let n = 0;
  for (const s of a.values()) n += s.size;
  return n;
}

/** Topic ids sorted, partitions ascending: the canonical order records use. */
function sortedTopics<T>(m: ReadonlyMap<TopicId, T>): TopicId[] {
  return [...m.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/**
 * Record form ↔ state form caches. Assignments are immutable, so a member whose partitions do not
 * change keeps the same map through reconcile → record → apply, and its record reuses the same
 * (read-only) lists. A record read back from elsewhere simply misses the cache.
 */
const toRecordCache = new WeakMap<AssignmentWithEpochs, readonly RecordTopicPartitionsWithEpochs[]>();
const toRecordCacheNoEpochs = new WeakMap<AssignmentWithEpochs, readonly RecordTopicPartitionsWithEpochs[]>();
const fromRecordCache = new WeakMap<readonly RecordTopicPartitionsWithEpochs[], AssignmentWithEpochs>();

export function toRecordPartitions(
  a: AssignmentWithEpochs,
  withEpochs: boolean,
): readonly RecordTopicPartitionsWithEpochs[] {
  const cache = withEpochs ? toRecordCache : toRecordCacheNoEpochs;
  const hit = cache.get(a);
  if (hit !== undefined) return hit;
  const out = buildRecordPartitions(a, withEpochs);
  cache.set(a, out);
  // Without epochs a record cannot restore them, so only the 4.3 form maps back to the object.
  if (withEpochs) fromRecordCache.set(out, a);
  return out;
}

function buildRecordPartitions(
  a: AssignmentWithEpochs,
  withEpochs: boolean,
): RecordTopicPartitionsWithEpochs[] {
  return sortedTopics(a).map((topicId) => {
    const parts = a.get(topicId) ?? new Map<number, number>();
    const partitions = [...parts.keys()].sort((x, y) => x - y);
    return withEpochs
      ? { topicId, partitions, assignmentEpochs: partitions.map((p) => parts.get(p) ?? 0) }
      : { topicId, partitions };
  });
}

export function targetToRecordPartitions(a: TargetAssignment): { topicId: TopicId; partitions: number[] }[] {
  return sortedTopics(a).map((topicId) => ({
    topicId,
    partitions: [...(a.get(topicId) ?? [])].sort((x, y) => x - y),
  }));
}

/** `Utils.assignmentFromTopicPartitions`: epochs from the record, else max(defaultEpoch, 0). */
export function assignmentFromRecord(
  tps: readonly RecordTopicPartitionsWithEpochs[],
  defaultEpoch: number,
): AssignmentWithEpochs {
  if (tps.length === 0) return EMPTY_ASSIGNMENT_WITH_EPOCHS;
  const hit = fromRecordCache.get(tps);
  if (hit !== undefined) return hit;
  const fallback = Math.max(defaultEpoch, 0);
  const out = new Map<TopicId, Map<number, number>>();
  for (const tp of tps) {
    const epochs = tp.assignmentEpochs;
    const m = new Map<number, number>();
    const useEpochs = epochs !== undefined && epochs.length === tp.partitions.length;
    tp.partitions.forEach((p, i) => m.set(p, useEpochs ? epochs[i] : fallback));
    out.set(tp.topicId, m);
  }
  return out;
}

export function targetFromRecord(
  tps: readonly { topicId: TopicId; partitions: readonly number[] }[],
): TargetAssignment {
  if (tps.length === 0) return EMPTY_TARGET;
  const out = new Map<TopicId, ReadonlySet<number>>();
  for (const tp of tps) if (tp.partitions.length > 0) out.set(tp.topicId, new Set(tp.partitions));
  return out;
}

/** `resetAssignedPartitionsEpochsToZero` (4.3 static leave). */
export function withEpochsReset(a: AssignmentWithEpochs): AssignmentWithEpochs {
  if (a.size === 0) return a;
  const out = new Map<TopicId, Map<number, number>>();
  for (const [t, parts] of a) out.set(t, new Map([...parts.keys()].map((p) => [p, 0])));
  return out;
}

export function memberMetadataValue(m: ConsumerGroupMember): MemberMetadataValue {
  return {
    instanceId: m.instanceId,
    rackId: m.rackId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscribedTopicNames: [...m.subscribedTopicNames],
    subscribedTopicRegex: m.subscribedTopicRegex,
    serverAssignor: m.serverAssignorName,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
  };
}

export function currentAssignmentValue(
  m: ConsumerGroupMember,
  withEpochs: boolean,
): CurrentMemberAssignmentValue {
  return {
    memberEpoch: m.memberEpoch,
    previousMemberEpoch: m.previousMemberEpoch,
    state: m.state,
    assignedPartitions: toRecordPartitions(m.assignedPartitions, withEpochs),
    partitionsPendingRevocation: toRecordPartitions(m.partitionsPendingRevocation, withEpochs),
  };
}
