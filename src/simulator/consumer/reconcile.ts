/**
 * The reconciliation engine (Kafka's `CurrentAssignmentBuilder`): given a member's current state,
 * the target assignment and what the member reports it owns, the member's next state.
 *
 * The rule it exists for: a partition goes to its new owner only once no member holds it in its
 * assigned or pending-revocation set (`currentPartitionEpoch(t, p) == -1`). A member with
 * partitions to give up stays at its epoch in UNREVOKED_PARTITIONS until its heartbeat no longer
 * lists them; a member waiting for partitions still held elsewhere moves to the target epoch in
 * UNRELEASED_PARTITIONS and picks them up on a later heartbeat.
 */
import type { TopicId } from '../assignors/api';
import { CoordinatorError } from '../errors';
import type { ConsumerProtocolFeatures } from './features';
import type { HeartbeatTopicPartitions } from './messages';
import {
  type AssignmentWithEpochs,
  type ConsumerGroupMember,
  EMPTY_ASSIGNMENT_WITH_EPOCHS,
  ownsAnyOf,
  type TargetAssignment,
} from './member';

export interface ReconcileInput {
  readonly member: ConsumerGroupMember;
  readonly targetAssignmentEpoch: number;
  readonly targetAssignment: TargetAssignment;
  /** The epoch of the member holding the partition, or -1 when nobody holds it. */
  readonly currentPartitionEpoch: (topicId: TopicId, partition: number) => number;
  /** Partitions the member reported in this heartbeat; null when it did not send them. */
  readonly ownedTopicPartitions: readonly HeartbeatTopicPartitions[] | null;
  /** 4.2+: the member changed its subscription in this heartbeat. */
  readonly hasSubscriptionChanged: boolean;
  /** 4.2+: the topic ids the member subscribes to (names ∪ resolved regex, through the metadata). */
  readonly subscribedTopicIds: () => ReadonlySet<TopicId>;
  readonly features: ConsumerProtocolFeatures;
}

const NO_PARTITIONS: ReadonlySet<number> = new Set();
const NO_EPOCHS: ReadonlyMap<number, number> = new Map();

/** `CurrentAssignmentBuilder.build()`. Returns the same object when nothing changes. */
export function reconcile(input: ReconcileInput): ConsumerGroupMember {
  const { member, targetAssignmentEpoch, features } = input;
  switch (member.state) {
    case 'STABLE':
      if (member.memberEpoch !== targetAssignmentEpoch) {
        return computeNextAssignment(input, member.memberEpoch, member.assignedPartitions);
      }
      if (features.subscriptionAwareReconciliation && input.hasSubscriptionChanged) {
        return updateCurrentAssignment(input, member.memberEpoch, member.assignedPartitions);
      }
      return member;
    case 'UNREVOKED_PARTITIONS':
      if (ownsAnyOf(input.ownedTopicPartitions, member.partitionsPendingRevocation)) {
        if (features.subscriptionAwareReconciliation && input.hasSubscriptionChanged) {
          return updateCurrentAssignment(input, member.memberEpoch, member.assignedPartitions);
        }
        return member;
      }
      return computeNextAssignment(
        input,
        features.revocationAckBumpsEpoch ? member.memberEpoch + 1 : member.memberEpoch,
        member.assignedPartitions,
      );
    case 'UNRELEASED_PARTITIONS':
      return computeNextAssignment(input, member.memberEpoch, member.assignedPartitions);
    case 'UNKNOWN':
      if (input.ownedTopicPartitions === null || input.ownedTopicPartitions.length > 0) {
        throw new CoordinatorError(
          'FENCED_MEMBER_EPOCH',
          'The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.',
        );
      }
      return computeNextAssignment(input, targetAssignmentEpoch, member.assignedPartitions);
  }
}

/** 4.2+: drops the partitions of topics the member no longer subscribes to (moved to pending). */
function updateCurrentAssignment(
  input: ReconcileInput,
  memberEpoch: number,
  assigned: AssignmentWithEpochs,
): ConsumerGroupMember {
  const { member, features } = input;
  const subscribed = input.subscribedTopicIds();
  let newAssigned: Map<TopicId, ReadonlyMap<number, number>> | null = null;
  let newPending: Map<TopicId, ReadonlyMap<number, number>>;
  if (subscribed.size === 0 && member.partitionsPendingRevocation.size === 0) {
    // Kafka compares map identities here, and a member's map always comes from a replayed record,
    // so this branch counts as a change even when nothing was assigned (4.3 then records the epoch).
    newAssigned = new Map();
    newPending = new Map(assigned);
  } else {
    newPending = new Map(member.partitionsPendingRevocation);
    for (const [topicId, parts] of assigned) {
      if (subscribed.has(topicId)) continue;
      newAssigned ??= new Map(assigned);
      newAssigned.delete(topicId);
      const existing = newPending.get(topicId);
      newPending.set(topicId, existing === undefined ? parts : new Map([...existing, ...parts]));
    }
  }
  if (newAssigned === null) return member;
  const epochUpdate = features.subscriptionShortcutUpdatesEpoch
    ? { memberEpoch, previousMemberEpoch: member.memberEpoch }
    : {};
  if (newPending.size > 0 && ownsAnyOf(input.ownedTopicPartitions, newPending)) {
    return {
      ...member,
      ...epochUpdate,
      state: 'UNREVOKED_PARTITIONS',
      assignedPartitions: newAssigned,
      partitionsPendingRevocation: newPending,
    };
  }
  return { ...member, ...epochUpdate, assignedPartitions: newAssigned };
}

function computeNextAssignment(
  input: ReconcileInput,
  memberEpoch: number,
  assigned: AssignmentWithEpochs,
): ConsumerGroupMember {
  const { member, targetAssignment, targetAssignmentEpoch, features } = input;
  const aware = features.subscriptionAwareReconciliation;
  const subscribed = aware ? input.subscribedTopicIds() : null;
  let hasUnreleased = false;
  const newAssigned = new Map<TopicId, ReadonlyMap<number, number>>();
  const newPending = new Map<TopicId, ReadonlyMap<number, number>>();
  const pendingAssignment = new Map<TopicId, number[]>();

  const visit = (topicId: TopicId): void => {
    let target = targetAssignment.get(topicId) ?? NO_PARTITIONS;
    if (subscribed !== null && !subscribed.has(topicId)) target = NO_PARTITIONS;
    const current = assigned.get(topicId) ?? NO_EPOCHS;
    const ownPending = aware ? (member.partitionsPendingRevocation.get(topicId) ?? NO_EPOCHS) : NO_EPOCHS;

    // Kept = current ∩ target (with their epochs); revoked = current − kept.
    let kept: Map<number, number> | null = null;
    let revoked: Map<number, number> | null = null;
    for (const [p, e] of current) {
      if (target.has(p)) (kept ??= new Map()).set(p, e);
      else (revoked ??= new Map()).set(p, e);
    }
    // To assign = target − kept − unreleased (held by someone else).
    let toAssign: number[] | null = null;
    for (const p of target) {
      if (current.has(p)) continue;
      if (input.currentPartitionEpoch(topicId, p) !== -1 && !ownPending.has(p)) {
        hasUnreleased = true;
        continue;
      }
      (toAssign ??= []).push(p);
    }
    if (kept !== null) newAssigned.set(topicId, kept);
    if (revoked !== null) newPending.set(topicId, revoked);
    if (toAssign !== null) pendingAssignment.set(topicId, toAssign);
  };
  for (const topicId of targetAssignment.keys()) visit(topicId);
  for (const topicId of assigned.keys()) if (!targetAssignment.has(topicId)) visit(topicId);
  // Nothing revoked or added: keep the (immutable) assignment object itself.
  const unchanged =
    newPending.size === 0 && pendingAssignment.size === 0 && newAssigned.size === assigned.size;

  if (newPending.size > 0 && ownsAnyOf(input.ownedTopicPartitions, newPending)) {
    return {
      ...member,
      state: 'UNREVOKED_PARTITIONS',
      memberEpoch,
      previousMemberEpoch: member.memberEpoch,
      assignedPartitions: newAssigned,
      partitionsPendingRevocation: newPending,
    };
  }
  if (pendingAssignment.size > 0) {
    for (const [topicId, parts] of pendingAssignment) {
      const m = new Map(newAssigned.get(topicId) ?? NO_EPOCHS);
      for (const p of parts) m.set(p, targetAssignmentEpoch);
      newAssigned.set(topicId, m);
    }
  }
  return {
    ...member,
    state: hasUnreleased ? 'UNRELEASED_PARTITIONS' : 'STABLE',
    memberEpoch: targetAssignmentEpoch,
    previousMemberEpoch: member.memberEpoch,
    assignedPartitions: unchanged
      ? assigned
      : newAssigned.size === 0
        ? EMPTY_ASSIGNMENT_WITH_EPOCHS
        : newAssigned,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT_WITH_EPOCHS,
  };
}
