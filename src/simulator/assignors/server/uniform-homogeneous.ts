/**
 * Kafka's UniformHomogeneousAssignmentBuilder (group-coordinator `assignor/`), for groups whose
 * members all subscribe to the same topics. Balance first (every member ends with ⌊P/M⌋ or
 * ⌈P/M⌉ partitions), then stickiness: each member keeps a prefix of its previous target (in
 * iteration order) up to its quota; freed and new partitions go to members below quota, in order.
 *
 * Version difference (KAFKA-18688, Kafka 4.1): in 4.0 the P mod M extra partitions go to the
 * first members iterated, so a later member already holding ⌈P/M⌉ loses one. From 4.1 a member
 * keeps its extra partition unless it would leave too few members to take the remaining extras.
 */
import { JAVA_UUID } from '../../java/keys';
import { javaHashOrder } from '../../java/order';
import {
  DEFAULT_KAFKA_VERSION,
  PartitionAssignorError,
  type GroupAssignment,
  type GroupSpec,
  type KafkaVersion,
  type OrderingMode,
  type SubscribedTopicDescriber,
  type TopicId,
} from '../api';
import {
  assignmentPartitionOrder,
  assignmentTopicOrder,
  compareStrings,
  editableCopy,
  memberIdOrder,
  unchangedOutput,
  type AssignmentEditor,
} from './common';

export function assignUniformHomogeneous(
  spec: GroupSpec,
  topics: SubscribedTopicDescriber,
  ordering: OrderingMode,
  version: KafkaVersion = DEFAULT_KAFKA_VERSION,
): GroupAssignment {
  const memberIds = memberIdOrder(spec, ordering);
  const result: GroupAssignment = new Map();
  if (memberIds.length === 0) return result;
  const firstSubscription = [...(spec.members.get(memberIds[0])?.subscribedTopicIds ?? [])];
  const topicOrder =
    ordering === 'exact'
      ? javaHashOrder(JAVA_UUID, firstSubscription, 'copy')
      : firstSubscription.sort(compareStrings);
  if (topicOrder.length === 0) return result;
  const subscribed = new Set(topicOrder);

  // Unassigned partitions: topic by topic in iteration order, then those revoked below.
  const unassignedTopic: TopicId[] = [];
  const unassignedPartition: number[] = [];
  let total = 0;
  for (const t of topicOrder) {
    const n = topics.numPartitions(t);
    if (n === -1) {
      throw new PartitionAssignorError(
        `Members are subscribed to topic ${t} which doesn't exist in the topic metadata.`,
      );
    }
    for (let p = 0; p < n; p++) {
      if (!spec.isPartitionAssigned(t, p)) {
        unassignedTopic.push(t);
        unassignedPartition.push(p);
      }
    }
    total += n;
  }

  const memberCount = memberIds.length;
  const minQuota = Math.floor(total / memberCount);
  let remainingExtra = total % memberCount;
  const legacyExtra = version === '4.0';
  const edited = new Map<string, AssignmentEditor>();
  const unfilledIds: string[] = [];
  const unfilledQuota: number[] = [];

  for (let memberIndex = 0; memberIndex < memberCount; memberIndex++) {
    const memberId = memberIds[memberIndex];
    const old = spec.members.get(memberId)?.assignment ?? new Map<TopicId, ReadonlySet<number>>();
    let quota = minQuota;
    let hasExtra = false;
    if (remainingExtra > 0) {
      quota++;
      if (legacyExtra) remainingExtra--;
      else hasExtra = true;
    }

    // Order only matters when something must be dropped; skip it otherwise.
    let kept = 0;
    let foreign = false;
    for (const [t, ps] of old) {
      if (subscribed.has(t)) kept += ps.size;
      else foreign = true;
    }
    if (!foreign && kept <= quota) {
      quota -= kept;
    } else {
      let edit: AssignmentEditor | undefined;
      for (const t of assignmentTopicOrder(old, ordering)) {
        const ps = old.get(t) as ReadonlySet<number>;
        if (!subscribed.has(t)) {
          edit ??= editableCopy(old, ordering);
          edit.removeTopic(t);
        } else if (ps.size <= quota) {
          quota -= ps.size;
        } else {
          for (const p of assignmentPartitionOrder(ps, ordering)) {
            if (quota > 0) quota--;
            else {
              edit ??= editableCopy(old, ordering);
              edit.removePartition(t, p);
              unassignedTopic.push(t);
              unassignedPartition.push(p);
            }
          }
        }
      }
      if (edit !== undefined) edited.set(memberId, edit);
    }

    if (!legacyExtra && quota > 0 && hasExtra && memberCount - memberIndex > remainingExtra) {
      // Leave the extra partition to a later member that already holds it.
      quota--;
      hasExtra = false;
    }
    if (quota > 0) {
      unfilledIds.push(memberId);
      unfilledQuota.push(quota);
    }
    if (hasExtra) remainingExtra--;
  }

  let next = 0;
  const unassignedCount = unassignedTopic.length;
  for (let i = 0; i < unfilledIds.length; i++) {
    const memberId = unfilledIds[i];
    let edit = edited.get(memberId);
    if (edit === undefined) {
      // Kafka copies the map before adding, even when nothing is left to add.
      edit = editableCopy(spec.members.get(memberId)?.assignment ?? new Map(), ordering);
      edited.set(memberId, edit);
    }
    const quota = unfilledQuota[i];
    for (let q = 0; q < quota && next < unassignedCount; q++, next++) {
      edit.addPartition(unassignedTopic[next], unassignedPartition[next]);
    }
  }
  if (next < unassignedCount) throw new PartitionAssignorError('Partitions were left unassigned');

  for (const memberId of memberIds) {
    const edit = edited.get(memberId);
    result.set(
      memberId,
      edit !== undefined
        ? edit.toOutput()
        : unchangedOutput(spec.members.get(memberId)?.assignment ?? new Map(), ordering),
    );
  }
  return result;
}
