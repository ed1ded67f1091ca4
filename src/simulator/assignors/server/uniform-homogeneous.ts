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
} from '../api';
import {
  addSortedPairs,
  assignmentPartitionOrder,
  assignmentTopicOrder,
  compareStrings,
  countPairs,
  FreshOutputs,
  orderedMembers,
  pairKey,
  pairPartition,
  pairTopic,
  PartitionList,
  sortedPairs,
  TopicTable,
  unchangedOutput,
} from './common';
import { EditLog } from './edit-log';
import { AssignmentTable } from '../assignment-view';

export function assignUniformHomogeneous(
  spec: GroupSpec,
  topics: SubscribedTopicDescriber,
  ordering: OrderingMode,
  version: KafkaVersion = DEFAULT_KAFKA_VERSION,
): GroupAssignment {
  const { ids: memberIds, specs } = orderedMembers(spec, ordering);
  const result: GroupAssignment = new Map();
  if (memberIds.length === 0) return result;
  const firstSubscription = [...specs[0].subscribedTopicIds];
  const topicOrder =
    ordering === 'exact'
      ? javaHashOrder(JAVA_UUID, firstSubscription, 'copy')
      : firstSubscription.sort(compareStrings);
  if (topicOrder.length === 0) return result;
  // Topics numbered in iteration order: 0 … T-1 are the subscribed ones.
  const table = new TopicTable();
  for (const t of topicOrder) table.intern(t);
  const topicCount = topicOrder.length;

  // Unassigned partitions: topic by topic in iteration order, then those revoked below.
  let total = 0;
  const counts = new Int32Array(topicCount);
  for (let ti = 0; ti < topicCount; ti++) {
    const n = topics.numPartitions(topicOrder[ti]);
    if (n === -1) {
      throw new PartitionAssignorError(
        `Members are subscribed to topic ${topicOrder[ti]} which doesn't exist in the topic metadata.`,
      );
    }
    counts[ti] = n;
    total += n;
  }
  const unassigned = new PartitionList(total);
  for (let ti = 0; ti < topicCount; ti++) {
    const t = topicOrder[ti];
    for (let p = 0; p < counts[ti]; p++) if (!spec.isPartitionAssigned(t, p)) unassigned.push(ti, p);
  }

  const memberCount = memberIds.length;
  const minQuota = Math.floor(total / memberCount);
  let remainingExtra = total % memberCount;
  const legacyExtra = version === '4.0';
  // Exact mode logs Kafka's edits. Canonical mode iterates sorted, so an edited member keeps
  // the first kept[i] of its previous (topic, partition) pairs in that order (-1: not edited).
  const log = ordering === 'exact' ? new EditLog(memberCount, table) : null;
  const kept = new Int32Array(log === null ? memberCount : 0).fill(-1);
  const unfilled: number[] = [];
  const unfilledQuota: number[] = [];

  for (let memberIndex = 0; memberIndex < memberCount; memberIndex++) {
    const old = specs[memberIndex].assignment;
    let quota = minQuota;
    let hasExtra = false;
    if (remainingExtra > 0) {
      quota++;
      if (legacyExtra) remainingExtra--;
      else hasExtra = true;
    }

    // Order only matters when something must be dropped; skip it otherwise.
    if (old.size > 0) {
      let held = 0;
      let foreign = false;
      old.forEach((ps, t) => {
        const ti = table.indexOf(t);
        if (ti !== undefined && ti < topicCount) held += ps.size;
        else foreign = true;
      });
      if (!foreign && held <= quota) {
        quota -= held;
      } else if (log === null) {
        // Keep the first `quota` pairs in (topic, partition) order, give up the rest in order.
        const keys = sortedPairs(old, table, topicCount);
        const keep = Math.min(held, quota);
        for (let k = keep; k < held; k++) unassigned.push(pairTopic(keys[k]), pairPartition(keys[k]));
        quota -= keep;
        kept[memberIndex] = keep;
      } else {
        for (const t of assignmentTopicOrder(old, ordering)) {
          const ps = old.get(t) as ReadonlySet<number>;
          const ti = table.indexOf(t);
          if (ti === undefined || ti >= topicCount) log.removeTopic(memberIndex, table.intern(t));
          else if (ps.size <= quota) quota -= ps.size;
          else {
            for (const p of assignmentPartitionOrder(ps, ordering)) {
              if (quota > 0) quota--;
              else {
                log.removePartition(memberIndex, ti, p);
                unassigned.push(ti, p);
              }
            }
          }
        }
      }
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

  // Outputs are views of the list (where slices fit as they are) and of what follows it.
  const out = new AssignmentTable(table.ids, unassigned.partition, unassigned.length);
  const fresh = new FreshOutputs(unassigned, table, ordering, out);
  if (log !== null) {
    for (let i = 0; i < memberCount; i++) {
      const from = sliceStart[i];
      if (from < 0 || specs[i].assignment.size === 0) continue;
      // Kafka copies the map before adding, even when nothing is left to add.
      log.copy(i);
      for (let k = from; k < sliceEnd[i]; k++)
        log.addPartition(i, unassigned.topic[k], unassigned.partition[k]);
    }
    for (let i = 0; i < memberCount; i++) {
      const old = specs[i].assignment;
      let output;
      if (sliceStart[i] >= 0 && old.size === 0) output = fresh.output(sliceStart[i], sliceEnd[i]);
      else output = log.isCopied(i) ? log.output(i, old, out) : unchangedOutput(old);
      result.set(memberIds[i], output);
    }
    return result;
  }
  for (let i = 0; i < memberCount; i++) {
    const old = specs[i].assignment;
    const from = sliceStart[i];
    if (kept[i] < 0 && (from < 0 || old.size === 0)) {
      result.set(memberIds[i], from < 0 ? unchangedOutput(old) : fresh.output(from, sliceEnd[i]));
      continue;
    }
    // Kept pairs plus the slice, sorted.
    const held = kept[i] < 0 ? countPairs(old, table, topicCount) : kept[i];
    const keys = sortedPairs(old, table, topicCount, from < 0 ? 0 : sliceEnd[i] - from);
    let n = held;
    for (let k = from; k >= 0 && k < sliceEnd[i]; k++)
      keys[n++] = pairKey(unassigned.topic[k], unassigned.partition[k]);
    const first = out.count;
    addSortedPairs(keys, n, out);
    result.set(memberIds[i], out.view(first));
  }
  return result;
}
