/**
 * Computing a new target assignment (Kafka's `TargetAssignmentBuilder`): every member's spec
 * (subscribed topic ids and its current *target* assignment, the stickiness input), the updated
 * member replacing its old spec, a replaced static member's spec dropped and its target handed to
 * its successor; then the assignor, then one record per member whose target changed and one
 * record with the new assignment epoch.
 */
import type {
  GroupAssignment,
  GroupSpec,
  MemberSubscriptionAndAssignment,
  OrderingMode,
  ServerAssignor,
  SubscribedTopicDescriber,
  SubscriptionType,
  TopicId,
} from '../assignors/api';
import { JAVA_STRING } from '../java/keys';
import { javaHashOrder } from '../java/order';
import {
  type ConsumerGroupMember,
  EMPTY_TARGET,
  type TargetAssignment,
  targetsEqual,
  targetToRecordPartitions,
} from './member';
import type { ConsumerGroupRecord } from './records';

export interface TargetAssignmentInput {
  readonly groupId: string;
  readonly groupEpoch: number;
  readonly assignor: ServerAssignor;
  readonly ordering: OrderingMode;
  /** The group's members in Kafka's members-map iteration order. */
  readonly members: readonly ConsumerGroupMember[];
  readonly staticMembers: ReadonlyMap<string, string>;
  readonly targetAssignment: ReadonlyMap<string, TargetAssignment>;
  readonly invertedTargetAssignment: ReadonlyMap<TopicId, ReadonlyMap<number, string>>;
  readonly subscriptionType: SubscriptionType;
  /** `addOrUpdateMember` (a member) and `removeMember` (null), in call order. */
  readonly updatedMembers: readonly (readonly [string, ConsumerGroupMember | null])[];
  readonly topicIdsOf: (member: ConsumerGroupMember) => ReadonlySet<TopicId>;
  readonly describer: SubscribedTopicDescriber;
  readonly nowMs: number;
  /** 4.3+: the assignment-metadata record carries the computation time. */
  readonly withTimestamp: boolean;
}

export interface TargetAssignmentResult {
  readonly records: ConsumerGroupRecord[];
  readonly assignment: GroupAssignment;
  /** The member ids in the order they were handed to the assignor (`GroupSpec.members`). */
  readonly memberOrder: readonly string[];
}

function spec(
  member: ConsumerGroupMember,
  assignment: TargetAssignment,
  topicIdsOf: (m: ConsumerGroupMember) => ReadonlySet<TopicId>,
): MemberSubscriptionAndAssignment {
  return {
    rackId: member.rackId,
    instanceId: member.instanceId,
    subscribedTopicIds: topicIdsOf(member),
    assignment,
  };
}

/** Builds the specs, runs the assignor and diffs the result. Assignor errors propagate. */
export function buildTargetAssignment(input: TargetAssignmentInput): TargetAssignmentResult {
  const { targetAssignment, topicIdsOf } = input;
  const specs = new Map<string, MemberSubscriptionAndAssignment>();
  for (const m of input.members) {
    specs.set(m.memberId, spec(m, targetAssignment.get(m.memberId) ?? EMPTY_TARGET, topicIdsOf));
  }
  for (const [memberId, updated] of input.updatedMembers) {
    if (updated === null) {
      specs.delete(memberId);
      continue;
    }
    let assignment = targetAssignment.get(memberId) ?? EMPTY_TARGET;
    if (updated.instanceId !== null) {
      const previous = input.staticMembers.get(updated.instanceId);
      if (previous !== undefined && previous !== memberId)
        assignment = targetAssignment.get(previous) ?? EMPTY_TARGET;
    }
    specs.set(memberId, spec(updated, assignment, topicIdsOf));
  }

  // `exact`: the insertion order Kafka used (members-map order, then the updated member), which the
  // assignor turns into Java's HashMap order. `canonical`: sorted by member id.
  let ordered = specs;
  if (input.ordering !== 'exact') {
    // Plain sort() orders strings by UTF-16 code units, like Java's String.compareTo.
    const ids = [...specs.keys()].sort();
    ordered = new Map(ids.map((id) => [id, specs.get(id) as MemberSubscriptionAndAssignment]));
  }
  const inverted = input.invertedTargetAssignment;
  const groupSpec: GroupSpec = {
    members: ordered,
    subscriptionType: input.subscriptionType,
    isPartitionAssigned: (topicId, partition) => inverted.get(topicId)?.has(partition) ?? false,
  };
  const assignment = input.assignor.assign(groupSpec, input.describer, { ordering: input.ordering });

  // Records in the iteration order of Kafka's `HashMap<String, ...> memberSpecs` (exact) or sorted.
  const memberOrder = [...ordered.keys()];
  const recordOrder = input.ordering === 'exact' ? javaHashOrder(JAVA_STRING, memberOrder) : memberOrder;
  const records: ConsumerGroupRecord[] = [];
  for (const memberId of recordOrder) {
    const next: TargetAssignment = assignment.get(memberId) ?? EMPTY_TARGET;
    if (!targetsEqual(next, targetAssignment.get(memberId))) {
      records.push({
        type: 'ConsumerGroupTargetAssignmentMember',
        key: { groupId: input.groupId, memberId },
        value: { topicPartitions: targetToRecordPartitions(next) },
      });
    }
  }
  records.push({
    type: 'ConsumerGroupTargetAssignmentMetadata',
    key: { groupId: input.groupId },
    value: input.withTimestamp
      ? { assignmentEpoch: input.groupEpoch, assignmentTimestamp: input.nowMs }
      : { assignmentEpoch: input.groupEpoch },
  });
  return { records, assignment, memberOrder };
}
