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
  freshOutput,
  memberIdOrder,
  PartitionList,
  unchangedOutput,
  type AssignmentEditor,
  type ReadonlyAssignment,
} from './common';

const EMPTY: ReadonlyAssignment = new Map();

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
  const topicIndex = new Map<TopicId, number>();
  topicOrder.forEach((t, i) => topicIndex.set(t, i));

  // Unassigned partitions: topic by topic in iteration order, then those revoked below.
  let total = 0;
  const counts: number[] = [];
  for (const t of topicOrder) {
    const n = topics.numPartitions(t);
    if (n === -1) {
      throw new PartitionAssignorError(
        `Members are subscribed to topic ${t} which doesn't exist in the topic metadata.`,
      );
    }
    counts.push(n);
    total += n;
  }
  const unassigned = new PartitionList(total);
  for (let ti = 0; ti < topicOrder.length; ti++) {
    const t = topicOrder[ti];
    for (let p = 0; p < counts[ti]; p++) if (!spec.isPartitionAssigned(t, p)) unassigned.push(ti, p);
  }

  const memberCount = memberIds.length;
  const minQuota = Math.floor(total / memberCount);
  let remainingExtra = total % memberCount;
  const legacyExtra = version === '4.0';
  const edits: (AssignmentEditor | undefined)[] = new Array<AssignmentEditor | undefined>(memberCount);
  const unfilled: number[] = [];
  const unfilledQuota: number[] = [];
  const olds: ReadonlyAssignment[] = memberIds.map((id) => spec.members.get(id)?.assignment ?? EMPTY);

  for (let memberIndex = 0; memberIndex < memberCount; memberIndex++) {
    const old = olds[memberIndex];
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
      if (topicIndex.has(t)) kept += ps.size;
      else foreign = true;
    }
    if (!foreign && kept <= quota) {
      quota -= kept;
    } else {
      let edit: AssignmentEditor | undefined;
      for (const t of assignmentTopicOrder(old, ordering)) {
        const ps = old.get(t) as ReadonlySet<number>;
        const ti = topicIndex.get(t);
        if (ti === undefined) {
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
              unassigned.push(ti, p);
            }
          }
        }
      }
      edits[memberIndex] = edit;
    }

    if (!legacyExtra && quota > 0 && hasExtra && memberCount - memberIndex > remainingExtra) {
      // Leave the extra partition to a later member that already holds it.
      quota--;
      hasExtra = false;
    }
    if (quota > 0) {
      unfilled.push(memberIndex);
      unfilledQuota.push(quota);
    }
    if (hasExtra) remainingExtra--;
  }

  // Each unfilled member takes the next `quota` unassigned partitions: a slice of the list.
  const sliceStart = new Int32Array(memberCount).fill(-1);
  const sliceEnd = new Int32Array(memberCount);
  let next = 0;
  for (let i = 0; i < unfilled.length; i++) {
    const end = Math.min(next + unfilledQuota[i], unassigned.length);
    sliceStart[unfilled[i]] = next;
    sliceEnd[unfilled[i]] = end;
    next = end;
  }
  if (next < unassigned.length) throw new PartitionAssignorError('Partitions were left unassigned');

  for (let i = 0; i < memberCount; i++) {
    const memberId = memberIds[i];
    const old = olds[i];
    const from = sliceStart[i];
    let edit = edits[i];
    if (from < 0) {
      result.set(memberId, edit !== undefined ? edit.toOutput() : unchangedOutput(old));
      continue;
    }
    const to = sliceEnd[i];
    if (edit === undefined && old.size === 0) {
      result.set(memberId, freshOutput(unassigned, from, to, topicOrder, ordering));
      continue;
    }
    // Kafka copies the map before adding, even when nothing is left to add.
    edit ??= editableCopy(old, ordering);
    for (let k = from; k < to; k++)
      edit.addPartition(topicOrder[unassigned.topic[k]], unassigned.partition[k]);
    result.set(memberId, edit.toOutput());
  }
  return result;
}
